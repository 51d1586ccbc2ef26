"""Generate the sample town's deliveries: ``python -m sample_data.generate [OUT_DIR]``.

Deterministic (fixed seed): the committed files in ``sample_data/town/`` are exactly
what this writes, and a test regenerates them into a temporary folder and compares
every feature. Each owner delivers in its own format and CRS, with the defects real
deliveries have:

=====  ==========================  ===================================  =========================
code   owner                       delivery                             defects
=====  ==========================  ===================================  =========================
MPN    Metro Power Networks        GeoJSON, EPSG:4326 (LV, HV, services)  null geometries
SGD    Southern Gas Distribution   zipped Shapefiles, EPSG:27700, inches  unknown materials
RVW    Riverside Water             GeoPackage, EPSG:27700, PAS 128 QL      absurd coordinates
RWS    Riverside Wastewater        GML (3D, no .xsd), EPSG:27700
OFL    OpenFibre Ltd               CSV with WKT + CSV with X/Y, no CRS    duplicate ids
RBC    Riverside Borough Council   DXF (CAD layers), no CRS               a drawing border
RHN    Riverside Heat Network      FlatGeobuf, EPSG:25830 (ETRS89 UTM)
FPL    Fuel Pipelines Ltd          KML, EPSG:4326, precaution zones       a self-intersecting zone
=====  ==========================  ===================================  =========================

plus ``reference.gpkg`` (streets with USRNs, buildings), ``planned_works.geojson``,
``owners.csv`` and ``deliveries.toml`` (what ``asset-register sample`` imports, with
which bundled profile).
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from asset_register.grids import use_bundled_grids

from . import networks
from .town import SEED, build_town

# The owners' files are made with the transformations the register itself uses (OSTN15
# from the grids it ships), so the generated town is the same wherever it is generated.
use_bundled_grids()

TOWN_DIR = Path(__file__).with_name("town")
ZIP_DATE = (2026, 1, 1, 0, 0, 0)
# The .dbf header records a "last update" date (today's, unless told): pin it so the
# committed delivery is byte-for-byte what the generator writes on any day.
DBF_DATE = "2026-01-01"

OWNERS = [
    ("MPN", "Metro Power Networks", "01632 960101", "0800 000 0105", "records@metropower.example", "electricity"),
    ("SGD", "Southern Gas Distribution", "01632 960202", "0800 000 0111", "plans@southerngas.example", "gas"),
    ("RVW", "Riverside Water", "01632 960303", "0800 000 0123", "assets@riversidewater.example", "water"),
    ("RWS", "Riverside Wastewater", "01632 960404", "0800 000 0124", "sewers@riversidewater.example", "sewer"),
    ("OFL", "OpenFibre Ltd", "01632 960505", "0800 000 0136", "noc@openfibre.example", "telecoms"),
    ("RBC", "Riverside Borough Council", "01632 960606", "01632 960999", "streetworks@riverside.example",
     "street_lighting, traffic_signals"),
    ("RHN", "Riverside Heat Network", "01632 960707", "0800 000 0147", "ops@riversideheat.example", "district_heating"),
    ("FPL", "Fuel Pipelines Ltd", "01632 960808", "0800 000 0158", "control@fuelpipelines.example",
     "hazardous_pipeline"),
]

DELIVERIES = [
    ("MPN", "electricity_mpn.geojson", "sample_mpn", None),
    ("SGD", "gas_sgd.zip", "sample_sgd", "all"),
    ("RVW", "water_rvw.gpkg", "sample_rvw", "all"),
    ("RWS", "sewer_rws.gml", "sample_rws", "all"),
    ("OFL", "telecoms_ducts_ofl.csv", "sample_ofl", None),
    ("OFL", "telecoms_chambers_ofl.csv", "sample_ofl", None),
    ("RBC", "lighting_signals_rbc.dxf", "sample_rbc", None),
    ("RHN", "heat_rhn.fgb", "sample_rhn", None),
    ("FPL", "pipeline_fpl.kml", "sample_fpl", None),
]


def _via_wgs84(frame: gpd.GeoDataFrame, target: str) -> gpd.GeoDataFrame:
    """Reproject through WGS 84 (OSTN15 each way, as the importer does with the shipped grid)."""
    out = frame.to_crs("EPSG:4326")
    return out if target == "EPSG:4326" else out.to_crs(target)


def _round(frame: gpd.GeoDataFrame, decimals: int) -> gpd.GeoDataFrame:
    g = frame.geometry.array
    present = ~(shapely.is_missing(g))
    out = frame.copy()
    scale = 10.0 ** -decimals
    out.loc[present, out.geometry.name] = shapely.set_precision(g[present], scale, mode="pointwise")
    return out


def _write_zip(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            info = zipfile.ZipInfo(f.name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, f.read_bytes())


def _csv(frame: gpd.GeoDataFrame, path: Path, *, xy: bool) -> None:
    cols = [c for c in frame.columns if c != frame.geometry.name]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        if xy:
            w.writerow(cols + ["X", "Y"])
            for row, g in zip(frame[cols].itertuples(index=False), frame.geometry, strict=True):
                w.writerow(list(row) + [f"{g.x:.2f}", f"{g.y:.2f}"])
        else:
            w.writerow(cols + ["WKT"])
            wkt = shapely.to_wkt(frame.geometry.array, rounding_precision=2)
            for row, g in zip(frame[cols].itertuples(index=False), wkt, strict=True):
                w.writerow(list(row) + [g])


def _write_gml(layers: dict[str, gpd.GeoDataFrame], target: Path) -> None:
    """One GML file holding several feature types (GDAL writes one per file: merge them).

    No .xsd is shipped, as with most INSPIRE-style deliveries: readers must cope
    without a schema (and must not write a .gfs next to the file).
    """
    members = []
    head = tail = ""
    with tempfile.TemporaryDirectory() as tmp:
        for name, frame in layers.items():
            path = Path(tmp) / f"{name}.gml"
            pyogrio.write_dataframe(frame, path, layer=name, driver="GML",
                                    dataset_options={"FORMAT": "GML3.2"})
            text = path.read_text(encoding="utf-8")
            start, end = text.index("<ogr:featureMember>"), text.rindex("</ogr:featureMember>")
            head, tail = text[:start], text[end + len("</ogr:featureMember>"):]
            members.append(text[start:end + len("</ogr:featureMember>")])
    head = head.replace(f'xsi:schemaLocation="http://ogr.maptools.org/ {name}.xsd"', "")
    target.write_text(head + "\n".join(members) + tail, encoding="utf-8")


def _write_deliveries(rng, town, out: Path) -> None:
    elec = networks.electricity(rng, town)["electricity_cables"]
    pyogrio.write_dataframe(_round(_via_wgs84(elec, "EPSG:4326"), 7), out / "electricity_mpn.geojson",
                            driver="GeoJSON", layer="electricity_cables", RFC7946="YES")
    with tempfile.TemporaryDirectory() as tmp:
        for name, frame in networks.gas(rng, town).items():
            pyogrio.write_dataframe(frame, Path(tmp) / f"{name}.shp", driver="ESRI Shapefile",
                                    encoding="UTF-8", DBF_DATE_LAST_UPDATE=DBF_DATE)
        _write_zip(Path(tmp), out / "gas_sgd.zip")
    for name, frame in networks.water(rng, town).items():
        pyogrio.write_dataframe(frame, out / "water_rvw.gpkg", layer=name, driver="GPKG")
    _write_gml(networks.sewer(rng, town), out / "sewer_rws.gml")
    tele = networks.telecoms(rng, town)
    _csv(tele["telecoms_ducts"], out / "telecoms_ducts_ofl.csv", xy=False)
    _csv(tele["telecoms_chambers"], out / "telecoms_chambers_ofl.csv", xy=True)
    with warnings.catch_warnings():  # CAD drawings carry no CRS: that is the point of this one
        warnings.simplefilter("ignore", UserWarning)
        pyogrio.write_dataframe(networks.council(rng, town).set_crs(None, allow_override=True),
                                out / "lighting_signals_rbc.dxf", driver="DXF")
    pyogrio.write_dataframe(_round(_via_wgs84(networks.district_heating(rng, town), "EPSG:25830"), 3),
                            out / "heat_rhn.fgb", driver="FlatGeobuf", layer="heat_pipes")
    pyogrio.write_dataframe(_round(_via_wgs84(networks.pipeline(rng, town), "EPSG:4326"), 8),
                            out / "pipeline_fpl.kml", driver="KML", layer="fuel_pipeline")
    pyogrio.write_dataframe(_round(_via_wgs84(networks.planned_works(rng, town), "EPSG:4326"), 7),
                            out / "planned_works.geojson", driver="GeoJSON", layer="planned_works",
                            RFC7946="YES")


def _write_manifest(out: Path) -> None:
    with open(out / "owners.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "phone", "emergency_phone", "email", "utilities"])
        w.writerows(OWNERS)
    lines = ["# The sample town's deliveries: what `asset-register sample` imports, in this order.",
             "# Generated by sample_data/generate.py — do not edit by hand.", "",
             'owners = "owners.csv"', 'works = "planned_works.geojson"', 'reference = "reference.gpkg"']
    for owner, file, profile, layers in DELIVERIES:
        lines += ["", "[[delivery]]", f'owner = "{owner}"', f'file = "{file}"', f'profile = "{profile}"']
        if layers == "all":
            lines.append("all_layers = true")
    (out / "deliveries.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def generate(out: str | Path = TOWN_DIR, seed: int = SEED) -> Path:
    """Write the whole sample town into ``out`` (replacing what is there); returns ``out``."""
    out = Path(out)
    if out.is_file() or (out.is_dir() and any(out.iterdir())
                         and not (out / "deliveries.toml").is_file()):
        raise SystemExit(f"{out} exists and is not a sample town folder: give a new or empty "
                         "folder (it is replaced)")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    town = build_town(seed)
    pyogrio.write_dataframe(town.streets, out / "reference.gpkg", layer="streets", driver="GPKG")
    pyogrio.write_dataframe(town.buildings.drop(columns=["block", "side", "front_x", "front_y"]),
                            out / "reference.gpkg", layer="buildings", driver="GPKG")
    _write_deliveries(rng, town, out)
    _write_manifest(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_data.generate",
        description="Write the sample town's deliveries (deterministic: the committed "
        "sample_data/town/ is exactly what this writes). OUT_DIR is replaced.")
    parser.add_argument("out_dir", nargs="?", default=str(TOWN_DIR), metavar="OUT_DIR",
                        help="folder to write (default: sample_data/town)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = parser.parse_args(argv)
    target = generate(args.out_dir, seed=args.seed)
    total = sum(f.stat().st_size for f in target.iterdir())
    print(f"sample town written to {target} ({total / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
