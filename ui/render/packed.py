"""Geometry packed into flat numpy arrays for fast drawing (no Qt here).

A GeoDataFrame of a million assets becomes a handful of arrays: every vertex of
every linear part (lines and polygon rings) in one ``coords`` array with part
offsets, point features in ``points``, and per-feature codes for styling. The
canvas then filters, transforms and draws whole arrays at once.

Coordinates (``coords``, ``points``, ``part_bounds``, ``segments``, ``point_xy``) are
offsets from the layer's ``origin``: (0, 0), absolute float64, for a freshly packed layer;
the register layer is made compact (``compact``) once packed: float32 offsets from the
middle of its extent while half the extent is under ``FLOAT32_REACH`` — rounding of at
most 2**-10 unit (under 1 mm in metres) within 32.8 km of the middle, 2**-9 (under 2 mm,
under one device pixel at the deepest zoom, ``MIN_RESOLUTION``) within 65.5 km — and
float64 offsets for a wider one; 32-bit part offsets and feature indexes, 8-bit codes
where the categories allow. Two-vertex lines' segments and the points' drawing arrays
are then views of the same float32 arrays, not copies. Anything turning coordinates into
pixels or map positions adds the origin (``ViewState.to_screen(..., origin)``,
``absolute``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from asset_register.lazy import lazy_module

pd = lazy_module("pandas")

# half the extent (map units) below which a compact layer keeps float32 offsets
FLOAT32_REACH = 2.0 ** 16
CHUNK_ROWS = 1 << 20  # rows converted at a time (no whole-size float64 temporary)

STYLE_COLUMNS = ("utility", "asset_class", "status", "diameter_mm", "material", "voltage", "pressure")


@dataclass
class PackedGeometry:
    coords: np.ndarray  # (V, 2) float64 vertices of all linear parts
    part_offsets: np.ndarray  # (P+1,) int64 start of each part in coords
    part_feature: np.ndarray  # (P,) int64 feature index of each part
    part_closed: np.ndarray  # (P,) bool: polygon ring (fill it) vs line
    part_bounds: np.ndarray | None  # (P, 4) minx, miny, maxx, maxy; None: from the vertices
    points: np.ndarray  # (Q, 2) point vertices
    point_feature: np.ndarray  # (Q,) feature index of each point
    n_features: int
    codes: dict[str, np.ndarray] = field(default_factory=dict)  # column -> int16 codes
    categories: dict[str, list[str]] = field(default_factory=dict)  # column -> labels
    numbers: dict[str, np.ndarray] = field(default_factory=dict)  # column -> float32
    labels: np.ndarray | None = None  # optional per-feature label text (object)
    usrn: np.ndarray | None = None  # optional per-feature street reference (object), for search
    segments: np.ndarray | None = None  # (4, S) float32 x0, y0, x1, y1 relative to ``origin``
    segment_style: np.ndarray | None = None  # (S,) int16 style of each segment's feature
    point_xy: np.ndarray | None = None  # (2, Q) float32 points relative to ``origin``
    point_style: np.ndarray | None = None
    origin: tuple[float, float] = (0.0, 0.0)

    compact_: bool = False  # coordinates already offsets from ``origin`` (``compact``)

    def compact(self) -> None:
        """Coordinates as offsets from the middle of the layer's extent — float32 while half
        the extent is under ``FLOAT32_REACH`` — part offsets and feature indexes in 32 bits,
        codes in 8 bits where they fit. Each float32 value is the float64 offset rounded to
        nearest (so part bounds converted alike are the exact bounds of the converted
        vertices: rounding keeps order). Once only: later calls do nothing."""
        if self.compact_:
            return
        b = self.total_bounds
        if b is not None and all(np.isfinite(b)):
            ox, oy = float(np.round((b[0] + b[2]) / 2)), float(np.round((b[1] + b[3]) / 2))
            reach = max(ox - b[0], b[2] - ox, oy - b[1], b[3] - oy)
        else:  # nothing to draw (float32 loses nothing), or an infinite extent (float64)
            ox = oy = 0.0
            reach = 0.0 if b is None else np.inf
        kind = np.float32 if reach < FLOAT32_REACH else np.float64
        origin = np.array([ox, oy, ox, oy])
        self.coords = _shifted(self.coords, origin[:2], kind)
        self.points = _shifted(self.points.reshape(-1, 2), origin[:2], kind)
        counts = np.diff(self.part_offsets)
        if kind == np.float32 and len(counts) and counts.min() == counts.max() == 2:
            # two-vertex lines: a box is its line's two ends (``bounds_of``), not stored
            self.part_bounds = None
        else:
            self.part_bounds = _shifted(self.part_bounds.reshape(-1, 4), origin, kind)
        self.origin = (ox, oy)
        if len(self.coords) < 2**31 - 1:
            self.part_offsets = self.part_offsets.astype(np.int32)
        if self.n_features < 2**31 - 1:
            self.part_feature = self.part_feature.astype(np.int32)
            self.point_feature = self.point_feature.astype(np.int32)
        for name, values in self.codes.items():
            self.codes[name] = small_codes(values)
        self.compact_ = True

    def absolute(self, xy: np.ndarray) -> np.ndarray:
        """Map coordinates (float64) of (k, 2) offsets, e.g. ``coords[idx]``."""
        return np.add(xy, np.array(self.origin), dtype=np.float64)

    def absolute_bounds(self) -> np.ndarray:
        """(P, 4) map-coordinate bounds of every part."""
        return np.add(self.bounds_of(), np.array(self.origin * 2), dtype=np.float64)

    def bounds_of(self, parts: np.ndarray | None = None) -> np.ndarray:
        """(k, 4) boxes of ``parts`` (all when None), as offsets: the stored ones, or those of
        a compact layer of two-vertex lines made from the lines' ends."""
        if self.part_bounds is not None:
            return self.part_bounds if parts is None else self.part_bounds[parts]
        ends = self.coords.reshape(-1, 4)
        ends = ends if parts is None else ends[parts]
        return np.column_stack([np.minimum(ends[:, 0], ends[:, 2]), np.minimum(ends[:, 1], ends[:, 3]),
                                np.maximum(ends[:, 0], ends[:, 2]), np.maximum(ends[:, 1], ends[:, 3])])

    def nbytes(self) -> int:
        """Bytes held by the layer's arrays, each buffer once (views of another array —
        two-vertex segments, the points' drawing arrays — are not counted again)."""
        arrays = [getattr(self, a) for a in ("coords", "part_offsets", "part_feature", "part_closed",
                                              "part_bounds", "points", "point_feature", "segments",
                                              "segment_style", "point_xy", "point_style", "labels",
                                              "usrn")]
        arrays += [*self.codes.values(), *self.numbers.values()]
        for grid in (self.grid, self.point_grid):
            if grid is not None:
                arrays += [grid.items, grid.starts, grid.big]
        seen: dict[int, int] = {}
        for a in arrays:
            if a is None:
                continue
            owner = a
            while isinstance(owner.base, np.ndarray):
                owner = owner.base
            seen[id(owner)] = max(seen.get(id(owner), 0), owner.nbytes)
        return sum(seen.values())

    def index_segments(self, style: np.ndarray) -> None:
        """Every segment as float32 offsets from the origin, with its style: the overview
        rasteriser then transforms and samples flat arrays without gathering anything.
        The layer is made compact first; the segments of a layer of two-vertex lines in
        float32 are a view of its vertices (no copy), its points' likewise."""
        self.compact()
        counts = np.diff(self.part_offsets)
        flat32 = self.coords.dtype == np.float32
        if len(counts) and counts.min() == counts.max() == 2 and flat32:
            self.segments = self.coords.reshape(-1, 4).T  # x0, y0, x1, y1 rows: a view
        else:  # a segment joins vertex i and i + 1 of the same part
            x, y = self.coords[:, 0], self.coords[:, 1]
            start = np.zeros(len(self.coords), bool)
            start[self.part_offsets[:-1][counts > 0]] = True
            seg = np.flatnonzero(~start[1:])
            self.segments = np.empty((4, len(seg)), np.float32)
            for row, (values, shift) in enumerate(((x, 0), (y, 0), (x, 1), (y, 1))):
                self.segments[row] = values[seg + shift]
        # each part's style once per segment (a part of n vertices has n - 1)
        style = small_codes(style)
        self.segment_style = np.repeat(style[self.part_feature], np.maximum(counts - 1, 0))
        self.point_xy = self.points.T if flat32 else self.points.astype(np.float32).T
        self.point_style = style[self.point_feature]

    @property
    def total_bounds(self):
        boxes = []
        if self.part_bounds is None and len(self.coords):
            c = self.coords
            boxes.append((np.nanmin(c[:, 0]), np.nanmin(c[:, 1]), np.nanmax(c[:, 0]), np.nanmax(c[:, 1])))
        elif self.part_bounds is not None and len(self.part_bounds):
            b = self.part_bounds
            boxes.append((np.nanmin(b[:, 0]), np.nanmin(b[:, 1]), np.nanmax(b[:, 2]), np.nanmax(b[:, 3])))
        if len(self.points):
            p = self.points
            boxes.append((p[:, 0].min(), p[:, 1].min(), p[:, 0].max(), p[:, 1].max()))
        if not boxes:
            return None
        a = np.array(boxes, np.float64)
        ox, oy = self.origin
        return (float(a[:, 0].min()) + ox, float(a[:, 1].min()) + oy, float(a[:, 2].max()) + ox,
                float(a[:, 3].max()) + oy)

    def code_of(self, column: str, value: str) -> int:
        cats = self.categories.get(column, [])
        return cats.index(value) if value in cats else -1

    grid: GridIndex | None = None
    point_grid: GridIndex | None = None

    def build_index(self, cells: int = 512) -> None:
        """Grid indexes over parts and points, so a street view reads a few cells instead of
        testing every bounding box in the register."""
        if len(self.part_closed) > 20_000:
            self.grid = GridIndex(self.bounds_of(), cells)  # (made boxes are let go of after)
        if len(self.points) > 20_000:
            self.point_grid = GridIndex(np.column_stack([self.points, self.points]), cells)

    def _offset_extent(self, extent):
        """The extent in the layer's offsets, as float64 scalars (so a float32 array is
        compared in float64, never the extent rounded to float32)."""
        ox, oy = self.origin
        minx, miny, maxx, maxy = extent
        return (np.float64(minx - ox), np.float64(miny - oy), np.float64(maxx - ox),
                np.float64(maxy - oy))

    def visible_parts(self, extent) -> np.ndarray:
        """Indices of parts whose bounds meet the extent (grid cells, then exact boxes)."""
        extent = self._offset_extent(extent)
        minx, miny, maxx, maxy = extent
        cand = self.grid.candidates(extent) if self.grid is not None else None
        if cand is None and self.part_bounds is None:  # every line's ends, a slice at a time
            ends = self.coords.reshape(-1, 4)
            found = []
            for a in range(0, len(ends), CHUNK_ROWS):
                e = ends[a:a + CHUNK_ROWS]
                x0, y0, x1, y1 = e[:, 0], e[:, 1], e[:, 2], e[:, 3]
                mask = ((x0 <= maxx) | (x1 <= maxx)) & ((x0 >= minx) | (x1 >= minx)) & \
                    ((y0 <= maxy) | (y1 <= maxy)) & ((y0 >= miny) | (y1 >= miny))
                found.append(np.flatnonzero(mask) + a)
            return np.concatenate(found) if found else np.empty(0, np.int64)
        b = self.bounds_of(cand)
        mask = (b[:, 0] <= maxx) & (b[:, 2] >= minx) & (b[:, 1] <= maxy) & (b[:, 3] >= miny)
        return np.flatnonzero(mask) if cand is None else np.sort(cand[mask])

    def visible_points(self, extent) -> np.ndarray:
        extent = self._offset_extent(extent)
        minx, miny, maxx, maxy = extent
        cand = self.point_grid.candidates(extent) if self.point_grid is not None else None
        p = self.points if cand is None else self.points[cand]
        mask = (p[:, 0] >= minx) & (p[:, 0] <= maxx) & (p[:, 1] >= miny) & (p[:, 1] <= maxy)
        return np.flatnonzero(mask) if cand is None else np.sort(cand[mask])


class GridIndex:
    """Boxes bucketed by the grid cell of their lower-left corner (boxes no bigger than a
    cell); bigger boxes are kept aside and always tested. Candidates for an extent are the
    cells it covers plus one cell to the lower-left — a superset, filtered exactly after."""

    def __init__(self, bounds: np.ndarray, cells: int) -> None:
        x0, y0 = float(bounds[:, 0].min()), float(bounds[:, 1].min())
        span = max(float(bounds[:, 2].max()) - x0, float(bounds[:, 3].max()) - y0, 1e-9)
        extent = np.maximum(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1])
        # cells at least as big as 98 % of the boxes, so few are kept aside as "big"
        self.size = max(span / cells, float(np.quantile(extent, 0.98)) if len(extent) else 0.0, 1e-9)
        cells = int(np.ceil(span / self.size))
        self.x0, self.y0, self.n = x0, y0, cells + 1
        big = extent > self.size
        del extent
        self.big = np.flatnonzero(big)
        small = np.flatnonzero(~big)
        del big
        # cell keys in 32 bits while the grid allows (half the memory of the sort's keys)
        kind = np.int32 if self.n * self.n < 2**31 else np.int64
        # (cells computed in float64 whatever the bounds' type, as the queries are)
        key = (np.subtract(bounds[small, 1], y0, dtype=np.float64) / self.size).astype(kind)
        key *= self.n
        key += (np.subtract(bounds[small, 0], x0, dtype=np.float64) / self.size).astype(kind)
        order = np.argsort(key, kind="stable")
        index = np.int32 if len(bounds) < 2**31 - 1 else np.int64
        self.items = small[order].astype(index)
        self.big = self.big.astype(index)
        del small
        self.starts = np.searchsorted(key[order], np.arange(self.n * self.n + 1))

    def candidates(self, extent) -> np.ndarray | None:
        minx, miny, maxx, maxy = extent
        cx0 = max(int((minx - self.x0) / self.size) - 1, 0)
        cy0 = max(int((miny - self.y0) / self.size) - 1, 0)
        cx1 = min(int((maxx - self.x0) / self.size), self.n - 1)
        cy1 = min(int((maxy - self.y0) / self.size), self.n - 1)
        if cx1 < cx0 or cy1 < cy0:
            return self.big
        if (cx1 - cx0 + 1) * (cy1 - cy0 + 1) > 0.25 * self.n * self.n:
            return None  # most of the grid: a plain scan is cheaper
        rows = np.arange(cy0, cy1 + 1)
        lo = self.starts[rows * self.n + cx0]
        hi = self.starts[rows * self.n + cx1 + 1]
        counts = hi - lo
        total = int(counts.sum())
        first = np.cumsum(counts) - counts
        idx = np.arange(total) - np.repeat(first - lo, counts)
        return np.concatenate([self.items[idx], self.big])


def small_codes(values: np.ndarray) -> np.ndarray:
    """Integer codes in 8 bits when every value fits (-1 for null included), else as they are."""
    if values.dtype.kind != "i" or values.dtype.itemsize == 1:
        return values
    if not len(values) or (int(values.min()) >= -128 and int(values.max()) <= 127):
        return values.astype(np.int8)
    return values


def _shifted(values: np.ndarray, origin: np.ndarray, kind) -> np.ndarray:
    """``values - origin`` (row by row) as ``kind``, in slices: the float64 difference
    rounded once to ``kind``, with no whole-size temporary."""
    out = np.empty(values.shape, kind)
    for a in range(0, len(values), CHUNK_ROWS):
        np.subtract(values[a:a + CHUNK_ROWS], origin, out=out[a:a + CHUNK_ROWS], casting="unsafe")
    return out


def pack_geometries(geoms, frame: pd.DataFrame | None = None, label_column: str | None = None
                    ) -> PackedGeometry:
    """Pack shapely geometries (array-like) and optional style columns of ``frame``."""
    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    parts, part_idx = shapely.get_parts(geoms, return_index=True)
    types = shapely.get_type_id(parts)
    is_point = (types == 0) & ~shapely.is_empty(parts)  # POINT EMPTY has no coordinates
    is_poly = types == 3
    is_line = (types == 1) | (types == 2)

    pts = parts[is_point]
    points = shapely.get_coordinates(pts) if len(pts) else np.empty((0, 2))
    point_feature = part_idx[is_point].astype(np.int64)

    polys = parts[is_poly]
    rings, ring_idx = shapely.get_rings(polys, return_index=True)
    linear = np.concatenate([parts[is_line], rings])
    linear_feature = np.concatenate([part_idx[is_line], part_idx[is_poly][ring_idx]]).astype(np.int64)
    closed = np.concatenate([np.zeros(is_line.sum(), bool), np.ones(len(rings), bool)])
    coords, vert_part = shapely.get_coordinates(linear, return_index=True)
    counts = np.bincount(vert_part, minlength=len(linear))
    offsets = np.zeros(len(linear) + 1, np.int64)
    np.cumsum(counts, out=offsets[1:])
    bounds = shapely.bounds(linear) if len(linear) else np.empty((0, 4))

    packed = PackedGeometry(
        coords=np.ascontiguousarray(coords, dtype=np.float64),
        part_offsets=offsets,
        part_feature=linear_feature,
        part_closed=closed,
        part_bounds=bounds,
        points=np.ascontiguousarray(points, dtype=np.float64),
        point_feature=point_feature,
        n_features=n,
    )
    if frame is not None:
        for col in STYLE_COLUMNS:
            if col not in frame.columns:
                continue
            series = frame[col]
            if col == "diameter_mm":
                packed.numbers[col] = series.to_numpy(dtype="float32", na_value=np.nan)
            else:
                cat = pd.Categorical(series.astype("object").where(series.notna(), None))
                packed.codes[col] = cat.codes.astype(np.int16)
                packed.categories[col] = [str(c) for c in cat.categories]
        if label_column and label_column in frame.columns:
            packed.labels = frame[label_column].astype("object").to_numpy()
    return packed


def concat_packed(parts: list[PackedGeometry], consume: bool = False) -> PackedGeometry:
    """One PackedGeometry of consecutive slices of the same layer (slice k's features follow
    slice k-1's). Style codes are re-based onto categories in order of first appearance, as
    if the whole layer had been encoded at once. Index arrays are not carried over.

    ``consume``: the slices are not used afterwards: each array of theirs is dropped as soon
    as it is joined, so the join needs the slices plus one joined array at a time, not the
    slices twice over."""
    if len(parts) == 1:
        return parts[0]
    feat0 = np.cumsum([0] + [p.n_features for p in parts[:-1]])
    vert0 = np.cumsum([0] + [len(p.coords) for p in parts[:-1]])

    def join(name, each, first=()):
        out = np.concatenate([*first, *(each(p, k) for k, p in enumerate(parts))])
        if consume:
            for p in parts:
                setattr(p, name, None)
        return out

    out = PackedGeometry(
        coords=join("coords", lambda p, k: p.coords),
        part_offsets=join("part_offsets", lambda p, k: p.part_offsets[1:] + vert0[k],
                          [parts[0].part_offsets[:1]]),
        part_feature=join("part_feature", lambda p, k: p.part_feature + feat0[k]),
        part_closed=join("part_closed", lambda p, k: p.part_closed),
        part_bounds=join("part_bounds", lambda p, k: p.part_bounds.reshape(-1, 4)),
        points=join("points", lambda p, k: p.points.reshape(-1, 2)),
        point_feature=join("point_feature", lambda p, k: p.point_feature + feat0[k]),
        n_features=int(sum(p.n_features for p in parts)),
    )
    for col in list(parts[0].codes):
        where: dict[str, int] = {}
        codes = []
        for p in parts:
            lut = np.array([where.setdefault(c, len(where)) for c in p.categories[col]] + [-1],
                           np.int16)
            codes.append(lut[p.codes[col]])  # code -1 (null) picks the trailing -1
            if consume:
                del p.codes[col]
        out.codes[col] = np.concatenate(codes).astype(np.int16)
        del codes
        out.categories[col] = list(where)
    for col in list(parts[0].numbers):
        out.numbers[col] = np.concatenate([p.numbers[col] for p in parts])
        if consume:
            for p in parts:
                del p.numbers[col]
    return out


def part_vertex_index(offsets: np.ndarray, parts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertex indices of the chosen parts in order, and a bool 'starts a part' per vertex."""
    starts = offsets[parts]
    counts = offsets[parts + 1] - starts
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, np.int64), np.empty(0, bool)
    first = np.zeros(len(parts) + 1, np.int64)
    np.cumsum(counts, out=first[1:])
    idx = np.arange(total, dtype=np.int64) - np.repeat(first[:-1] - starts, counts)
    is_start = np.zeros(total, bool)
    is_start[first[:-1][counts > 0]] = True
    return idx, is_start
