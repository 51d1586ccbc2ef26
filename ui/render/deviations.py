"""Paint the open deviation reports into a layer image (a render job, off the GUI thread).

Drawn from the ``DeviationMarks`` snapshot (``ui/models/deviations.py``), one path per
kind of stroke, never per feature:
- the reported position or line: magenta, dashed, on a white casing, so it reads over any
  utility colour and is never taken for a record;
- a dashed leader from its marker to the nearest point of the recorded asset, ending in a
  dot on the record (an asset found elsewhere);
- the record of an asset not found where recorded: crossed out (white-cased magenta ×
  marks along it) — the record is kept on the map, it is the owner's to withdraw;
- a diamond marker with the report's number on each report (white fill once the owner
  acknowledged it), the number as in the deviations dock.
"""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPolygonF

from .painters import RenderCancelled, RenderSettings
from .shapes import geoms_to_path

DEVIATION = QColor("#e6007e")
CASING = QColor(255, 255, 255, 230)
LEADER = QColor("#8a0a55")
MARKER_R = 9.0
MARKER_OFFSET = 16.0  # px up and right of a point record not found
CROSS_SPACING_PX = 60.0


def _check(cancel) -> None:
    if cancel is not None and cancel():
        raise RenderCancelled()


def _on_screen(geoms: np.ndarray, view) -> np.ndarray:
    """Geometries that touch the view (the rest cost nothing)."""
    keep = ~shapely.is_missing(geoms)
    if keep.any():
        keep &= shapely.intersects(geoms, shapely.box(*view.extent))
    return geoms[keep]


def _cross_points(lines: np.ndarray, resolution: float) -> np.ndarray:
    """Points every ``CROSS_SPACING_PX`` along the crossed-out records (at least one each)."""
    out = []
    step = CROSS_SPACING_PX * resolution
    for g in lines:
        if shapely.get_type_id(g) in (1, 5):
            n = max(1, int(shapely.length(g) // step))
            out.append(shapely.line_interpolate_point(g, (np.arange(n) + 0.5) / n, normalized=True))
        else:
            out.append(np.atleast_1d(shapely.point_on_surface(g)))
    return shapely.get_coordinates(np.concatenate(out)) if out else np.empty((0, 2))


def diamond(x: float, y: float, r: float = MARKER_R) -> QPainterPath:
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(x, y - r), QPointF(x + r, y), QPointF(x, y + r), QPointF(x - r, y)]))
    path.closeSubpath()
    return path


def draw_marker(p: QPainter, x: float, y: float, text: str, acknowledged: bool = False) -> None:
    """One report's marker: a magenta diamond with its number (white when acknowledged)."""
    path = diamond(x, y)
    p.setPen(QPen(CASING, 4.0))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    p.setPen(QPen(DEVIATION.darker(120), 1.6))
    p.setBrush(QColor("#ffffff") if acknowledged else DEVIATION)
    p.drawPath(path)
    if text:
        font = QFont()
        font.setPointSizeF(6.5 if len(text) > 2 else 7.5)
        font.setBold(True)
        p.setFont(font)
        p.setPen(DEVIATION.darker(130) if acknowledged else QColor("#ffffff"))
        p.drawText(QRectF(x - MARKER_R, y - MARKER_R, 2 * MARKER_R, 2 * MARKER_R),
                   Qt.AlignmentFlag.AlignCenter, text)


def render_deviations(image: QImage, marks, settings: RenderSettings, cancel=None) -> str:
    """Draw ``marks`` for ``settings.view`` into ``image``; returns the level of detail."""
    if marks is None or not len(marks):
        return "deviations: none"
    view = settings.view
    p = QPainter(image)
    try:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setBrush(Qt.BrushStyle.NoBrush)
        _check(cancel)
        # leaders first: under everything else
        leaders = _on_screen(marks.leader, view)
        if len(leaders):
            path = geoms_to_path(leaders, view, point_radius=0)
            p.setPen(QPen(CASING, 4.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawPath(path)
            pen = QPen(LEADER, 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
            pen.setDashPattern([3.0, 2.0])
            p.setPen(pen)
            p.drawPath(path)
            ends = shapely.get_coordinates(shapely.get_point(leaders, -1))  # on the record
            ex, ey = view.to_screen(ends[:, 0], ends[:, 1])
            p.setBrush(LEADER)
            p.setPen(QPen(CASING, 1.0))
            for x, y in zip(np.asarray(ex, float).tolist(), np.asarray(ey, float).tolist()):
                p.drawEllipse(QPointF(x, y), 3.0, 3.0)
            p.setBrush(Qt.BrushStyle.NoBrush)
        _check(cancel)
        not_found = marks.kind == "not_found"
        crossed = _on_screen(marks.recorded[not_found], view)
        if len(crossed):
            path = geoms_to_path(crossed, view, point_radius=6)
            p.setPen(QPen(CASING, 7.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawPath(path)
            pen = QPen(DEVIATION, 2.0, Qt.PenStyle.DotLine, Qt.PenCapStyle.RoundCap)
            p.setPen(pen)
            p.drawPath(path)
            xy = _cross_points(crossed, view.resolution)
            sx, sy = view.to_screen(xy[:, 0], xy[:, 1])
            cross = QPainterPath()
            for x, y in zip(np.asarray(sx, float).tolist(), np.asarray(sy, float).tolist()):
                cross.moveTo(x - 6, y - 6)
                cross.lineTo(x + 6, y + 6)
                cross.moveTo(x - 6, y + 6)
                cross.lineTo(x + 6, y - 6)
            p.setPen(QPen(CASING, 6.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawPath(cross)
            p.setPen(QPen(DEVIATION, 2.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawPath(cross)
        _check(cancel)
        reported = _on_screen(marks.reported, view)
        if len(reported):
            path = geoms_to_path(reported, view, point_radius=5)
            p.setPen(QPen(CASING, 7.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
            p.drawPath(path)
            pen = QPen(DEVIATION, 3.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap, Qt.PenJoinStyle.RoundJoin)
            pen.setDashPattern([3.0, 1.6])
            p.setPen(pen)
            p.drawPath(path)
        _check(cancel)
        sx, sy = view.to_screen(marks.anchor[:, 0], marks.anchor[:, 1])
        sx, sy = np.asarray(sx, float), np.asarray(sy, float)
        inside = (sx > -MARKER_R) & (sy > -MARKER_R) & (sx < view.width + MARKER_R) & (sy < view.height + MARKER_R)
        # a marker on a record not found sits beside it, so the record's × stays in sight
        beside = (marks.kind == "not_found") & (shapely.get_type_id(marks.recorded) == 0)
        for i in np.flatnonzero(inside):
            x, y = float(sx[i]), float(sy[i])
            if beside[i]:
                p.setPen(QPen(LEADER, 1.2))
                p.drawLine(QPointF(x, y), QPointF(x + MARKER_OFFSET, y - MARKER_OFFSET))
                x, y = x + MARKER_OFFSET, y - MARKER_OFFSET
            draw_marker(p, x, y, str(int(marks.ids[i])), acknowledged=marks.status[i] == "acknowledged")
        return f"deviations: {int(inside.sum())} shown"
    finally:
        p.end()
