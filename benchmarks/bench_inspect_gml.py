"""Inspect benchmark: ``inspect`` of a GML delivery with many feature types (IMKL-like).

Writes GML files of 10, 20 and 40 feature types × 1,500 lines each (about 0.5 MB per
type, so the 40-type file is ~22 MB) and prints the seconds ``importers.api.inspect``
takes on each, next to the peer: the same calls with GDAL re-parsing the whole document
on every open (``WRITE_GFS=NO``, no cached schema) — what inspect did before, 85 s for
30 types here. Inspect should grow linearly with the number of types (each layer's
sample read), not with types × file size.

    .venv/bin/python benchmarks/bench_inspect_gml.py [--types 10 20 40]

The source files are cached in benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pyogrio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from importers.api import inspect  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
PER_TYPE = 1_500


def make_gml(types: int) -> Path:
    """A GML document of ``types`` feature types × PER_TYPE lines in RD New (cached)."""
    path = OUT / f"inspect_{types}_types.gml"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_text(_document(types, np.random.default_rng(5)), encoding="utf-8")
    return path


def _document(types: int, rng) -> str:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<gml:FeatureCollection '
             'xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:net="http://example.org/net" gml:id="fc">\n']
    k = 0
    for t in range(types):
        xy = np.column_stack([92000 + rng.uniform(0, 3000, PER_TYPE), 436000 + rng.uniform(0, 3000, PER_TYPE)])
        for i, (x, y) in enumerate(xy):
            k += 1
            parts.append(
                f'<gml:featureMember><net:Type{t} gml:id="f{k}"><net:code>T{t}-{i}</net:code><net:label>'
                f'cable number {i}</net:label><net:geometry><gml:LineString gml:id="g{k}" '
                f'srsName="urn:ogc:def:crs:EPSG::28992"><gml:posList>{x:.3f} {y:.3f} {x + 10:.3f} '
                f'{y + 5:.3f} {x + 20:.3f} {y + 3:.3f}</gml:posList></gml:LineString></net:geometry>'
                f'</net:Type{t}></gml:featureMember>\n')
    parts.append("</gml:FeatureCollection>\n")
    return "".join(parts)


def uncached_peer(path: Path) -> float:
    """The calls inspect makes, each open re-parsing the document (no .gfs)."""
    opts = {"WRITE_GFS": "NO", "GML_ATTRIBUTES_TO_OGR_FIELDS": "YES"}
    t = time.perf_counter()
    i = 0
    while True:
        try:
            name = pyogrio.read_info(path, layer=i, **opts)["layer_name"]
        except pyogrio.errors.DataLayerError:
            break
        pyogrio.read_info(path, layer=name, force_feature_count=True, **opts)
        pyogrio.read_arrow(path, layer=name, max_features=2000, **opts)
        i += 1
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--types", type=int, nargs="+", default=[10, 20, 40])
    args = ap.parse_args()
    for types in args.types:
        path = make_gml(types)
        t = time.perf_counter()
        info = inspect(path)
        ours = time.perf_counter() - t
        assert len(info.layers) == types
        peer = uncached_peer(path)
        print(f"{types:3d} feature types, {path.stat().st_size / 1e6:5.1f} MB: inspect {ours:6.2f} s "
              f"({ours / types * 1000:5.0f} ms per type); peer without a schema cache {peer:6.2f} s")


if __name__ == "__main__":
    main()
