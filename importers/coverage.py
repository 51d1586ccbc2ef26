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

from collections import deque

import numpy as np
import shapely

CELL_M = 50.0
MAX_CELLS = 40_000  # larger deliveries get coarser cells, so the union stays fast


def coverage_of(geoms: np.ndarray, cell: float = CELL_M) -> shapely.Geometry | None:
    """The grid-cell area covering ``geoms`` (working CRS, metres), or None when empty."""
    geoms = _present(geoms)
    if len(geoms) == 0:
        return None
    grid = _Grid(_extent(shapely.bounds(geoms)), cell)
    grid.mark(geoms)
    return grid.area()


def coverage_of_parts(parts: deque, cell: float = CELL_M) -> shapely.Geometry | None:
    """``coverage_of`` the geometries of every part together, computed part by part on one
    grid (its cells from the extent of them all): the same area as ``coverage_of`` on them
    all, without holding them all at once.

    ``parts`` is handed over, not lent: a deque of (extent of the part's geometries, a
    callable giving them) that this empties from the left, each part let go of before the
    next is parsed; it is empty on return. Anything but a deque is refused, so no caller
    finds its own list emptied by surprise."""
    if not isinstance(parts, deque):
        raise TypeError("coverage_of_parts takes the parts over: hand them in a "
                        f"collections.deque (it is emptied), not a {type(parts).__name__}")
    extents = [extent for extent, _ in parts if extent is not None]
    if not extents:
        parts.clear()
        return None
    e = np.array(extents, dtype=np.float64)
    grid = _Grid((e[:, 0].min(), e[:, 1].min(), e[:, 2].max(), e[:, 3].max()), cell)
    while parts:
        _, geoms = parts.popleft()  # the part's only reference left is ``geoms``
        grid.mark(_present(geoms()))
        del geoms
    return grid.area()


def extent_of(geoms) -> tuple[float, float, float, float] | None:
    """(minx, miny, maxx, maxy) of the present geometries, as ``coverage_of`` sees them."""
    geoms = _present(geoms)
    return _extent(shapely.bounds(geoms)) if len(geoms) else None


def _present(geoms) -> np.ndarray:
    geoms = np.asarray(geoms, dtype=object)
    return geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]


def _extent(b: np.ndarray) -> tuple[float, float, float, float]:
    return (np.nanmin(b[:, 0]), np.nanmin(b[:, 1]), np.nanmax(b[:, 2]), np.nanmax(b[:, 3]))


class _Grid:
    """The boolean cell grid over an extent: cells no smaller than ``cell``, and few enough
    (``MAX_CELLS``) that the grid and its union stay small."""

    def __init__(self, extent, cell: float):
        minx, miny, maxx, maxy = extent
        self.cell = cell = max(cell, float(np.sqrt((maxx - minx) * (maxy - miny) / MAX_CELLS)))
        self.ox, self.oy = np.floor(minx / cell) - 1, np.floor(miny / cell) - 1
        nx = int(np.floor(maxx / cell) - self.ox) + 2
        ny = int(np.floor(maxy / cell) - self.oy) + 2
        self.cells = np.zeros((ny, nx), dtype=bool)
        self.polys: list[np.ndarray] = []

    def mark(self, geoms: np.ndarray) -> None:
        """Every cell a geometry touches (long lines densified so no cell along them is
        skipped); polygons larger than a cell are kept to be added whole."""
        if len(geoms) == 0:
            return
        cell = self.cell
        types = shapely.get_type_id(geoms)
        simple = types == 1  # LineStrings: densified with numpy
        others = geoms[~simple]
        long = shapely.length(others) > cell / 2
        others[long] = shapely.segmentize(others[long], cell / 2)  # no cell skipped along long lines
        xy = np.concatenate([densified_xy(geoms[simple], cell / 2),
                             shapely.get_coordinates(others)])
        xy = xy[np.isfinite(xy).all(axis=1)]
        self.cells[(np.floor(xy[:, 1] / cell) - self.oy).astype(np.int64),
                   (np.floor(xy[:, 0] / cell) - self.ox).astype(np.int64)] = True
        polys = geoms[np.isin(types, (3, 6))]
        polys = polys[shapely.area(polys) > cell * cell]  # smaller ones are covered by their vertices' cells
        if len(polys):
            self.polys.append(polys)

    def area(self) -> shapely.Geometry:
        grid, cell, ny = self.cells, self.cell, self.cells.shape[0]
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
        x0, y0 = (self.ox + first) * cell, (self.oy + rows) * cell
        boxes = shapely.box(x0, y0, (self.ox + last) * cell, y0 + cell)
        area = shapely.coverage_union_all(boxes)
        if self.polys:
            polys = np.concatenate(self.polys)
            area = shapely.union(area, shapely.union_all(shapely.buffer(polys, cell)))
        return area


def densified_xy(lines: np.ndarray, step: float) -> np.ndarray:
    """The vertices of LineStrings and the points ``shapely.segmentize(lines, step)`` adds
    to them (bit for bit: the same arithmetic as GEOS), without building the segmentized
    geometries: each segment longer than ``step`` gets ceil(length / step) - 1 points at
    equal spacing."""
    xy, at = shapely.get_coordinates(lines, return_index=True)
    if len(xy) < 2:
        return xy
    x0, y0, x1, y1 = xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1]
    same = at[:-1] == at[1:]
    dx, dy = x1 - x0, y1 - y0
    length = np.sqrt(dx * dx + dy * dy)  # (as GEOS: bit for bit the points it adds)
    with np.errstate(invalid="ignore"):
        long = same & (length > step)
    seg = np.flatnonzero(long)
    if not len(seg):
        return xy
    n = np.ceil(length[seg] / step)
    extra = (n - 1).astype(np.int64)
    rep = np.repeat(np.arange(len(seg)), extra)
    j = np.arange(len(rep)) - np.repeat(np.cumsum(extra) - extra, extra) + 1
    s = seg[rep]
    frac = (j * (length[s] / n[rep])) / length[s]
    pts = np.column_stack([x0[s] + frac * dx[s], y0[s] + frac * dy[s]])
    return np.concatenate([xy, pts])


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
