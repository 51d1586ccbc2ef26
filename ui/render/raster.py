"""Level of detail for dense views: rasterise line segments straight into a pixel array.

At full extent a million assets are mostly a few pixels long; handing each to
QPainter wastes time on sub-pixel work. Here every segment is sampled once per
pixel it crosses (vectorised), samples are binned to pixel indices and each
style class paints its pixels in drawing order — the same picture a 1-pixel
pen gives, at numpy speed. Pure numpy: the caller wraps the RGBA array.
"""

from __future__ import annotations

import numpy as np

MAX_SAMPLES_PER_SEGMENT = 4096


def segment_samples(x0, y0, x1, y1, cls, width: int, height: int, max_total: int = 40_000_000):
    """Pixel indices (row-major) and class of one sample per pixel along every segment."""
    dx = x1 - x0
    dy = y1 - y0
    steps = np.ceil(np.maximum(np.abs(dx), np.abs(dy))).astype(np.int64)
    np.clip(steps, 0, MAX_SAMPLES_PER_SEGMENT, out=steps)
    n = steps + 1
    total = int(n.sum())
    if total > max_total:  # extremely dense: keep end points only
        n = np.ones_like(n)
        steps = np.zeros_like(steps)
        total = len(n)
    first = np.cumsum(n) - n
    k = np.arange(total, dtype=np.float64) - np.repeat(first, n)
    denom = np.repeat(np.maximum(steps, 1), n)
    t = k / denom
    xs = np.repeat(x0, n) + t * np.repeat(dx, n)
    ys = np.repeat(y0, n) + t * np.repeat(dy, n)
    ix = np.floor(xs).astype(np.int64)
    iy = np.floor(ys).astype(np.int64)
    ok = (ix >= 0) & (ix < width) & (iy >= 0) & (iy < height)
    return (iy[ok] * width + ix[ok]), np.repeat(cls, n)[ok]


def point_samples(x, y, cls, width: int, height: int, size: int = 2):
    """Pixel indices of a size×size block at each point."""
    ix = np.floor(x).astype(np.int64)
    iy = np.floor(y).astype(np.int64)
    pix, cl = [], []
    for oy in range(size):
        for ox in range(size):
            px, py = ix + ox, iy + oy
            ok = (px >= 0) & (px < width) & (py >= 0) & (py < height)
            pix.append(py[ok] * width + px[ok])
            cl.append(cls[ok])
    return np.concatenate(pix), np.concatenate(cl)


def paint_classes(pix: np.ndarray, cls: np.ndarray, colours: np.ndarray, width: int,
                  height: int, order=None, out: np.ndarray | None = None) -> np.ndarray:
    """Paint pixels into a (H, W) uint32 ARGB array; class k uses ``colours[k]`` (uint32).

    Classes are painted in ``order`` (later ones on top), like a painter would.
    """
    img = np.zeros(width * height, np.uint32) if out is None else out.reshape(-1)
    if order is None:
        order = np.arange(len(colours))
    if len(pix) == 0:
        return img.reshape(height, width)
    counts = np.bincount(cls, minlength=len(colours))
    for k in order:
        if counts[k]:
            img[pix[cls == k]] = colours[k]
    return img.reshape(height, width)


def argb(r: int, g: int, b: int, a: int = 255) -> np.uint32:
    """Premultiplied ARGB32 value for a colour (what QImage.Format_ARGB32_Premultiplied holds)."""
    f = a / 255.0
    return np.uint32((a << 24) | (int(r * f) << 16) | (int(g * f) << 8) | int(b * f))
