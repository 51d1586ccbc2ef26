"""Screen paths for small sets of shapely geometries (overlays drawn on the GUI thread)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QPainterPath

from .packed import pack_geometries, part_vertex_index
from .qpath import array_to_path


def geoms_to_path(geoms, view, point_radius: float = 5.0) -> QPainterPath:
    """One path for many geometries: lines and rings as sub-paths, points as circles."""
    geoms = [g for g in geoms if g is not None and not g.is_empty]
    if not geoms:
        return QPainterPath()
    packed = pack_geometries(geoms)
    parts = np.arange(len(packed.part_offsets) - 1)
    idx, starts = part_vertex_index(packed.part_offsets, parts)
    sx, sy = view.to_screen(packed.coords[idx, 0], packed.coords[idx, 1], packed.origin)
    path = array_to_path(sx, sy, starts)
    if len(packed.points):
        px, py = view.to_screen(packed.points[:, 0], packed.points[:, 1], packed.origin)
        for x, y in zip(px.tolist(), py.tolist()):
            path.addEllipse(x - point_radius, y - point_radius, 2 * point_radius, 2 * point_radius)
    return path
