"""Do a layer's coordinates fit its CRS? Diagnosis of the classic mistakes, and advice.

Every judgement is made against the layer's DECLARED CRS and its area of use (pyproj),
the register's working CRS and, when it holds data, its extent — never against a
national grid fixed in the code. A layer is refused whole (``CRSError``, nothing
written) when most of its coordinates show one of these mistakes:

* longitude/latitude degrees under a projected (metric) label: read as metres they
  would all lie within 200 m of the CRS's false origin, whatever that CRS is;
* metres (or feet) under a geographic label: values beyond ±180/±90 cannot be degrees;
* swapped axes (latitude first, northing first);
* a wrong grid: outside the declared CRS's area of use, but inside another's.

A layer that does fit its declared CRS but lies outside the area the register's CRS
covers is refused as such — it is not told to pretend to be in another grid. Advice
(for a wrong label, or a layer with no CRS) names CRSs whose area of use holds the
data, the register's working CRS first, then the most specific (smallest area).
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pyproj

from asset_register.crs_names import BRITISH_NATIONAL_GRID
from asset_register.errors import CRSError
from asset_register.transform import _label

# Fraction of a layer that must show a property for the layer to be judged by it.
MIN_INSIDE_FRACTION = 0.5
AREA_MARGIN_DEG = 0.05
# A layer judged against its own declared CRS may run this far past the CRS's nominal area
# (German EPSG:25832 data west of 6°E, a cross-border network): a wrong grid puts data
# hundreds of kilometres away, far beyond it.
DECLARED_MARGIN_DEG = 1.0
# Data further than this from the register's existing data gets a second look.
REFERENCE_DISTANCE_M = 50_000.0
MAX_SUGGESTIONS = 3

# CRSs tried when explaining a misfit or a missing CRS: the national grids and UTM zones
# owners' files use in north-west Europe, plus whatever the register itself works in.
# Only candidates whose area of use holds the data are ever suggested.
CANDIDATES = (
    BRITISH_NATIONAL_GRID, "EPSG:29903", "EPSG:2157", "EPSG:28992", "EPSG:31370", "EPSG:3812",
    "EPSG:2154", "EPSG:25829", "EPSG:25830", "EPSG:25831", "EPSG:25832", "EPSG:25833",
    "EPSG:32629", "EPSG:32630", "EPSG:32631", "EPSG:32632", "EPSG:31467", "EPSG:31468",
    "EPSG:2056", "EPSG:3035",
)
# Geographic CRSs for layers in degrees: WGS 84 first (GPS, web exports), then ETRS89.
GEOGRAPHIC_CANDIDATES = ("EPSG:4326", "EPSG:4258")


@functools.lru_cache(maxsize=128)
def _crs(text: str) -> pyproj.CRS:
    return pyproj.CRS.from_user_input(text)


@functools.lru_cache(maxsize=256)
def _transformer(src: pyproj.CRS, dst: pyproj.CRS) -> pyproj.Transformer:
    # pyproj's default on purpose: only for telling where data lies (areas of use with a
    # margin of degrees, the area of interest that chooses the pinned transformation, "around
    # longitude 1.234" in messages), which must work outside every grid too. No position the
    # product stores or reports comes from it: those go through ``asset_register.transform``.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pyproj.Transformer.from_crs(src, dst, always_xy=True)


@functools.lru_cache(maxsize=128)
def georeferenced(crs: pyproj.CRS) -> bool:
    """False for a CRS PROJ cannot relate to the earth (a GeoPackage's "undefined cartesian"
    or "undefined geographic" SRS, a local engineering grid): such a layer has no usable CRS."""
    if crs.type_name.startswith("Engineering") or crs.name.lower().startswith("undefined"):
        return False
    try:
        _transformer(crs, _crs("EPSG:4326"))
    except pyproj.exceptions.ProjError:
        return False
    return True


def to_lonlat(crs: pyproj.CRS, xy: np.ndarray) -> np.ndarray:
    """Longitude/latitude (WGS 84) of coordinates in ``crs``; NaN/inf where undefined."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lon, lat = _transformer(crs, _crs("EPSG:4326")).transform(xy[:, 0], xy[:, 1], errcheck=False)
    return np.column_stack([lon, lat])


@functools.lru_cache(maxsize=256)
def area_box(crs: pyproj.CRS, margin: float = AREA_MARGIN_DEG) -> tuple[float, float, float, float] | None:
    """The CRS's area of use (with a margin in degrees) transformed to the CRS's own coordinates."""
    area = crs.area_of_use
    if area is None:
        return None
    m = margin
    w, s, e, n = area.west - m, max(area.south - m, -90.0), area.east + m, min(area.north + m, 90.0)
    if crs.is_geographic:
        return (w, s, e, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            box = _transformer(_crs("EPSG:4326"), crs).transform_bounds(w, s, e, n, densify_pts=41)
        except pyproj.exceptions.ProjError:
            return None
    return box if np.isfinite(box).all() else None


def _inside_lonlat(crs: pyproj.CRS, lonlat: np.ndarray, margin: float = AREA_MARGIN_DEG) -> np.ndarray:
    area = crs.area_of_use
    if area is None:
        return np.isfinite(lonlat).all(axis=1)
    m = margin
    lon, lat = lonlat[:, 0], lonlat[:, 1]
    with np.errstate(invalid="ignore"):
        return (lon >= area.west - m) & (lon <= area.east + m) & (lat >= area.south - m) & (lat <= area.north + m)


def in_area(crs: pyproj.CRS, xy: np.ndarray, margin: float = AREA_MARGIN_DEG) -> np.ndarray:
    """Points (in ``crs``) inside the CRS's area of use: checked in its own coordinates (the
    area's bounds transformed to it) and, after the inverse projection, in degrees."""
    box = area_box(crs, margin)
    ok = np.isfinite(xy).all(axis=1)
    if box is not None:
        with np.errstate(invalid="ignore"):
            ok &= (xy[:, 0] >= box[0]) & (xy[:, 0] <= box[2]) & (xy[:, 1] >= box[1]) & (xy[:, 1] <= box[3])
    return ok & _inside_lonlat(crs, to_lonlat(crs, xy), margin)


def _near_reference(crs, xy, working, reference) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x, y = _transformer(crs, working).transform(xy[:, 0], xy[:, 1], errcheck=False)
    minx, miny, maxx, maxy = reference
    dx = np.maximum(np.maximum(minx - x, x - maxx), 0)
    dy = np.maximum(np.maximum(miny - y, y - maxy), 0)
    with np.errstate(invalid="ignore"):
        return np.hypot(dx, dy) <= REFERENCE_DISTANCE_M


def fits(crs: pyproj.CRS, xy: np.ndarray, working: pyproj.CRS | None = None, reference=None,
         margin: float = AREA_MARGIN_DEG) -> float:
    """Fraction of points inside the CRS's area of use (and the register's area, and near
    the register's data, when those are given)."""
    if len(xy) == 0:
        return 0.0
    ok = in_area(crs, xy, margin)
    if working is not None:
        ok &= _inside_lonlat(working, to_lonlat(crs, xy), margin)
        if reference is not None:
            ok &= _near_reference(crs, xy, working, reference)
    return float(ok.mean())


def _degree_fraction(xy: np.ndarray) -> float:
    with np.errstate(invalid="ignore"):
        return float(((np.abs(xy[:, 0]) <= 180) & (np.abs(xy[:, 1]) <= 90)).mean())


def _where(crs: pyproj.CRS, xy: np.ndarray) -> str:
    ll = to_lonlat(crs, np.median(xy, axis=0, keepdims=True))[0]
    if not np.isfinite(ll).all():
        return "at no valid position"
    return f"around longitude {ll[0]:.3f}, latitude {ll[1]:.3f}"


def _bounds(xy: np.ndarray) -> str:
    return f"x {xy[:, 0].min():.6g}…{xy[:, 0].max():.6g}, y {xy[:, 1].min():.6g}…{xy[:, 1].max():.6g}"


def _area_name(crs: pyproj.CRS) -> str:
    """The head of the CRS's area-of-use name ("Netherlands", "United Kingdom (UK)")."""
    if not crs.area_of_use:
        return "area of use unknown"
    name = crs.area_of_use.name.split(" - ")[0]
    first = name.split(";")[0]
    # "Europe between 6°E and 12°E: Austria; Belgium; …": the band, not its first country
    head = (first.split(":")[0] if ";" in name and ":" in first else first).rstrip(". ")
    return head if len(head) <= 60 else head[:57].rstrip() + "…"


def _area_size(crs: pyproj.CRS) -> float:
    a = crs.area_of_use
    return (a.east - a.west) * (a.north - a.south) if a else float("inf")


def _same(a: pyproj.CRS, b: pyproj.CRS | None) -> bool:
    return b is not None and a.equals(b, ignore_axis_order=True)


def suggest(xy: np.ndarray, working: pyproj.CRS | None = None, reference=None, *,
            geographic: bool = False, exclude: pyproj.CRS | None = None) -> list[pyproj.CRS]:
    """CRSs (projected, or geographic) the coordinates fit, best first (see module docstring)."""
    if geographic:
        codes = [_crs(c) for c in GEOGRAPHIC_CANDIDATES]
        if working is not None and working.geodetic_crs is not None:
            codes.append(working.geodetic_crs)
    elif _degree_fraction(xy) >= MIN_INSIDE_FRACTION:
        return []  # degree-sized numbers are never plausible metres (see check_coordinates)
    else:
        codes = ([working] if working is not None and not working.is_geographic else []) + \
            [_crs(c) for c in CANDIDATES]
    seen: list[pyproj.CRS] = []
    for c in codes:
        if not any(_same(c, s) for s in seen) and not _same(c, exclude):
            seen.append(c)
    good = [c for c in seen if fits(c, xy, working, reference) >= MIN_INSIDE_FRACTION]
    if geographic:
        return good[:MAX_SUGGESTIONS]  # WGS 84 first: what lon/lat files almost always are
    good.sort(key=lambda c: (not _same(c, working), _area_size(c)))
    return good[:MAX_SUGGESTIONS]


def _names(crss: list[pyproj.CRS]) -> str:
    return " or ".join(_label(c) for c in crss)


def _code(crs: pyproj.CRS) -> str:
    auth = crs.to_authority(min_confidence=70)
    return f"{auth[0]}:{auth[1]}" if auth else f'"{crs.to_wkt()}"'


def advise_missing(xy: np.ndarray, working: pyproj.CRS | None = None, reference=None) -> str:
    """The message for a layer with no CRS: which CRSs its coordinates fit, working CRS first."""
    head = "the layer has no coordinate reference system"
    if len(xy) and _degree_fraction(xy) >= MIN_INSIDE_FRACTION:
        good = suggest(xy, working, reference, geographic=True)
        if good:
            return (f"{head}; its coordinates ({_bounds(xy)}) look like longitude/latitude degrees: "
                    f"state it, e.g. --assume-crs {_code(good[0])} ({_names(good)} fit) — check with "
                    "the owner which one they used")
        if working is not None and suggest(xy, geographic=True):
            where = _where(_crs("EPSG:4326"), xy)
            return (f"{head}; its coordinates look like longitude/latitude degrees ({where}), "
                    f"outside the area the register's CRS {_label(working)} covers ({_area_name(working)}): "
                    "this register cannot hold them; nothing imported")
    good = suggest(xy, working, reference) if len(xy) else []
    if good:
        return (f"{head}; its coordinates ({_bounds(xy)}) fit {_names(good)}: state it, e.g. "
                f"--assume-crs {_code(good[0])} — check with the owner which one they used")
    where = f" inside the register's area ({_label(working)})" if working is not None else ""
    return (f"{head}, and its coordinates{f' ({_bounds(xy)})' if len(xy) else ''} fit no common "
            f"CRS{where}: ask the owner which CRS they used and state it with --assume-crs")


def check_coordinates(
    crs: pyproj.CRS,
    xy: np.ndarray,
    working: pyproj.CRS | None = None,
    reference: tuple[float, float, float, float] | None = None,
) -> list[str]:
    """Refuse (CRSError) coordinates that do not fit ``crs``, explaining the likely mistake.

    ``xy`` are sample coordinates in ``crs`` (see ``crs.sample_xy``); ``working`` the
    register's CRS (None: judge the file on its own, as ``inspect`` does without a
    register); ``reference`` the register's extent in it when it holds data. Returns warnings.
    """
    if len(xy) == 0:
        return []
    label = _label(crs)
    force = "--force-crs"
    if not crs.is_geographic and _degree_fraction(xy) >= MIN_INSIDE_FRACTION:
        good = suggest(xy, working, geographic=True) or [_crs("EPSG:4326")]
        lonlat = f"around longitude {np.median(xy[:, 0]):.3f}, latitude {np.median(xy[:, 1]):.3f}"
        raise CRSError(
            f"the coordinates ({_bounds(xy)}) look like longitude/latitude degrees ({lonlat}), but "
            f"the layer says {label}, a projected CRS in metres (read that way they would all lie "
            f"within 200 m of its false origin): the whole layer is refused; if the owner confirms "
            f"they are degrees, import with --assume-crs {_code(good[0])} {force} ({_names(good)})"
        )
    if crs.is_geographic and _degree_fraction(xy) < 1 - MIN_INSIDE_FRACTION:
        good = suggest(xy, working, reference)
        advice = (f"they fit {_names(good)}: if the owner confirms, import with --assume-crs "
                  f"{_code(good[0])} {force}") if good else "ask the owner which CRS they used"
        raise CRSError(
            f"the coordinates ({_bounds(xy)}) are far beyond ±180/±90, so they cannot be degrees, "
            f"but the layer says {label}, a geographic CRS in degrees: they look like metres of a "
            f"projected CRS; the whole layer is refused — {advice}"
        )
    if fits(crs, xy, margin=DECLARED_MARGIN_DEG) >= MIN_INSIDE_FRACTION:
        return _check_against_register(crs, xy, working, reference)
    head = (f"the coordinates ({_bounds(xy)}) do not fit the layer's CRS {label}: read that way "
            f"they lie {_where(crs, xy)}, outside its area of use ({_area_name(crs)})")
    if fits(crs, xy[:, ::-1], working) >= MIN_INSIDE_FRACTION:
        what = "latitude before longitude" if crs.is_geographic else "northing before easting"
        raise CRSError(
            f"{head}. With X and Y swapped they fit: the file has its axes swapped ({what}); "
            "ask the owner to re-export it with X = easting/longitude"
        )
    good = suggest(xy, working, reference, exclude=crs) or suggest(xy, working, exclude=crs)
    if good:
        raise CRSError(
            f"{head}. They fit {_names(good)}: the file is probably labelled with the wrong grid — "
            f"import with --assume-crs {_code(good[0])} {force} if the owner confirms"
        )
    raise CRSError(f"{head}, and no common CRS explains them: ask the owner which CRS they used")


def _check_against_register(crs, xy, working, reference) -> list[str]:
    """The layer fits its declared CRS: is it inside the register's area, near its data?

    The declaration is trusted unless the register's own data shows it wrong: a layer
    outside the register's area is refused as such, never told to pretend to be in
    another grid; another CRS is suggested only when it puts the layer on the data.
    """
    if working is None:
        return []
    m = DECLARED_MARGIN_DEG
    inside = fits(crs, xy, working, margin=m) >= MIN_INSIDE_FRACTION
    if inside and (reference is None or fits(crs, xy, working, reference, m) >= MIN_INSIDE_FRACTION):
        return []
    label = _label(crs)
    far = f"more than {REFERENCE_DISTANCE_M / 1000:.0f} km from the register's data"
    head = (f"the coordinates read as {label} lie {_where(crs, xy)}, "
            + (far if inside else f"outside the register's area ({_label(working)})"))
    if fits(crs, xy[:, ::-1], working, reference if inside else None, m) >= MIN_INSIDE_FRACTION:
        what = "latitude before longitude" if crs.is_geographic else "northing before easting"
        raise CRSError(
            f"{head}, but with X and Y swapped they fall {'on it' if inside else 'inside it'}: the "
            f"file has its axes swapped ({what}); ask the owner to re-export it with X = easting/longitude"
        )
    good = suggest(xy, working, reference, exclude=crs) if reference is not None else []
    if good:
        raise CRSError(
            f"{head}; read as {_names(good)} they fall on the register's data: the file's CRS is "
            f"probably wrong — import with --assume-crs {_code(good[0])} --force-crs if the owner confirms"
            + ("" if inside else "; if it is right, the layer lies outside what this register can hold")
        )
    if not inside:
        raise CRSError(
            f"the layer fits its CRS {label} and lies {_where(crs, xy)} ({_area_name(crs)}), outside "
            f"the area the register's CRS {_label(working)} covers ({_area_name(working)}): this "
            "register cannot hold it; nothing imported — import it into a register whose working "
            "CRS covers that area"
        )
    return [f"the layer lies {_where(crs, xy)}, {far.replace('data', 'other data')}"]
