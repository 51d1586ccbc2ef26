"""Paint one layer into a QImage from packed numpy geometry (runs in render worker threads).

Two levels of detail: when a view holds more vertices than ``RASTER_VERTICES``
every segment is rasterised in numpy (``raster.py``) — at full extent most
assets are a pixel or two long and QPainter would spend its time on sub-pixel
work; otherwise each style group becomes one QPainterPath built from a packed
buffer (``qpath.py``) and is stroked once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen

from ..models.view import ViewState
from . import raster, styles
from .packed import PackedGeometry, part_vertex_index
from .placement import Placer, offset_polylines
from .labels import _draw_labels, _line_label_anchors, asset_label_text
from .qpath import array_to_path

RASTER_VERTICES = 60_000  # above this many vertices in view, rasterise (chunked numpy)
CHUNK = 150_000  # segments per rasterising step
# Qt's painter keeps Python's interpreter lock while it draws, so a path is kept small
# enough to draw in a few milliseconds: the GUI thread never waits long for the lock.
PATH_VERTICES = 6_000
LABEL_RESOLUTION = 0.25  # m/px: label assets at about 1:900 and closer
STREET_LABEL_RESOLUTION = 1.2


class RenderCancelled(Exception):
    """The view changed while this job ran; its image is no longer wanted."""


@dataclass(frozen=True)
class RenderSettings:
    view: ViewState
    scheme: str = "njug"
    hidden: frozenset = field(default_factory=frozenset)
    labels: bool = True


def _check(cancel) -> None:
    if cancel is not None and cancel():
        raise RenderCancelled()


def new_image(view: ViewState) -> QImage:
    img = QImage(view.width, view.height, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0)
    return img


def _feature_mask(packed: PackedGeometry, hidden) -> np.ndarray | None:
    if not hidden or "utility" not in packed.codes:
        return None
    cats = packed.categories["utility"]
    hidden_codes = [cats.index(u) for u in hidden if u in cats]
    return ~np.isin(packed.codes["utility"], hidden_codes)


def _visible(packed, settings):
    ext = settings.view.extent
    pad = settings.view.resolution * 12  # symbols and wide pens reach past their geometry
    ext = (ext[0] - pad, ext[1] - pad, ext[2] + pad, ext[3] + pad)
    parts = packed.visible_parts(ext)
    pts = packed.visible_points(ext)
    mask = _feature_mask(packed, settings.hidden)
    if mask is not None:
        parts = parts[mask[packed.part_feature[parts]]]
        pts = pts[mask[packed.point_feature[pts]]]
    return parts, pts


def _screen_vertices(packed, parts, view):
    idx, starts = part_vertex_index(packed.part_offsets, parts)
    sx, sy = view.to_screen(packed.coords[idx, 0], packed.coords[idx, 1], packed.origin)
    return sx, sy, starts


def _raster_register(image, packed, parts, pts, style, settings, palette, cancel):
    view = settings.view
    w, h = view.width, view.height
    n_parts = len(packed.part_offsets) - 1
    # hidden utilities are filtered by style in the flat arrays, which only a utility palette
    # allows (a quality palette's classes mix utilities): then through the visible parts
    by_style = not settings.hidden or palette.side_offsets is None
    if packed.segments is not None and len(parts) > 0.5 * n_parts and by_style:
        # most of the register is in view: transform every segment (float32, flat arrays);
        # off-screen samples are clipped in the rasteriser
        ox, oy = packed.origin
        k = np.float32(1.0 / view.resolution)
        ax = np.float32(w / 2 - (view.cx - ox) / view.resolution)
        ay = np.float32(h / 2 + (view.cy - oy) / view.resolution)
        x0, y0, x1, y1 = packed.segments
        scls = packed.segment_style
        pxy, pcls_all = packed.point_xy, packed.point_style
        mask = _feature_mask(packed, settings.hidden)
        if mask is not None:
            hidden_styles = np.flatnonzero(np.bincount(style[~mask], minlength=len(palette.argb)))
            keep = ~np.isin(scls, hidden_styles)
            x0, y0, x1, y1, scls = x0[keep], y0[keep], x1[keep], y1[keep], scls[keep]
            pkeep = ~np.isin(pcls_all, hidden_styles)
            pxy, pcls_all = pxy[:, pkeep], pcls_all[pkeep]
        if raster.is_dense(len(scls) + len(pcls_all), w, h) and not palette.colours_when_dense:
            # a density view has no utility colours (they would make one mat): count each
            # segment's ends and midpoint per pixel (no per-pixel expansion), chunk by chunk
            counts = np.zeros(w * h, np.int64)
            for a in range(0, len(scls), CHUNK):
                b = a + CHUNK
                counts += raster.segment_counts(x0[a:b] * k + ax, ay - y0[a:b] * k, x1[a:b] * k + ax,
                                                ay - y1[a:b] * k, w, h)
                _check(cancel)
            for a in range(0, len(pcls_all), CHUNK):
                b = a + CHUNK
                counts += raster.point_counts(pxy[0, a:b] * k + ax, ay - pxy[1, a:b] * k, w, h)
                _check(cancel)
            _blit(image, raster.density_image(counts, w, h))
            return "density"
        top = np.full(w * h, -1, np.int16)
        # chunks keep every numpy call short: a worker never holds the interpreter lock
        # long enough to stall the GUI thread, and a cancel is seen within one chunk
        for a in range(0, len(scls), CHUNK):
            b = a + CHUNK
            raster.accumulate(top, *raster.segment_samples(x0[a:b] * k + ax, ay - y0[a:b] * k, x1[a:b] * k + ax,
                                                           ay - y1[a:b] * k, scls[a:b], w, h))
            _check(cancel)
        for a in range(0, len(pcls_all), CHUNK):
            b = a + CHUNK
            raster.accumulate(top, *raster.point_samples(pxy[0, a:b] * k + ax, ay - pxy[1, a:b] * k,
                                                         pcls_all[a:b], w, h))
        _blit(image, raster.colourise(top, palette.argb, w, h))
        return "raster"
    else:
        top = np.full(w * h, -1, np.int16)
        for a in range(0, len(parts), CHUNK // 2):
            chunk = parts[a:a + CHUNK // 2]
            sx, sy, starts = _screen_vertices(packed, chunk, view)
            counts = packed.part_offsets[chunk + 1] - packed.part_offsets[chunk]
            vcls = np.repeat(style[packed.part_feature[chunk]], counts)
            seg = ~starts[1:]
            pix, cls = raster.segment_samples(sx[:-1][seg], sy[:-1][seg], sx[1:][seg], sy[1:][seg],
                                              vcls[1:][seg], w, h)
            raster.accumulate(top, pix, cls)
            _check(cancel)
        for a in range(0, len(pts), CHUNK):
            chunk = pts[a:a + CHUNK]
            px, py = view.to_screen(packed.points[chunk, 0], packed.points[chunk, 1], packed.origin)
            ppix, pcls = raster.point_samples(px, py, style[packed.point_feature[chunk]], w, h)
            raster.accumulate(top, ppix, pcls)
        _blit(image, raster.colourise(top, palette.argb, w, h))


def _blit(image: QImage, arr: np.ndarray) -> None:
    h, w = arr.shape
    tmp = QImage(arr.data, w, h, 4 * w, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(image)
    p.drawImage(0, 0, tmp)
    p.end()


DETAILED_PARTS = 500  # up to this many visible lines are stroked wide, one polyline each


def _pen(colour, width, style=Qt.PenStyle.SolidLine):
    return QPen(colour, width, style, Qt.PenCapStyle.FlatCap, Qt.PenJoinStyle.BevelJoin)


def _stroke(painter, path, pen, detailed: bool) -> None:
    """Stroke a multi-part path. Antialiased wide pens on one path of many overlapping
    sub-paths are slow in Qt's raster engine, so detailed views stroke each sub-path."""
    painter.setPen(pen)
    if detailed and pen.widthF() > 1.0:
        for poly in path.toSubpathPolygons():
            painter.drawPolyline(poly)
    else:
        painter.drawPath(path)


def _symbol_path(px, py, template, size):
    k = len(template)
    x = (px[:, None] + template[None, :, 0] * size).ravel()
    y = (py[:, None] + template[None, :, 1] * size).ravel()
    starts = np.zeros(len(px) * k, bool)
    starts[::k] = True
    return array_to_path(x, y, starts)


def _vector_register(painter, packed, parts, pts, style, settings, palette, cancel):
    view = settings.view
    res = view.resolution
    detailed = len(parts) <= DETAILED_PARTS
    width = 2.0 if detailed else 1.0
    feat = packed.part_feature[parts]
    status_cats = packed.categories.get("status", [])
    dash_lut = np.array([list(styles.DASHES).index(s) + 1 if s in styles.DASHES else 0
                         for s in status_cats] + [0], np.int16)
    dash = dash_lut[packed.codes["status"][feat]] if "status" in packed.codes else np.zeros(len(feat), np.int16)
    closed = packed.part_closed[parts]
    key = (style[feat].astype(np.int64) * 8 + dash) * 2 + closed
    heavy = {styles.STYLE_KEYS.index(styles.HV_KEY), styles.STYLE_KEYS.index("hazardous_pipeline")} \
        if palette.side_offsets is None else set()  # a quality palette's classes are no utilities
    painter.setBrush(Qt.BrushStyle.NoBrush)
    groups = []
    for k in np.unique(key):  # each style group in slices of at most PATH_VERTICES vertices
        sel = parts[key == k]
        counts = packed.part_offsets[sel + 1] - packed.part_offsets[sel]
        cut = np.searchsorted(np.cumsum(counts), np.arange(PATH_VERTICES, counts.sum(), PATH_VERTICES))
        groups += [(k, piece) for piece in np.split(sel, cut) if len(piece)]
    for k, sel in groups:
        _check(cancel)
        s_idx, d_idx, is_closed = int(k // 16), int(k // 2 % 8), bool(k % 2)
        sx, sy, starts = _screen_vertices(packed, sel, view)
        side = styles.SIDE_OFFSETS if palette.side_offsets is None else palette.side_offsets
        if detailed and not is_closed and res <= styles.SIDE_RESOLUTION and side[s_idx]:
            sx, sy = offset_polylines(sx, sy, starts, side[s_idx])
        path = array_to_path(sx, sy, starts)
        colour = palette.qcolors[s_idx]
        pen_style = list(styles.DASHES.values())[d_idx - 1] if d_idx else Qt.PenStyle.SolidLine
        if is_closed:  # precaution zones and other area assets: cross-hatched at every
            # scale with a dash-dot edge, never a tinted area that could be taken for a dig
            fill = QColor(colour)
            fill.setAlpha(150)
            # the hatch is pixel-aligned anyway: filled without antialiasing (an antialiased
            # pattern fill of large zones is what made street views slow); the edge is smooth
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(fill, Qt.BrushStyle.DiagCrossPattern))
            painter.drawPath(path)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, detailed)
            painter.setPen(_pen(colour, 1.3, Qt.PenStyle.DashDotLine))
            painter.drawPath(path)
            continue
        w = width + (1.0 if s_idx in heavy else 0.0)
        casing = palette.casing[s_idx]
        if casing is not None and res < 3:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, detailed)
            _stroke(painter, path, _pen(casing, w + 1.6), detailed)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, detailed or w <= 1.0)
        _stroke(painter, path, _pen(colour, w, pen_style), detailed)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    if len(pts):
        _symbols(painter, packed, pts, style, view, palette, cancel)


def _symbols(painter, packed, pts, style, view, palette, cancel):
    res = view.resolution
    size = 5.0 if res < 0.3 else 3.5 if res < 1.5 else 2.0
    px, py = view.to_screen(packed.points[pts, 0], packed.points[pts, 1], packed.origin)
    feat = packed.point_feature[pts]
    cls_cats = packed.categories.get("asset_class", [])
    cls_codes = packed.codes["asset_class"][feat] if "asset_class" in packed.codes else np.full(len(feat), -1)
    pstyle = style[feat]
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, res < 0.3)
    for ci in np.unique(cls_codes):
        name = cls_cats[ci] if ci >= 0 else "other"
        template = styles.SYMBOLS.get(name, styles.DEFAULT_SYMBOL)
        filled = name in styles.FILLED_SYMBOLS or size < 3
        for s_idx in np.unique(pstyle[cls_codes == ci]):
            m = np.flatnonzero((cls_codes == ci) & (pstyle == s_idx))
            colour = palette.qcolors[int(s_idx)]
            painter.setBrush(colour if filled else QColor("#ffffff"))
            painter.setPen(QPen(colour if not filled else colour.darker(140), 1.0))
            step = max(PATH_VERTICES // len(template), 1)
            for a in range(0, len(m), step):
                _check(cancel)
                painter.drawPath(_symbol_path(px[m[a:a + step]], py[m[a:a + step]], template, size))
    painter.setBrush(Qt.BrushStyle.NoBrush)


def render_overview(image: QImage, overview, settings: RenderSettings, cancel=None) -> str:
    """Paint the register's density view from its index's leaf boxes (``overview.py``):
    its first frame while the assets are still being read."""
    from .overview import overview_counts

    view = settings.view
    counts = overview_counts(overview, view, cancel)
    _check(cancel)
    _blit(image, raster.density_image(counts, view.width, view.height))
    return "density"


def render_register(image: QImage, packed: PackedGeometry, settings: RenderSettings,
                    palette: styles.Palette, cancel=None) -> str:
    """Paint the register layer; returns the level of detail used ('raster' or 'vector')."""
    style = packed.codes["style"]
    parts, pts = _visible(packed, settings)
    nverts = int((packed.part_offsets[parts + 1] - packed.part_offsets[parts]).sum())
    _check(cancel)
    if nverts + len(pts) > RASTER_VERTICES:
        return _raster_register(image, packed, parts, pts, style, settings, palette, cancel) or "raster"
    painter = QPainter(image)
    try:
        _vector_register(painter, packed, parts, pts, style, settings, palette, cancel)
        view = settings.view
        if settings.labels and view.resolution <= LABEL_RESOLUTION and len(parts):
            _asset_labels(painter, packed, parts[~packed.part_closed[parts]], view)
    finally:
        painter.end()
    return "vector"


def _asset_labels(painter, packed, lines, view) -> None:
    """Short asset labels along their lines, most informative first, none overlapping
    another: each may sit at the middle of its line's longest on-screen stretch or a little
    either side of it (collision-aware placement, placement.py)."""
    which, mx, my, ang = _line_label_anchors(packed, lines, view, 70)
    feats = packed.part_feature[lines[which]]
    texts = np.array(asset_label_text(packed, feats), dtype=object)
    has = np.flatnonzero(texts != "")
    cand = [np.column_stack([mx, my])]
    for at in (0.3, 0.7):
        _, ax, ay, _ = _line_label_anchors(packed, lines, view, 70, at)
        cand.append(np.column_stack([ax, ay]))
    anchors = np.stack(cand)[:, has, :]
    texts, ang = texts[has], ang[has]
    length = np.char.str_len(texts.astype(str)) if len(texts) else np.zeros(0, np.int64)
    order = np.argsort(-length, kind="stable")[:600]
    w = 6.5 * length[order] + 8  # about 6.5 px per character at 8 pt
    h = np.full(len(order), 14.0)
    a = np.radians(ang[order])
    bw = np.abs(np.cos(a)) * w + np.abs(np.sin(a)) * h
    bh = np.abs(np.sin(a)) * w + np.abs(np.cos(a)) * h
    # a label is drawn just above its line: its box centre is half a height off the anchor
    centres = anchors[:, order, :] + np.stack([h / 2 * np.sin(a), -h / 2 * np.cos(a)], axis=1)[None]
    placed = Placer(view.width, view.height).place_along(centres, bw, bh, limit=400)
    jk = np.array(placed, np.int64).reshape(-1, 2)
    i, k = order[jk[:, 0]], jk[:, 1]
    if len(i):
        _draw_labels(painter, texts[i], anchors[k, i, 0], anchors[k, i, 1], ang[i])


def _slices(packed, parts: np.ndarray) -> list[np.ndarray]:
    """``parts`` in slices of about PATH_VERTICES vertices, cut only between features (so a
    polygon's holes stay with its outer ring)."""
    if not len(parts):
        return []
    counts = packed.part_offsets[parts + 1] - packed.part_offsets[parts]
    feat = packed.part_feature[parts]
    boundary = np.flatnonzero(np.r_[False, feat[1:] != feat[:-1]])
    csum = np.cumsum(counts)
    targets = np.arange(PATH_VERTICES, csum[-1], PATH_VERTICES)
    cuts = np.unique(boundary[np.minimum(np.searchsorted(csum[boundary - 1], targets), len(boundary) - 1)]) \
        if len(boundary) else np.empty(0, np.int64)
    return [piece for piece in np.split(parts, cuts) if len(piece)]


def render_reference(image: QImage, packed: PackedGeometry, settings: RenderSettings,
                     cancel=None) -> str:
    """Paint a backdrop layer: areas as buildings, lines as streets, points as dots."""
    view = settings.view
    res = view.resolution
    parts, pts = _visible(packed, settings)
    nverts = int((packed.part_offsets[parts + 1] - packed.part_offsets[parts]).sum())
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, nverts < RASTER_VERTICES)
        closed = packed.part_closed[parts]
        painter.setBrush(styles.BUILDING_FILL)
        painter.setPen(QPen(styles.BUILDING_EDGE, 0.8) if res < 2 else Qt.PenStyle.NoPen)
        for piece in _slices(packed, parts[closed]):
            _check(cancel)
            sx, sy, starts = _screen_vertices(packed, piece, view)
            painter.drawPath(array_to_path(sx, sy, starts))
        lines = parts[~closed]
        if len(lines):
            road = min(max(9.0 / res, 2.0), 60.0)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            cap, join = Qt.PenCapStyle.FlatCap, Qt.PenJoinStyle.RoundJoin
            paths = []
            for piece in _slices(packed, lines):
                sx, sy, starts = _screen_vertices(packed, piece, view)
                paths.append(array_to_path(sx, sy, starts))
            for colour, width in ((styles.STREET_CASING, road + 2), (styles.STREET_FILL, road)):
                painter.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, cap, join))
                for path in paths:
                    _check(cancel)
                    painter.drawPath(path)
            # street names are drawn over the assets by the canvas (render/street_labels.py)
        if len(pts):
            px, py = view.to_screen(packed.points[pts, 0], packed.points[pts, 1], packed.origin)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#8a857a"))
            painter.drawPath(_symbol_path(px, py, styles.DEFAULT_SYMBOL, 2.5))
    finally:
        painter.end()
    return "raster" if nverts > RASTER_VERTICES else "vector"


def scale_bar_length(resolution: float, max_px: float = 160) -> tuple[float, float]:
    """A round length in metres (1, 2, 5 × 10^n) not longer than ``max_px``; (metres, px)."""
    target = resolution * max_px
    exp = math.floor(math.log10(target))
    for m in (5, 2, 1):
        metres = m * 10 ** exp
        if metres <= target:
            return metres, metres / resolution
    return 10 ** exp, 10 ** exp / resolution
