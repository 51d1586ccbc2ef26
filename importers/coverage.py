"""Owner coverage: the area an owner's records cover, kept up to date on every import.

A planner is told which owners have *no* data at a site (absence of records is not
absence of assets), so coverage must be generous but not invent area. It is built
on a grid: every cell of ``CELL_M`` (coarser for deliveries spread over a large
area, so the grid has at most ``MAX_CELLS`` cells) touched by an asset — long lines
densified so no cell along them is skipped — grown by one cell, plus polygonal
assets themselves; then unioned with the coverage the owner already had. All in
bulk: a boolean grid, row runs as rectangles, one coverage union.
"""

from __future__ import annotations

import numpy as np
import shapely

CELL_M = 50.0
MAX_CELLS = 40_000  # larger deliveries get coarser cells, so the union stays fast


def coverage_of(geoms: np.ndarray, cell: float = CELL_M) -> shapely.Geometry | None:
    """The grid-cell area covering ``geoms`` (working CRS, metres), or None when empty."""
    geoms = np.asarray(geoms, dtype=object)
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if len(geoms) == 0:
        return None
    b = shapely.bounds(geoms)
    minx, miny = np.nanmin(b[:, 0]), np.nanmin(b[:, 1])
    maxx, maxy = np.nanmax(b[:, 2]), np.nanmax(b[:, 3])
    # cells no smaller than CELL_M, and few enough that the grid stays small
    cell = max(cell, float(np.sqrt((maxx - minx) * (maxy - miny) / MAX_CELLS)))
    ox, oy = np.floor(minx / cell) - 1, np.floor(miny / cell) - 1
    nx = int(np.floor(maxx / cell) - ox) + 2
    ny = int(np.floor(maxy / cell) - oy) + 2
    long = shapely.length(geoms) > cell / 2
    parts = geoms.copy()
    parts[long] = shapely.segmentize(geoms[long], cell / 2)  # no cell skipped along long lines
    xy = shapely.get_coordinates(parts)
    xy = xy[np.isfinite(xy).all(axis=1)]
    grid = np.zeros((ny, nx), dtype=bool)
    grid[(np.floor(xy[:, 1] / cell) - oy).astype(np.int64),
         (np.floor(xy[:, 0] / cell) - ox).astype(np.int64)] = True
    # grow by one cell in every direction: the records' neighbourhood is covered too
    grown = grid.copy()
    grown[1:, :] |= grid[:-1, :]
    grown[:-1, :] |= grid[1:, :]
    g2 = grown.copy()
    g2[:, 1:] |= grown[:, :-1]
    g2[:, :-1] |= grown[:, 1:]
    # one rectangle per run of cells along a row, then one coverage union
    pad = np.zeros((ny, 1), dtype=np.int8)
    edges = np.diff(np.hstack([pad, g2.astype(np.int8), pad]), axis=1)
    rs, cs = np.nonzero(edges == 1)
    re_, ce = np.nonzero(edges == -1)
    order_s, order_e = np.lexsort((cs, rs)), np.lexsort((ce, re_))
    rows, first, last = rs[order_s], cs[order_s], ce[order_e]
    x0, y0 = (ox + first) * cell, (oy + rows) * cell
    boxes = shapely.box(x0, y0, (ox + last) * cell, y0 + cell)
    area = shapely.coverage_union_all(boxes)
    polys = geoms[np.isin(shapely.get_type_id(geoms), (3, 6))]
    polys = polys[shapely.area(polys) > cell * cell]  # smaller ones are covered by their vertices' cells
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
