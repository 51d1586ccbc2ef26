"""Severity as its own visual channel, apart from the utility colours: a cased halo (black
edges, white band) whose pattern says the severity — solid for a strike, dashed for danger,
dotted for caution — and a numbered marker whose shape says it again (octagon, triangle,
circle; a square for clear). Black and white only: no utility colour in NJUG or APWA is
reused, and nothing rests on telling red from green."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainterPath, QPen, QPolygonF

SEVERITIES = ("strike", "danger", "caution", "clear")
INK = QColor("#111111")
PAPER = QColor("#ffffff")
MUTED = QColor("#6b6b6b")

# halo band width (px) and the dash pattern of its black edges, per severity
HALO = {"strike": (13.0, None), "danger": (11.0, [2.2, 1.4]), "caution": (9.0, [0.6, 1.6])}
# marker: shape, fill, edge, number colour, edge dash
MARKERS = {
    "strike": ("octagon", INK, INK, PAPER, None),
    "danger": ("triangle", PAPER, INK, INK, None),
    "caution": ("circle", PAPER, INK, INK, [2.0, 1.5]),
    "clear": ("square", PAPER, MUTED, MUTED, None),
}
MARKER_RADIUS = 10.0


def _shape(name: str, r: float) -> np.ndarray:
    if name == "octagon":
        t = np.radians(22.5 + 45 * np.arange(8))
        return np.column_stack([r * np.cos(t), r * np.sin(t)])
    if name == "triangle":  # point up, its centre of area at the origin
        return np.array([(0, -1.25 * r), (1.15 * r, 0.75 * r), (-1.15 * r, 0.75 * r)])
    if name == "square":
        k = 0.85 * r
        return np.array([(-k, -k), (k, -k), (k, k), (-k, k)])
    t = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    return np.column_stack([r * np.cos(t), r * np.sin(t)])


def marker_path(severity: str, x: float, y: float, r: float = MARKER_RADIUS) -> QPainterPath:
    shape = _shape(MARKERS.get(severity, MARKERS["clear"])[0], r)
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(x + a, y + b) for a, b in shape]))
    path.closeSubpath()
    return path


def draw_marker(p, severity: str, x: float, y: float, text: str = "", r: float = MARKER_RADIUS) -> None:
    """One severity marker centred on (x, y), with its number."""
    _, fill, edge, ink, dash = MARKERS.get(severity, MARKERS["clear"])
    pen = QPen(edge, 2.0)
    if dash:
        pen.setDashPattern(dash)
    p.setPen(QPen(PAPER, 4.5))  # a white rim keeps the marker legible on any line colour
    p.setBrush(Qt.BrushStyle.NoBrush)
    path = marker_path(severity, x, y, r)
    p.drawPath(path)
    p.setPen(pen)
    p.setBrush(fill)
    p.drawPath(path)
    if text:
        font = QFont()
        font.setPointSizeF(7.5 if len(text) < 3 else 6.5)
        font.setBold(True)
        p.setFont(font)
        p.setPen(ink)
        dy = 2.0 if severity == "danger" else 0.0  # the triangle's body sits low
        p.drawText(QRectF(x - r, y - r + dy, 2 * r, 2 * r), Qt.AlignmentFlag.AlignCenter, text)


def halo_pens(severity: str) -> tuple[QPen, QPen]:
    """The black edge pen (patterned per severity) and the white band pen of a halo."""
    width, dash = HALO[severity]
    edge = QPen(INK, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap, Qt.PenJoinStyle.RoundJoin)
    if dash:
        edge.setDashPattern(dash)
    band = QPen(PAPER, width - 4.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    return edge, band
