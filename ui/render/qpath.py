"""Build QPainterPaths from numpy arrays in bulk (no per-vertex Python).

QPainterPath's QDataStream form is ``int32 n`` then ``n`` elements of
``(int32 type, float64 x, float64 y)`` then ``int32 cStart, int32 fillRule``,
all big-endian; we write that buffer with numpy and stream it into a path, as
pyqtgraph's ``arrayToQPath`` does. Building the same path with ``lineTo`` calls
costs about a microsecond per vertex in Python.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QByteArray, QDataStream, QIODevice, Qt
from PySide6.QtGui import QPainterPath

_ELEMENT = np.dtype([("c", ">i4"), ("x", ">f8"), ("y", ">f8")])
MOVE_TO, LINE_TO = 0, 1


def array_to_path(x: np.ndarray, y: np.ndarray, starts: np.ndarray,
                  fill_rule=Qt.FillRule.OddEvenFill) -> QPainterPath:
    """A path through (x, y) where ``starts[i]`` begins a new sub-path at vertex i."""
    n = len(x)
    path = QPainterPath()
    if n == 0:
        return path
    buf = np.empty(n + 2, dtype=_ELEMENT)
    raw = buf.view(np.uint8)
    raw[16:20] = np.array([n], dtype=">i4").view(np.uint8)
    body = buf[1:-1]
    body["x"] = x
    body["y"] = y
    body["c"] = np.where(starts, MOVE_TO, LINE_TO)
    body["c"][0] = MOVE_TO
    tail = np.array([0, 0 if fill_rule == Qt.FillRule.OddEvenFill else 1], dtype=">i4")
    raw[-20:-12] = tail.view(np.uint8)
    data = QByteArray(raw[16:-12].tobytes())
    stream = QDataStream(data, QIODevice.OpenModeFlag.ReadOnly)
    stream >> path
    return path


def segments_to_path(x0, y0, x1, y1) -> QPainterPath:
    """A path of independent segments (x0, y0) → (x1, y1)."""
    n = len(x0)
    x = np.empty(2 * n)
    y = np.empty(2 * n)
    x[0::2], x[1::2] = x0, x1
    y[0::2], y[1::2] = y0, y1
    starts = np.zeros(2 * n, bool)
    starts[0::2] = True
    return array_to_path(x, y, starts)


def geometry_to_path(geom, view) -> QPainterPath:
    """Screen-space path of one shapely geometry (lines, rings, points as tiny circles)."""
    import shapely

    from .packed import pack_geometries, part_vertex_index

    if geom is None or shapely.is_empty(geom):
        return QPainterPath()
    packed = pack_geometries([geom])
    idx, starts = part_vertex_index(packed.part_offsets, np.arange(len(packed.part_offsets) - 1))
    sx, sy = view.to_screen(packed.coords[idx, 0], packed.coords[idx, 1], packed.origin)
    path = array_to_path(sx, sy, starts)
    if len(packed.points):
        px, py = view.to_screen(packed.points[:, 0], packed.points[:, 1], packed.origin)
        for a, b in zip(px.tolist(), py.tolist()):
            path.addEllipse(a - 3, b - 3, 6, 6)
    return path
