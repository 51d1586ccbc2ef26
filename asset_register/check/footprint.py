"""Dig footprints: polygons, trenches (centre line + width) and points with a radius.

Footprints come from WKT (optionally EWKT ``SRID=n;``), a GeoJSON file or any vector file
pyogrio reads, in any CRS, and end as polygons in the register's working CRS. Bad input is
refused with a message saying what to do — an empty or self-intersecting shape, a negative
width, coordinates that are clearly in another CRS, a site far from the register's data —
because a wrong footprint would silently report "no conflicts". Everything works on arrays
so a programme of thousands of footprints is built in bulk.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyproj
import shapely

from ..errors import CRSError, FootprintError
from ..transform import apply_plan, plan_transform
from ..inputs import one_line, require_file

QUAD_SEGS = 32  # segments per quarter circle for point + radius footprints
# Circumscribe the circle (polygon edges touch it from outside) so the polygon contains
# the whole disc: a conservative footprint, at most 0.03 % larger in radius.
CIRCUMSCRIBE = 1.0 / math.cos(math.pi / (4 * QUAD_SEGS))
_EWKT = re.compile(r"^\s*SRID=(\d+);(.*)$", re.S | re.I)


@dataclass
class Footprints:
    """Footprint polygons in the working CRS plus what the planner should know about them."""

    geometries: np.ndarray  # shapely polygons / multipolygons
    position_accuracy_m: float = 0.0  # accuracy of the CRS transformation applied
    notes: list[list[str]] = field(default_factory=list)  # per footprint


def parse_crs(value) -> pyproj.CRS:
    try:
        return pyproj.CRS.from_user_input(value)
    except pyproj.exceptions.CRSError:
        raise CRSError(f"CRS {value!r} is not known: give it as EPSG:n (e.g. EPSG:27700)") from None


def read_wkt(text: str) -> tuple[shapely.Geometry, pyproj.CRS | None]:
    """Parse WKT or EWKT; returns the geometry and the CRS the EWKT states (or None)."""
    crs = None
    m = _EWKT.match(text)
    if m:
        crs, text = parse_crs(f"EPSG:{m.group(1)}"), m.group(2)
    try:
        geom = shapely.from_wkt(text)
    except shapely.errors.GEOSException as exc:
        raise FootprintError(f"footprint WKT {text[:60]!r} cannot be read: {exc}") from None
    return geom, crs


def read_vector(path: str | Path, layer: str | None = None, what: str = "footprint file"):
    """Every feature of a vector file (pyogrio) as a GeoDataFrame with the file's CRS; a CSV
    is read for its WKT column (``read_wkt_csv``), with no CRS.

    ``what`` names the file in errors ("footprint file", "programme", "works file").
    """
    from ..vector_files import read_vector as read_user_vector

    if Path(path).suffix.lower() in (".csv", ".txt"):
        import geopandas as gpd

        table, geoms = read_wkt_csv(path, what)
        return gpd.GeoDataFrame(table, geometry=geoms)
    return read_user_vector(path, layer, what, FootprintError)


def read_wkt_csv(path: str | Path, what: str, wkt_column: str | None = None):
    """A CSV whose ``wkt`` (or ``geometry``/``geom``) column holds WKT: (table, geometries).

    Every problem — no such file, not text, no WKT column, a value that is not WKT — is
    a FootprintError naming the file and the row.
    """
    import pandas as pd

    p = require_file(path, what, error=FootprintError)
    with open(p, "rb") as fh:
        if b"\0" in fh.read(1 << 16):
            raise FootprintError(f"{what} {str(p)!r} is not a readable CSV file: it holds binary "
                                 "data (NUL bytes) — save it as CSV text")
    table = None
    for encoding in ("utf-8", "cp1252"):  # an Excel export on Windows is cp1252
        try:
            table = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""],
                                encoding=encoding)
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OSError) as exc:
            raise FootprintError(f"{what} {str(p)!r} is not a readable CSV file: "
                                 f"{one_line(exc)}") from None
    if table is None:
        raise FootprintError(f"{what} {str(p)!r} is neither UTF-8 nor Windows-1252 text: save "
                             "it as CSV (UTF-8)")
    col = wkt_column or next((c for c in table.columns if c.lower() in ("wkt", "geometry", "geom")),
                             None)
    if col is None or col not in table.columns:
        raise FootprintError(
            f"{what} {str(p)!r} has no geometry column: add a 'wkt' column with each footprint "
            f"in WKT (columns found: {list(table.columns)})")
    values = table[col].to_numpy(dtype=object)
    values[pd.isna(values)] = None
    geoms = shapely.from_wkt(values, on_invalid="ignore")
    bad = np.flatnonzero(shapely.is_missing(geoms) & pd.notna(values))
    if len(bad):
        raise FootprintError(f"{what} {str(p)!r}: row {int(bad[0]) + 1} of column {col!r} is not "
                             f"WKT ({str(values[bad[0]])[:60]!r}): write e.g. "
                             "'POLYGON ((530000 180000, 530010 180000, 530010 180005, 530000 180000))'")
    return table.drop(columns=[col]), geoms


def resolve_crs(stated, found, working: pyproj.CRS, what: str) -> tuple[pyproj.CRS, list[str]]:
    """The CRS of a footprint: the file's / EWKT's, else the stated one, else the working CRS."""
    stated = parse_crs(stated) if stated is not None else None
    found = parse_crs(found) if found is not None else None
    if stated is not None and found is not None and not stated.equals(found):
        raise CRSError(
            f"{what} says its CRS is {found.to_string()} but {stated.to_string()} was given: "
            "remove the stated CRS or fix the file"
        )
    crs = found or stated
    if crs is None:
        return working, [f"no CRS given for {what}: taken as the register's {working.to_string()}"]
    return crs, []


def _looks_geographic(bounds) -> bool:
    x0, y0, x1, y1 = bounds
    return -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90


def check_coordinates(geoms: np.ndarray, crs: pyproj.CRS, working: pyproj.CRS, extent) -> None:
    """Refuse coordinates that cannot be in ``crs`` (degrees out of range, lon/lat in metres)."""
    bounds = shapely.total_bounds(geoms)
    if crs.is_geographic and not _looks_geographic(bounds):
        raise CRSError(
            f"footprint coordinates {tuple(round(float(b), 1) for b in bounds)} are not degrees, but "
            f"the CRS is {crs.to_string()} (geographic): give the footprint's real CRS, "
            f"e.g. --crs {working.to_string()}"
        )
    if not crs.is_geographic and _looks_geographic(bounds) and extent is not None:
        far = not _looks_geographic(extent)
        if far:
            raise CRSError(
                f"footprint coordinates {tuple(round(float(b), 5) for b in bounds)} look like "
                f"longitude/latitude, not {crs.to_string()} metres: give --crs EPSG:4326"
            )


def to_working(
    geoms: np.ndarray, crs: pyproj.CRS, working: pyproj.CRS, unknown_accuracy_m: float
) -> tuple[np.ndarray, float, list[str]]:
    """Transform geometries to the working CRS; returns them, the accuracy (m) and notes."""
    if crs.equals(working):
        return shapely.force_2d(geoms), 0.0, []
    step = 1e-4 if crs.is_geographic else 10.0  # densify (~10 m) so edges follow the projection
    dense = shapely.segmentize(shapely.force_2d(geoms), step)
    lonlat = None
    if crs.is_geographic:
        b = shapely.total_bounds(dense)
        lonlat = (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
    plan = plan_transform(crs, working, lonlat)

    def fn(xy):
        x, y = apply_plan(plan, xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    out = shapely.transform(dense, fn)
    if not np.isfinite(shapely.get_coordinates(out)).all():
        raise CRSError(
            f"footprint cannot be transformed from {crs.to_string()} to {working.to_string()}: "
            "it lies outside the area where that CRS is defined — check the CRS"
        )
    acc = max(float(plan.accuracy_m), 0.0) if plan.accuracy_m is not None else unknown_accuracy_m
    notes = [f"footprint transformed from {crs.to_string()} with '{plan.description}'",
             *plan.notes, f"its accuracy ({acc:g} m) is added to every clearance"]
    return out, float(acc), notes


def _flatten(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Single-part geometries and the index of the input each came from."""
    parts, idx = shapely.get_parts(geoms, return_index=True)
    while True:
        multi = shapely.get_type_id(parts) >= 4
        if not multi.any():
            return parts, idx
        sub, sidx = shapely.get_parts(parts[multi], return_index=True)
        parts = np.concatenate([parts[~multi], sub])
        idx = np.concatenate([idx[~multi], idx[multi][sidx]])


def _per_row(value, n: int, name: str) -> np.ndarray:
    arr = np.broadcast_to(np.asarray(np.nan if value is None else value, dtype=np.float64), (n,))
    bad = np.flatnonzero(arr < 0)
    if bad.size:
        raise FootprintError(
            f"{name} {arr[bad[0]]} (footprint {bad[0] + 1}) is negative: give a positive {name} in metres"
        )
    return arr


def build(
    geoms,
    *,
    crs=None,
    working_crs,
    width=None,
    radius=None,
    make_valid: bool = False,
    extent=None,
    unknown_accuracy_m: float = 1.0,
    labels: list[str] | None = None,
    crs_notes: list[str] | None = None,
) -> Footprints:
    """Turn raw footprint geometries (any CRS) into polygons in the working CRS.

    Lines become trenches (``width`` metres wide, flat ends, mitred bends), points become
    circles of ``radius`` metres (circumscribed), polygons stay. ``width`` / ``radius`` are
    a number or one value per geometry. Self-intersecting polygons are refused unless
    ``make_valid`` is set, in which case the repair is noted.
    """
    geoms = np.asarray(geoms, dtype=object).reshape(-1)
    n = len(geoms)
    labels = labels or [f"footprint {i + 1}" for i in range(n)]
    working = parse_crs(working_crs)
    crs = working if crs is None else parse_crs(crs)
    notes: list[list[str]] = [list(crs_notes or []) for _ in range(n)]
    empty = shapely.is_missing(geoms) | shapely.is_empty(np.where(shapely.is_missing(geoms), None, geoms))
    if empty.any():
        raise FootprintError(f"{labels[int(np.flatnonzero(empty)[0])]} is empty: draw or give a shape")
    widths, radii = _per_row(width, n, "width"), _per_row(radius, n, "radius")
    check_coordinates(geoms, crs, working, extent)
    parts, idx = _flatten(geoms)
    kind = shapely.get_type_id(parts)  # 0 point, 1 line, 2 ring, 3 polygon
    polys = kind == 3
    bad = polys & ~shapely.is_valid(parts)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        reason = shapely.is_valid_reason(parts[k])
        if not make_valid:
            raise FootprintError(
                f"{labels[idx[k]]} is not a valid polygon ({reason}): redraw it, or ask for it "
                "to be repaired with make_valid (--make-valid) and check the repaired shape"
            )
        for k in np.flatnonzero(bad):
            before = shapely.area(parts[k])
            fixed = shapely.make_valid(parts[k])
            fixed = shapely.union_all([p for p in shapely.get_parts(fixed) if shapely.get_type_id(p) in (3, 6)])
            notes[idx[k]].append(
                f"footprint repaired with make_valid ({shapely.is_valid_reason(parts[k])}); "
                f"area {before:.2f} -> {shapely.area(fixed):.2f} m² (in source units)"
            )
            parts[k] = fixed
    for label, mask, arr in (("width", kind == 1, widths), ("radius", kind == 0, radii)):
        used = np.zeros(n, dtype=bool)
        used[idx[mask]] = True
        need = used & ~(arr > 0)
        if need.any():
            i = int(np.flatnonzero(need)[0])
            what = "a trench centre line needs a width" if label == "width" else "a point needs a radius"
            raise FootprintError(f"{labels[i]}: {what} greater than 0 m (--{label} M)")
        extra = ~used & (arr > 0)
        if extra.any():
            i = int(np.flatnonzero(extra)[0])
            shape = "line" if label == "width" else "point"
            raise FootprintError(f"{labels[i]}: a {label} was given but the footprint has no {shape}")
    parts, accuracy, tnotes = to_working(parts, crs, working, unknown_accuracy_m)
    for lst in notes:
        lst.extend(tnotes)
    lines, points = kind == 1, kind == 0
    if lines.any():
        parts[lines] = shapely.buffer(
            parts[lines], widths[idx[lines]] / 2.0, cap_style="flat", join_style="mitre", mitre_limit=5.0
        )
    if points.any():
        parts[points] = shapely.buffer(parts[points], radii[idx[points]] * CIRCUMSCRIBE, quad_segs=QUAD_SEGS)
    out = np.empty(n, dtype=object)
    single = np.bincount(idx, minlength=n) == 1
    first = np.full(n, -1)
    first[idx[::-1]] = np.arange(len(idx))[::-1]
    out[single] = parts[first[single]]
    for i in np.flatnonzero(~single):
        out[i] = shapely.union_all(parts[idx == i])
    invalid = ~shapely.is_valid(out) | shapely.is_empty(out) | (shapely.area(out) <= 0)
    if invalid.any():
        i = int(np.flatnonzero(invalid)[0])
        raise FootprintError(
            f"{labels[i]} has no area in {working.to_string()} after transformation "
            f"({shapely.is_valid_reason(out[i])}): check its coordinates and CRS"
        )
    return Footprints(out, accuracy, notes)


def check_extent(footprints: np.ndarray, extent, max_outside_m: float, label=None,
                 bounds: tuple | None = None) -> list[list[str]]:
    """Warnings (or an error when far) for footprints outside the register's data extent
    (``label(i)``: how the error names footprint i; ``bounds``: the one footprint's, when
    known)."""
    n = len(footprints)
    if extent is None:
        return [["the register has no assets: no conflicts can be found anywhere"]] * n
    if n == 1:  # one live check: a footprint whose box lies in the extent is inside it
        x0, y0, x1, y1 = footprints[0].bounds if bounds is None else bounds
        if extent[0] <= x0 and extent[1] <= y0 and x1 <= extent[2] and y1 <= extent[3]:
            return [[]]
        dist = shapely.distance(footprints, shapely.box(*extent))
    else:  # (the distance to the extent only of the footprints whose box is not inside it)
        b = shapely.bounds(footprints)
        out = ~((extent[0] <= b[:, 0]) & (extent[1] <= b[:, 1]) & (b[:, 2] <= extent[2])
                & (b[:, 3] <= extent[3]))
        if not out.any():  # (a programme inside the register's data: the usual case)
            return [[] for _ in range(n)]
        dist = np.zeros(n)
        dist[out] = shapely.distance(footprints[out], shapely.box(*extent))
    far = dist > max_outside_m
    if far.any():
        i = int(np.flatnonzero(far)[0])
        raise FootprintError(
            f"{label(i) if label else f'footprint {i + 1}'} is {dist[i] / 1000:.1f} km from the "
            f"register's data (extent {tuple(round(float(v)) for v in extent)}): it is probably "
            "in the wrong CRS — give the footprint's CRS (--crs) or check the coordinates"
        )
    return [
        [f"the site is {d:.0f} m outside the register's data extent: no records here does not "
         "mean no assets"] if d > 0 else []
        for d in dist.tolist()  # (Python floats, not a numpy scalar per footprint)
    ]
