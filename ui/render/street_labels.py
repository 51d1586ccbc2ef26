"""Street names drawn over the assets (not under the pipes), with a white halo, along each
street's longest stretch on screen; placed so no name overlaps another. Painted by the
canvas as an overlay below the dig; the anchors are computed once per view (vectorised)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainterPath, QPen

from ..models.layers import REFERENCE
from .labels import _line_label_anchors
from .painters import STREET_LABEL_RESOLUTION
from .placement import Placer

INK = QColor("#3d3a33")
HALO = QColor(255, 255, 255, 235)


ALONG = (0.5, 0.3, 0.7, 0.15, 0.85)  # where along its longest stretch a name may sit


def street_label_anchors(packed, view, min_px: float = 90):
    """(texts, anchors (k, n, 2), angles) of the named, visible street parts: k candidate
    points along each part's longest on-screen stretch, best first."""
    parts = packed.visible_parts(view.extent)
    lines = parts[~packed.part_closed[parts]]
    if not len(lines) or packed.labels is None:
        return None
    which, mx, my, ang = _line_label_anchors(packed, lines, view, min_px)
    labels = np.asarray(packed.labels, dtype=object)[packed.part_feature[lines[which]]]
    named = np.flatnonzero(pd.notna(labels) & (labels.astype(str) != ""))
    anchors = [np.column_stack([mx, my])]
    for at in ALONG[1:]:
        _, ax, ay, _ = _line_label_anchors(packed, lines, view, min_px, at)
        anchors.append(np.column_stack([ax, ay]))
    return labels[named].astype(str), np.stack(anchors)[:, named, :], ang[named]


class StreetLabels:
    """Canvas overlay: names of every visible reference layer with a label field."""

    def __init__(self, canvas) -> None:
        self.canvas = canvas
        self._key = None
        self._drawn: list = []  # (text, x, y, angle)
        self.font = QFont()
        self.font.setPointSizeF(9)
        self.font.setItalic(True)

    def _blocked(self, view) -> np.ndarray:
        """Screen boxes street names keep clear of: the dig and its legend (any overlay's
        ``screen_boxes``)."""
        boxes = [np.asarray(b(view), float).reshape(-1, 4) for o in self.canvas.overlays
                 if (b := getattr(o, "screen_boxes", None)) is not None]
        return np.vstack(boxes) if boxes else np.empty((0, 4))

    def _layout(self, view, blocked) -> list:
        fm = QFontMetricsF(self.font)
        placer = Placer(view.width, view.height)
        placer.block(blocked)
        out, seen = [], set()
        for layer in self.canvas.layers:
            packed = layer.data
            if layer.kind != REFERENCE or not layer.visible or packed is None or packed.labels is None:
                continue
            found = street_label_anchors(packed, view)
            if found is None:
                continue
            texts, anchors, ang = found
            w = np.array([fm.horizontalAdvance(t) for t in texts]) + 6
            h = fm.height() + 2
            a = np.radians(ang)
            bw = np.abs(np.cos(a)) * w + np.abs(np.sin(a)) * h  # the rotated label's box
            bh = np.abs(np.sin(a)) * w + np.abs(np.cos(a)) * h
            for i, k in placer.place_along(anchors, bw, bh):
                if texts[i] in seen:  # one name per street in view
                    continue
                seen.add(texts[i])
                out.append((texts[i], float(anchors[k, i, 0]), float(anchors[k, i, 1]), float(ang[i])))
        return out

    def paint(self, p, view) -> None:
        if not self.canvas.labels or view.resolution > STREET_LABEL_RESOLUTION:
            self._drawn = []
            return
        blocked = self._blocked(view)
        key = (view, tuple((lay.id, id(lay.data), lay.visible) for lay in self.canvas.layers),
               blocked.round(0).tobytes())
        if key != self._key:
            self._key, self._drawn = key, self._layout(view, blocked)
        fm = QFontMetricsF(self.font)
        for text, x, y, ang in self._drawn:
            path = QPainterPath()
            path.addText(QPointF(-fm.horizontalAdvance(text) / 2, fm.ascent() / 2 - 1), self.font, text)
            p.save()
            p.translate(x, y)
            p.rotate(ang)
            p.setPen(QPen(HALO, 3.2))
            p.setBrush(HALO)
            p.drawPath(path)
            p.setPen(QPen(INK, 0.1))
            p.setBrush(INK)
            p.drawPath(path)
            p.restore()

    @property
    def drawn(self) -> list:
        """(text, x, y, angle) of the names drawn last (for tests)."""
        return list(self._drawn)
