"""IMKL benchmark: ``inspect`` and import of a ~20 MB KLIC delivery (GI_….xml).

Generates a deterministic IMKL 2.0-style delivery (three network operators; cables and
pipes with their UtilityLinks, annotations and dimension lines, depth points, precaution
zones, a dig polygon) and prints, in the same run:

* ``inspect`` (``importers.inspect``: one streaming pass, by feature type);
* the import into a new register in EPSG:28992 (one batch per operator);
* the peer: GDAL's GML driver listing every layer with its feature count
  (``pyogrio.read_info(…, force_feature_count=True)`` per layer, as ``ogrinfo -so -al``
  would), the work the old ``inspect`` started with before reading samples per layer.

Target (issue 13): ``inspect`` of a 20 MB IMKL file in a few seconds (it took 79 s).

    .venv/bin/python benchmarks/bench_imkl.py [--mb 20]

The generated file is cached in benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pyogrio
from pyogrio.errors import DataLayerError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from asset_register.errors import AssetRegisterError  # noqa: E402
from asset_register.store import create_register  # noqa: E402
from importers import inspect  # noqa: E402
from importers.imkl import import_delivery  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
NS = ('xmlns:imkl="http://www.geostandaarden.nl/imkl/2015/wion/1.2" '
      'xmlns:us-net-common="http://inspire.ec.europa.eu/schemas/us-net-common/4.0" '
      'xmlns:us-net-el="http://inspire.ec.europa.eu/schemas/us-net-el/4.0" '
      'xmlns:net="http://inspire.ec.europa.eu/schemas/net/4.0" '
      'xmlns:base="http://inspire.ec.europa.eu/schemas/base/3.3" '
      'xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:xlink="http://www.w3.org/1999/xlink"')
WAARDE = "http://definities.geostandaarden.nl/imkl2015/id/waarde"
CODES = "http://inspire.ec.europa.eu/codelist"
SRS = "urn:ogc:def:crs:EPSG::28992"
# (thema, feature type, value element) per network
NETS = [("laagspanning", "Elektriciteitskabel", '<us-net-el:nominalVoltage uom="urn:ogc:def:uom:OGC::V">400</us-net-el:nominalVoltage>'),
        ("middenspanning", "Elektriciteitskabel", '<us-net-el:nominalVoltage uom="urn:ogc:def:uom:OGC::kV">10</us-net-el:nominalVoltage>'),
        ("gasLageDruk", "OlieGasChemicalienPijpleiding", '<us-net-common:pressure uom="urn:ogc:def:uom:OGC::mbar">100</us-net-common:pressure><us-net-common:pipeDiameter uom="urn:ogc:def:uom:OGC::mm">110</us-net-common:pipeDiameter>'),
        ("gasHogeDruk", "OlieGasChemicalienPijpleiding", '<us-net-common:pressure uom="urn:ogc:def:uom:OGC::bar">8</us-net-common:pressure><us-net-common:pipeDiameter uom="urn:ogc:def:uom:OGC::mm">406</us-net-common:pipeDiameter>'),
        ("water", "Waterleiding", '<us-net-common:pipeDiameter uom="urn:ogc:def:uom:OGC::mm">160</us-net-common:pipeDiameter>'),
        ("datatransport", "Telecommunicatiekabel", "")]
ACC = ("tot30cm", "tot50cm", "tot100cm")


def _member(body: str) -> str:
    return f"<gml:featureMember>{body}</gml:featureMember>\n"


def make_delivery(mb: float) -> Path:
    """A GI_….xml of about ``mb`` megabytes (cached; same bytes for the same size)."""
    path = OUT / f"GI_gebiedsinformatielevering_BENCH{int(mb)}_1.xml"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(42)
    x0, y0, side = 150000.0, 460000.0, 3000.0
    ring = f"{x0} {y0} {x0 + side} {y0} {x0 + side} {y0 + side} {x0} {y0 + side} {x0} {y0}"
    head = [f'<?xml version="1.0" encoding="UTF-8"?>\n<gml:FeatureCollection {NS} gml:id="bench">\n',
            _member('<imkl:GebiedsinformatieAanvraag gml:id="nl.imkl-KA0000._Aanvraag_BENCH">'
                    '<imkl:klicMeldnummer>26B000001</imkl:klicMeldnummer></imkl:GebiedsinformatieAanvraag>'),
            _member(f'<imkl:Graafpolygoon gml:id="nl.imkl-KA0000._Graafpolygoon_BENCH"><imkl:geometrie>'
                    f'<gml:Polygon srsName="{SRS}" gml:id="g_graaf"><gml:exterior><gml:LinearRing>'
                    f'<gml:posList>{ring}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>'
                    '</imkl:geometrie></imkl:Graafpolygoon>')]
    parts = list(head)
    size = sum(len(p) for p in parts)
    ops = ["KL3001", "KL3002", "KL3003"]
    for op in ops:
        nets = "".join(f'<imkl:utiliteitsnet xlink:href="nl.imkl-{op}.net{k}"/>' for k in range(len(NETS)))
        parts.append(_member(f'<imkl:Belanghebbende gml:id="nl.imkl-{op}._Belanghebbende">{nets}'
                             f'<imkl:netbeheerder xlink:href="nl.imkl-{op}._Beheerder"/></imkl:Belanghebbende>'))
        parts.append(_member(f'<imkl:Beheerder gml:id="nl.imkl-{op}._Beheerder"><imkl:bronhoudercode>{op}'
                             f'</imkl:bronhoudercode><imkl:naam>Operator {op}</imkl:naam></imkl:Beheerder>'))
        for k, (thema, _, _) in enumerate(NETS):
            parts.append(_member(f'<imkl:Utiliteitsnet gml:id="nl.imkl-{op}.net{k}"><imkl:thema '
                                 f'xlink:href="{WAARDE}/Thema/{thema}"/></imkl:Utiliteitsnet>'))
    i = 0
    target = mb * 1e6
    while size < target:
        op = ops[i % len(ops)]
        k = int(rng.integers(len(NETS)))
        thema, ftype, value = NETS[k]
        n = int(rng.integers(2, 9))
        xy = np.column_stack([x0 + rng.uniform(0, side), y0 + rng.uniform(0, side)]) + np.cumsum(
            rng.normal(0, 8, size=(n, 2)), axis=0)
        pos = " ".join(f"{v:.3f}" for v in xy.ravel())
        fid, lid = f"nl.imkl-{op}.f{i}", f"nl.imkl-{op}.ul{i}"
        feat = _member(
            f'<imkl:{ftype} gml:id="{fid}"><net:inspireId><base:Identifier><base:localId>{op}.f{i}'
            f'</base:localId><base:namespace>nl.imkl</base:namespace></base:Identifier></net:inspireId>'
            f'<net:inNetwork xlink:href="nl.imkl-{op}.net{k}"/><net:link xlink:href="{lid}"/>'
            f'<us-net-common:currentStatus xlink:href="{CODES}/ConditionOfFacilityValue/functional"/>'
            f'<us-net-common:verticalPosition>underground</us-net-common:verticalPosition>{value}'
            f'<imkl:geoNauwkeurigheidXY xlink:href="{WAARDE}/NauwkeurigheidXYvalue/{ACC[i % 3]}"/>'
            f'</imkl:{ftype}>')
        link = _member(
            f'<us-net-common:UtilityLink gml:id="{lid}"><net:inNetwork xlink:href="nl.imkl-{op}.net{k}"/>'
            f'<net:centrelineGeometry><gml:LineString srsName="{SRS}" gml:id="{lid}_g"><gml:posList>'
            f'{pos}</gml:posList></gml:LineString></net:centrelineGeometry>'
            '<net:fictitious>false</net:fictitious></us-net-common:UtilityLink>')
        ann = _member(
            f'<imkl:Annotatie gml:id="nl.imkl-{op}.ann{i}"><imkl:label>{n}x95Al</imkl:label>'
            f'<imkl:inNetwork xlink:href="nl.imkl-{op}.net{k}"/><imkl:ligging><gml:Point srsName="{SRS}" '
            f'gml:id="ann{i}_g"><gml:pos>{xy[0, 0]:.3f} {xy[0, 1]:.3f}</gml:pos></gml:Point>'
            '</imkl:ligging></imkl:Annotatie>')
        chunk = feat + link + ann
        if i % 10 == 0:
            chunk += _member(
                f'<imkl:Maatvoering gml:id="nl.imkl-{op}.mv{i}"><imkl:label>1,2</imkl:label><imkl:ligging>'
                f'<gml:LineString srsName="{SRS}" gml:id="mv{i}_g"><gml:posList>{xy[0, 0]:.3f} '
                f'{xy[0, 1]:.3f} {xy[0, 0] + 1.2:.3f} {xy[0, 1]:.3f}</gml:posList></gml:LineString>'
                '</imkl:ligging></imkl:Maatvoering>')
        parts.append(chunk)
        size += len(chunk)
        i += 1
    parts.append("</gml:FeatureCollection>\n")
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(parts), encoding="utf-8")
    tmp.rename(path)
    return path


def gdal_layers(path: Path) -> tuple[int, int]:
    """(layers, features) listed by GDAL's GML driver, every layer counted."""
    opts = {"WRITE_GFS": "NO", "GML_ATTRIBUTES_TO_OGR_FIELDS": "YES"}
    layers = features = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        while True:
            try:
                info = pyogrio.read_info(path, layer=layers, force_feature_count=True, **opts)
            except DataLayerError:
                return layers, features
            layers += 1
            features += int(info["features"] or 0)


def old_inspect(path: Path) -> None:
    """What ``inspect`` did with an IMKL file before it had its own reader."""
    from importers.api import detect_crs
    from importers.sources import open_source

    source = open_source(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in source.layer_names():
            if source.layer_info(name).features:
                try:
                    detect_crs(path, name)
                except AssetRegisterError:  # as inspect did: a warning for that layer
                    pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=20.0, help="size of the generated delivery (MB)")
    ap.add_argument("--old", action="store_true",
                    help="also time the GDAL path `inspect` took before (slow)")
    args = ap.parse_args()
    path = make_delivery(args.mb)
    print(f"delivery {path.name}: {path.stat().st_size / 1e6:.1f} MB; load {os.getloadavg()[0]:.2f}")
    t, c = time.perf_counter(), time.process_time()
    info = inspect(path)
    t_inspect, c_inspect = time.perf_counter() - t, time.process_time() - c
    n = sum(layer.features for layer in info.layers)
    print(f"inspect: {t_inspect:.2f} s wall, {c_inspect:.2f} s CPU ({n:,} assets in "
          f"{len(info.layers)} feature types)")
    with tempfile.TemporaryDirectory() as tmp:
        store = create_register(Path(tmp) / "bench.gpkg", crs="EPSG:28992")
        t = time.perf_counter()
        reports = import_delivery(store, path)
        t_import = time.perf_counter() - t
        store.close()
    imported = sum(r.imported for r in reports)
    print(f"import: {t_import:.2f} s ({imported:,} assets, {len(reports)} operators; parse "
          f"{reports[0].timings.get('parse', 0):.2f} s, geometry "
          f"{reports[0].timings.get('geometry', 0):.2f} s, CRS {reports[0].timings.get('crs', 0):.2f} s)")
    t = time.perf_counter()
    layers, features = gdal_layers(path)
    t_gdal = time.perf_counter() - t
    print(f"peer: GDAL GML driver lists {layers} layers, {features:,} features in {t_gdal:.2f} s "
          f"(inspect = {t_inspect / t_gdal:.2f}x of it)")
    if args.old:
        t = time.perf_counter()
        old_inspect(path)
        print(f"old inspect (GDAL layer by layer, CRS sample per layer): "
              f"{time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
