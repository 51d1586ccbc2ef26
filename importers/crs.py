"""Coordinate reference systems: resolve, sanity-check, and reproject to the register's CRS.

A record in the wrong place is worse than no record, so a layer whose coordinates do
not fit its CRS is refused whole with an explanation of the likely mistake (degrees
under a metric label or the reverse, swapped axes, a wrong grid): see ``crs_checks``,
which judges against the declared CRS's area of use, the register's working CRS and
its extent. ``--assume-crs`` gives the CRS of layers that have none; a declared CRS is
only overridden when forced. Reprojection is pyproj on coordinate arrays (vectorised), with the
operation's name and accuracy recorded; when the best operation needs a grid that is
not installed, that is recorded and the accuracy of the operation actually used is
carried (never the better figure of the one that was not).
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pyproj
import shapely

from asset_register.errors import CRSError
from asset_register.transform import (  # noqa: F401  (re-exported for importers' callers)
    BALLPARK_ACCURACY_M,
    UNKNOWN_ACCURACY_M,
    TransformPlan,
    apply_plan as _apply,
    _best,
    _is_ballpark,
    _label,
    plan_transform,
)

from .crs_checks import (  # noqa: F401  (re-exported: the checks live in crs_checks)
    AREA_MARGIN_DEG,
    CANDIDATES,
    DECLARED_MARGIN_DEG,
    MIN_INSIDE_FRACTION,
    REFERENCE_DISTANCE_M,
    advise_missing,
    area_box,
    georeferenced,
    check_coordinates,
    to_lonlat as _to_lonlat,
)

from .parallel import chunk_map

SAMPLE_POINTS = 10_000


def parse_crs(text: str | pyproj.CRS, what: str = "CRS") -> pyproj.CRS:
    """A pyproj CRS from user text (``EPSG:27700``, ``27700``, WKT…), or CRSError."""
    if isinstance(text, pyproj.CRS):
        return text
    value = str(text).strip()
    if value.isdigit():
        value = f"EPSG:{value}"
    elif m := _EPSG_URL.fullmatch(value):  # spellings PROJ does not resolve
        value = f"EPSG:{m.group(1)}"
    try:
        return _cached_crs(value)
    except pyproj.exceptions.CRSError:
        raise CRSError(f"{what} {text!r} is not a known CRS: give an EPSG code such as "
                       "EPSG:4326 (WGS 84) or the national grid's") from None


# GML 2/3.1 ``http://www.opengis.net/gml/srs/epsg.xml#28992`` and spatialreference.org
# ``http://spatialreference.org/ref/epsg/28992/`` (both seen in KLIC deliveries); both
# are read in the traditional x/y (easting/longitude first) order
_EPSG_URL = re.compile(r"https?://(?:www\.opengis\.net/gml/srs/epsg\.xml#|(?:www\.)?"
                       r"spatialreference\.org/ref/epsg/)(\d+)/?", re.IGNORECASE)


def xy_order_url(srs: str) -> bool:
    """True for an srsName spelling that fixes x/y axis order whatever the CRS says."""
    return bool(_EPSG_URL.fullmatch(srs.strip()))


def resolve_source_crs(
    declared: str | None,
    assume: str | None,
    *,
    force: bool = False,
    xy: np.ndarray | None = None,
    working: pyproj.CRS | None = None,
    reference: tuple[float, float, float, float] | None = None,
) -> tuple[pyproj.CRS, list[str]]:
    """The CRS to read a layer in: its declared one, or the one the user states.

    ``assume`` applies to a layer without a CRS; a layer that declares one keeps it (with
    a note when ``assume`` differs) unless ``force`` says the user is correcting the file.
    A layer with no CRS and nothing stated is refused with advice drawn from its
    coordinates ``xy`` (CRSs whose area of use holds them, the register's first).
    """
    notes: list[str] = []
    if declared and not georeferenced(parse_crs(declared, "the source CRS")):
        notes.append(f"the source's CRS ({parse_crs(declared).name}) is not tied to the earth: "
                     "treated as no CRS")
        declared = None
    if assume and (force or not declared):
        crs = parse_crs(assume, "--assume-crs")
        if declared:
            dcrs = parse_crs(declared, "the source CRS")
            if not dcrs.equals(crs, ignore_axis_order=True):
                notes.append(f"source declares {_label(dcrs)}; read as {_label(crs)} as forced")
        else:
            notes.append(f"source has no CRS; read as {_label(crs)} as stated")
        return crs, notes
    if not declared:
        xy = np.zeros((0, 2)) if xy is None else xy
        raise CRSError("; ".join(notes + [advise_missing(xy, working, reference)]))
    dcrs = parse_crs(declared, "the source CRS")
    if assume:
        crs = parse_crs(assume, "--assume-crs")
        if not dcrs.equals(crs, ignore_axis_order=True):
            notes.append(f"source declares {_label(dcrs)}, which is kept: --assume-crs "
                         f"{crs.to_string()} applies only to layers without a CRS (add --force-crs "
                         "to override a declared one)")
    return dcrs, notes


def sample_xy(geoms: np.ndarray, *, cleaned: bool = False) -> np.ndarray:
    """Centres of the bounding boxes of up to SAMPLE_POINTS geometries with finite coordinates.
    ``cleaned``: the geometries are as ``geometry.clean`` keeps them (present, not empty,
    finite coordinates: every box finite), so only the sampled ones are measured — the
    same sample, without the boxes of a million geometries."""
    if cleaned and len(geoms) > SAMPLE_POINTS:
        geoms = np.asarray(geoms)[np.linspace(0, len(geoms) - 1, SAMPLE_POINTS).astype(np.int64)]
    b = shapely.bounds(geoms)
    xy = np.column_stack([(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2])
    xy = xy[np.isfinite(xy).all(axis=1)]
    if len(xy) > SAMPLE_POINTS:
        xy = xy[np.linspace(0, len(xy) - 1, SAMPLE_POINTS).astype(np.int64)]
    return xy


@functools.lru_cache(maxsize=64)
def _cached_crs(text: str) -> pyproj.CRS:
    try:
        return pyproj.CRS.from_user_input(text)
    except pyproj.exceptions.CRSError:
        if not (m := re.fullmatch(r"EPSG:(\d+)", text, re.IGNORECASE)):
            raise
        found = _from_gdal(int(m.group(1)))
        if found is None:
            raise
        return found


def _from_gdal(code: int) -> pyproj.CRS | None:
    """An EPSG code GDAL knows and pyproj's older database does not (GDAL names a file's
    CRS by the newest code: EPSG:11022, ETRS89-NOR [EUREF89] / UTM zone 32N, for a GML
    in EPSG:5972): its definition as GDAL writes it (a shapefile's .prj, written in a
    temporary folder), as the pyproj CRS with the same definition (EPSG:25832) where
    pyproj identifies one. None when GDAL does not know it either."""
    import tempfile
    from pathlib import Path

    import pyogrio.raw

    with tempfile.TemporaryDirectory(prefix="crs-") as folder:
        path = Path(folder) / "crs.shp"
        try:
            pyogrio.raw.write(str(path), geometry=np.array([shapely.to_wkb(shapely.Point(0, 0))],
                                                           dtype=object),
                              field_data=[], fields=[], geometry_type="Point",
                              crs=f"EPSG:{code}", driver="ESRI Shapefile")
            wkt = path.with_suffix(".prj").read_text(encoding="utf-8")
            crs = pyproj.CRS.from_wkt(wkt)
        except (OSError, ValueError, pyproj.exceptions.CRSError, pyogrio.errors.DataSourceError,
                pyogrio.errors.CRSError):
            return None
    same = crs.to_epsg(min_confidence=70)
    return pyproj.CRS.from_epsg(same) if same else crs


def _reproject_chunk(geoms: np.ndarray, plan: TransformPlan) -> np.ndarray:
    """Reproject one chunk; rows whose coordinates cannot be transformed come back as None."""
    out = np.array(geoms, dtype=object, copy=True)
    present = ~shapely.is_missing(out)
    has_z = shapely.has_z(out) & present
    for mask, include_z in ((present & ~has_z, False), (has_z, True)):
        if not mask.any():
            continue
        sub = out[mask]
        coords, index = shapely.get_coordinates(sub, include_z=include_z, return_index=True)
        x, y = _apply(plan, coords[:, 0], coords[:, 1])
        bad = ~(np.isfinite(x) & np.isfinite(y))
        coords[:, 0], coords[:, 1] = x, y
        if bad.any():
            coords[bad, :2] = 0.0  # placeholder; these rows are marked and rejected
        new = (_lines(coords, index, len(sub)) if not include_z and not bad.any()
               and _plain_lines(sub) else shapely.set_coordinates(sub.copy(), coords))
        if bad.any():
            new[np.unique(index[bad])] = None
        out[mask] = new
    return out


def _plain_lines(geoms: np.ndarray) -> bool:
    """True when every geometry is a 2D line string of two or more points with no M values
    and no SRID: rebuilt from its transformed coordinates by ``_lines`` exactly as
    ``set_coordinates`` would rebuild it."""
    return bool(len(geoms) and (shapely.get_type_id(geoms) == shapely.GeometryType.LINESTRING).all()
                and (shapely.get_num_coordinates(geoms) >= 2).all()
                and not shapely.has_m(geoms).any() and not shapely.get_srid(geoms).any())


def _lines(coords: np.ndarray, index: np.ndarray, n: int) -> np.ndarray:
    """The line strings of ``coords`` grouped by ``index`` (0…n-1, each two or more
    points): new geometries in one call, ~40 % less CPU than ``set_coordinates`` copying
    each geometry and then setting its coordinates (which holds the GIL throughout)."""
    out = shapely.linestrings(coords, indices=index)
    if len(out) != n:  # (cannot be: every geometry has points)
        raise AssertionError("line strings rebuilt in a different number")
    return out


def reproject(geoms: np.ndarray, plan: TransformPlan) -> tuple[np.ndarray, np.ndarray]:
    """Reproject XY of every geometry in bulk (threaded chunks); Z values are kept as they are.

    Returns (geometries, failed) where ``failed`` marks rows with coordinates the
    transformation could not handle (infinite or NaN results).
    """
    geoms = np.asarray(geoms, dtype=object)
    if plan.is_noop or len(geoms) == 0:
        return geoms.copy(), np.zeros(len(geoms), dtype=bool)
    out = chunk_map(lambda chunk: _reproject_chunk(chunk, plan), geoms)
    failed = shapely.is_missing(out) & ~shapely.is_missing(geoms)
    out[failed] = geoms[failed]  # keep the source geometry for the reject record
    return out, failed


def outside_area(geoms: np.ndarray, working: pyproj.CRS) -> np.ndarray:
    """Rows whose bounds fall outside the working CRS's area of use (absurd coordinates)."""
    box = area_box(working, DECLARED_MARGIN_DEG)
    b = shapely.bounds(geoms)
    if box is None:
        return ~np.isfinite(b).all(axis=1) & ~shapely.is_missing(geoms)
    minx, miny, maxx, maxy = box
    with np.errstate(invalid="ignore"):
        ok = (b[:, 0] >= minx) & (b[:, 2] <= maxx) & (b[:, 1] >= miny) & (b[:, 3] <= maxy)
    return ~ok & ~shapely.is_missing(geoms)


def lonlat_bounds(crs: pyproj.CRS, xy: np.ndarray):
    """(west, south, east, north) of sample points, for choosing a transformation."""
    if len(xy) == 0:
        return None
    ll = _to_lonlat(crs, xy)
    ll = ll[np.isfinite(ll).all(axis=1)]
    if len(ll) == 0:
        return None
    return (float(ll[:, 0].min()), float(ll[:, 1].min()), float(ll[:, 0].max()), float(ll[:, 1].max()))
