"""Dig drawing and vertex-editing tool, and the pick tool of deviation reports.

Draw: click to add vertices (a point footprint needs one click), double-click,
right-click or Enter to finish, Backspace to drop the last vertex, Esc to
cancel. Once finished the tool edits: drag a vertex to move it, double-click
an edge to insert one, right-click a vertex (or hover + Delete) to remove it.
Each finished drawing and each edit is one undo step.
"""

from __future__ import annotations

import math
from dataclasses import replace

import shapely
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPen

from asset_register.errors import AssetRegisterError

from ..canvas.tools import MapTool
from ..models.footprint import MIN_VERTICES, POINT, POLYGON, TRENCH

HANDLE_PX = 8.0


class SketchTool(MapTool):
    """Digitising on the map: click to add vertices (a point needs one click), double-click,
    right-click or Enter to finish, Backspace to drop the last vertex, Esc to cancel.
    ``kind`` is POLYGON, TRENCH (a line) or POINT; a subclass says what ``_finish`` does."""

    cursor = Qt.CursorShape.CrossCursor
    colour = QColor("#c2006e")

    def __init__(self, canvas, kind: str = POLYGON) -> None:
        super().__init__(canvas)
        self.kind = kind
        self.drawing: list[tuple[float, float]] = []
        self.hover = None

    def _finish(self) -> None:
        raise NotImplementedError

    def _cancel(self) -> None:
        self.drawing = []
        self.canvas.update()

    def _sketch_press(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.drawing.append(self.canvas.map_point(event.position()))
            if self.kind == POINT:
                self._finish()
            self.canvas.update()
        elif event.button() == Qt.MouseButton.RightButton:
            self._finish()

    def _sketch_double_click(self) -> None:
        # the double-click's second press already added a vertex at the same place
        if len(self.drawing) >= 2 and self.drawing[-1] == self.drawing[-2]:
            self.drawing.pop()
        self._finish()

    def _sketch_key(self, event) -> bool:
        k = event.key()
        if k in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.drawing:
            self._finish()
            return True
        if k == Qt.Key.Key_Escape and self.drawing:
            self._cancel()
            return True
        if k == Qt.Key.Key_Backspace and self.drawing:
            self.drawing.pop()
            self.canvas.update()
            return True
        return False

    def press(self, event) -> None:
        self._sketch_press(event)

    def move(self, event) -> None:
        self.hover = self.canvas.map_point(event.position())
        if self.drawing:
            self.canvas.update()

    def double_click(self, event) -> None:
        if self.drawing:
            self._sketch_double_click()

    def key(self, event) -> bool:
        return self._sketch_key(event)

    def paint(self, painter, view) -> None:
        if not self.drawing:
            return
        pts = self.drawing + ([self.hover] if self.hover else [])
        sp = [QPointF(*map(float, view.to_screen(*p))) for p in pts]
        painter.setPen(QPen(self.colour, 2, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self.kind == POLYGON and len(sp) >= 3:
            painter.drawPolygon(sp)
        else:
            painter.drawPolyline(sp)
        painter.setPen(QPen(self.colour, 1.5))
        painter.setBrush(QColor("#ffffff"))
        for p in sp[:len(self.drawing)]:
            painter.drawRect(p.x() - 3.5, p.y() - 3.5, 7, 7)


class DigTool(SketchTool):
    name = "dig"

    def __init__(self, canvas, controller, kind: str = POLYGON) -> None:
        super().__init__(canvas, kind)
        self.controller = controller
        self._drag = None  # (vertex index, start state)
        self._hover_vertex = None
        self.editing = False

    def start(self, kind: str) -> None:
        """Begin drawing a new footprint of ``kind``."""
        self.kind = kind
        self.drawing = []
        self.editing = False
        self.canvas.update()

    def edit(self) -> None:
        self.drawing = []
        self.editing = True
        self.canvas.update()

    # -- helpers ------------------------------------------------------------------------
    def _vertex_at(self, pos) -> int | None:
        view = self.canvas.view.state
        best, best_d = None, HANDLE_PX
        for i, (x, y) in enumerate(self.controller.state.vertices):
            sx, sy = view.to_screen(x, y)
            d = math.hypot(float(sx) - pos.x(), float(sy) - pos.y())
            if d <= best_d:
                best, best_d = i, d
        return best

    def _edge_at(self, pos) -> int | None:
        """Index at which a vertex would be inserted on the edge under ``pos``."""
        view = self.canvas.view.state
        v = self.controller.state.vertices
        n = len(v)
        ring = self.controller.state.kind == POLYGON
        pairs = [(i, (i + 1) % n) for i in range(n if ring else n - 1)]
        for i, j in pairs:
            ax, ay = map(float, view.to_screen(*v[i]))
            bx, by = map(float, view.to_screen(*v[j]))
            dx, dy = bx - ax, by - ay
            L2 = dx * dx + dy * dy
            if L2 == 0:
                continue
            t = max(0.0, min(1.0, ((pos.x() - ax) * dx + (pos.y() - ay) * dy) / L2))
            if math.hypot(ax + t * dx - pos.x(), ay + t * dy - pos.y()) <= HANDLE_PX:
                return i + 1
        return None

    def _finish(self) -> None:
        pts = self.drawing
        if len(pts) < MIN_VERTICES[self.kind]:
            return
        s = self.controller.state
        new = replace(s, kind=self.kind, vertices=tuple(pts))  # parameters and dates kept
        self.drawing = []
        self.controller.apply(new, f"Draw {self.kind}")
        self.editing = True
        self.canvas.update()

    # -- events ---------------------------------------------------------------------------
    def press(self, event) -> None:
        pos = event.position()
        if self.editing and not self.drawing:
            i = self._vertex_at(pos)
            if event.button() == Qt.MouseButton.LeftButton and i is not None:
                self._drag = (i, self.controller.state)
            elif event.button() == Qt.MouseButton.RightButton and i is not None:
                self._delete(i)
            return
        self._sketch_press(event)

    def move(self, event) -> None:
        pos = event.position()
        self.hover = self.canvas.map_point(pos)
        if self._drag is not None:
            i, start = self._drag
            self.controller.footprint.state = start.moved_vertex(i, self.hover)  # live preview
            self.canvas.update()
            return
        if self.editing:
            self._hover_vertex = self._vertex_at(pos)
            self.canvas.setCursor(Qt.CursorShape.SizeAllCursor if self._hover_vertex is not None
                                  else self.cursor)
        if self.drawing:
            self.canvas.update()

    def release(self, event) -> None:
        if self._drag is None:
            return
        i, start = self._drag
        self._drag = None
        end = start.moved_vertex(i, self.canvas.map_point(event.position()))
        self.controller.footprint.state = start  # restore, then apply through the undo stack
        self.controller.apply(end, "Move vertex")

    def double_click(self, event) -> None:
        if self.drawing:
            self._sketch_double_click()
            return
        if self.editing:
            j = self._edge_at(event.position())
            if j is not None and self._vertex_at(event.position()) is None:
                s = self.controller.state
                self.controller.apply(s.inserted_vertex(j, self.canvas.map_point(event.position())),
                                      "Insert vertex")

    def _delete(self, i: int) -> None:
        try:
            self.controller.apply(self.controller.state.without_vertex(i), "Delete vertex")
        except AssetRegisterError as exc:
            from ..errors import show_exception

            show_exception(exc, title="Cannot delete the vertex")

    def key(self, event) -> bool:
        if self._sketch_key(event):
            return True
        if event.key() == Qt.Key.Key_Delete and self.editing and self._hover_vertex is not None:
            self._delete(self._hover_vertex)
            return True
        return False


class PickTool(SketchTool):
    """Pick a measured point or digitise a measured line for a deviation report: the same
    keys as the dig drawing; Esc with nothing drawn gives the pick up (``cancelled``)."""

    name = "pick"
    colour = QColor("#e6007e")
    picked = Signal(object)  # shapely Point or LineString (working CRS)
    cancelled = Signal()

    def __init__(self, canvas) -> None:
        super().__init__(canvas, POINT)

    def start(self, kind: str) -> None:
        """Pick a ``"point"`` or digitise a ``"line"``."""
        self.kind = POINT if kind == "point" else TRENCH
        self.drawing = []
        self.canvas.update()

    def _finish(self) -> None:
        pts = self.drawing
        if len(pts) < MIN_VERTICES[self.kind]:
            return
        self.drawing = []
        self.canvas.update()
        self.picked.emit(shapely.Point(pts[0]) if self.kind == POINT else shapely.LineString(pts))

    def key(self, event) -> bool:
        if self._sketch_key(event):
            return True
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return True
        return False
