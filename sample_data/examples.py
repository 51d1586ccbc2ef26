"""Write the README's example files: ``python -m sample_data.examples [OUT_DIR]``.

Small inputs for the sample town (``sample_data/town/``), in British National Grid
(GeoJSON with a named ``crs`` member, as GDAL and QGIS read it; CSV with a ``wkt``
column and no CRS, as real deliveries come). Written with plain ``json``/``csv`` so
the bytes are the same on every machine: the committed ``examples/`` folder is exactly
what this writes, and a test checks it.

- ``site.geojson``       a dig at the Bridge Street / Church Street junction, where the
                         town has a sewer, a medium-pressure gas main, a duct and a water
                         main within clearance, and planned works nearby
- ``programme.geojson``  a programme of four digs (trench, point + radius, polygons)
- ``planned_works.csv``  two planned works to coordinate with
- ``ducts.csv``          a new fibre operator's ducts (WKT, no CRS, one bad row)
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
BNG = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}

SITE = {
    "name": "Bridge Street / Church Street junction",
    "description": "Excavate 6 m x 2 m to replace a failed gully connection",
    "polygon": [(530095, 180862), (530097, 180862), (530097, 180868), (530095, 180868),
                (530095, 180862)],
}

# (reference, geometry type, coordinates, width_m, radius_m, depth_m, method, start, end, usrn,
#  description)
PROGRAMME = [
    ("PRG-01", "LineString", [(530796, 180090), (530796, 180110)], 0.6, None, 1.0, "mechanical",
     "2027-01-11", "2027-01-15", "20700101", "Road crossing for a new water service"),
    ("PRG-02", "Point", (530300, 180352), None, 1.5, 0.8, "hand", "2027-01-18", "2027-01-19",
     "20700102", "Trial hole to locate a leak"),
    ("PRG-03", "Polygon", [(531150, 180600), (531156, 180600), (531156, 180604), (531150, 180604),
                           (531150, 180600)], None, None, 1.5, "mechanical", "2027-02-01",
     "2027-02-05", "20700204", "Chamber rebuild at the Mill Lane junction"),
    ("PRG-04", "LineString", [(530200, 181093), (530320, 181093)], 0.45, None, 0.6, "mechanical",
     "2027-02-08", "2027-02-19", "20700105", "Footway duct for street lighting"),
]

WORKS_HEADER = ["reference", "description", "promoter", "usrn", "street", "depth_m", "method",
                "start_date", "end_date", "status", "wkt"]
WORKS = [
    ["RBC-2026-0101", "Footway resurfacing", "Riverside Borough Council", "20700104",
     "Church Street", "0.3", "mechanical", "2026-12-14", "2026-12-18", "planned",
     "POLYGON ((530110 180855, 530180 180855, 530180 180858, 530110 180858, 530110 180855))"],
    ["MPN-2026-0042", "New LV service to 12 Orchard Lane", "Metro Power Networks", "20700205",
     "Orchard Lane", "0.8", "mechanical", "2027-01-04", "2027-01-08", "planned",
     "LINESTRING (531497 180700, 531510 180700)"],
]

DUCTS_HEADER = ["DUCT_ID", "STATUS", "DIAMETER_MM", "DEPTH_M", "INSTALLED", "WKT"]
DUCTS = [
    ["RF-0001", "Live", "110", "0.6", "2025-06-02",
     "LINESTRING (530460 181100, 530800 181099)"],
    ["RF-0002", "Live", "110", "0.6", "2025-06-02",
     "LINESTRING (530800 181099, 531146 181101)"],
    ["RF-0003", "Proposed", "90", "0.5", "",
     "LINESTRING (531146 181101, 531500 181106)"],
    ["RF-0004", "Live", "54", "0.45", "2025-06-09",
     "LINESTRING (530800 181099, 530800 181060)"],
    ["RF-0005", "Live", "110", "", "2025-06-09", ""],  # a row without geometry: rejected
]


def _feature(geometry: dict, properties: dict) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _geojson(name: str, features: list[dict]) -> str:
    collection = {"type": "FeatureCollection", "name": name, "crs": BNG, "features": features}
    return json.dumps(collection, indent=1, ensure_ascii=False) + "\n"


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def example_files() -> dict[str, str]:
    """File name → text of every example file."""
    site = _feature({"type": "Polygon", "coordinates": [[list(p) for p in SITE["polygon"]]]},
                    {"name": SITE["name"], "description": SITE["description"]})
    digs = []
    for ref, kind, coords, width, radius, depth, method, start, end, usrn, text in PROGRAMME:
        if kind == "Point":
            geometry = {"type": kind, "coordinates": list(coords)}
        elif kind == "Polygon":
            geometry = {"type": kind, "coordinates": [[list(p) for p in coords]]}
        else:
            geometry = {"type": kind, "coordinates": [list(p) for p in coords]}
        digs.append(_feature(geometry, {
            "reference": ref, "description": text, "depth_m": depth, "method": method,
            "start": start, "end": end, "usrn": usrn, "width_m": width, "radius_m": radius}))
    return {
        "site.geojson": _geojson("site", [site]),
        "programme.geojson": _geojson("programme", digs),
        "planned_works.csv": _csv(WORKS_HEADER, WORKS),
        "ducts.csv": _csv(DUCTS_HEADER, DUCTS),
    }


def write_examples(out: str | Path = EXAMPLES_DIR) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in example_files().items():
        (out / name).write_text(text, encoding="utf-8", newline="\n")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_data.examples",
        description="Write the README's example files for the sample town (site.geojson, "
        "programme.geojson, planned_works.csv, ducts.csv).")
    parser.add_argument("out_dir", nargs="?", default=str(EXAMPLES_DIR), metavar="OUT_DIR",
                        help="folder to write them in (default: examples/ at the repository root)")
    args = parser.parse_args(argv)
    target = write_examples(args.out_dir)
    print(f"example files written to {target}: {', '.join(example_files())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
