"""Coordinate reference systems: resolve, sanity-check, and reproject to the register's CRS.

A record in the wrong place is worse than no record, so a layer whose coordinates do
not fit its CRS is refused with an explanation of the likely mistake:

* longitude/latitude degrees in a file labelled with a projected CRS (metres),
* swapped axes (latitude first, or northing first),
* a wrong national grid (e.g. British National Grid coordinates labelled as Irish
  Transverse Mercator) — the explanation names the CRSs the coordinates do fit.

The checks use each CRS's area of use (pyproj) and, when the register already holds
data, its extent. Reprojection is pyproj on coordinate arrays (vectorised), with the
operation's name and accuracy recorded; when the best operation needs a grid that is
not installed, that is recorded and the accuracy of the operation actually used is
carried (never the better figure of the one that was not).
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pyproj
import shapely
from pyproj.transformer import Transformer

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

from .parallel import chunk_map

# Fraction of a layer that must fall inside the CRS's area of use to be imported at all.
MIN_INSIDE_FRACTION = 0.5
AREA_MARGIN_DEG = 0.05
# Data further than this from the register's existing data gets a second look.
REFERENCE_DISTANCE_M = 50_000.0
SAMPLE_POINTS = 10_000

# CRSs tried when explaining a misfit (what owners' files in and around the UK use).
CANDIDATES = (
    "EPSG:27700", "EPSG:4326", "EPSG:4258", "EPSG:4277", "EPSG:3857", "EPSG:25830",
    "EPSG:25831", "EPSG:32630", "EPSG:32631", "EPSG:2157", "EPSG:29903", "EPSG:28992",
    "EPSG:2154", "EPSG:31370", "EPSG:3035",
)


def parse_crs(text: str | pyproj.CRS, what: str = "CRS") -> pyproj.CRS:
    """A pyproj CRS from user text (``EPSG:27700``, ``27700``, WKT…), or CRSError."""
    if isinstance(text, pyproj.CRS):
        return text
    value = str(text).strip()
    if value.isdigit():
        value = f"EPSG:{value}"
    try:
        return _cached_crs(value)
    except pyproj.exceptions.CRSError:
        raise CRSError(f"{what} {text!r} is not a known CRS: give one like EPSG:27700") from None


def resolve_source_crs(declared: str | None, assume: str | None) -> tuple[pyproj.CRS, list[str]]:
    """The CRS to read a layer in: the source's own, or the one the user states.

    A layer with no CRS is refused unless ``assume`` is given; a stated CRS that
    differs from a declared one wins, with a note (the user is correcting the file).
    """
    notes: list[str] = []
    if assume:
        crs = parse_crs(assume, "--assume-crs")
        if declared:
            dcrs = parse_crs(declared, "the source CRS")
            if not dcrs.equals(crs, ignore_axis_order=True):
                notes.append(f"source declares {_label(dcrs)}; read as {_label(crs)} as stated")
        else:
            notes.append(f"source has no CRS; read as {_label(crs)} as stated")
        return crs, notes
    if not declared:
        raise CRSError(
            "the layer has no coordinate reference system: state it, e.g. --assume-crs "
            "EPSG:27700 (British National Grid) — check with the owner which one they used"
        )
    return parse_crs(declared, "the source CRS"), notes


def sample_xy(geoms: np.ndarray) -> np.ndarray:
    """Centres of the bounding boxes of up to SAMPLE_POINTS geometries with finite coordinates."""
    b = shapely.bounds(geoms)
    xy = np.column_stack([(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2])
    xy = xy[np.isfinite(xy).all(axis=1)]
    if len(xy) > SAMPLE_POINTS:
        xy = xy[np.linspace(0, len(xy) - 1, SAMPLE_POINTS).astype(np.int64)]
    return xy


@functools.lru_cache(maxsize=256)
def _transformer(src: pyproj.CRS, dst: pyproj.CRS) -> Transformer:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Transformer.from_crs(src, dst, always_xy=True)


@functools.lru_cache(maxsize=64)
def _cached_crs(text: str) -> pyproj.CRS:
    return pyproj.CRS.from_user_input(text)


def _to_lonlat(crs: pyproj.CRS, xy: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = _transformer(crs, _cached_crs("EPSG:4326"))
        lon, lat = t.transform(xy[:, 0], xy[:, 1], errcheck=False)
    return np.column_stack([lon, lat])


def _inside(crs: pyproj.CRS, lonlat: np.ndarray) -> np.ndarray:
    area = crs.area_of_use
    if area is None:
        return np.isfinite(lonlat).all(axis=1)
    w, s, e, n = area.bounds
    m = AREA_MARGIN_DEG
    lon, lat = lonlat[:, 0], lonlat[:, 1]
    with np.errstate(invalid="ignore"):
        return (lon >= w - m) & (lon <= e + m) & (lat >= s - m) & (lat <= n + m)


def _fits(crs: pyproj.CRS, xy: np.ndarray, working: pyproj.CRS, reference=None) -> float:
    """Fraction of points that land inside both the CRS's and the register's area."""
    if len(xy) == 0:
        return 0.0
    ll = _to_lonlat(crs, xy)
    ok = _inside(crs, ll) & _inside(working, ll)
    if reference is not None:
        ok &= _near_reference(crs, xy, working, reference)
    return float(ok.mean())


def _near_reference(crs, xy, working, reference) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x, y = _transformer(crs, working).transform(xy[:, 0], xy[:, 1], errcheck=False)
    minx, miny, maxx, maxy = reference
    dx = np.maximum(np.maximum(minx - x, x - maxx), 0)
    dy = np.maximum(np.maximum(miny - y, y - maxy), 0)
    with np.errstate(invalid="ignore"):
        return np.hypot(dx, dy) <= REFERENCE_DISTANCE_M


def _where(crs: pyproj.CRS, xy: np.ndarray) -> str:
    ll = _to_lonlat(crs, np.median(xy, axis=0, keepdims=True))[0]
    if not np.isfinite(ll).all():
        return "at no valid position"
    return f"around longitude {ll[0]:.3f}, latitude {ll[1]:.3f}"


def check_coordinates(
    crs: pyproj.CRS,
    xy: np.ndarray,
    working: pyproj.CRS,
    reference: tuple[float, float, float, float] | None = None,
) -> list[str]:
    """Refuse (CRSError) coordinates that do not fit ``crs``, explaining the likely mistake.

    ``xy`` are sample coordinates in ``crs`` (see ``sample_xy``); ``reference`` the
    register's extent in the working CRS when it holds data. Returns warnings.
    """
    if len(xy) == 0:
        return []
    label = _label(crs)
    degrees = bool((np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all())
    if crs.is_projected and degrees and _fits(parse_crs("EPSG:4326"), xy, working) >= MIN_INSIDE_FRACTION:
        raise CRSError(
            f"the coordinates (x {xy[:, 0].min():.6g}…{xy[:, 0].max():.6g}, y "
            f"{xy[:, 1].min():.6g}…{xy[:, 1].max():.6g}) look like longitude/latitude degrees, "
            f"but the layer says {label}, a projected CRS in metres (they would all lie within "
            "200 m of its false origin): import with --assume-crs EPSG:4326 (WGS 84) if the "
            "owner confirms"
        )
    if _fits(crs, xy, working) >= MIN_INSIDE_FRACTION:
        if reference is None or _fits(crs, xy, working, reference) >= MIN_INSIDE_FRACTION:
            return []
        swapped = xy[:, ::-1]
        if _fits(crs, swapped, working, reference) >= MIN_INSIDE_FRACTION:
            raise CRSError(
                f"the coordinates read as {label} lie {_where(crs, xy)}, more than "
                f"{REFERENCE_DISTANCE_M / 1000:.0f} km from the register's data, but with X and Y "
                "swapped they fall right on it: the file has its axes swapped (northing before "
                "easting); ask the owner to re-export it with X = easting"
            )
        fits = [c for c in CANDIDATES if _fits(parse_crs(c), xy, working, reference) >= MIN_INSIDE_FRACTION]
        if fits:
            raise CRSError(
                f"the coordinates read as {label} lie {_where(crs, xy)}, more than "
                f"{REFERENCE_DISTANCE_M / 1000:.0f} km from the register's data; read as "
                f"{' or '.join(_label(parse_crs(c)) for c in fits)} they fall on it: the file's CRS "
                f"is probably wrong — import with --assume-crs {fits[0]} if the owner confirms"
            )
        return [f"the layer lies {_where(crs, xy)}, more than {REFERENCE_DISTANCE_M / 1000:.0f} km "
                "from the register's other data"]
    bounds = f"x {xy[:, 0].min():.6g}…{xy[:, 0].max():.6g}, y {xy[:, 1].min():.6g}…{xy[:, 1].max():.6g}"
    area = crs.area_of_use.name.rstrip(".") if crs.area_of_use else "unknown"
    head = (f"the coordinates ({bounds}) do not fit the layer's CRS {label}: read that way they lie "
            f"{_where(crs, xy)}, outside its area of use ({area}) or outside the register's "
            f"area ({_label(working)})")
    if _fits(crs, xy[:, ::-1], working) >= MIN_INSIDE_FRACTION:
        what = "latitude before longitude" if crs.is_geographic else "northing before easting"
        raise CRSError(
            f"{head}. With X and Y swapped they fit: the file has its axes swapped ({what}); "
            "ask the owner to re-export it with X = easting/longitude"
        )
    fits = [c for c in CANDIDATES if not parse_crs(c).equals(crs, ignore_axis_order=True)
            and _fits(parse_crs(c), xy, working) >= MIN_INSIDE_FRACTION]
    if fits:
        raise CRSError(
            f"{head}. They fit {' or '.join(_label(parse_crs(c)) for c in fits)}: the file is "
            f"probably labelled with the wrong grid — import with --assume-crs {fits[0]} if the "
            "owner confirms"
        )
    raise CRSError(f"{head}, and no common CRS explains them: ask the owner which CRS they used")


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
        new = shapely.set_coordinates(sub.copy(), coords)
        if bad.any():
            new[np.unique(index[bad])] = None
        out[mask] = new
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
    area = working.area_of_use
    b = shapely.bounds(geoms)
    if area is None:
        return ~np.isfinite(b).all(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = _transformer(_cached_crs("EPSG:4326"), working)
        m = AREA_MARGIN_DEG
        minx, miny, maxx, maxy = t.transform_bounds(
            area.west - m, area.south - m, area.east + m, area.north + m
        )
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
