"""Street names drawn over the assets (not under the pipes), with a white halo, along each
street's longest stretch on screen; placed so no name overlaps another. Painted by the
canvas as an overlay below the dig. The layout (anchors, vectorised, and placement) is
worked out once per settled view in a render worker, never in a paint: while the view moves,
the last layout is shown moved with it, as the layer images are."""

from __future__ import annotations

import numpy as np
import threading

from PySide6.QtCore import QObject, QPointF, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainterPath, QPen

from ..models.layers import REFERENCE
from .labels import _line_label_anchors
from .painters import STREET_LABEL_RESOLUTION
from .placement import Placer

from asset_register.lazy import lazy_module

pd = lazy_module("pandas")

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


class _Done(QObject):
    laid_out = Signal(object, object, list)  # key, view, [(text, x, y, angle)]


def layout_names(sources, view, blocked, font) -> list:
    """(text, x, y, angle) of the street names to draw for ``view``: every source's named,
    visible street parts, placed clear of ``blocked`` boxes and of each other, one name per
    street in view. Runs in a worker (no widget is touched)."""
    fm = QFontMetricsF(font)
    placer = Placer(view.width, view.height)
    placer.block(blocked)
    out, seen = [], set()
    h = fm.height() + 2
    for packed in sources:
        found = street_label_anchors(packed, view)
        if found is None:
            continue
        texts, anchors, ang = found
        names, group = np.unique(texts, return_inverse=True)
        w = np.array([fm.horizontalAdvance(t) for t in names])[group] + 6  # once per name
        a = np.radians(ang)
        bw = np.abs(np.cos(a)) * w + np.abs(np.sin(a)) * h  # the rotated label's box
        bh = np.abs(np.sin(a)) * w + np.abs(np.cos(a)) * h
        known = np.array([t in seen for t in names], bool)[group]  # named by an earlier source
        keep = np.flatnonzero(~known)
        for j, k in placer.place_along(anchors[:, keep, :], bw[keep], bh[keep], group=group[keep]):
            i = keep[j]
            seen.add(texts[i])
            out.append((texts[i], float(anchors[k, i, 0]), float(anchors[k, i, 1]), float(ang[i])))
    return out


class StreetLabels:
    """Canvas overlay: names of every visible reference layer with a label field."""

    def __init__(self, canvas) -> None:
        self.canvas = canvas
        self._key = None  # what the layout shown (or being worked out) is for
        self._drawn_view = None  # the view the shown layout was placed in
        self._drawn: list = []  # (text, x, y, angle) in ``_drawn_view``'s pixels
        self._pending = None  # key of the layout a worker is working out
        self._lock = threading.Lock()
        self._wanted = None  # (key, view, sources, blocked) to lay out once the view settles
        self.font = QFont()
        self.font.setPointSizeF(9)
        self.font.setItalic(True)
        self._done = _Done()
        self._done.laid_out.connect(self._laid_out)
        self._timer = QTimer(canvas, singleShot=True, interval=30)  # as the layer renders: once settled
        self._timer.timeout.connect(self._start)

    @property
    def busy(self) -> bool:
        """A layout is wanted or being worked out for the current view (the canvas is not
        idle until it lands); asking also schedules one the view needs and has not had."""
        self._refresh(self.canvas.view.state)
        return self._pending is not None or self._timer.isActive()

    def _blocked(self, view) -> np.ndarray:
        """Screen boxes street names keep clear of: the dig and its legend (any overlay's
        ``screen_boxes``)."""
        boxes = [np.asarray(b(view), float).reshape(-1, 4) for o in self.canvas.overlays
                 if (b := getattr(o, "screen_boxes", None)) is not None]
        return np.vstack(boxes) if boxes else np.empty((0, 4))

    def _sources(self) -> list:
        return [lay.data for lay in self.canvas.layers
                if lay.kind == REFERENCE and lay.visible and lay.data is not None and lay.data.labels is not None]

    def _start(self) -> None:
        if self._wanted is None:
            return
        key, view, sources, blocked = self._wanted
        self._wanted, self._pending = None, key
        font = QFont(self.font)

        def work():
            if self._pending != key:  # superseded before it started
                return
            try:
                drawn = layout_names(sources, view, blocked, font)
            except Exception:  # a failed layout shows no names rather than a stale set
                drawn = []
            self._done.laid_out.emit(key, view, drawn)

        try:
            self.canvas._pool.submit(work)
        except RuntimeError:  # the canvas was shut down (its window closed): nothing to draw
            self._pending = None

    def stop(self) -> None:
        """No further layout (the canvas is shutting down)."""
        self._timer.stop()
        self._wanted, self._pending = None, None

    def _laid_out(self, key, view, drawn) -> None:
        if key != self._pending:
            return  # a newer layout is on its way
        self._pending = None
        self._drawn_view, self._drawn = view, drawn
        self.canvas.update()
        if self.canvas.is_idle():
            self.canvas.idleChanged.emit(True)

    def _refresh(self, view) -> bool:
        """Schedule a layout if ``view`` (or the layers, or the dig's boxes) changed since the
        last one; False when no names are drawn at this view."""
        sources = self._sources() if self.canvas.labels and view.resolution <= STREET_LABEL_RESOLUTION else []
        if not sources:
            self._drawn, self._drawn_view, self._key = [], None, None
            self._wanted, self._pending = None, None
            self._timer.stop()
            return False
        blocked = self._blocked(view)
        key = (view, tuple(id(s) for s in sources), blocked.round(0).tobytes())
        if key != self._key:  # lay out again once the view has settled (off this thread)
            self._key = key
            self._wanted = (key, view, sources, blocked)
            self._pending = None  # a layout still running is for an older view
            self._timer.start()
        return True

    def paint(self, p, view) -> None:
        if not self._refresh(view):
            return
        if self._drawn_view is None or not self._drawn:
            return
        s, dx, dy = view.transform_from(self._drawn_view)
        fm = QFontMetricsF(self.font)
        for text, x, y, ang in self._drawn:
            path = QPainterPath()
            path.addText(QPointF(-fm.horizontalAdvance(text) / 2, fm.ascent() / 2 - 1), self.font, text)
            p.save()
            p.translate(s * x + dx, s * y + dy)
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
        """(text, x, y, angle) of the names drawn last, in the pixels of the view they were
        placed in (for tests)."""
        return list(self._drawn)
