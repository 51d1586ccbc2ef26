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
  acknowledged it), the number as in the deviations dock; a view with more than
  ``NUMBERED_MARKERS`` reports draws plain diamonds stamped from one small image (numbers come back zoomed in).
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
NUMBERED_MARKERS = 150  # more reports in view than this: plain diamonds, numbers when zoomed in
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


def _cross_points(geoms: np.ndarray, resolution: float) -> np.ndarray:
    """Points every ``CROSS_SPACING_PX`` along the crossed-out records (at least one each; a
    point record: the point)."""
    if not len(geoms):
        return np.empty((0, 2))
    line = np.isin(shapely.get_type_id(geoms), (1, 5))
    step = CROSS_SPACING_PX * resolution
    n = np.where(line, np.clip(shapely.length(geoms) // step, 1, 500), 1).astype(np.int64)
    of = np.repeat(np.arange(len(geoms)), n)
    k = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    along = shapely.line_interpolate_point(np.where(line, geoms, None)[of], (k + 0.5) / n[of],
                                           normalized=True)
    pts = np.where(line[of], along, shapely.point_on_surface(geoms)[of])
    return shapely.get_coordinates(pts)


def diamond(x: float, y: float, r: float = MARKER_R) -> QPainterPath:
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(x, y - r), QPointF(x + r, y), QPointF(x, y + r), QPointF(x - r, y)]))
    path.closeSubpath()
    return path


def _cased_dashes(p: QPainter, path, casing: float, width: float, dashes: list) -> None:
    """``path`` as magenta dashes on a white casing (bevel joins, flat dashes: cheap)."""
    p.setPen(QPen(CASING, casing, Qt.PenStyle.SolidLine, Qt.PenCapStyle.SquareCap, Qt.PenJoinStyle.BevelJoin))
    p.drawPath(path)
    pen = QPen(DEVIATION, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap, Qt.PenJoinStyle.BevelJoin)
    pen.setDashPattern(dashes)
    p.setPen(pen)
    p.drawPath(path)


def _stamp(p: QPainter, sprite: QImage, sx, sy) -> None:
    """``sprite`` centred on each screen point (many small symbols: far cheaper for Qt than
    one path of them all)."""
    half = sprite.width() / 2
    for x, y in zip((np.asarray(sx, float) - half).tolist(), (np.asarray(sy, float) - half).tolist()):
        p.drawImage(QPointF(x, y), sprite)


def _dot_sprite() -> QImage:
    """The dot where a leader meets the record."""
    img = QImage(10, 10, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0)
    q = QPainter(img)
    q.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    q.setPen(QPen(CASING, 1.0))
    q.setBrush(LEADER)
    q.drawEllipse(QPointF(5, 5), 3.0, 3.0)
    q.end()
    return img


def _cross_sprite() -> QImage:
    """The × stamped along a record not found (white-cased magenta)."""
    size = 18
    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0)
    q = QPainter(img)
    q.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    cross = QPainterPath()
    c, k = size / 2, 6.0
    cross.moveTo(c - k, c - k)
    cross.lineTo(c + k, c + k)
    cross.moveTo(c - k, c + k)
    cross.lineTo(c + k, c - k)
    q.setPen(QPen(CASING, 6.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    q.drawPath(cross)
    q.setPen(QPen(DEVIATION, 2.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    q.drawPath(cross)
    q.end()
    return img


def _marker_sprite(acknowledged: bool, r: float) -> QImage:
    """One diamond marker, drawn once per render and stamped for every report in view."""
    size = int(2 * r + 6)
    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0)
    q = QPainter(img)
    q.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    path = diamond(size / 2, size / 2, r)
    q.setPen(QPen(CASING, 3.5))
    q.drawPath(path)
    q.setPen(QPen(DEVIATION.darker(120), 1.4))
    q.setBrush(QColor("#ffffff") if acknowledged else DEVIATION)
    q.drawPath(path)
    q.end()
    return img


def _markers(p: QPainter, sx: np.ndarray, sy: np.ndarray, ids: np.ndarray, acknowledged: np.ndarray,
             numbered: bool) -> None:
    """Diamonds stamped from a sprite (one filled path of a thousand diamonds costs Qt far
    more), with the report's number when there are few enough to read."""
    r = MARKER_R if numbered else MARKER_R * 0.6
    font = QFont()
    font.setBold(True)
    for ack in (False, True):
        sel = np.flatnonzero(acknowledged == ack)
        if not len(sel):
            continue
        _stamp(p, _marker_sprite(ack, r), sx[sel], sy[sel])
        if not numbered:
            continue
        p.setPen(DEVIATION.darker(130) if ack else QColor("#ffffff"))
        for i in sel.tolist():
            text = str(int(ids[i]))
            font.setPointSizeF(6.5 if len(text) > 2 else 7.5)
            p.setFont(font)
            p.drawText(QRectF(float(sx[i]) - r, float(sy[i]) - r, 2 * r, 2 * r), Qt.AlignmentFlag.AlignCenter, text)


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
            p.setPen(QPen(CASING, 4.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            p.drawPath(path)
            pen = QPen(LEADER, 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
            pen.setDashPattern([3.0, 2.0])
            p.setPen(pen)
            p.drawPath(path)
            ends = shapely.get_coordinates(shapely.get_point(leaders, -1))  # on the record
            _stamp(p, _dot_sprite(), *view.to_screen(ends[:, 0], ends[:, 1]))
        _check(cancel)
        not_found = marks.kind == "not_found"
        crossed = _on_screen(marks.recorded[not_found], view)
        if len(crossed):
            # dotted with flat dashes (Qt's round-capped dots cost far more)
            _cased_dashes(p, geoms_to_path(crossed, view, point_radius=6), 7.0, 2.0, [1.0, 1.5])
            xy = _cross_points(crossed, view.resolution)
            _stamp(p, _cross_sprite(), *view.to_screen(xy[:, 0], xy[:, 1]))
        _check(cancel)
        reported = _on_screen(marks.reported, view)
        if len(reported):
            _cased_dashes(p, geoms_to_path(reported, view, point_radius=5), 7.0, 3.0, [3.0, 1.6])
        _check(cancel)
        sx, sy = view.to_screen(marks.anchor[:, 0], marks.anchor[:, 1])
        sx, sy = np.asarray(sx, float), np.asarray(sy, float)
        inside = (sx > -MARKER_R) & (sy > -MARKER_R) & (sx < view.width + MARKER_R) & (sy < view.height + MARKER_R)
        # a marker on a record not found sits beside it, so the record's × stays in sight
        shown = np.flatnonzero(inside)
        sx, sy = sx[shown], sy[shown]
        beside = ((marks.kind == "not_found") & (shapely.get_type_id(marks.recorded) == 0))[shown]
        if beside.any():
            leaders = QPainterPath()
            for x, y in zip(sx[beside].tolist(), sy[beside].tolist()):
                leaders.moveTo(x, y)
                leaders.lineTo(x + MARKER_OFFSET, y - MARKER_OFFSET)
            p.setPen(QPen(LEADER, 1.2))
            p.drawPath(leaders)
            sx, sy = sx + beside * MARKER_OFFSET, sy - beside * MARKER_OFFSET
        _markers(p, sx, sy, marks.ids[shown], marks.status[shown] == "acknowledged",
                 numbered=len(shown) <= NUMBERED_MARKERS)
        return f"deviations: {len(shown)} shown"
    finally:
        p.end()


def paint_draft(p: QPainter, view, geom) -> None:
    """The position of the report being written (picked or typed, not saved yet): the
    reported style, lighter, with its vertices — drawn on the GUI thread as an overlay."""
    if geom is None or geom.is_empty:
        return
    p.setBrush(Qt.BrushStyle.NoBrush)
    _cased_dashes(p, geoms_to_path([geom], view, point_radius=5), 6.0, 2.0, [2.0, 2.0])
    xy = shapely.get_coordinates(geom)
    sx, sy = view.to_screen(xy[:, 0], xy[:, 1])
    p.setPen(QPen(DEVIATION, 1.5))
    p.setBrush(QColor("#ffffff"))
    for x, y in zip(np.asarray(sx, float).tolist(), np.asarray(sy, float).tolist()):
        p.drawRect(QRectF(x - 3.5, y - 3.5, 7, 7))

