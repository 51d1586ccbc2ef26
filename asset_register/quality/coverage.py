"""Coverage and gaps: how much of an area each owner's data covers, and, per utility, the part
of it no owner of that utility covers (absence of records is not absence of assets)."""

from __future__ import annotations

import numpy as np
import pyproj
import shapely


def km2(geoms, crs: pyproj.CRS) -> np.ndarray:
    """Areas in km² of polygons in ``crs``: planar in a projected CRS (its unit converted),
    on the ellipsoid in a geographic one."""
    geoms = np.atleast_1d(np.asarray(geoms, dtype=object))
    if crs.is_projected:
        unit = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
        return shapely.area(geoms) * unit * unit / 1e6
    geod = crs.get_geod() or pyproj.Geod(ellps="WGS84")
    return np.array([abs(geod.geometry_area_perimeter(g)[0]) / 1e6 if g is not None else 0.0
                     for g in geoms.tolist()])  # a polygon per owner: a handful


def register_region(store, coverage) -> shapely.Geometry | None:
    """The whole register as an area: the box around its live assets and every owner's
    coverage; None for an empty register."""
    boxes = []
    extent = store.extent()
    if extent is not None:
        boxes.append(extent)
    if len(coverage):
        boxes.append(tuple(coverage.total_bounds))
    if not boxes:
        return None
    b = np.array(boxes, float)
    return shapely.box(b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())


def owner_areas(coverage) -> dict[str, shapely.Geometry]:
    """Each owner's coverage as one geometry (an owner may have several rows)."""
    out: dict[str, list] = {}
    for owner, geom in zip(coverage["owner"].astype(object), coverage.geometry.array):
        if geom is not None and not geom.is_empty:
            out.setdefault(str(owner), []).append(geom)
    return {o: shapely.union_all(g) for o, g in out.items()}


def coverage_table(region, areas: dict, owner_utilities: dict[str, set[str]], expected,
                   crs) -> tuple[dict, list[dict], dict]:
    """(owner -> covered km² of the region, per-utility rows, the no-owner gap)."""
    region_km2 = float(km2(region, crs)[0])
    owners = sorted(areas)
    inside = shapely.intersection(np.array([areas[o] for o in owners], dtype=object), region) \
        if owners else np.empty(0, dtype=object)
    covered = dict(zip(owners, km2(inside, crs).tolist())) if owners else {}
    clipped = dict(zip(owners, inside))
    utilities = sorted({u for us in owner_utilities.values() for u in us} | set(expected))
    rows = []
    for u in utilities:  # a dozen utilities
        with_u = sorted(o for o, us in owner_utilities.items() if u in us)
        parts = [clipped[o] for o in with_u if o in clipped]
        union = shapely.union_all(parts) if parts else shapely.Polygon()
        gap = shapely.difference(region, union)
        gap_km2 = float(km2(gap, crs)[0])
        rows.append({"utility": u, "owners": with_u,
                     "owners_without_coverage": [o for o in with_u if o not in clipped],
                     "covered_km2": round(region_km2 - gap_km2, 6), "gap_km2": round(gap_km2, 6),
                     "uncovered_share": share(gap_km2, region_km2),
                     "expected": u in set(expected)})
    anyone = shapely.union_all(list(clipped.values())) if clipped else shapely.Polygon()
    gap_km2 = float(km2(shapely.difference(region, anyone), crs)[0])
    return covered, rows, {"gap_km2": round(gap_km2, 6),
                           "uncovered_share": share(gap_km2, region_km2)}


def share(part, whole) -> float | None:
    """``part / whole`` to 4 places; None when there is no whole (nothing to share)."""
    return round(float(part) / float(whole), 4) if whole > 0 else None
