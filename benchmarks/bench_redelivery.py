"""Re-delivery benchmark: an owner's network re-delivered under a new layer name (found to
be the earlier delivery: a sample of its ids looked up, the layer imported as that
delivery) against the peer, the same content re-delivered under its own layer name.

Both start from the same register (the owner's first delivery of ``--n`` lines, plus a
second layer of services so the owner has more than one delivery) and re-deliver the same
lines less 1 % (so both retire the same rows); rounds alternate ours and the peer so both
see the same load. Also printed: the look-up alone (``renamed_from``) over the register.

    .venv/bin/python benchmarks/bench_redelivery.py [--n 200000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from asset_register.store import create_register, open_register  # noqa: E402
from benchmarks.bench_import import PROFILE, _lines  # noqa: E402
from importers import ImportJob  # noqa: E402
from importers.renamed import renamed_from, same_places  # noqa: E402


def _write(frame, path: Path, layer: str) -> Path:
    frame.to_file(path, layer=layer, driver="GPKG")
    return path


def _run(register: Path, src: Path, folder: Path, name: str) -> tuple[float, object]:
    reg = folder / f"{name}.gpkg"
    shutil.copyfile(register, reg)
    t0 = time.perf_counter()
    with open_register(reg) as store:
        (report,) = ImportJob(store, src, owner="BENCH", profile=PROFILE,
                              confirm_retire=True).run()
    seconds = time.perf_counter() - t0
    reg.unlink()
    return seconds, report


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-redelivery-") as tmp:
        folder = Path(tmp)
        mains = _lines(args.n, np.random.default_rng(42), 0)
        services = _lines(args.n // 10, np.random.default_rng(7), 10**8)
        first = _write(mains, folder / "mains_2025.gpkg", "mains")
        other = _write(services, folder / "services.gpkg", "services")
        kept = mains.iloc[: len(mains) - len(mains) // 100]
        renamed = _write(kept, folder / "mains_2026.gpkg", "Water Mains 2026")
        same = _write(kept, folder / "mains_2026_same.gpkg", "mains")
        register = folder / "register.gpkg"
        with create_register(register) as store:
            ImportJob(store, first, owner="BENCH", profile=PROFILE).run()
            ImportJob(store, other, owner="BENCH", profile=PROFILE).run()
            live = store.read_assets(columns=["asset_id", "delivery"])
            live = live[(live["delivery"] == "BENCH:mains").to_numpy()]
            ids = live["asset_id"].to_numpy(dtype=object)  # as the layer maps, in the register's
            geometries = np.asarray(live.geometry.array)  # CRS
            t0 = time.perf_counter()
            found = renamed_from(store, "BENCH", "Water Mains 2026", ids, geometries,
                                 lambda: ["Water Mains 2026"])
            lookup = time.perf_counter() - t0
            t0 = time.perf_counter()
            twin = same_places(store, "BENCH", "Water Mains 2026", geometries,
                               lambda: ["Water Mains 2026"])
            places = time.perf_counter() - t0
        print(f"register: {args.n + args.n // 10:,} assets of owner BENCH in 2 deliveries; "
              f"re-delivery of {len(kept):,} lines (1 % fewer); load {os.getloadavg()[0]:.2f}")
        print(f"look-up alone (renamed_from, {found[3]:,} ids): {lookup * 1000:.1f} ms, "
              f"found {found[0]} ({found[2]:,} of {found[3]:,}); the same places under other "
              f"ids (same_places, {twin[2]} boxes): {places * 1000:.1f} ms, found {twin[0]}")
        ours, peer = [], []
        for r in range(args.rounds):
            for name, src, out in (("renamed", renamed, ours), ("same name", same, peer)):
                seconds, report = _run(register, src, folder, name.replace(" ", "_"))
                out.append(seconds)
                print(f"  round {r + 1} {name:9s}: {seconds:6.2f} s  delivery {report.delivery}"
                      f"  added {report.added}  unchanged {report.unchanged}  retired "
                      f"{report.retired}  (load {os.getloadavg()[0]:.2f})", flush=True)
        print(f"renamed layer (ours): median {statistics.median(ours):.2f} s; same layer name "
              f"(peer): median {statistics.median(peer):.2f} s; "
              f"ratio {statistics.median(ours) / statistics.median(peer):.2f}x")


if __name__ == "__main__":
    main()
