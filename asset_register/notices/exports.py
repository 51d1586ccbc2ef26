"""Machine-readable parts of a notice pack: GeoJSON and CSV.

``conflicts.geojson`` follows RFC 7946: WGS 84 longitude/latitude (EPSG:4326),
7 decimals (~1 cm), no ``crs`` member. Because surveyors and GIS systems in
Great Britain work in British National Grid, a British authority's pack has
``conflicts-bng.geojson``: the same features in EPSG:27700 (millimetre precision,
transformed if the register is kept in another CRS) with the legacy named-CRS member
GDAL and QGIS read; elsewhere ``conflicts-working-crs.geojson`` holds them in the
register's own CRS. Both hold the footprint (``role: "footprint"``) and one feature per
conflict (``role: "conflict"``) with every conflict column. ``conflicts.csv``
has one row per conflict with the geometry as WKT in the register's CRS; a text value
that a spreadsheet would run as a formula (owner data such as ``=HYPERLINK(…)``) is
written with a leading ``'`` (OWASP's CSV-injection advice), numbers stay numbers.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..check.result import CONFLICT_COLUMNS
from ..transform import reproject
from .content import NoticeContent

CSV_COLUMNS = ["reference", "number", *CONFLICT_COLUMNS, "owner_name", "wkt"]
PROPERTY_COLUMNS = ["number", *CONFLICT_COLUMNS, "owner_name"]


def _plain(value):
    """JSON-safe scalar: NA/NaN → None, numpy scalars → Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _footprint_properties(c: NoticeContent) -> dict:
    s = c.site
    return {
        "role": "footprint", "reference": c.reference, "version": c.version,
        "description": s.description or None, "promoter": c.promoter.name,
        "depth_m": s.depth_m, "method": s.method,
        "start": s.start.isoformat() if s.start else None,
        "end": s.end.isoformat() if s.end else None, "usrn": s.usrn,
        "grid_reference": c.grid_ref, "valid_until": c.valid_until.isoformat(),
        "rules_version": c.rules_version,
    }


def _features(c: NoticeContent, geoms: np.ndarray, precision: int) -> list[dict]:
    """Footprint + conflicts as GeoJSON features; ``geoms[0]`` is the footprint."""
    rounded = shapely.transform(geoms, lambda c: np.round(c, precision), include_z=None)
    texts = shapely.to_geojson(rounded)
    props = c.conflicts[PROPERTY_COLUMNS].astype(object).to_dict("records")
    features = [{"type": "Feature", "properties": _footprint_properties(c),
                 "geometry": json.loads(texts[0])}]
    for text, p in zip(texts[1:], props, strict=True):
        clean = {k: _plain(v) for k, v in p.items()}
        features.append({"type": "Feature",
                         "properties": {"role": "conflict", "reference": c.reference, **clean},
                         "geometry": json.loads(text)})
    return features


def write_geojson(c: NoticeContent, folder: Path) -> list[Path]:
    """Write ``conflicts.geojson`` (EPSG:4326) and, for a British authority,
    ``conflicts-bng.geojson`` (EPSG:27700); elsewhere ``conflicts-working-crs.geojson`` in
    the register's CRS (a site outside Great Britain has no British National Grid
    coordinates)."""
    geoms = np.concatenate([[c.site.footprint], c.conflicts.geometry.to_numpy()])
    native = gpd.GeoSeries(geoms, crs=c.crs)
    wgs84 = reproject(geoms, native.crs, "EPSG:4326")
    out_wgs = folder / "conflicts.geojson"
    out_wgs.write_text(json.dumps(
        {"type": "FeatureCollection", "name": f"{c.reference} conflicts",
         "features": _features(c, wgs84, 7)}, ensure_ascii=False))
    if c.british:
        out_local = folder / "conflicts-bng.geojson"
        local, epsg = (geoms if native.crs.to_epsg() == 27700
                       else reproject(geoms, native.crs, "EPSG:27700")), 27700
    else:
        out_local = folder / "conflicts-working-crs.geojson"
        local, epsg = geoms, native.crs.to_epsg()
    collection = {"type": "FeatureCollection", "name": f"{c.reference} conflicts"}
    if epsg is not None:
        collection["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}
    collection["features"] = _features(c, local, 3)
    out_local.write_text(json.dumps(collection, ensure_ascii=False))
    return [out_wgs, out_local]


def conflicts_table(c: NoticeContent) -> pd.DataFrame:
    """The CSV's rows: reference, number, the conflict columns, owner name, WKT."""
    frame = pd.DataFrame(c.conflicts[PROPERTY_COLUMNS].copy())
    frame.insert(0, "reference", c.reference)
    frame["wkt"] = shapely.to_wkt(c.conflicts.geometry.to_numpy(), rounding_precision=3,
                                  trim=True) if len(frame) else pd.Series(dtype=object)
    return frame[CSV_COLUMNS]


# what a spreadsheet reads as a formula (OWASP: = + - @ tab CR), unless it is a plain number
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas: a value
    starting with = + - @ tab or CR gets a leading ' (numbers such as -1.5 are kept)."""
    out = frame.copy()
    for name in out.columns:
        col = out[name]
        if col.dtype != object and not pd.api.types.is_string_dtype(col):
            continue  # numeric, boolean, dates: never a formula
        text = col.astype("string")
        risky = text.str.startswith(FORMULA_START).fillna(False).to_numpy(bool) & \
            ~text.str.fullmatch(PLAIN_NUMBER).fillna(False).to_numpy(bool)
        if risky.any():
            out[name] = col.astype(object).where(~risky, "'" + text.astype(object))
    return out


def write_csv(c: NoticeContent, folder: Path) -> Path:
    """``conflicts.csv``: UTF-8 with BOM so spreadsheet programs open accents correctly;
    formula-leading text neutralised (``spreadsheet_safe``)."""
    path = folder / "conflicts.csv"
    spreadsheet_safe(conflicts_table(c)).to_csv(path, index=False, encoding="utf-8-sig",
                                                lineterminator="\n")
    return path
