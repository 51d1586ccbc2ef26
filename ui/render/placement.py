"""Collision-aware label placement on screen (no Qt): labels placed in priority order, each at
the first candidate position whose box overlaps no box already placed; a label that had to
move gets a leader line back to its anchor. Boxes are tested against all placed boxes at once
(numpy), so placing n labels costs n small vector operations.

Also the screen-space offsets that draw coincident services side by side."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# candidate offsets (dx, dy) of a label's centre from its anchor, in units of the label's
# own half size plus a gap: on the anchor, then around it, then further out
_RING = [(0, 0), (1, -1), (1, 1), (-1, -1), (-1, 1), (0, -1.6), (0, 1.6), (1.6, 0), (-1.6, 0)]
CANDIDATES = np.array(_RING + [(k * x, k * y) for k in (2, 3, 4.5, 6) for x, y in _RING[1:]], dtype=float)


@dataclass
class Placed:
    index: int  # the label's index in the input
    cx: float  # centre of its box
    cy: float
    moved: bool  # True: draw a leader line from the anchor to the box


class Placer:
    """Boxes already on the screen (obstacles and placed labels), as an (n, 4) array."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.boxes = np.empty((0, 4))

    def block(self, boxes) -> None:
        """Mark screen boxes (x0, y0, x1, y1) as taken (markers, legend, scale bar…)."""
        b = np.asarray(boxes, float).reshape(-1, 4)
        self.boxes = np.vstack([self.boxes, b])

    def free(self, boxes: np.ndarray) -> np.ndarray:
        """For candidate boxes (m, 4): True where a box meets no taken box and is on screen."""
        b = self.boxes
        on = (boxes[:, 0] >= 0) & (boxes[:, 1] >= 0) & (boxes[:, 2] <= self.width) & (boxes[:, 3] <= self.height)
        if not len(b):
            return on
        hit = ((boxes[:, None, 0] < b[None, :, 2]) & (boxes[:, None, 2] > b[None, :, 0])
               & (boxes[:, None, 1] < b[None, :, 3]) & (boxes[:, None, 3] > b[None, :, 1]))
        return on & ~hit.any(axis=1)

    def place(self, ax, ay, w, h, gap: float = 3.0, anchor_free: bool = True,
              keep_all: bool = False) -> list[Placed]:
        """Place labels of sizes (w, h) near anchors (ax, ay), in the given (priority) order.
        ``anchor_free``: the first candidate is the anchor itself (else the label always sits
        beside it). A label with no free candidate is left out — unless ``keep_all`` (a
        conflict's marker is never dropped): then it sits on its anchor."""
        out = []
        cand = CANDIDATES if anchor_free else CANDIDATES[1:]
        for i, (x, y, wi, hi) in enumerate(zip(np.asarray(ax, float), np.asarray(ay, float),
                                               np.asarray(w, float), np.asarray(h, float))):
            cx = x + cand[:, 0] * (wi / 2 + gap)
            cy = y + cand[:, 1] * (hi / 2 + gap)
            boxes = np.column_stack([cx - wi / 2, cy - hi / 2, cx + wi / 2, cy + hi / 2])
            ok = np.flatnonzero(self.free(boxes))
            if not len(ok) and not keep_all:
                continue
            k = int(ok[0]) if len(ok) else 0
            self.block(boxes[k])
            moved = bool(np.hypot(cx[k] - x, cy[k] - y) > max(wi, hi) * 0.75 + gap)
            out.append(Placed(i, float(cx[k]), float(cy[k]), moved))
        return out


    def place_along(self, anchors, w, h, group=None, limit: int | None = None) -> list[tuple[int, int]]:
        """Labels that must sit on one of their candidate anchors (a name along its street):
        ``anchors`` is (k, n, 2), k candidates per label in order of preference. Returns
        (label, candidate) for each label placed; one with no free candidate is left out, and
        so is one whose ``group`` (e.g. its street's name) already has a label placed. Stops
        after ``limit`` placed. Candidates off screen are dropped before any box test."""
        anchors = np.asarray(anchors, float)
        w, h = np.asarray(w, float), np.asarray(h, float)
        x0, y0 = anchors[..., 0] - w / 2, anchors[..., 1] - h / 2
        x1, y1 = anchors[..., 0] + w / 2, anchors[..., 1] + h / 2
        on = (x0 >= 0) & (y0 >= 0) & (x1 <= self.width) & (y1 <= self.height)  # (k, n), at once
        out, done = [], set()
        for i in np.flatnonzero(on.any(axis=0)):
            if group is not None and group[i] in done:
                continue
            ok = np.flatnonzero(on[:, i])
            boxes = np.column_stack([x0[ok, i], y0[ok, i], x1[ok, i], y1[ok, i]])
            free = np.flatnonzero(self.free(boxes))
            if len(free):
                self.block(boxes[free[0]])
                out.append((int(i), int(ok[free[0]])))
                if group is not None:
                    done.add(group[i])
                if limit is not None and len(out) >= limit:
                    break
        return out


def offset_polylines(sx: np.ndarray, sy: np.ndarray, starts: np.ndarray, d: np.ndarray):
    """Screen vertices of polylines moved sideways by ``d`` pixels (per vertex; + = left of
    the direction of travel), along the mean normal of the segments meeting at each vertex."""
    n = len(sx)
    if n < 2 or not np.any(d):
        return sx, sy
    dx, dy = np.diff(sx), np.diff(sy)
    length = np.hypot(dx, dy)
    length[length == 0] = 1.0
    nx, ny = -dy / length, dx / length  # unit normal of each segment
    across = starts[1:]  # a "segment" from one part's last vertex to the next part's first
    nx[across], ny[across] = 0.0, 0.0
    # each vertex: the normals of the segment before and after it (within its part)
    bx, by = np.r_[0.0, nx], np.r_[0.0, ny]
    fx, fy = np.r_[nx, 0.0], np.r_[ny, 0.0]
    mx, my = bx + fx, by + fy
    norm = np.hypot(mx, my)
    norm[norm == 0] = 1.0
    return sx + d * mx / norm, sy + d * my / norm
