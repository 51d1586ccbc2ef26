"""The register's first frame before its assets are read: a density view made from the
spatial index's leaf nodes (pure numpy, no Qt).

A leaf of a packed R*Tree holds ~50 neighbouring assets in a box ~80 m across; at the
full extent of a city it is a pixel or a few. Each leaf's assets are spread evenly over
the pixels its box covers (a grid of up to ``MAX_SPLIT``² samples, weighted), counted
like the full read's density view counts segment ends and midpoints, and coloured by the
same ramp (``raster.density_image``). Reading the leaves of a 10-million-asset register
takes a fraction of a second and ~100 MB, against seconds and gigabytes for the assets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_SPLIT = 8  # samples per side of a leaf box at most
SAMPLES_PER_ASSET = 3  # what the full density view counts per segment (its ends, its middle)


@dataclass(frozen=True)
class Overview:
    """The leaf boxes (minx, maxx, miny, maxy) of the register's index and the asset
    versions each holds."""

    boxes: np.ndarray
    counts: np.ndarray

    @property
    def n_assets(self) -> int:
        return int(self.counts.sum())

    @property
    def total_bounds(self):
        if not len(self.boxes):
            return None
        b = self.boxes
        return (float(b[:, 0].min()), float(b[:, 2].min()), float(b[:, 1].max()), float(b[:, 3].max()))


def overview_counts(overview: Overview, view, cancel=None) -> np.ndarray:
    """(W*H,) int64 samples per pixel of ``view`` (a ``ViewState``) from the leaf boxes."""
    w, h = view.width, view.height
    k = 1.0 / view.resolution
    b = overview.boxes
    x0 = (b[:, 0] - view.cx) * k + w / 2
    x1 = (b[:, 1] - view.cx) * k + w / 2
    y0 = h / 2 - (b[:, 3] - view.cy) * k  # screen y grows downwards: the box's top
    y1 = h / 2 - (b[:, 2] - view.cy) * k
    on = (x1 >= 0) & (x0 < w) & (y1 >= 0) & (y0 < h) & (overview.counts > 0)
    x0, x1, y0, y1, n = x0[on], x1[on], y0[on], y1[on], overview.counts[on].astype(np.float64)
    split = np.clip(np.ceil(np.maximum(x1 - x0, y1 - y0)), 1, MAX_SPLIT).astype(np.int64)
    total = np.zeros(w * h, np.float64)
    for s in np.unique(split):
        if cancel is not None and cancel():
            break
        m = split == s
        t = (np.arange(s) + 0.5) / s  # cell centres across the box
        xs = (x0[m][:, None, None] + (x1 - x0)[m][:, None, None] * t[None, None, :])
        ys = (y0[m][:, None, None] + (y1 - y0)[m][:, None, None] * t[None, :, None])
        xs, ys = np.broadcast_arrays(xs, ys)
        weight = np.repeat(n[m] * SAMPLES_PER_ASSET / (s * s), s * s)
        xs, ys = xs.reshape(-1), ys.reshape(-1)
        ok = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
        pix = ys[ok].astype(np.int64) * w + xs[ok].astype(np.int64)
        total += np.bincount(pix, weights=weight[ok], minlength=w * h)
    return np.ceil(total).astype(np.int64)
