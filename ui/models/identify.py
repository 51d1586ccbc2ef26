"""Which assets a click identifies, nearest first (pure logic, no Qt).

A point asset is drawn as a symbol a few pixels wide: a click anywhere on the symbol is a
click on the asset, so its distance counts from the symbol's edge (``point_reach``), and on
a tie a point (a valve, a chamber) comes before the line it sits on."""

from __future__ import annotations

import numpy as np
import shapely


def nearest_first(geoms, x: float, y: float, tolerance: float, point_reach: float = 0.0,
                  limit: int = 8) -> np.ndarray:
    """Indices of ``geoms`` within ``tolerance`` of (x, y) (points: of their symbol), by
    distance to the click; points before lines and areas at equal distance."""
    geoms = np.asarray(geoms, dtype=object)
    if not len(geoms):
        return np.empty(0, np.int64)
    d = shapely.distance(geoms, shapely.Point(x, y))
    point = shapely.get_type_id(geoms) == 0
    reach = np.where(point, np.maximum(d - point_reach, 0.0), d)
    keep = np.flatnonzero(reach <= tolerance)
    order = np.lexsort((d[keep], ~point[keep], reach[keep]))
    return keep[order][:limit]
