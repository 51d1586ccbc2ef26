"""Owners check benchmark: the check that a layer's owner column names one owner (so an
import under one ``--owner`` never lumps several companies together), before writing.

Writes a CSV of ``--rows`` lines with an ``owner`` column — once in UTF-8, once in
Windows-1252 as Excel saves it (the check re-decodes that column as the import does) —
and prints, interleaved round by round, the seconds ``delivery_checks.single_owner`` takes
on each next to the peer: pandas reading the same column with pyogrio
(``read_dataframe(columns=[owner], read_geometry=False)``, UTF-8 only, the Windows-1252
file with ``encoding="cp1252"``) and ``str.strip().unique()``.

    .venv/bin/python benchmarks/bench_owner_check.py [--rows 1000000] [--rounds 3]

The files are cached in benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import pyogrio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from importers.delivery_checks import single_owner  # noqa: E402
from importers.sources import open_source  # noqa: E402

OUT = ROOT / "benchmarks" / "out"


def make(rows: int, encoding: str) -> Path:
    path = OUT / f"owner_check_{rows}_{encoding}.csv"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        lines = ["id;eigenaar;x;y"] + [
            f"K{i};Netbeheer Ö Zuid;{155000 + i % 1000};{463000 + i // 1000}" for i in range(rows)]
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def ours(path: Path) -> float:
    t = time.perf_counter()
    source = open_source(path)
    single_owner(source, source.layer_names(), "NET")  # raises if several owners
    return time.perf_counter() - t


def peer(path: Path, encoding: str) -> float:
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pyogrio.read_dataframe(path, columns=["eigenaar"], read_geometry=False,
                                       encoding=encoding, **{"SEPARATOR": "SEMICOLON"})
    owners = frame["eigenaar"].str.strip().unique()
    assert len(owners) == 1
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    print(f"load {os.getloadavg()[0]:.2f}  rows {args.rows:,}")
    for encoding in ("utf-8", "cp1252"):
        path = make(args.rows, encoding)
        a, b = [], []
        for _ in range(args.rounds):  # interleaved: ours, then the peer, each round
            try:
                a.append(ours(path))
            except Exception as exc:  # (the code before read Windows-1252 as UTF-8)
                print(f"{encoding:7s} single_owner failed: {type(exc).__name__}: {exc}")
                a.append(float("nan"))
            b.append(peer(path, encoding))
        print(f"{encoding:7s} single_owner {statistics.median(a):6.2f} s   pandas+pyogrio "
              f"{statistics.median(b):6.2f} s   (median of {args.rounds}; rounds "
              f"{', '.join(f'{x:.2f}/{y:.2f}' for x, y in zip(a, b, strict=True))})")
    print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
