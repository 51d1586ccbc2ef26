"""Owner coverage: the area an owner's records cover, kept up to date on every import.

A planner is told which owners have *no* data at a site (absence of records is not
absence of assets), so coverage must be generous but not invent area. It is built
on a grid: every cell of ``CELL_M`` touched by an asset (lines densified so no cell
along them is skipped), grown by one cell, plus polygonal assets themselves; the
cells are unioned with the coverage the owner already had. All in bulk: densify,
floor to cell indices, unique, one coverage union — no per-asset Python.
"""

from __future__ import annotations

import numpy as np
import shapely

CELL_M = 50.0


def coverage_of(geoms: np.ndarray, cell: float = CELL_M) -> shapely.Geometry | None:
    """The grid-cell area covering ``geoms`` (working CRS, metres), or None when empty."""
    geoms = np.asarray(geoms, dtype=object)
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if len(geoms) == 0:
        return None
    dense = shapely.segmentize(geoms, cell / 2)
    xy = shapely.get_coordinates(dense)
    xy = xy[np.isfinite(xy).all(axis=1)]
    cells = np.floor(xy / cell).astype(np.int64)
    # grow by one cell in every direction: the records' neighbourhood is covered too
    offsets = np.array([(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)], dtype=np.int64)
    cells = np.unique((cells[:, None, :] + offsets[None, :, :]).reshape(-1, 2), axis=0)
    boxes = shapely.box(cells[:, 0] * cell, cells[:, 1] * cell,
                        (cells[:, 0] + 1) * cell, (cells[:, 1] + 1) * cell)
    area = shapely.coverage_union_all(boxes)
    polys = geoms[np.isin(shapely.get_type_id(geoms), (3, 6))]
    if len(polys):
        area = shapely.union(area, shapely.union_all(shapely.buffer(polys, cell)))
    return area


def merged(existing: shapely.Geometry | None, new: shapely.Geometry | None) -> shapely.Geometry | None:
    """Union of the owner's previous coverage and the new delivery's, as a MultiPolygon."""
    parts = [g for g in (existing, new) if g is not None and not g.is_empty]
    if not parts:
        return None
    area = shapely.union_all(parts) if len(parts) > 1 else parts[0]
    area = shapely.make_valid(area)
    polys = [p for p in shapely.get_parts(area) if p.geom_type in ("Polygon", "MultiPolygon")]
    flat = shapely.get_parts(np.array(polys, dtype=object)) if polys else []
    return shapely.MultiPolygon(list(flat)) if len(flat) else None
