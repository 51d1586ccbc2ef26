"""The quality map's legend: a key in the map's bottom-left corner, above the scale bar, with
each class's colour, its meaning and how many records fall in it (drawn only while the map is
shaded by quality)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPen

from .quality_shading import COLOURS, LEGEND, TITLES

ROW_H = 17.0


class QualityLegend:
    def __init__(self, shading) -> None:
        self.shading = shading
        self.box: QRectF | None = None  # where it was drawn last (tests)

    def paint(self, p, view) -> None:
        counts = self.shading.counts()
        if counts is None:
            self.box = None
            return
        mode = self.shading.shading
        font = QFont()
        font.setPointSizeF(8)
        bold = QFont(font)
        bold.setBold(True)
        rows = [(COLOURS[mode][i], LEGEND[mode][i], int(counts[i])) for i in range(len(counts))]
        fm = QFontMetricsF(font)
        title = f"{TITLES[mode]} (records in the register)"
        text_w = max([fm.horizontalAdvance(f"{label}  {n:,}") for _, label, n in rows]
                     + [QFontMetricsF(bold).horizontalAdvance(title) - 40])
        w, h = text_w + 70, ROW_H * (len(rows) + 1) + 10
        x, y = 10.0, view.height - 56.0 - h
        self.box = QRectF(x, y, w, h)
        p.setPen(QPen(QColor("#b0b0b0"), 1))
        p.setBrush(QColor(255, 255, 255, 235))
        p.drawRoundedRect(self.box, 3, 3)
        p.setPen(QColor("#263238"))
        p.setFont(bold)
        p.drawText(QRectF(x + 8, y + 4, w - 12, ROW_H), Qt.AlignmentFlag.AlignVCenter, title)
        p.setFont(font)
        for i, (colour, label, n) in enumerate(rows):
            top = y + 4 + ROW_H * (i + 1)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(colour))
            p.drawRoundedRect(QRectF(x + 10, top + 4, 22, ROW_H - 8), 2, 2)
            p.setPen(QColor("#263238"))
            p.drawText(QRectF(x + 40, top, w - 48, ROW_H), Qt.AlignmentFlag.AlignVCenter, label)
            p.drawText(QRectF(x + 40, top, w - 48, ROW_H),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, f"{n:,}")
        p.setBrush(Qt.BrushStyle.NoBrush)
