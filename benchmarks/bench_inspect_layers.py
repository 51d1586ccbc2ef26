"""Inspect benchmark: ``inspect`` of a GeoPackage with many small layers (issue 17: 898).

Writes GeoPackages of 100, 300 and 898 one-feature layers (the hostile corpus's generator)
and prints the seconds (wall and CPU) ``importers.api.inspect`` takes on each, per layer, next to two
peers: GDAL's own ``ogrinfo -ro -so -al`` on the same file (one open, a summary of every
layer), and the plain per-layer opens inspect made before (each open of the file makes
GDAL build every layer's object: layers² in all — 898 layers ran past ten minutes).
Inspect reads the GeoPackage's own catalogue through one SQLite connection (GDAL opens
the file once to list the layers and once per kind of CRS and geometry type); it should
grow linearly with the number of layers. With ``--import`` it also times
``asset-register import --all-layers`` of each file into a new register (one batch per
layer) and checks that every layer landed.

    .venv/bin/python benchmarks/bench_inspect_layers.py [--layers 100 300 898] [--import]

The files are cached in benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pyogrio
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from importers.api import inspect  # noqa: E402
from tests.hostile import corpus  # noqa: E402

OUT = ROOT / "benchmarks" / "out"


def make(layers: int) -> Path:
    path = OUT / f"inspect_{layers}_layers.gpkg"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        corpus._many_layers(path, shapely.Polygon(corpus._square()), layers)
    return path


def ogrinfo(path: Path) -> tuple[float, float] | None:
    """(wall, CPU) seconds of ``ogrinfo -ro -so -al`` on the file."""
    exe = shutil.which("ogrinfo")
    if not exe:
        return None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([exe, "-ro", "-so", "-al", str(path)], capture_output=True, timeout=600,
                   check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def plain_opens(path: Path, sample: int = 50) -> float:
    """Seconds per layer of the three plain opens inspect made per layer (timed on a
    sample of layers), times the layer count: what inspect cost before."""
    names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    step = max(1, len(names) // sample)
    picked = names[::step]
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in picked:
            pyogrio.read_info(path, layer=name, force_feature_count=True)
            pyogrio.read_arrow(path, layer=name, max_features=2000)
            pyogrio.read_arrow(path, layer=name)
    return (time.perf_counter() - t) / len(picked) * len(names)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", type=int, nargs="+", default=[100, 300, 898])
    ap.add_argument("--import", dest="do_import", action="store_true",
                    help="also time the import of every layer")
    args = ap.parse_args()
    for layers in args.layers:
        path = make(layers)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t, cpu = time.perf_counter(), time.process_time()
            info = inspect(path)
            ours, cpu = time.perf_counter() - t, time.process_time() - cpu
        assert len(info.layers) == layers
        peer = ogrinfo(path)
        before = plain_opens(path)
        print(f"{layers:4d} layers: inspect {ours:6.2f} s wall, {cpu:5.2f} s CPU "
              f"({ours / layers * 1000:5.1f} ms per layer); peer ogrinfo -so -al "
              f"{'-' if peer is None else f'{peer[0]:5.2f} s wall, {peer[1]:5.2f} s CPU'}; "
              f"plain per-layer opens (before) ~{before:6.1f} s; load average "
              f"{os.getloadavg()[0]:.1f}")
        if args.do_import:
            ours = import_all(path)
            print(f"{layers:4d} layers: import --all-layers {ours:6.1f} s "
                  f"({ours / layers * 1000:5.0f} ms per layer, one batch each)")


def import_all(path: Path) -> float:
    import tempfile

    from asset_register.cli.main import main as cli
    from asset_register.store import open_register

    with tempfile.TemporaryDirectory() as d:
        register = str(Path(d) / "r.gpkg")
        assert cli(["init", register]) == 0
        t = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # a report of every layer
            assert cli(["import", register, str(path), "--owner", "HST", "--utility", "water",
                        "--all-layers", "--json"]) == 0
        seconds = time.perf_counter() - t
        with open_register(register) as store:
            assert len(store.batches()) == len(pyogrio.list_layers(path))
    return seconds


if __name__ == "__main__":
    main()
