"""Severity marks, label placement and hatching for the notice map.

Severity has its own visual channel, independent of the utility colour code (where red,
yellow and orange already mean HV electricity, gas and street lighting): a black-and-white
marker whose SHAPE says the severity (octagon = strike, triangle = danger, circle = caution)
and a dark halo round the asset (solid double casing for a strike, dashed for danger). It
reads in either colour scheme, in greyscale and for colour-blind readers.

Labels (the conflict number, as in the table, and the asset id when there are few) are placed
without overlapping each other or the map furniture: each label tries positions on rings of
growing radius round its anchor, most severe first; a label moved off its anchor gets a leader
line. Candidate boxes are tested against every placed box at once (numpy), so a 200-conflict
map places in milliseconds.
"""

from __future__ import annotations

import math

import numpy as np
from reportlab.lib.colors import Color, HexColor, white

from .typeface import BOLD, REGULAR

INK = HexColor("#1d2733")
SHAPES = {"strike": "octagon", "danger": "triangle", "caution": "circle"}
SEVERITY_ORDER = {"strike": 0, "danger": 1, "caution": 2}
MARK_R = 5.2  # marker radius, points
_RINGS = (0.0, 13.0, 22.0, 32.0, 44.0, 58.0, 76.0, 100.0, 130.0, 170.0)
_DIRS = 12


def marker(canv, shape: str, x: float, y: float, r: float = MARK_R, text: str = "") -> None:
    """A severity marker centred on (x, y) with ``text`` (the conflict number) inside."""
    dark = shape == "octagon"
    canv.saveState()
    canv.setLineWidth(1.0 if shape != "circle" else 0.7)
    canv.setStrokeColor(INK if not dark else white)
    canv.setFillColor(INK if dark else white)
    if shape == "circle":
        canv.circle(x, y, r, stroke=1, fill=1)
    else:
        n, start, k = (8, math.pi / 8, 1.08) if shape == "octagon" else (3, math.pi / 2, 1.45)
        p = canv.beginPath()
        cy = y - (0.22 * r if shape == "triangle" else 0)
        for i in range(n):
            a = start + 2 * math.pi * i / n
            px, py = x + k * r * math.cos(a), cy + k * r * math.sin(a)
            p.moveTo(px, py) if i == 0 else p.lineTo(px, py)
        p.close()
        if dark:  # an outer dark ring keeps the white edge visible on white paper
            canv.setStrokeColor(INK)
            canv.setLineWidth(2.2)
            canv.drawPath(p, stroke=1, fill=0)
            canv.setStrokeColor(white)
            canv.setLineWidth(0.8)
        canv.drawPath(p, stroke=1, fill=1)
    if text:
        size = 6.2 if len(text) < 3 else 5.0
        canv.setFillColor(white if dark else INK)
        canv.setFont(BOLD, size)
        canv.drawCentredString(x, y - size * 0.36 - (0.6 if shape == "triangle" else 0), text)
    canv.restoreState()


def halo(canv, path, severity: str, area: bool) -> None:
    """The severity halo drawn under an asset: strike solid double casing, danger dashed."""
    if severity not in ("strike", "danger"):
        return
    canv.saveState()
    canv.setLineCap(1)
    canv.setLineJoin(1)
    if severity == "danger":
        canv.setDash(3.2, 1.8)
    canv.setStrokeColor(INK)
    canv.setLineWidth(6.8 if severity == "strike" else 5.4)
    canv.drawPath(path, stroke=1, fill=0)
    canv.setDash()
    canv.setStrokeColor(white)
    canv.setLineWidth(4.0 if severity == "strike" else 3.4)
    canv.drawPath(path, stroke=1, fill=0)
    canv.restoreState()
    del area


def hatch(canv, path, box: tuple[float, float, float, float], colour: str,
          spacing: float = 4.0) -> None:
    """Diagonal hatching inside ``path`` (page points) with a dashed outline: an owner's
    precaution zone, never a filled area that could read as a dig."""
    x0, y0, x1, y1 = box
    c = HexColor(colour)
    canv.saveState()
    canv.clipPath(path, stroke=0, fill=0)
    canv.setStrokeColor(Color(c.red, c.green, c.blue, alpha=0.75))
    canv.setLineWidth(0.6)
    h = y1 - y0
    for k in np.arange(x0 - h, x1 + spacing, spacing):
        canv.line(k, y0, k + h, y1)
    canv.restoreState()
    canv.saveState()
    canv.setStrokeColor(c)
    canv.setLineWidth(0.9)
    canv.setDash(4, 2)
    canv.drawPath(path, stroke=1, fill=0)
    canv.restoreState()


def overlaps(cands: np.ndarray, placed: np.ndarray) -> np.ndarray:
    """For each candidate box (k, 4), whether it overlaps any placed box (m, 4)."""
    if not len(placed):
        return np.zeros(len(cands), dtype=bool)
    a, b = cands[:, None, :], placed[None, :, :]
    hit = (a[..., 0] < b[..., 2]) & (b[..., 0] < a[..., 2]) & \
          (a[..., 1] < b[..., 3]) & (b[..., 1] < a[..., 3])
    return hit.any(axis=1)


class _Occupancy:
    """Which cells (``CELL`` points square) of the map are taken: placed boxes are marked
    rounded outwards, so a free answer is exact and never lets two boxes overlap; a summed-area
    table answers "is this box free?" for many boxes at once."""

    CELL = 3.0

    def __init__(self, width: float, height: float):
        self.shape = (int(math.ceil(height / self.CELL)), int(math.ceil(width / self.CELL)))
        self.grid = np.zeros(self.shape, dtype=np.int32)
        self._sums()

    def _cells(self, boxes: np.ndarray) -> tuple[np.ndarray, ...]:
        c = self.CELL
        i0 = np.clip(np.floor(boxes[:, 0] / c), 0, self.shape[1]).astype(int)
        j0 = np.clip(np.floor(boxes[:, 1] / c), 0, self.shape[0]).astype(int)
        i1 = np.clip(np.ceil(boxes[:, 2] / c), 0, self.shape[1]).astype(int)
        j1 = np.clip(np.ceil(boxes[:, 3] / c), 0, self.shape[0]).astype(int)
        return i0, j0, i1, j1

    def _sums(self) -> None:
        self.sat = np.zeros((self.shape[0] + 1, self.shape[1] + 1), dtype=np.int32)
        np.cumsum(self.grid, axis=0, out=self.sat[1:, 1:])
        np.cumsum(self.sat[1:, 1:], axis=1, out=self.sat[1:, 1:])

    def mark(self, boxes: np.ndarray) -> None:
        for i0, j0, i1, j1 in zip(*self._cells(np.asarray(boxes).reshape(-1, 4)), strict=True):
            self.grid[j0:j1, i0:i1] = 1
        self._sums()

    def free(self, boxes: np.ndarray) -> np.ndarray:
        i0, j0, i1, j1 = self._cells(boxes)
        s = self.sat
        return (s[j1, i1] - s[j0, i1] - s[j1, i0] + s[j0, i0]) == 0


def place_labels(anchors: np.ndarray, sizes: np.ndarray, obstacles: np.ndarray,
                 frame: tuple[float, float], pad: float = 1.5) -> tuple[np.ndarray, np.ndarray]:
    """Boxes (n, 4: x0, y0, x1, y1) for labels of ``sizes`` (n, 2: w, h), in the given order.

    Each label's marker (the left ``h`` of the box) is centred on the first free candidate:
    the anchor itself, then rings of growing radius round it, then the nearest free place
    anywhere. A label never overlaps a label placed before it, an ``obstacle`` box or the
    frame's edge while any place is free; returns the boxes and, per label, whether it was
    moved off its anchor (it then gets a leader line).
    """
    w_frame, h_frame = frame
    angles = np.linspace(0, 2 * np.pi, _DIRS, endpoint=False) + np.pi / 4
    offsets = np.array([(0.0, 0.0)] + [(r * math.cos(a), r * math.sin(a)) for r in _RINGS[1:]
                                       for a in angles])
    gx, gy = np.meshgrid(np.arange(4, w_frame, 6.0), np.arange(4, h_frame, 6.0))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    occ = _Occupancy(w_frame, h_frame)
    occ.mark(np.asarray(obstacles, dtype=float).reshape(-1, 4))
    boxes = np.zeros((len(anchors), 4))
    moved = np.zeros(len(anchors), dtype=bool)
    for i, ((ax, ay), (w, h)) in enumerate(zip(anchors, sizes, strict=True)):
        found = None
        for centres in (offsets + (ax, ay), grid):
            x0 = centres[:, 0] - h / 2 - pad
            y0 = centres[:, 1] - h / 2 - pad
            cands = np.column_stack([x0, y0, x0 + w + 2 * pad, y0 + h + 2 * pad])
            free = (cands[:, 0] >= 0) & (cands[:, 1] >= 0) & (cands[:, 2] <= w_frame) & \
                (cands[:, 3] <= h_frame) & occ.free(cands)
            if free.any():
                if centres is grid:  # the nearest free place anywhere
                    d = np.where(free, np.hypot(centres[:, 0] - ax, centres[:, 1] - ay), np.inf)
                    found = cands[int(np.argmin(d))]
                else:
                    found = cands[int(np.argmax(free))]
                break
        if found is None:  # the frame is full: stack on the anchor (cannot happen in practice)
            found = np.array([ax - h / 2, ay - h / 2, ax - h / 2 + w, ay + h / 2])
        boxes[i] = found
        moved[i] = not (abs(found[0] + pad + h / 2 - ax) < 1e-6 and
                        abs(found[1] + pad + h / 2 - ay) < 1e-6)
        occ.mark(found)
    return boxes, moved


def ring_label(canv, x: float, y: float, text: str) -> tuple[float, float, float, float]:
    """A small haloed text (a clearance ring's value) centred on (x, y); returns its box."""
    size = 5.4
    w = canv.stringWidth(text, REGULAR, size)
    canv.saveState()
    canv.setFillColor(Color(1, 1, 1, alpha=0.85))
    canv.rect(x - w / 2 - 1.2, y - 2.2, w + 2.4, size + 1.6, stroke=0, fill=1)
    canv.setFillColor(INK)
    canv.setFont(REGULAR, size)
    canv.drawCentredString(x, y - 0.4, text)
    canv.restoreState()
    return (x - w / 2 - 1.2, y - 2.2, x + w / 2 + 1.2, y + size - 0.6)


def geom_path(canv, geom, xy):
    """A reportlab path for a (multi)line or (multi)polygon; ``xy`` maps coordinates to
    page points."""
    import shapely

    path = canv.beginPath()
    for part in shapely.get_parts(geom):
        rings = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
        for ring in rings:
            pts = xy(shapely.get_coordinates(ring))
            if len(pts) < 2:
                continue
            path.moveTo(*pts[0])
            for x, y in pts[1:]:
                path.lineTo(x, y)
            if part.geom_type == "Polygon":
                path.close()
    return path
