"""Map tools: pan, zoom box, identify and measure. A tool gets the canvas's mouse and
key events and may paint feedback on top of the map."""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPen

IDENTIFY_TOLERANCE_PX = 6


class MapTool(QObject):
    cursor = Qt.CursorShape.ArrowCursor
    name = "tool"

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self.canvas = canvas

    def activate(self) -> None: ...

    def deactivate(self) -> None: ...

    def press(self, event) -> None: ...

    def move(self, event) -> None: ...

    def release(self, event) -> None: ...

    def double_click(self, event) -> None: ...

    def key(self, event) -> bool:
        return False

    def paint(self, painter, view) -> None: ...


class PanTool(MapTool):
    cursor = Qt.CursorShape.OpenHandCursor
    name = "pan"

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self._last = None

    def press(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._last = event.position()
            self.canvas.setCursor(Qt.CursorShape.ClosedHandCursor)

    def move(self, event) -> None:
        if self._last is not None:
            d = event.position() - self._last
            self._last = event.position()
            self.canvas.view.pan_pixels(d.x(), d.y())

    def release(self, event) -> None:
        self._last = None
        self.canvas.setCursor(self.cursor)


class ZoomBoxTool(MapTool):
    """Drag a box to zoom into it; click to zoom in 2× about the point (right: out)."""

    cursor = Qt.CursorShape.CrossCursor
    name = "zoom"

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self._start = self._end = None

    def press(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._start = self._end = event.position()
        elif event.button() == Qt.MouseButton.RightButton:
            p = event.position()
            self.canvas.view.zoom(0.5, (p.x(), p.y()))

    def move(self, event) -> None:
        if self._start is not None:
            self._end = event.position()
            self.canvas.update()

    def release(self, event) -> None:
        if self._start is None:
            return
        a, b = self._start, event.position()
        self._start = self._end = None
        if abs(a.x() - b.x()) < 5 or abs(a.y() - b.y()) < 5:
            self.canvas.view.zoom(2.0, (b.x(), b.y()))
            return
        x0, y0 = self.canvas.map_point(a)
        x1, y1 = self.canvas.map_point(b)
        self.canvas.view.zoom_to((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), margin=0)

    def paint(self, painter, view) -> None:
        if self._start is not None and self._end is not None:
            painter.setPen(QPen(QColor("#1f6fd1"), 1, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(31, 111, 209, 40))
            painter.drawRect(QRectF(self._start, self._end).normalized())


class IdentifyTool(MapTool):
    """Click an asset to see everything the register knows about it."""

    cursor = Qt.CursorShape.WhatsThisCursor
    name = "identify"
    identifyRequested = Signal(float, float, float)  # x, y, tolerance (map units)

    def release(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            x, y = self.canvas.map_point(event.position())
            tol = IDENTIFY_TOLERANCE_PX * self.canvas.view.state.resolution
            self.identifyRequested.emit(x, y, tol)


class MeasureTool(MapTool):
    """Click points to measure a distance along them; double-click or Esc to start again."""

    cursor = Qt.CursorShape.CrossCursor
    name = "measure"
    measured = Signal(float)

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self.points: list[tuple[float, float]] = []
        self._hover = None
        self._finished = False

    def deactivate(self) -> None:
        self.points = []
        self._hover = None

    def total(self, with_hover: bool = True) -> float:
        pts = self.points + ([self._hover] if with_hover and self._hover and not self._finished else [])
        return sum(math.dist(a, b) for a, b in zip(pts, pts[1:]))

    def press(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self._finished:
            self.points, self._finished = [], False
        self.points.append(self.canvas.map_point(event.position()))
        self.canvas.update()

    def move(self, event) -> None:
        self._hover = self.canvas.map_point(event.position())
        if self.points:
            self.measured.emit(self.total())
            self.canvas.update()

    def double_click(self, event) -> None:
        self._finished = True
        self.measured.emit(self.total(False))
        self.canvas.update()

    def key(self, event) -> bool:
        if event.key() == Qt.Key.Key_Escape:
            self.points, self._finished = [], False
            self.canvas.update()
            return True
        return False

    def paint(self, painter, view) -> None:
        pts = self.points + ([self._hover] if self._hover and self.points and not self._finished else [])
        if not pts:
            return
        sp = [QPointF(*map(float, view.to_screen(*p))) for p in pts]
        painter.setPen(QPen(QColor("#1f6fd1"), 2, Qt.PenStyle.DashLine))
        painter.drawPolyline(sp)
        painter.setBrush(QColor("#ffffff"))
        painter.setPen(QPen(QColor("#1f6fd1"), 1.5))
        for p in sp:
            painter.drawEllipse(p, 3.5, 3.5)
        font = QFont()
        font.setBold(True)
        painter.setFont(font)
        text = f"{self.total():.2f} m"
        end = sp[-1] + QPointF(10, -10)
        w = painter.fontMetrics().horizontalAdvance(text)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 230))
        painter.drawRoundedRect(QRectF(end.x() - 4, end.y() - 14, w + 8, 19), 3, 3)
        painter.setPen(QColor("#1f6fd1"))
        painter.drawText(end, text)
