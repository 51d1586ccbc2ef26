"""Toolbar icons drawn with QPainter (no image files, crisp at any size, work offline)."""

from __future__ import annotations

import math
from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

INK = QColor("#37474f")
ACCENT = QColor("#1f6fd1")
DIG = QColor("#c2006e")


def _arrow(p, x0, y0, x1, y1, head=4.0):
    p.drawLine(QPointF(x0, y0), QPointF(x1, y1))
    a = math.atan2(y1 - y0, x1 - x0)
    for s in (-1, 1):
        p.drawLine(QPointF(x1, y1), QPointF(x1 - head * math.cos(a + s * 0.6), y1 - head * math.sin(a + s * 0.6)))


def _magnifier(p, sign=None):
    p.setPen(QPen(INK, 2))
    p.drawEllipse(QRectF(3, 3, 12, 12))
    p.drawLine(QPointF(13.5, 13.5), QPointF(20, 20))
    if sign:
        p.setPen(QPen(ACCENT, 2))
        p.drawLine(QPointF(6, 9), QPointF(12, 9))
        if sign == "+":
            p.drawLine(QPointF(9, 6), QPointF(9, 12))


def _draw(name: str, p: QPainter) -> None:
    pen = QPen(INK, 1.8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    if name == "pan":
        for x0, y0, x1, y1 in ((12, 12, 12, 3), (12, 12, 12, 21), (12, 12, 3, 12), (12, 12, 21, 12)):
            _arrow(p, x0, y0, x1, y1)
    elif name in ("zoom_in", "zoom_out"):
        _magnifier(p, "+" if name == "zoom_in" else "-")
    elif name == "zoom_box":
        p.setPen(QPen(ACCENT, 1.4, Qt.PenStyle.DashLine))
        p.drawRect(QRectF(2, 2, 12, 10))
        p.setPen(QPen(INK, 2))
        p.drawEllipse(QRectF(9, 9, 9, 9))
        p.drawLine(QPointF(16.5, 16.5), QPointF(21, 21))
    elif name == "zoom_full":
        for (x, y, dx, dy) in ((3, 3, 1, 1), (21, 3, -1, 1), (3, 21, 1, -1), (21, 21, -1, -1)):
            p.drawLine(QPointF(x, y), QPointF(x + 6 * dx, y))
            p.drawLine(QPointF(x, y), QPointF(x, y + 6 * dy))
        p.setBrush(QColor("#90caf9"))
        p.drawRect(QRectF(8, 8, 8, 8))
    elif name == "identify":
        p.setPen(QPen(ACCENT, 2))
        p.drawEllipse(QRectF(3, 3, 18, 18))
        p.setPen(QPen(ACCENT, 2.4))
        p.drawLine(QPointF(12, 10.5), QPointF(12, 17))
        p.drawPoint(QPointF(12, 7))
    elif name == "measure":
        p.save()
        p.translate(12, 12)
        p.rotate(-35)
        p.setBrush(QColor("#ffe082"))
        p.drawRect(QRectF(-10, -4, 20, 8))
        for i in range(-7, 9, 3):
            p.drawLine(QPointF(i, -4), QPointF(i, -1))
        p.restore()
    elif name == "polygon":
        p.setPen(QPen(DIG, 1.8))
        p.setBrush(QColor(194, 0, 110, 60))
        pts = [QPointF(4, 17), QPointF(8, 4), QPointF(20, 7), QPointF(18, 20)]
        p.drawPolygon(pts)
        p.setBrush(QColor("#ffffff"))
        for q in pts:
            p.drawRect(QRectF(q.x() - 2, q.y() - 2, 4, 4))
    elif name == "trench":
        p.setPen(QPen(QColor(194, 0, 110, 90), 7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        path = QPainterPath(QPointF(3, 18))
        path.lineTo(11, 9)
        path.lineTo(21, 11)
        p.drawPath(path)
        p.setPen(QPen(DIG, 1.4, Qt.PenStyle.DashLine))
        p.drawPath(path)
    elif name == "point":
        p.setPen(QPen(DIG, 1.8))
        p.setBrush(QColor(194, 0, 110, 60))
        p.drawEllipse(QRectF(3, 3, 18, 18))
        p.setBrush(DIG)
        p.drawEllipse(QRectF(10, 10, 4, 4))
    elif name == "edit":
        p.setPen(QPen(DIG, 1.6))
        p.drawPolyline([QPointF(3, 19), QPointF(9, 6), QPointF(21, 12)])
        p.setBrush(QColor("#ffffff"))
        p.drawRect(QRectF(6, 3, 6, 6))
        p.setPen(QPen(INK, 1.6))
        _arrow(p, 12, 9, 18, 18, 3)
    elif name in ("undo", "redo"):
        p.save()
        if name == "redo":
            p.translate(24, 0)
            p.scale(-1, 1)
        path = QPainterPath(QPointF(6, 9))
        path.cubicTo(QPointF(14, 3), QPointF(24, 10), QPointF(16, 19))
        p.drawPath(path)
        _arrow(p, 9, 12, 5, 9, 0)
        p.drawLine(QPointF(5, 9), QPointF(10, 5))
        p.drawLine(QPointF(5, 9), QPointF(10, 12.5))
        p.restore()
    elif name == "import":
        p.drawPolyline([QPointF(3, 14), QPointF(3, 21), QPointF(21, 21), QPointF(21, 14)])
        p.setPen(QPen(ACCENT, 2))
        _arrow(p, 12, 2, 12, 16, 5)
    elif name == "notice":
        p.setBrush(QColor("#ffffff"))
        p.drawPolygon([QPointF(5, 2), QPointF(15, 2), QPointF(19, 6), QPointF(19, 22), QPointF(5, 22)])
        for y in (9, 13, 17):
            p.drawLine(QPointF(8, y), QPointF(16, y))
        p.setPen(QPen(DIG, 2))
        p.drawLine(QPointF(8, 5.5), QPointF(12, 5.5))
    elif name == "settings":
        p.setPen(QPen(INK, 3))
        for k in range(8):
            a = k * math.pi / 4
            p.drawLine(QPointF(12 + 7 * math.cos(a), 12 + 7 * math.sin(a)),
                       QPointF(12 + 10 * math.cos(a), 12 + 10 * math.sin(a)))
        p.setPen(QPen(INK, 2))
        p.setBrush(QColor("#cfd8dc"))
        p.drawEllipse(QRectF(5, 5, 14, 14))
        p.setBrush(QColor("#ffffff"))
        p.drawEllipse(QRectF(9, 9, 6, 6))
    elif name == "clear":
        p.setPen(QPen(QColor("#b00020"), 2.4))
        p.drawLine(QPointF(6, 6), QPointF(18, 18))
        p.drawLine(QPointF(18, 6), QPointF(6, 18))
    elif name == "coords":
        f = QFont()
        f.setBold(True)
        f.setPixelSize(11)
        p.setFont(f)
        p.drawText(QRectF(0, 0, 24, 24), Qt.AlignmentFlag.AlignCenter, "XY")
        p.setPen(QPen(DIG, 1.4))
        p.drawRect(QRectF(1.5, 4, 21, 16))
    elif name == "open":
        p.setBrush(QColor("#ffe082"))
        p.drawPolygon([QPointF(2, 6), QPointF(9, 6), QPointF(11, 8), QPointF(22, 8), QPointF(22, 20),
                       QPointF(2, 20)])
    elif name == "layer":
        p.setBrush(QColor("#e0e0e0"))
        p.drawPolygon([QPointF(12, 4), QPointF(22, 9), QPointF(12, 14), QPointF(2, 9)])
        p.setBrush(QColor("#bbdefb"))
        p.drawPolygon([QPointF(12, 10), QPointF(22, 15), QPointF(12, 20), QPointF(2, 15)])


@cache
def icon(name: str) -> QIcon:
    pix = QPixmap(48, 48)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(2, 2)
    _draw(name, p)
    p.end()
    return QIcon(pix)
