"""Checking and recording one deviation report, and reading reports back with their parts.

Kinds: ``elsewhere`` (the asset lies at a measured point or line, with its accuracy),
``not_found`` (nothing where the record puts it), ``unrecorded`` (found, not in the register:
its geometry, utility and owner if known) and ``attributes`` (depth, material, diameter or
status differ: recorded and found values both kept). The record's values at the time of the
report are kept with it, so the owner sees what the report was made against.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import shapely

from ..errors import NotFoundError, ValidationError
from ..store.records import DEVIATION_KINDS
from ..transform import reproject
from .photos import default_folder, keep_photos

KINDS = DEVIATION_KINDS
ATTRIBUTE_FIELDS = ("depth_m", "material", "diameter_mm", "status")
NUMERIC_FIELDS = ("depth_m", "diameter_mm")
RECORD_FIELDS = ("owner", "utility", "asset_class", "status", "depth_m", "diameter_mm",
                 "material", "h_accuracy_m", "quality_level", "version")


def _geometry(wkt: str | None, crs, store) -> shapely.Geometry | None:
    if wkt is None:
        return None
    try:
        geom = shapely.from_wkt(wkt)
    except shapely.errors.GEOSException:
        raise ValidationError(f"position {wkt[:60]!r} is not WKT: give e.g. "
                              "'POINT (530010 180002)' or 'LINESTRING (…)'") from None
    if geom is None or geom.is_empty or geom.geom_type not in (
            "Point", "LineString", "MultiPoint", "MultiLineString"):
        raise ValidationError(f"position must be a point or a line, not "
                              f"{'nothing' if geom is None or geom.is_empty else geom.geom_type}")
    if not all(math.isfinite(v) for v in shapely.bounds(geom)):
        raise ValidationError("position has coordinates that are not numbers")
    if crs is not None:
        from ..check.footprint import parse_crs

        source = parse_crs(crs)
        if source != store.crs:
            geom = reproject(geom, source, store.crs)
    return geom


def _found_values(found: dict) -> dict:
    unknown = sorted(set(found) - set(ATTRIBUTE_FIELDS))
    if unknown:
        raise ValidationError(f"attribute {unknown[0]!r} cannot be reported: give "
                              f"{', '.join(ATTRIBUTE_FIELDS)}")
    out = {}
    for key, value in found.items():
        if key in NUMERIC_FIELDS:
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ValidationError(f"found {key} {value!r} is not a number") from None
            if not (math.isfinite(value) and value >= 0):
                raise ValidationError(f"found {key} {value} must be a positive number")
        elif not str(value).strip():
            raise ValidationError(f"found {key} is empty")
        out[key] = value
    return out


def _plain(value):
    """A record value as JSON holds it: numpy numbers as Python ones, NaN as null."""
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and value != value else value


def _same(a, b) -> bool:
    if isinstance(b, float):
        return a is not None and not (isinstance(a, float) and a != a) and float(a) == b
    return a is not None and str(a).strip().lower() == str(b).strip().lower()


def add_report(store, kind: str, *, asset_id: str | None = None, position: str | None = None,
               crs=None, accuracy_m: float | None = None, utility: str | None = None,
               owner: str | None = None, found: dict | None = None, notes: str | None = None,
               photos=(), photo_folder=None, reference: str | None = None) -> int:
    """Check a report against the register and record it; returns its id.

    ``position`` is WKT in ``crs`` (default the working CRS): the measured position of an
    asset found elsewhere or unrecorded, where it was searched for otherwise. Photos are copied to
    ``photo_folder`` (default: beside a GeoPackage register) under their SHA-256.
    """
    if kind not in KINDS:
        raise ValidationError(f"deviation kind {kind!r} is not one of {list(KINDS)}")
    geom = _geometry(position, crs, store)
    if accuracy_m is not None and not (math.isfinite(accuracy_m) and accuracy_m >= 0):
        raise ValidationError(f"accuracy {accuracy_m} must be a positive number of metres")
    found = dict(found or {})
    rec: dict = {"kind": kind, "notes": notes, "reference": reference, "recorded": {},
                 "accuracy_m": accuracy_m}
    if kind == "unrecorded":
        if asset_id:
            raise ValidationError("an unrecorded asset has no asset id in the register: "
                                  "give its position and utility")
        if geom is None or not utility:
            raise ValidationError("an unrecorded asset needs its position (--at) and utility "
                                  "(--utility)")
        rec.update(owner=owner or None, utility=utility, found={"utility": utility, **(
            {"owner": owner} if owner else {})})
    else:
        if not asset_id:
            raise ValidationError(f"a {kind!r} report needs the asset id (--asset)")
        try:
            asset = store.get_asset(asset_id)
        except NotFoundError:
            raise NotFoundError(f"no live asset {asset_id!r} in the register: check the id, or "
                                "report it as 'unrecorded'") from None
        rec.update(asset_id=asset_id, asset_version=int(asset["version"]),
                   owner=asset["owner"], utility=asset["utility"],
                   recorded={k: _plain(asset.get(k)) for k in RECORD_FIELDS})
        rec["recorded"]["geometry_wkt"] = shapely.to_wkt(asset["geometry"], rounding_precision=3)
        if owner and owner != asset["owner"]:
            raise ValidationError(f"asset {asset_id!r} belongs to {asset['owner']!r}, "
                                  f"not {owner!r}")
        if kind == "elsewhere":
            if geom is None or accuracy_m is None:
                raise ValidationError("an asset found elsewhere needs the measured position "
                                      "(--at) and its accuracy in metres (--accuracy)")
            rec["found"] = {}
        elif kind == "not_found":
            rec["found"] = {}
        else:
            found = _found_values(found)
            if not found:
                raise ValidationError("an attributes report needs at least one value found "
                                      f"on site ({', '.join(f'--{k}' for k in ATTRIBUTE_FIELDS)})")
            same = [k for k, v in found.items() if _same(asset.get(k), v)]
            if same:
                raise ValidationError(f"found {same[0]} {found[same[0]]!r} is what the record "
                                      "already says: report only values that differ")
            rec["found"] = found
    rec["geometry_wkt"] = None if geom is None else shapely.to_wkt(geom, rounding_precision=3)
    folder = photo_folder if photo_folder is not None else default_folder(store)
    rec["photos"] = keep_photos(photos, None if folder is None else Path(folder))
    return store.add_deviation(rec)


def reports(store, **filters) -> pd.DataFrame:
    """The register's reports with ``recorded``, ``found`` and ``photos`` parsed from JSON."""
    frame = store.deviations(**filters)
    frame = frame.astype(object).where(frame.notna(), None)  # one null on every backend
    for col in ("recorded", "found", "photos"):
        frame[col] = [json.loads(v) if isinstance(v, str) else v for v in frame[col]]
    return frame
