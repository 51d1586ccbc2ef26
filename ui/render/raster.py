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


def _pixels(xs, ys, width: int, height: int):
    ok = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
    ix = xs[ok].astype(np.int32)  # truncation == floor for on-screen (non-negative) values
    iy = ys[ok].astype(np.int32)
    return iy * np.int32(width) + ix, ok


def segment_samples(x0, y0, x1, y1, cls, width: int, height: int, max_total: int = 40_000_000):
    """Pixel indices (row-major) and class of one sample per pixel along every segment.

    Segments at most one pixel long (most of them in a dense overview) are sampled at their
    two ends without any expansion; only longer ones are expanded one sample per pixel.
    """
    dx = x1 - x0
    dy = y1 - y0
    steps = np.ceil(np.maximum(np.abs(dx), np.abs(dy)))
    short = steps <= 1.0
    xs = [x0, x1[short]]
    ys = [y0, y1[short]]
    cs = [cls, cls[short]]
    long = np.flatnonzero(~short)
    if len(long):
        n = np.minimum(steps[long], MAX_SAMPLES_PER_SEGMENT).astype(np.int64)  # samples after the start
        if int(n.sum()) > max_total:  # extremely dense: keep end points only
            n = np.ones_like(n)
        total = int(n.sum())
        seg = np.repeat(long, n)
        first = np.cumsum(n) - n
        t = ((np.arange(1, total + 1) - np.repeat(first, n)) / np.repeat(n, n)).astype(x0.dtype)
        xs.append(x0[seg] + t * dx[seg])
        ys.append(y0[seg] + t * dy[seg])
        cs.append(cls[seg])
    pix, ok = _pixels(np.concatenate(xs), np.concatenate(ys), width, height)
    return pix, np.concatenate(cs)[ok]


def point_samples(x, y, cls, width: int, height: int, size: int = 2):
    """Pixel indices of a size×size block at each point."""
    ix = np.floor(x).astype(np.int32)
    iy = np.floor(y).astype(np.int32)
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

    Where classes overlap the highest one wins — classes are numbered in drawing order,
    like a painter drawing the most important last (one ``np.maximum.at`` pass).
    """
    if order is not None:  # renumber so that the class drawn last has the highest rank
        rank = np.empty(len(colours), np.int64)
        rank[np.asarray(order)] = np.arange(len(order))
        cls = rank[cls]
        colours = np.asarray(colours)[np.asarray(order)]
    top = np.full(width * height, -1, np.int16)
    if len(pix):
        np.maximum.at(top, pix, cls.astype(np.int16))
    lut = np.concatenate([[np.uint32(0)], np.asarray(colours, np.uint32)])
    img = lut[top + 1]
    if out is not None:
        covered = top >= 0
        out.reshape(-1)[covered] = img[covered]
        return out.reshape(height, width)
    return img.reshape(height, width)


def accumulate(top: np.ndarray, pix: np.ndarray, cls: np.ndarray) -> None:
    """Merge samples into a per-pixel 'highest class so far' array (int16, -1 = empty)."""
    if len(pix):
        np.maximum.at(top, pix, cls.astype(np.int16))


def colourise(top: np.ndarray, colours: np.ndarray, width: int, height: int) -> np.ndarray:
    lut = np.concatenate([[np.uint32(0)], np.asarray(colours, np.uint32)])
    return lut[top + 1].reshape(height, width)


def argb(r: int, g: int, b: int, a: int = 255) -> np.uint32:
    """Premultiplied ARGB32 value for a colour (what QImage.Format_ARGB32_Premultiplied holds)."""
    f = a / 255.0
    return np.uint32((a << 24) | (int(r * f) << 16) | (int(g * f) << 8) | int(b * f))


# A register too dense to read at this scale is drawn as a density view: how many segments
# cross each pixel, as a neutral slate ramp (no utility hue: every colour at once reads as one
# mat); zoomed in until it is no longer dense, the utility colours come back.
DENSITY_PER_PIXEL = 0.3  # segments + points per screen pixel above which the view is a density view
DENSITY_RGB = (38, 50, 56)


def is_dense(n_items: int, width: int, height: int) -> bool:
    return n_items > DENSITY_PER_PIXEL * width * height


def segment_counts(x0, y0, x1, y1, width: int, height: int) -> np.ndarray:
    """(W*H,) how many samples fall in each pixel: each segment's two ends and its midpoint
    (a density view's segments are a pixel or two long: no per-pixel expansion)."""
    xs = np.concatenate([x0, x1, (x0 + x1) * 0.5])
    ys = np.concatenate([y0, y1, (y0 + y1) * 0.5])
    pix, _ = _pixels(xs, ys, width, height)
    return np.bincount(pix, minlength=width * height)


def point_counts(x, y, width: int, height: int) -> np.ndarray:
    """(W*H,) how many points fall in each pixel."""
    pix, _ = _pixels(x, y, width, height)
    return np.bincount(pix, minlength=width * height)


def _percentile_of_counts(covered: np.ndarray, q: float) -> int:
    """The ``q`` quantile of small non-negative integer counts, from their histogram (no sort)."""
    hist = np.bincount(covered)
    return int(np.searchsorted(np.cumsum(hist), int(q * (len(covered) - 1)) + 1))


def density_image(counts: np.ndarray, width: int, height: int) -> np.ndarray:
    """(H, W) premultiplied ARGB32: alpha grows with log(samples per pixel), relative to the
    99th percentile of the covered pixels, so sparse and dense areas both read (one lookup
    table over the integer counts, no per-pixel float work)."""
    covered = counts[counts > 0]
    if not len(covered):
        return np.zeros((height, width), np.uint32)
    top = max(float(_percentile_of_counts(covered, 0.99)), 2.0)
    levels = np.arange(int(covered.max()) + 1)
    alpha = (40 + 215 * np.clip(np.log1p(levels) / np.log1p(top), 0.0, 1.0)).astype(np.uint32)
    alpha[0] = 0
    r, g, b = DENSITY_RGB
    lut = (alpha << 24) | ((r * alpha // 255) << 16) | ((g * alpha // 255) << 8) | (b * alpha // 255)
    return lut.astype(np.uint32)[counts].reshape(height, width)
