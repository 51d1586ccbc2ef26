"""Geometries and frames from joined records, in bulk.

Lines (the bulk of any delivery) are built with one ``shapely.linestrings`` call per
dimension over all coordinates, and features with several links become
MultiLineStrings with one ``shapely.multilinestrings`` call. Polygons (precaution
zones, request polygons) are few and built one by one. Coordinates of a geographic
CRS named by URN/URI (latitude first) are swapped to longitude/latitude, as GDAL does.
"""

from __future__ import annotations

import numpy as np
import pyproj
import shapely

from asset_register.errors import CRSError

from .. import crs as crsmod
from .parse import Geom


def _lat_first(srs: str | None) -> bool:
    if not srs or not (srs.startswith("urn:") or srs.startswith("http")) \
            or crsmod.xy_order_url(srs):
        return False
    try:
        crs = crsmod.parse_crs(srs)
    except CRSError:
        return False
    axes = crs.axis_info
    return bool(crs.is_geographic and axes and axes[0].direction.lower() == "north")


def source_crs(geoms: list[Geom]) -> tuple[pyproj.CRS | None, str | None]:
    """The CRS every geometry names (None if none names one); CRSError if they differ."""
    names = {g.srs for g in geoms if g.srs}
    crss = []
    for name in sorted(names):
        c = crsmod.parse_crs(name, f"srsName {name!r}")
        if not any(c.equals(o, ignore_axis_order=True) for o in crss):
            crss.append(c)
    if len(crss) > 1:
        raise CRSError(f"the delivery mixes coordinate systems ({', '.join(sorted(names))}): "
                       "ask the owner for one CRS per file")
    if not crss:
        return None, None
    return crss[0], sorted(names)[0]


def _xy(a: np.ndarray, swap: bool) -> np.ndarray:
    return a[:, [1, 0, *range(2, a.shape[1])]] if swap else a


def build(per_record: list[list[Geom]]) -> np.ndarray:
    """One shapely geometry per record (None where it has no usable geometry)."""
    n = len(per_record)
    out = np.full(n, None, dtype=object)
    swap_cache: dict[str | None, bool] = {}

    def swap(g: Geom) -> bool:
        if g.srs not in swap_cache:
            swap_cache[g.srs] = _lat_first(g.srs)
        return swap_cache[g.srs]

    line_parts: dict[int, list[tuple[int, np.ndarray]]] = {2: [], 3: []}
    for i, geoms in enumerate(per_record):
        if not geoms:
            continue
        kind = geoms[0].kind
        same = [g for g in geoms if g.kind == kind]
        if kind == "line":
            for g in same:
                s = swap(g)
                for p in g.parts:
                    if len(p) >= 2:
                        line_parts[p.shape[1]].append((i, _xy(p, s)))
        elif kind == "point":
            pts = [_xy(np.atleast_2d(p), swap(g))[0] for g in same for p in g.parts]
            out[i] = shapely.Point(pts[0]) if len(pts) == 1 else shapely.MultiPoint(pts)
        else:
            polys = [shapely.Polygon(_xy(rings[0], swap(g)), [_xy(r, swap(g)) for r in rings[1:]])
                     for g in same for rings in g.parts if len(rings[0]) >= 4]
            out[i] = (polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)) if polys else None
    for parts in line_parts.values():
        if not parts:
            continue
        owner = np.fromiter((i for i, _ in parts), dtype=np.int64, count=len(parts))
        sizes = np.fromiter((len(p) for _, p in parts), dtype=np.int64, count=len(parts))
        coords = np.concatenate([p for _, p in parts])
        lines = shapely.linestrings(coords, indices=np.repeat(np.arange(len(parts)), sizes))
        counts = np.bincount(owner, minlength=n)
        single = counts[owner] == 1
        out[owner[single]] = lines[single]
        multi = ~single
        if multi.any():
            recs, idx = np.unique(owner[multi], return_inverse=True)
            out[recs] = shapely.multilinestrings(lines[multi], indices=idx)
    return out


def polygon_union(geoms: list[Geom]) -> shapely.Geometry | None:
    """The union of request polygons (None when the delivery has none)."""
    built = [g for g in build([[g] for g in geoms]) if g is not None]
    if not built:
        return None
    return shapely.union_all(shapely.make_valid(np.asarray(built, dtype=object)))
