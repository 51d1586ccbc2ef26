"""Map overlays painted on the GUI thread: the dig footprint with its clearance zones
and conflicts by severity, the identified / selected assets, and planned works."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPen

from asset_register import colours

from ..render import styles
from ..render.shapes import geoms_to_path


class DigOverlay:
    def __init__(self, controller, scheme_getter=lambda: "njug") -> None:
        self.controller = controller
        self.scheme = scheme_getter
        self.selected_conflict = None  # geometry of the conflict row selected in the dock

    def paint(self, p, view) -> None:
        c = self.controller
        state = c.state
        if state.is_empty:
            return
        excavation = QColor(colours.EXCAVATION.get(self.scheme(), "#c2006e"))
        if excavation.lightness() > 230:
            excavation = QColor("#404040")
        for k, (_value, zone) in enumerate(reversed(c.zones)):
            p.setPen(QPen(QColor("#7a4f9a"), 1.2, Qt.PenStyle.DashLine))
            p.setBrush(QColor(122, 79, 154, 18))
            path = geoms_to_path([zone], view)
            p.drawPath(path)
            if k == 0:
                box = path.boundingRect()
                self._tag(p, QPointF(box.right() + 4, box.top() + 12),
                          "clearance " + " / ".join(f"{v:g}" for v, _ in c.zones) + " m", QColor("#7a4f9a"))
        for sev, geoms in c.conflict_parts:
            colour = QColor(styles.SEVERITY_COLOURS[sev])
            colour.setAlpha(140)
            path = geoms_to_path(geoms, view, point_radius=7)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(colour, 7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                          Qt.PenJoinStyle.RoundJoin))
            p.drawPath(path)
        if self.selected_conflict is not None:
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(styles.SELECTION, 5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawPath(geoms_to_path([self.selected_conflict], view, point_radius=9))
        # the footprint itself
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
        if c.result is not None:
            self.paint_legend(p, excavation)

    def paint_legend(self, p, excavation: QColor) -> None:
        """A small key in the map's top-left corner while a checked dig is shown."""
        rows = [("footprint", excavation, "fill"), ("clearance zone", QColor("#7a4f9a"), "dash")]
        rows += [(sev, styles.SEVERITY_COLOURS[sev], "halo") for sev in ("strike", "danger", "caution")]
        font = QFont()
        font.setPointSizeF(8)
        p.setFont(font)
        x, y = 10.0, 10.0
        p.setPen(QPen(QColor("#b0b0b0"), 1))
        p.setBrush(QColor(255, 255, 255, 225))
        p.drawRoundedRect(QRectF(x, y, 122, 18 * len(rows) + 10), 3, 3)
        for i, (label, colour, kind) in enumerate(rows):
            cy = y + 14 + 18 * i
            if kind == "fill":
                fill = QColor(colour)
                fill.setAlpha(70)
                p.setBrush(fill)
                p.setPen(QPen(colour, 1.5))
                p.drawRect(QRectF(x + 8, cy - 5, 22, 10))
            else:
                c = QColor(colour)
                if kind == "halo":
                    c.setAlpha(160)
                p.setPen(QPen(c, 6 if kind == "halo" else 1.5,
                              Qt.PenStyle.SolidLine if kind == "halo" else Qt.PenStyle.DashLine))
                p.drawLine(QPointF(x + 8, cy), QPointF(x + 30, cy))
            p.setPen(QColor("#202020"))
            p.drawText(QPointF(x + 38, cy + 4), label)

    @staticmethod
    def _tag(p, at: QPointF, text: str, colour: QColor) -> None:
        font = QFont()
        font.setPointSizeF(8)
        p.setFont(font)
        w = p.fontMetrics().horizontalAdvance(text)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 255, 255, 215))
        p.drawRoundedRect(QRectF(at.x() - 3, at.y() - 11, w + 6, 15), 2, 2)
        p.setPen(colour)
        p.drawText(at, text)


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
