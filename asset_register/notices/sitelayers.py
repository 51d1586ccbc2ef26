"""A register's reference layers (streets with USRNs, buildings), read around a dig site.

The register names its reference layers in the setting ``reference_layers`` (a JSON list of
``"path|layer"``, the desktop app's convention; `asset-register sample` sets the sample town's
streets and buildings, ``notice-settings --reference FILE`` adds a file). Notices use them to
check that a dig's USRN is a street at the site (and suggest one when none is given) and to
draw a backdrop of streets and buildings on the map. Only local files are read, and only the
part around the site (a bounding-box read), so a national street gazetteer costs no more than
a town's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from .. import settings as reg
from ..errors import NoticeError

SETTING = "reference_layers"
SEARCH_M = 1000.0  # how far a USRN's street is looked for, to name it in an error
NAME_COLUMNS = ("name", "street", "street_name", "street_descriptor", "road_name")


def reference_layers(store) -> list[tuple[str, str]]:
    """(path, layer) of every reference layer the register names that exists on this PC."""
    raw = (reg.raw(store, SETTING) or "").strip()
    if not raw:
        return []
    try:
        items = json.loads(raw)
    except ValueError:
        raise NoticeError(f"setting '{SETTING}' is not a JSON list of \"path|layer\": set it "
                          "again with asset-register notice-settings --reference FILE") from None
    out = []
    for item in items if isinstance(items, list) else []:
        path, _, layer = str(item).partition("|")
        if "://" not in path and Path(path).is_file():  # local files only, never the network
            out.append((path, layer))
    return out


def layer_entries(path: str | Path) -> list[str]:
    """``"path|layer"`` for every vector layer of a reference file (for the setting)."""
    import pyogrio

    p = Path(path)
    if not p.is_file():
        raise NoticeError(f"reference file {str(p)!r} does not exist: give a local vector file "
                          "(GeoPackage, shapefile, GeoJSON...)")
    try:
        layers = [str(name) for name, kind in pyogrio.list_layers(p) if kind]
    except Exception as exc:
        raise NoticeError(f"reference file {str(p)!r} cannot be read ({exc}): give a vector "
                          "file") from None
    if not layers:
        raise NoticeError(f"reference file {str(p)!r} has no geometry layer")
    return [f"{p.resolve()}|{name}" for name in layers]


def read_near(path: str, layer: str, bbox: tuple[float, float, float, float], crs):
    """The features of one reference layer inside ``bbox`` (in ``crs``), in ``crs``."""
    import pyogrio
    import pyproj

    info = pyogrio.read_info(path, layer=layer or None)
    src = pyproj.CRS.from_user_input(info["crs"]) if info.get("crs") else None
    dst = pyproj.CRS.from_user_input(crs)
    box = bbox
    if src is not None and src != dst:
        from ..transform import reproject

        # The window's outline (41 points a side) through the pinned transformation, like
        # the features read: the layer's own CRS may bend the box.
        x0, y0, x1, y1 = bbox
        outline = shapely.segmentize(shapely.box(*bbox).exterior, max(x1 - x0, y1 - y0, 1e-9) / 40)
        box = reproject(outline, dst, src, "reference window").bounds
    frame = pyogrio.read_dataframe(path, layer=layer or None, bbox=tuple(box))
    if src is not None and src != dst and len(frame):
        from ..transform import reproject_frame

        frame = reproject_frame(frame, dst, "reference feature")
    return frame


def _column(frame, names) -> str | None:
    lower = {str(c).lower(): c for c in frame.columns}
    return next((lower[n] for n in names if n in lower), None)


def streets_near(store, footprint: shapely.Geometry, radius_m: float) -> pd.DataFrame:
    """Streets (features with a USRN) within ``radius_m`` of the footprint: usrn, name,
    distance_m, nearest first, one row per USRN."""
    cols = ["usrn", "name", "distance_m"]
    x0, y0, x1, y1 = footprint.bounds
    bbox = (x0 - radius_m, y0 - radius_m, x1 + radius_m, y1 + radius_m)
    parts = []
    for path, layer in reference_layers(store):
        try:
            frame = read_near(path, layer, bbox, store.crs)
        except Exception:
            continue
        usrn = _column(frame, ("usrn",))
        if usrn is None or not len(frame):
            continue
        name = _column(frame, NAME_COLUMNS)
        values = frame[usrn].astype(object)
        ok = values.notna().to_numpy()
        text = values[ok].map(lambda v: str(int(v)) if isinstance(v, float) else str(v).strip())
        parts.append(pd.DataFrame({
            "usrn": text.to_numpy(dtype=object),
            "name": (frame[name][ok].astype(object).fillna("").astype(str).to_numpy()
                     if name else np.full(int(ok.sum()), "", dtype=object)),
            "distance_m": shapely.distance(frame.geometry.to_numpy()[ok], footprint),
        }))
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out = out[out["distance_m"] <= radius_m].sort_values(["distance_m", "usrn"], kind="stable")
    return out.drop_duplicates("usrn").reset_index(drop=True)[cols]


def _label(row: dict) -> str:
    name = f"{row['name']} " if row["name"] else ""
    return f"{name}(USRN {row['usrn']}, {row['distance_m']:.1f} m)"


@dataclass
class UsrnCheck:
    """What the streets at the site say about a dig's USRN."""

    checked: bool  # False: the register has no streets layer, nothing could be checked
    nearby: pd.DataFrame  # streets within the rules' distance, nearest first
    suggestion: str | None = None  # the nearest street's USRN, when none was given
    message: str | None = None  # a one-line warning to print in the pack (promoter only)
    suggestion_label: str | None = None  # "High Street (USRN 20700102, 0.1 m)"


def check_usrn(store, footprint: shapely.Geometry, usrn: str | None,
               distance_m: float) -> UsrnCheck:
    """Refuse a USRN that is not a street within ``distance_m`` of the footprint.

    Raises NoticeError naming the USRN's street and distance (when found within
    SEARCH_M) and the streets at the site with their USRNs. With no USRN given, the
    nearest street's USRN is suggested.
    """
    if not any(_has_usrn(path, layer) for path, layer in reference_layers(store)):
        return UsrnCheck(False, pd.DataFrame(columns=["usrn", "name", "distance_m"]),
                         message=None if not usrn else (
            "the USRN was not checked against the streets at the site: the register has no "
            "streets reference layer with USRNs (asset-register notice-settings --reference)"))
    found = streets_near(store, footprint, max(SEARCH_M, distance_m))
    nearby = found[found["distance_m"] <= distance_m].reset_index(drop=True)
    at_site = "; ".join(_label(r) for r in nearby.head(4).to_dict("records")) or \
        f"none within {distance_m:g} m"
    usrn = str(usrn).strip() if usrn else None
    if usrn is None:
        if not len(found):
            return UsrnCheck(True, nearby)
        best = found.iloc[0].to_dict()
        return UsrnCheck(True, nearby, str(best["usrn"]), (
            f"no USRN given: the nearest street is {_label(best)}; give it with --usrn "
            f"{best['usrn']} so that Street Manager and same-street coordination can use it"),
            _label(best))
    if usrn in set(nearby["usrn"]):
        return UsrnCheck(True, nearby)
    mine = found[found["usrn"] == usrn].to_dict("records")
    where = (f"is {mine[0]['name'] + ', ' if mine[0]['name'] else ''}"
             f"{mine[0]['distance_m']:.0f} m from the dig" if mine else
             f"is not a street within {SEARCH_M:g} m of the dig")
    raise NoticeError(f"USRN {usrn} {where}; streets at the site: {at_site}: give the USRN of "
                      "the street the works are in")


def _has_usrn(path: str, layer: str) -> bool:
    import pyogrio

    try:
        fields = pyogrio.read_info(path, layer=layer or None)["fields"]
    except Exception:
        return False
    return any(str(f).lower() == "usrn" for f in fields)
