"""Import benchmark: 1,000,000 line features in a GeoPackage in EPSG:4326 → a new register.

Prints the full import (read, reproject to EPSG:27700, validate, map, hash, version,
write, index, coverage) in seconds and features/s with each stage's share and its peak
memory, and in the same run the peers on the same file: geopandas (read + ``to_crs`` +
write, the plain copy with none of our checks) and GDAL's ``ogr2ogr -t_srs EPSG:27700``.
Each run is a child process (its own peak RSS); with ``--rounds`` ours and geopandas
alternate so both see the same load, and which of the two goes first alternates round by
round (``--peer-first``: geopandas first in the first round), since the first run of a
round may meet a colder page cache; each pair's ratio is printed by order.
Targets: ≤ 1.0× geopandas in every round, ≤ 8 s on a quiet machine.

    .venv/bin/python benchmarks/bench_import.py [--n 1000000] [--rounds 2] [--no-peer] [--one-frame]
        [--peer-first] [--warm] [--no-ogr2ogr]

The source file is cached in benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from asset_register.store import create_register  # noqa: E402
from importers import ImportJob  # noqa: E402
from importers.profiles import FieldRule, Profile  # noqa: E402

OUT = ROOT / "benchmarks" / "out"


PART = 1_000_000  # larger sources are written in parts of this many lines (bounded memory)


def make_source(n: int) -> Path:
    """n three-vertex lines around London in lon/lat, with owner-style attributes (cached).
    Over a million: written a million at a time (each part its own random stream)."""
    path = OUT / f"import_lines_{n}.gpkg"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    for k, start in enumerate(range(0, n, PART) if n > PART else [0]):
        rows = min(PART, n - start) if n > PART else n
        frame = _lines(rows, np.random.default_rng(42 if n <= PART else [42, k]), start)
        pyogrio.write_dataframe(frame, tmp, layer="mains", driver="GPKG", use_arrow=True,
                                append=start > 0)
        del frame
    tmp.rename(path)
    return path


def _lines(n: int, rng, first: int) -> gpd.GeoDataFrame:
    x0 = rng.uniform(-0.5, 0.3, n)
    y0 = rng.uniform(51.3, 51.7, n)
    steps = rng.normal(0, 0.0004, size=(n, 2, 2))
    xs = np.column_stack([x0, x0 + steps[:, 0, 0], x0 + steps[:, 0, 0] + steps[:, 1, 0]])
    ys = np.column_stack([y0, y0 + steps[:, 0, 1], y0 + steps[:, 0, 1] + steps[:, 1, 1]])
    lines = shapely.linestrings(np.stack([xs, ys], axis=2))
    return gpd.GeoDataFrame({
        "ASSET_REF": np.char.mod("WM%08d", np.arange(first, first + n)),
        "MATERIAL": rng.choice(["DI", "PVC", "CI", "MDPE", "AC"], n),
        "DIAMETER": rng.choice([80, 100, 150, 225, 300], n).astype(np.int32),
        "DEPTH": rng.uniform(0.6, 1.5, n).round(2),
        "STATUS": rng.choice(["Live", "Abandoned"], n, p=[0.95, 0.05]),
        "INSTALLED": rng.choice(["1965-04-01", "1990-11-20", "2012-06-30"], n),
    }, geometry=lines, crs="EPSG:4326")


PROFILE = Profile(
    name="benchmark water mains",
    constants={"utility": "water", "asset_class": "pipe", "depth_source": "recorded"},
    fields={
        "asset_id": FieldRule(source="ASSET_REF"),
        "material": FieldRule(source="MATERIAL", values={"MDPE": "PE", "AC": "asbestos cement"}),
        "diameter_mm": FieldRule(source="DIAMETER", unit="mm"),
        "depth_m": FieldRule(source="DEPTH"),
        "status": FieldRule(source="STATUS", values={"Live": "in_service", "Abandoned": "abandoned"}),
        "captured_on": FieldRule(source="INSTALLED"),
    },
)


def run_import(src: Path, n: int, one_frame: bool = False) -> float:
    """Our import; ``one_frame``: a layer of up to a million features in one frame, not in
    slices whose stages overlap (the path before 2026-12-04, for a before/after)."""
    reg = OUT / "bench_import_register.gpkg"
    for suffix in ("", "-wal", "-shm"):
        Path(str(reg) + suffix).unlink(missing_ok=True)
    t0 = time.perf_counter()
    with create_register(reg) as store:
        (report,) = ImportJob(store, src, owner="BENCH", profile=PROFILE,
                              **({"pipe_from": 10**12} if one_frame else {})).run()
        assert report.imported == n, report
    seconds = time.perf_counter() - t0
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.items())
    print(f"full import{' (one frame)' if one_frame else ''}: {seconds:.2f} s, "
          f"{n / seconds:,.0f} features/s ({stages})")
    print(f"  transformation: {report.transformation} (±{report.accuracy_m:g} m)")
    return seconds


def run_geopandas(src: Path, n: int) -> float:
    """The peer: geopandas' own read, reprojection and write of the same file (Arrow I/O)."""
    dst = OUT / "bench_geopandas.gpkg"
    dst.unlink(missing_ok=True)
    t0 = time.perf_counter()
    frame = gpd.read_file(src, use_arrow=True)
    frame = frame.to_crs("EPSG:27700")
    pyogrio.write_dataframe(frame, dst, layer="mains", driver="GPKG", use_arrow=True)
    seconds = time.perf_counter() - t0
    assert len(frame) == n
    print(f"geopandas read + to_crs + write: {seconds:.2f} s, {n / seconds:,.0f} features/s")
    return seconds


def in_child(what: str, src: Path, n: int) -> tuple[float, float]:
    """Run ``what`` (ours | ours-one-frame | geopandas) in a child process: (seconds, peak
    RSS in MB); prints its CPU time (user + system) and the load average after it."""
    proc = subprocess.Popen([sys.executable, __file__, "--child", what, "--n", str(n),
                             "--workdir", str(OUT)],
                            stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{what} failed (exit {proc.returncode})")
    seconds = float(out.rsplit("seconds=", 1)[1].split()[0])
    rss = usage.ru_maxrss / 1024
    print(out.rsplit("seconds=", 1)[0].rstrip(), flush=True)
    print(f"  [{what}: peak RSS {rss:,.0f} MB, CPU {usage.ru_utime:.2f} user + "
          f"{usage.ru_stime:.2f} sys; load {os.getloadavg()[0]:.2f}]", flush=True)
    return seconds, rss


def run_ogr2ogr(src: Path, n: int) -> float | None:
    exe = shutil.which("ogr2ogr")
    if exe is None:
        print("ogr2ogr: not installed (apt-get install gdal-bin) — peer not measured")
        return None
    dst = OUT / "bench_ogr2ogr.gpkg"
    dst.unlink(missing_ok=True)
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    t0 = time.perf_counter()
    subprocess.run([exe, "-f", "GPKG", "-t_srs", "EPSG:27700", str(dst), str(src)], check=True)
    seconds = time.perf_counter() - t0
    print(f"ogr2ogr -t_srs EPSG:27700 ({version}): {seconds:.2f} s, {n / seconds:,.0f} features/s")
    return seconds


def main() -> None:
    global OUT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=1, help="alternate ours and geopandas")
    parser.add_argument("--no-peer", action="store_true", help="skip geopandas and ogr2ogr")
    parser.add_argument("--one-frame", action="store_true",
                        help="also run ours with the layer in one frame (no overlapping slices) "
                             "in each round: before and after in the same run")
    parser.add_argument("--peer-first", action="store_true",
                        help="geopandas runs first in the first round (the order alternates "
                             "round by round either way)")
    parser.add_argument("--no-ogr2ogr", action="store_true", help="skip the ogr2ogr peer")
    parser.add_argument("--warm", action="store_true",
                        help="read the source once before the rounds (no run meets it cold)")
    parser.add_argument("--child", choices=["ours", "ours-one-frame", "geopandas"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, default=OUT,
                        help="where the source and the registers go (default benchmarks/out)")
    args = parser.parse_args()
    OUT = args.workdir
    src = make_source(args.n)
    if args.child:
        seconds = (run_geopandas(src, args.n) if args.child == "geopandas"
                   else run_import(src, args.n, one_frame=args.child == "ours-one-frame"))
        print(f"seconds={seconds}")
        return
    print(f"source: {src.name} ({args.n:,} lines, EPSG:4326, {src.stat().st_size / 1e6:.0f} MB); "
          f"load {os.getloadavg()[0]:.2f}")
    if args.warm:  # the source read once, so that no run of either pays for a cold file
        with open(src, "rb") as fh:
            while fh.read(1 << 24):
                pass
        print("source read once before the rounds (page cache warm for every run)")
    ours, peer, before = [], [], []
    pairs = []  # (who went first, ours, geopandas) per round
    for r in range(args.rounds):
        # the order alternates (geopandas first in odd rounds, or in even ones with
        # --peer-first): whoever runs first in a round may meet a colder page cache
        peer_first = (r % 2 == 1) != args.peer_first and not args.no_peer
        if peer_first:
            peer.append(in_child("geopandas", src, args.n)[0])
        elif args.one_frame:
            before.append(in_child("ours-one-frame", src, args.n)[0])
        ours.append(in_child("ours", src, args.n)[0])
        if args.no_peer:
            continue
        if not peer_first:
            peer.append(in_child("geopandas", src, args.n)[0])
        elif args.one_frame:
            before.append(in_child("ours-one-frame", src, args.n)[0])
        pairs.append(("geopandas" if peer_first else "ours", ours[-1], peer[-1]))
    gdal = None if args.no_peer or args.no_ogr2ogr else run_ogr2ogr(src, args.n)
    best = min(ours)
    # issue 19's targets: 1M lines in ≤ 8 s on a quiet machine; 10M in ≤ 150 s (peak RSS ≤ 3 GB,
    # printed by the child above); other sizes have no target of their own
    limit = {1_000_000: 8.0, 10_000_000: 150.0}.get(args.n)
    verdict = f"ours best {best:.2f} s" + (
        "" if limit is None else
        f" (target ≤ {limit:g} s quiet: {'met' if best <= limit else 'NOT met'})")
    if peer:
        ratio = best / min(peer)
        verdict += (f"; ratio to geopandas {ratio:.2f}× (target ≤ 1.0×: "
                    f"{'met' if ratio <= 1.0 else 'NOT met'})")
    if gdal:
        verdict += f"; ratio to ogr2ogr {best / gdal:.2f}×"
    if pairs:
        for first in ("ours", "geopandas"):
            ratios = [o / g for who, o, g in pairs if who == first]
            if ratios:
                verdict += (f"; rounds with {first} first: pair ratios "
                            + " ".join(f"{x:.2f}×" for x in ratios))
        worst = max(o / g for _, o, g in pairs)
        verdict += f" (worst pair {worst:.2f}×: {'met' if worst <= 1.0 else 'NOT met'} every round)"
    if before:
        verdict += f"; one frame best {min(before):.2f} s"
        if peer:
            verdict += f" ({min(before) / min(peer):.2f}×)"
    print(verdict + f"; load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
