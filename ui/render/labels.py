"""Labels on the map: short asset labels (size, material, voltage) and street names along
lines, anchored along each line's longest on-screen stretch; the caller places them without
overlap (placement.py)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont

from . import styles
from .packed import PackedGeometry, part_vertex_index


def asset_label_text(packed: PackedGeometry, features: np.ndarray) -> list[str]:
    """Short labels ('150mm PE', 'HV', 'MP 250mm') for the given features."""
    def col(name):
        if name not in packed.codes:
            return [None] * len(features)
        cats = packed.categories[name]
        return [cats[c] if c >= 0 else None for c in packed.codes[name][features]]

    dia = packed.numbers.get("diameter_mm")
    dias = dia[features] if dia is not None else np.full(len(features), np.nan)
    out = []
    for d, m, v, p in zip(dias, col("material"), col("voltage"), col("pressure")):
        bits = [x for x in (v, p) if x]
        if d == d and d > 0:
            bits.append(f"{int(round(float(d)))}mm")
        if m:
            bits.append(m)
        out.append(" ".join(bits))
    return out


def clip_segments(x0, y0, x1, y1, width: float, height: float, margin: float = 0.0):
    """Liang–Barsky clipping of segments to the screen, vectorised: (t0, t1) per segment
    (t0 > t1 when the segment misses the screen)."""
    dx, dy = x1 - x0, y1 - y0
    t0 = np.zeros(len(x0))
    t1 = np.ones(len(x0))
    lo, hi = margin, (width - margin, height - margin)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-dx, x0 - lo), (dx, hi[0] - x0), (-dy, y0 - lo), (dy, hi[1] - y0)):
            r = q / p
            parallel_out = (p == 0) & (q < 0)
            t0 = np.where(p < 0, np.maximum(t0, r), t0)
            t1 = np.where(p > 0, np.minimum(t1, r), t1)
            t1 = np.where(parallel_out, -1.0, t1)
    return t0, t1


def _line_label_anchors(packed, parts, view, min_px: float, at: float = 0.5):
    """Point (``at`` of the way along: 0.5 the midpoint) and angle of each part's longest
    on-screen stretch, for parts long enough."""
    counts = packed.part_offsets[parts + 1] - packed.part_offsets[parts]
    idx, starts = part_vertex_index(packed.part_offsets, parts)
    sx, sy = view.to_screen(packed.coords[idx, 0], packed.coords[idx, 1], packed.origin)
    if len(sx) < 2:
        return np.empty(0, np.int64), np.empty(0), np.empty(0), np.empty(0)
    ax, ay, bx, by = sx[:-1], sy[:-1], sx[1:], sy[1:]
    t0, t1 = clip_segments(ax, ay, bx, by, view.width, view.height, margin=20)
    full = np.hypot(bx - ax, by - ay)
    seglen = np.where(t1 > t0, (t1 - t0) * full, -1.0)
    seglen[starts[1:]] = -1.0  # no segment across parts
    part_of = np.repeat(np.arange(len(parts)), counts)[:-1]
    order = np.lexsort((seglen, part_of))
    last = np.flatnonzero(np.r_[part_of[order][1:] != part_of[order][:-1], True])
    best = order[last]
    best = best[seglen[best] >= min_px]
    tm = t0[best] + at * (t1[best] - t0[best])
    mx = ax[best] + tm * (bx[best] - ax[best])
    my = ay[best] + tm * (by[best] - ay[best])
    ang = np.degrees(np.arctan2(by[best] - ay[best], bx[best] - ax[best]))
    ang = np.where(ang > 90, ang - 180, np.where(ang < -90, ang + 180, ang))
    return part_of[best], mx, my, ang


def _draw_labels(painter, texts, mx, my, ang, colour=styles.LABEL_COLOUR, size=8, halo=True):
    font = QFont()
    font.setPointSizeF(size)
    painter.setFont(font)
    fm = painter.fontMetrics()
    for text, x, y, a in zip(texts, mx, my, ang):
        if not text:
            continue
        painter.save()
        painter.translate(float(x), float(y))
        painter.rotate(float(a))
        w = fm.horizontalAdvance(text)
        rect = QRectF(-w / 2 - 2, -fm.height() - 1, w + 4, fm.height())
        if halo:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 200))
            painter.drawRoundedRect(rect, 2, 2)
        painter.setPen(colour)
        painter.drawText(QPointF(-w / 2, -fm.descent() - 1), text)
        painter.restore()
