"""Pack geometries straight from WKB (an Arrow binary column) without creating GEOS objects.

Reading a million assets, most of them points and simple lines, creating a shapely object
per feature costs more than a second; here their coordinates are gathered from the WKB
bytes with numpy. Other types (polygons, multi-parts, EWKB with SRID) go through shapely.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import shapely

from .packed import PackedGeometry, pack_geometries


def _at(data: np.ndarray, pos: np.ndarray, dtype: str) -> np.ndarray:
    """Values of ``dtype`` at arbitrary (unaligned) byte positions of ``data``: a byte-strided
    view of the buffer, indexed in one gather."""
    size = np.dtype(dtype).itemsize
    if len(data) < size:
        return np.empty(0, dtype)
    view = np.ndarray(shape=(len(data) - size + 1,), dtype=dtype, buffer=data, strides=(1,))
    return view[pos]


def _xy(data: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """(len(pos), 2) little-endian float64 pairs at byte positions ``pos``, in one gather."""
    if len(data) < 16:
        return np.empty((0, 2))
    view = np.ndarray(shape=(len(data) - 15,), dtype="V16", buffer=data, strides=(1,))
    return view[pos].view("<f8").reshape(-1, 2)


def _part_bounds(coords: np.ndarray, lo: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """minx, miny, maxx, maxy of each part (vertices ``lo[i]`` to ``lo[i] + counts[i]``)."""
    if not len(lo):
        return np.empty((0, 4))
    if counts.min() == counts.max() <= 8:  # e.g. all two-vertex lines: no reduceat
        parts = coords.reshape(len(lo), int(counts[0]), 2)
        low, high = parts[:, 0].copy(), parts[:, 0].copy()
        for j in range(1, int(counts[0])):
            np.minimum(low, parts[:, j], out=low)
            np.maximum(high, parts[:, j], out=high)
        return np.concatenate([low, high], axis=1)
    return np.concatenate([np.minimum.reduceat(coords, lo, axis=0),
                           np.maximum.reduceat(coords, lo, axis=0)], axis=1)


def _buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    large = pa.types.is_large_binary(arr.type)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64 if large else np.int32,
                            count=len(arr) + 1, offset=arr.offset * (8 if large else 4)).astype(np.int64)
    data = np.frombuffer(bufs[2], np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    return offsets, data


def pack_wkb(wkb: pa.Array) -> PackedGeometry:
    """PackedGeometry of a WKB column (row i = feature i)."""
    packed, other = gather_wkb(wkb)
    return add_others(packed, other, take_wkb(wkb, other))


def take_wkb(wkb: pa.Array, rows: np.ndarray) -> np.ndarray:
    """The WKB values of ``rows`` as an object array of bytes."""
    if not len(rows):
        return np.empty(0, object)
    arr = wkb.combine_chunks() if isinstance(wkb, pa.ChunkedArray) else wkb
    return arr.take(pa.array(rows)).to_numpy(zero_copy_only=False)


def add_others(packed: PackedGeometry, other: np.ndarray, other_wkb: np.ndarray) -> PackedGeometry:
    """``packed`` plus the features ``other`` (polygons, multi-parts, …) through shapely."""
    if not len(other):
        return packed
    return _merge(packed, pack_geometries(shapely.from_wkb(other_wkb)), other)


def gather_wkb(wkb: pa.Array) -> tuple[PackedGeometry, np.ndarray]:
    """Points and simple lines of a WKB column gathered straight from its bytes, and the
    indices of the other features (left for ``add_others``)."""
    offsets, data = _buffers(wkb)
    n = len(offsets) - 1
    start = offsets[:-1]
    size = offsets[1:] - start
    valid = size >= 5
    pos = start[valid]
    little = data[pos] == 1
    t = np.zeros(n, np.int64)
    t[valid] = _at(data, pos + 1, "<u4").astype(np.int64)
    t[valid] = np.where(little, t[valid], -1)
    iso_dims = np.array([2, 3, 3, 4])
    base = t % 1000
    dims = np.where((t >= 0) & (t < 4000), iso_dims[np.clip(t // 1000, 0, 3)], 0)
    ewkb = t >= 0x40000000
    srid = (t & 0x20000000) != 0
    base = np.where(ewkb & ~srid, t & 0xFF, base)
    dims = np.where(ewkb & ~srid, 2 + ((t & 0x80000000) != 0) + ((t & 0x40000000) != 0), dims)
    is_point = valid & (base == 1) & (dims > 0) & (t >= 0)
    is_line = valid & (base == 2) & (dims > 0) & (t >= 0)
    other = np.flatnonzero(valid & ~is_point & ~is_line)
    # points
    pi = np.flatnonzero(is_point)
    pxy = _xy(data, start[pi] + 5)
    keep = ~np.isnan(pxy[:, 0])  # POINT EMPTY is NaN
    points = pxy[keep] if not keep.all() else pxy
    point_feature = pi[keep]
    # lines
    li = np.flatnonzero(is_line)
    counts = _at(data, start[li] + 5, "<u4").astype(np.int64)
    li, counts = li[counts > 0], counts[counts > 0]
    stride = dims[li] * 8
    total = int(counts.sum())
    first = np.cumsum(counts) - counts
    if len(li) and stride.min() == stride.max():  # all 2D or all 3D: one repeat
        vpos = np.repeat(start[li] + 9 - first * stride[0], counts) + np.arange(total) * stride[0]
    else:
        k = np.arange(total, dtype=np.int64) - np.repeat(first, counts)
        vpos = np.repeat(start[li] + 9, counts) + k * np.repeat(stride, counts)
    coords = _xy(data, vpos)
    part_offsets = np.zeros(len(li) + 1, np.int64)
    np.cumsum(counts, out=part_offsets[1:])
    bounds = _part_bounds(coords, part_offsets[:-1], counts)
    packed = PackedGeometry(coords=coords, part_offsets=part_offsets, part_feature=li,
                            part_closed=np.zeros(len(li), bool), part_bounds=bounds, points=points,
                            point_feature=point_feature, n_features=n)
    return packed, other


def _merge(a: PackedGeometry, b: PackedGeometry, b_features: np.ndarray) -> PackedGeometry:
    """``a`` plus ``b``, whose feature i is feature ``b_features[i]`` of the whole."""
    return PackedGeometry(
        coords=np.concatenate([a.coords, b.coords]),
        part_offsets=np.concatenate([a.part_offsets, b.part_offsets[1:] + a.part_offsets[-1]]),
        part_feature=np.concatenate([a.part_feature, b_features[b.part_feature]]),
        part_closed=np.concatenate([a.part_closed, b.part_closed]),
        part_bounds=np.concatenate([a.part_bounds, b.part_bounds]),
        points=np.concatenate([a.points, b.points]),
        point_feature=np.concatenate([a.point_feature, b_features[b.point_feature]]),
        n_features=a.n_features,
    )
