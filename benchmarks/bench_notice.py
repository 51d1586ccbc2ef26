"""Notice pack benchmark: a dig with 200 conflicts, checked and written as a full pack.

    python benchmarks/bench_notice.py [--conflicts 200] [--background 20000] [--repeat 5]

Builds a register in a temporary folder (``--conflicts`` service lines crossing a
trench, from six owners, plus ``--background`` assets elsewhere), runs the real dig
check, then times ``write_notice_pack`` (summary PDF, one PDF per owner, GeoJSON,
CSV, Street Manager JSON, manifest, register records). Target (issue 5): ≤ 2 s.

Peer figure printed in the same run: the same conflict table laid out the
straightforward way, a reportlab ``Table`` of ``Paragraph`` cells, which the
pack's own table flowable replaces.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asset_register.check import Checker, DigSite, default_rules
from asset_register.model import BatchInfo, Owner
from asset_register.notices import write_notice_pack
from asset_register.notices.pdftable import wrap_text
from asset_register.store import create_register

X0, Y0 = 530000.0, 180000.0
OWNERS = [("UKPN", "UK Power Networks", "electricity"), ("SGN", "SGN", "gas"),
          ("TW", "Thames Water", "water"), ("BT", "BT Openreach", "telecoms"),
          ("TWS", "Thames Water Sewers", "sewer"), ("LBX", "Borough street lighting",
                                                    "street_lighting")]


def build_register(path: Path, conflicts: int, background: int):
    store = create_register(path)
    store.set_setting("authority_name", "Borough of Example")
    store.set_setting("notice_prefix", "BEN")
    rng = np.random.default_rng(5)
    length = conflicts * 0.5 + 10
    xs = X0 + 5 + np.arange(conflicts) * 0.5
    crossing = shapely.linestrings(np.stack([np.c_[xs, np.full(conflicts, Y0 - 4)],
                                             np.c_[xs, np.full(conflicts, Y0 + 6)]], axis=1))
    bx, by = rng.uniform(X0 + 300, X0 + 3000, background), rng.uniform(Y0, Y0 + 3000, background)
    far = shapely.linestrings(np.stack([np.c_[bx, by], np.c_[bx + 20, by + 5]], axis=1))
    geoms = np.concatenate([crossing, far])
    owner_idx = np.arange(len(geoms)) % len(OWNERS)
    for k, (code, name, utility) in enumerate(OWNERS):
        store.upsert_owner(Owner(code, name, f"0800 000 00{k}", f"0800 999 00{k}",
                                 f"plans@{code.lower()}.example"))
        mine = owner_idx == k
        frame = gpd.GeoDataFrame({
            "asset_id": [f"{code}:{i}" for i in np.flatnonzero(mine)], "owner": code,
            "utility": utility, "asset_class": "cable" if utility in ("electricity", "telecoms")
            else "pipe", "status": "in_service", "h_accuracy_m": 0.3,
            "diameter_mm": 100.0, "voltage": "LV" if utility == "electricity" else None,
        }, geometry=geoms[mine], crs=27700)
        store.write_batch(frame, BatchInfo(source_file=f"{code}.gpkg", owner=code))
        store.set_owner_coverage(code, shapely.box(X0 - 100, Y0 - 100, X0 + 3100, Y0 + 3100))
    footprint = shapely.box(X0, Y0, X0 + length, Y0 + 2)
    return store, footprint


def peer_platypus_table(result, path: Path) -> float:
    """The conflict table alone as a reportlab Table of Paragraphs (the usual way)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    style = getSampleStyleSheet()["BodyText"]
    style.fontSize, style.leading = 6.9, 8.4
    t0 = time.perf_counter()
    rows = [[Paragraph(h, style) for h in ("#", "Asset", "Owner", "Utility", "Distance",
                                          "Clearance", "Accuracy", "Severity / precaution")]]
    for i, r in enumerate(result.conflicts.itertuples(index=False), start=1):
        rows.append([Paragraph(str(i), style), Paragraph(f"<b>{r.asset_id}</b><br/>{r.asset_class}",
                                                         style),
                     Paragraph(str(r.owner), style), Paragraph(str(r.utility), style),
                     Paragraph(f"{r.distance_m:.2f}", style), Paragraph(f"{r.clearance_m:.2f}", style),
                     Paragraph(f"±{r.h_accuracy_m:.2f} m", style),
                     Paragraph(f"<b>{r.severity.upper()}</b> — {r.precaution}", style)])
    doc = SimpleDocTemplate(str(path), pagesize=A4)
    doc.build([Table(rows, colWidths=[15, 84, 68, 52, 38, 42, 50, 155], repeatRows=1)])
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--conflicts", type=int, default=200)
    ap.add_argument("--background", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        store, footprint = build_register(tmp / "bench.gpkg", args.conflicts, args.background)
        print(f"register: {args.conflicts + args.background:,} assets built in "
              f"{time.perf_counter() - t0:.1f} s")
        site = DigSite(footprint, depth_m=1.0, description="Benchmark trench")
        with Checker(store, default_rules()) as checker:
            t0 = time.perf_counter()
            result = checker.check(site)
            check_s = time.perf_counter() - t0
        print(f"dig check: {len(result.conflicts)} conflicts from "
              f"{len(result.owners_affected)} owners in {check_s * 1000:.0f} ms")
        times, pages = [], 0
        for i in range(args.repeat):
            wrap_text.cache_clear()  # each run cold, as for one pack written by a desktop
            t0 = time.perf_counter()
            pack = write_notice_pack(store, result, tmp / f"out{i}", promoter="Benchmark Ltd")
            times.append(time.perf_counter() - t0)
        from pypdf import PdfReader

        pages = len(PdfReader(pack.folder / "summary.pdf").pages)
        size = sum(p.stat().st_size for p in pack.paths) / 1e6
        print(f"notice pack ({len(result.conflicts)} conflicts, {len(pack.files)} files, "
              f"summary {pages} pages, {size:.2f} MB): median {statistics.median(times):.2f} s, "
              f"best {min(times):.2f} s over {args.repeat} runs  (target <= 2 s)")
        peer = [peer_platypus_table(result, tmp / f"peer{i}.pdf") for i in range(3)]
        print(f"peer: reportlab Table of Paragraphs, conflict table alone: median "
              f"{statistics.median(peer):.2f} s")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
