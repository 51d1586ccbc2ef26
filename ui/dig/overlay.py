"""Map overlays painted on the GUI thread: the dig footprint with its clearance zones
and conflicts by severity, the identified / selected assets, and planned works."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPen

from asset_register import colours

from ..render import severity, styles
from ..render.placement import Placer
from ..render.shapes import geoms_to_path
from ..render.conflict_marks import conflict_marks, ring_text

RING = QColor("#7a4f9a")
LEGEND_W, LEGEND_ROWS = 200.0, 7


class DigOverlay:
    """The checked dig: clearance rings (each labelled with its clearance and what it is
    for), conflicts with a severity halo and a numbered severity marker (numbers as in the
    conflicts table), labels placed so none overlaps another (leader lines where moved)."""

    def __init__(self, controller, scheme_getter=lambda: "njug") -> None:
        self.controller = controller
        self.scheme = scheme_getter
        self.selected_conflict = None  # geometry of the conflict row selected in the dock
        self._prepared = (None, None, None)  # (result, polygon, ConflictMarks)
        self.placed: list = []  # (kind, text, box) of the labels drawn last, for tests

    def marks(self):
        """The conflicts' drawing data for the current result (computed once per result)."""
        c = self.controller
        result, polygon = c.result, c.polygon
        if self._prepared[0] is not result or self._prepared[1] is not polygon \
                or self._prepared[2] is None or self._prepared[2].scheme != self.scheme():
            marks = conflict_marks(polygon, result, self.scheme()) if result is not None else None
            self._prepared = (result, polygon, marks)
        return self._prepared[2]

    def screen_boxes(self, view) -> list:
        """Screen boxes other labels keep clear of: the dig with its rings, and the legend."""
        c = self.controller
        geom = c.zones[-1][1] if c.zones else (c.polygon if c.polygon is not None else c.state.outline())
        if geom is None:
            return []
        x0, y0, x1, y1 = geom.bounds
        sx, sy = view.to_screen(np.array([x0, x1]), np.array([y1, y0]))
        boxes = [(float(sx[0]) - 12, float(sy[0]) - 12, float(sx[1]) + 12, float(sy[1]) + 12)]
        if c.result is not None:
            boxes.append((0.0, 0.0, LEGEND_W + 14, 18 * LEGEND_ROWS + 24))
        return boxes

    def paint(self, p, view) -> None:
        c = self.controller
        state = c.state
        if state.is_empty:
            return
        excavation = QColor(colours.EXCAVATION.get(self.scheme(), "#c2006e"))
        if excavation.lightness() > 230:
            excavation = QColor("#404040")
        placer = Placer(view.width, view.height)
        placer.block([(0, 0, LEGEND_W + 14, 18 * LEGEND_ROWS + 24)])  # the legend
        placer.block([(0, view.height - 48, 260, view.height)])  # the scale bar
        self.placed = []
        ring_labels = []
        for value, zone in reversed(c.zones):
            p.setPen(QPen(RING, 1.2, Qt.PenStyle.DashLine))
            p.setBrush(QColor(122, 79, 154, 14))
            path = geoms_to_path([zone], view)
            p.drawPath(path)
            box = path.boundingRect()
            ring_labels.append((value, box.right(), box.center().y() - box.height() / 2 * 0.7))
        marks = self.marks()
        if marks is not None:
            self._paint_halos(p, view, marks)
        if self.selected_conflict is not None:
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(styles.SELECTION, 5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawPath(geoms_to_path([self.selected_conflict], view, point_radius=9))
        self._paint_footprint(p, view, excavation)
        if marks is not None:
            self._paint_markers(p, view, marks, placer)
            self._paint_ring_labels(p, ring_labels, marks, placer)
        if c.result is not None:
            self.paint_legend(p, excavation)

    def _paint_footprint(self, p, view, excavation: QColor) -> None:
        c, state = self.controller, self.controller.state
        geom = c.polygon if c.polygon is not None else state.outline()
        if geom is not None:
            fill = QColor(excavation)
            fill.setAlpha(55)
            p.setBrush(QBrush(fill))
            p.setPen(QPen(excavation, 2.2))
            p.drawPath(geoms_to_path([geom], view))
            if state.kind != "polygon":
                p.setPen(QPen(excavation, 1.2, Qt.PenStyle.DashDotLine))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawPath(geoms_to_path([state.outline()], view, point_radius=2))
        p.setPen(QPen(excavation, 1.5))
        p.setBrush(QColor("#ffffff"))
        for x, y in state.vertices:
            sx, sy = view.to_screen(x, y)
            p.drawRect(QRectF(float(sx) - 4, float(sy) - 4, 8, 8))

    @staticmethod
    def _paint_halos(p, view, marks) -> None:
        """Least severe first, so a strike's halo is never under a caution's; each asset's
        own colour drawn again on top of its halo."""
        p.setBrush(Qt.BrushStyle.NoBrush)
        for sev in ("caution", "danger", "strike"):
            sel = np.flatnonzero(marks.severity == sev)
            if not len(sel):
                continue
            path = geoms_to_path(marks.near[sel], view, point_radius=6)
            edge, band = severity.halo_pens(sev)
            p.setPen(edge)
            p.drawPath(path)
            p.setPen(band)
            p.drawPath(path)
        for colour in np.unique(marks.colour):
            sel = np.flatnonzero(marks.colour == colour)
            p.setPen(QPen(QColor(colour), 3.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                          Qt.PenJoinStyle.RoundJoin))
            p.setBrush(QColor(colour))
            p.drawPath(geoms_to_path(marks.near[sel], view, point_radius=3))

    def _paint_markers(self, p, view, marks, placer: Placer) -> None:
        """Numbered markers, #1 (most severe) placed first; a marker that cannot sit on its
        asset moves beside it with a leader line."""
        sx, sy = view.to_screen(marks.anchor[:, 0], marks.anchor[:, 1])
        size = np.full(len(sx), 2 * severity.MARKER_RADIUS + 4)
        placed = placer.place(sx, sy, size, size, gap=2.0, keep_all=True)
        for pl in placed:
            if pl.moved:
                p.setPen(QPen(severity.INK, 1.2))
                p.drawLine(QPointF(float(sx[pl.index]), float(sy[pl.index])), QPointF(pl.cx, pl.cy))
                p.setBrush(severity.INK)
                p.drawEllipse(QPointF(float(sx[pl.index]), float(sy[pl.index])), 2.2, 2.2)
        for pl in placed:
            text = str(int(marks.number[pl.index]))
            severity.draw_marker(p, str(marks.severity[pl.index]), pl.cx, pl.cy, text)
            r = severity.MARKER_RADIUS
            self.placed.append(("marker", text, (pl.cx - r, pl.cy - r, pl.cx + r, pl.cy + r)))

    def _paint_ring_labels(self, p, ring_labels, marks, placer: Placer) -> None:
        font = QFont()
        font.setPointSizeF(8)
        p.setFont(font)
        fm = p.fontMetrics()
        texts = [ring_text(v, marks) for v, _, _ in ring_labels]
        w = np.array([fm.horizontalAdvance(t) + 8 for t in texts], float)
        h = np.full(len(texts), fm.height() + 2.0)
        ax = np.array([x for _, x, _ in ring_labels], float) + w / 2 + 2
        ay = np.array([y for _, _, y in ring_labels], float)
        for pl in placer.place(ax, ay, w, h, gap=2.0):
            text, wi, hi = texts[pl.index], w[pl.index], h[pl.index]
            rect = QRectF(pl.cx - wi / 2, pl.cy - hi / 2, wi, hi)
            if pl.moved:
                p.setPen(QPen(RING, 1.0))
                p.drawLine(QPointF(float(ring_labels[pl.index][1]), float(ay[pl.index])), rect.center())
            p.setPen(QPen(RING, 1.0))
            p.setBrush(QColor(255, 255, 255, 230))
            p.drawRoundedRect(rect, 2, 2)
            p.setPen(RING.darker(130))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
            self.placed.append(("ring", text, (rect.left(), rect.top(), rect.right(), rect.bottom())))

    def paint_legend(self, p, excavation: QColor) -> None:
        """A small key in the map's top-left corner while a checked dig is shown: the
        severity shapes and halo patterns, the footprint, rings and precaution zones."""
        font = QFont()
        font.setPointSizeF(8)
        p.setFont(font)
        x, y = 10.0, 10.0
        p.setPen(QPen(QColor("#b0b0b0"), 1))
        p.setBrush(QColor(255, 255, 255, 235))
        p.drawRoundedRect(QRectF(x, y, LEGEND_W, 18 * LEGEND_ROWS + 10), 3, 3)
        rows = [("strike — crosses the dig", "strike"), ("danger — inside clearance", "danger"),
                ("caution — near", "caution"), ("footprint", "fill"), ("clearance ring", "ring"),
                ("precaution zone", "hatch"), ("# = row in Conflicts", None)]
        for i, (label, kind) in enumerate(rows):
            cy = y + 14 + 18 * i
            if kind in severity.HALO:
                edge, band = severity.halo_pens(kind)
                edge.setWidthF(edge.widthF() * 0.7)
                band.setWidthF(max(band.widthF() * 0.7, 1.0))
                for pen in (edge, band):
                    p.setPen(pen)
                    p.drawLine(QPointF(x + 6, cy), QPointF(x + 26, cy))
                severity.draw_marker(p, kind, x + 36, cy, "", r=6.5)
            elif kind == "fill":
                fill = QColor(excavation)
                fill.setAlpha(70)
                p.setBrush(fill)
                p.setPen(QPen(excavation, 1.5))
                p.drawRect(QRectF(x + 8, cy - 5, 30, 10))
            elif kind == "ring":
                p.setPen(QPen(RING, 1.5, Qt.PenStyle.DashLine))
                p.drawLine(QPointF(x + 8, cy), QPointF(x + 38, cy))
            elif kind == "hatch":
                p.setPen(QPen(QColor("#555555"), 1.0, Qt.PenStyle.DashDotLine))
                p.setBrush(QBrush(QColor("#555555"), Qt.BrushStyle.DiagCrossPattern))
                p.drawRect(QRectF(x + 8, cy - 5, 30, 10))
            p.setPen(QColor("#202020"))
            p.drawText(QPointF(x + 48, cy + 4), label)


class SelectionOverlay:
    """Identified / searched assets drawn with a cyan halo."""

    def __init__(self) -> None:
        self.geometries: list = []
        self.marker = None  # (x, y) of a searched place

    def paint(self, p, view) -> None:
        if self.geometries:
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(QColor(0, 200, 255, 170), 8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                          Qt.PenJoinStyle.RoundJoin))
            p.drawPath(geoms_to_path(self.geometries, view, point_radius=8))
        if self.marker is not None:
            sx, sy = view.to_screen(*self.marker)
            c = QPointF(float(sx), float(sy))
            p.setPen(QPen(QColor("#00a0e0"), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(c, 10, 10)
            p.drawLine(c - QPointF(16, 0), c + QPointF(16, 0))
            p.drawLine(c - QPointF(0, 16), c + QPointF(0, 16))


class WorksOverlay:
    """Planned works footprints (hatched) with their references at street scales."""

    def __init__(self) -> None:
        self.works = None  # GeoDataFrame
        self.visible = True

    def paint(self, p, view) -> None:
        if not self.visible or self.works is None or not len(self.works):
            return
        colour = QColor("#2e7d32")
        p.setPen(QPen(colour, 1.4, Qt.PenStyle.DashLine))
        p.setBrush(QBrush(QColor(46, 125, 50, 90), Qt.BrushStyle.FDiagPattern))
        p.drawPath(geoms_to_path(self.works.geometry.array, view))
        if view.resolution < 1.0:
            font = QFont()
            font.setPointSizeF(8)
            p.setFont(font)
            p.setPen(colour)
            for ref, geom in zip(self.works["reference"], self.works.geometry.array):
                x0, y0, x1, y1 = geom.bounds
                sx, sy = view.to_screen(x1, y1)
                p.drawText(QPointF(float(sx) + 3, float(sy) - 3), str(ref))
