"""The map canvas: per-layer images rendered in worker threads, shown transformed while
the next render runs; overlays (dig, conflicts, selection) and the active tool on top.

Interaction: wheel zooms about the cursor, middle-drag and arrow keys pan, +/-
zoom; the active tool (pan, zoom box, identify, measure, dig) gets the rest.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QTransform
from PySide6.QtWidgets import QWidget

from ..models.layers import REGISTER, LayerList
from ..models.view import MapView, ViewState
from ..render import styles
from ..render.jobs import RenderJob, RenderSignals, render_pool
from ..render.painters import RenderSettings, scale_bar_length

RENDER_DELAY_MS = 30


class MapCanvas(QWidget):
    cursorMoved = Signal(float, float)
    viewChanged = Signal(object)
    rendered = Signal(int, str, float)  # layer id, level of detail, seconds
    idleChanged = Signal(bool)

    def __init__(self, layers: LayerList | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(False)
        self.setMinimumSize(200, 150)
        self.view = MapView(ViewState(width=self.width(), height=self.height()))
        self.layers = layers if layers is not None else LayerList()  # an empty list is falsy
        self.palette_ = styles.Palette.make("njug")
        self.labels = True
        self.overlays: list = []
        self.shading = None  # render.quality_shading.Shading: the quality map, when shown
        self.tool = None
        self._cache: dict[int, tuple[ViewState, object]] = {}
        self._overviews: dict[int, object] = {}  # layer id -> density view until its data is read
        self._generation: dict[int, int] = {}
        self._jobs: dict[int, RenderJob] = {}
        self.render_errors: dict[int, str] = {}  # layer id -> why its latest render failed
        self.lods: dict[int, str] = {}  # layer id -> level of detail of its shown image
        self._caption = None  # ((text, pixel ratio), image, width) of the corner note
        self._signals = RenderSignals()
        self._signals.finished.connect(self._job_finished)
        self._pool = render_pool()
        self._timer = QTimer(self, singleShot=True, interval=RENDER_DELAY_MS)
        self._timer.timeout.connect(self._start_jobs)
        self._pan_origin = None
        self.last_paint_seconds = 0.0
        self.view.changed.connect(self._view_changed)
        for ev in (self.layers.changed, self.layers.added):
            ev.connect(lambda layer: self.refresh_layer(layer))
        self.layers.removed.connect(self._layer_removed)
        self.layers.moved.connect(self.update)

    # -- rendering -------------------------------------------------------------------
    def set_scheme(self, scheme: str) -> None:
        self.palette_ = styles.Palette.make(scheme)
        for layer in self.layers:
            if layer.kind == REGISTER:
                self.refresh_layer(layer)

    def show_overview(self, layer, overview) -> None:
        """Draw ``layer`` from ``overview`` (``render.overview.Overview``: its index's leaf
        boxes) as a density view until its data arrives; ignored once it has data."""
        if layer.data is None and layer in list(self.layers):
            self._overviews[layer.id] = overview
            self.refresh_layer(layer)

    def refresh_layer(self, layer=None) -> None:
        """Re-render one layer (or all) now that its data or style changed."""
        targets = [layer] if layer is not None else list(self.layers)
        for lay in targets:
            if lay.data is not None:
                self._overviews.pop(lay.id, None)  # its own data replaces the density view
            elif lay.id not in self._overviews:
                self._cache.pop(lay.id, None)
        self._timer.start(0)
        self.update()

    def _layer_removed(self, layer) -> None:
        self._cache.pop(layer.id, None)
        self._overviews.pop(layer.id, None)
        self.lods.pop(layer.id, None)
        self.render_errors.pop(layer.id, None)
        job = self._jobs.pop(layer.id, None)
        if job:
            job.cancel()
        self.update()

    def _view_changed(self, state: ViewState) -> None:
        self.update()
        self.viewChanged.emit(state)
        self._timer.start()

    def _settings(self, layer) -> RenderSettings:
        return RenderSettings(view=self.view.state, scheme=self.palette_.scheme,
                              hidden=frozenset(layer.hidden_utilities), labels=self.labels)

    def _start_jobs(self) -> None:
        for layer in self.layers:
            overview = self._overviews.get(layer.id) if layer.data is None else None
            if not layer.visible or (layer.data is None and overview is None):
                continue
            old = self._jobs.pop(layer.id, None)
            if old is not None:
                old.cancel()
            gen = self._generation.get(layer.id, 0) + 1
            self._generation[layer.id] = gen
            data, palette, kind = layer.data, self.palette_, layer.kind
            if overview is not None:
                data, kind = overview, "overview"
            elif self.shading is not None and layer.kind == REGISTER:
                data, palette = self.shading.apply(data, palette)
            job = RenderJob(self._signals, layer.id, gen, kind, data,
                            self._settings(layer), palette)
            self._jobs[layer.id] = job
            self._pool.submit(job.run)
        self.idleChanged.emit(self.is_idle())

    def _job_finished(self, layer_id, generation, settings, image, lod, seconds) -> None:
        if self._generation.get(layer_id) != generation:
            return
        self._jobs.pop(layer_id, None)
        if image is not None:  # else the render failed: keep showing the last good image
            self._cache[layer_id] = (settings.view, image)
            self.lods[layer_id] = lod
            self.render_errors.pop(layer_id, None)
        else:
            self.render_errors[layer_id] = lod
        self.update()
        self.rendered.emit(layer_id, lod, seconds)
        if self.is_idle():
            self.idleChanged.emit(True)

    def is_idle(self) -> bool:
        """No layer render and no overlay's background work (street names) under way."""
        return (not self._jobs and not self._timer.isActive()
                and not any(getattr(o, "busy", False) for o in self.overlays))

    def cached_image(self, layer_id):
        return self._cache.get(layer_id)

    # -- painting ---------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        t0 = time.perf_counter()
        p = QPainter(self)
        p.fillRect(self.rect(), styles.BACKGROUND)
        view = self.view.state
        for layer in self.layers:
            cached = self._cache.get(layer.id)
            if not layer.visible or cached is None:
                continue
            drawn_for, image = cached
            s, dx, dy = view.transform_from(drawn_for)
            p.setTransform(QTransform(s, 0, 0, s, dx, dy))
            p.setOpacity(layer.opacity)
            p.drawImage(0, 0, image)
        p.resetTransform()
        p.setOpacity(1.0)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for overlay in self.overlays:
            overlay.paint(p, view)
        if self.tool is not None:
            self.tool.paint(p, view)
        self._paint_scale_bar(p, view)
        if any(self.lods.get(lay.id) == "density" and lay.visible for lay in self.layers):
            self._paint_caption(p, "Density of assets (darker: more) — zoom in to see each utility")
        p.end()
        self.last_paint_seconds = time.perf_counter() - t0

    def _paint_scale_bar(self, p: QPainter, view: ViewState) -> None:
        metres, px = scale_bar_length(view.resolution)
        x0, y0 = 16.0, self.height() - 22.0
        box = QRectF(x0 - 8, y0 - 22, px + 80, 36)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 255, 255, 210))
        p.drawRoundedRect(box, 3, 3)
        half = px / 2
        p.setBrush(QColor("#202020"))
        p.drawRect(QRectF(x0, y0, half, 5))
        p.setBrush(QColor("#ffffff"))
        p.setPen(QPen(QColor("#202020"), 1))
        p.drawRect(QRectF(x0 + half, y0, half, 5))
        font = QFont()
        font.setPointSizeF(8)
        p.setFont(font)
        label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
        p.drawText(QPointF(x0, y0 - 5), "0")
        p.drawText(QPointF(x0 + px - 4, y0 - 5), label)
        p.drawText(QPointF(x0 + px + 18, y0 + 6), f"1:{view.scale:,.0f}")
        # north arrow
        nx, ny = self.width() - 28.0, 20.0
        p.setBrush(QColor("#202020"))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawPolygon([QPointF(nx, ny), QPointF(nx + 7, ny + 20), QPointF(nx, ny + 15),
                       QPointF(nx - 7, ny + 20)])
        p.setPen(QColor("#202020"))
        p.drawText(QPointF(nx - 4, ny + 34), "N")

    def _paint_caption(self, p: QPainter, text: str) -> None:
        """A note in the map's bottom-right corner (e.g. that the view is a density view),
        drawn once into an image and reused: a pan frame only blits it."""
        ratio = self.devicePixelRatioF()
        if self._caption is None or self._caption[0] != (text, ratio):
            font = QFont()
            font.setPointSizeF(8.5)
            w = QFontMetricsF(font).horizontalAdvance(text) + 14
            img = QImage(int((w + 2) * ratio), int(24 * ratio), QImage.Format.Format_ARGB32_Premultiplied)
            img.setDevicePixelRatio(ratio)
            img.fill(0)
            q = QPainter(img)
            q.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            q.setFont(font)
            box = QRectF(1, 1, w, 22)
            q.setPen(QPen(QColor("#b0b0b0"), 1))
            q.setBrush(QColor(255, 255, 255, 225))
            q.drawRoundedRect(box, 3, 3)
            q.setPen(QColor("#263238"))
            q.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            q.end()
            self._caption = ((text, ratio), img, w)
        _, img, w = self._caption
        p.drawImage(QPointF(self.width() - w - 13, self.height() - 35), img)

    # -- geometry ---------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        size = event.size()
        self.view.resize(size.width(), size.height())

    def map_point(self, pos) -> tuple[float, float]:
        x, y = self.view.state.to_map(pos.x(), pos.y())
        return float(x), float(y)

    def screen_point(self, x: float, y: float) -> QPointF:
        sx, sy = self.view.state.to_screen(x, y)
        return QPointF(float(sx), float(sy))

    def zoom_to(self, bounds, margin: float = 0.08) -> None:
        if bounds is not None:
            self.view.zoom_to(bounds, margin)

    def zoom_full(self) -> None:
        self.zoom_to(self.layers.visible_bounds())

    # -- interaction -------------------------------------------------------------------
    def set_tool(self, tool) -> None:
        if self.tool is not None:
            self.tool.deactivate()
        self.tool = tool
        if tool is not None:
            tool.activate()
            self.setCursor(tool.cursor)
        self.update()

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            pos = event.position()
            self.view.zoom(2 ** (steps * 0.5), (pos.x(), pos.y()))

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_origin = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        if self.tool is not None:
            self.tool.press(event)

    def mouseMoveEvent(self, event) -> None:
        pos = event.position()
        x, y = self.map_point(pos)
        self.cursorMoved.emit(x, y)
        if self._pan_origin is not None:
            d = pos - self._pan_origin
            self._pan_origin = pos
            self.view.pan_pixels(d.x(), d.y())
            return
        if self.tool is not None:
            self.tool.move(event)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.MiddleButton and self._pan_origin is not None:
            self._pan_origin = None
            self.setCursor(self.tool.cursor if self.tool else Qt.CursorShape.ArrowCursor)
            return
        if self.tool is not None:
            self.tool.release(event)

    def mouseDoubleClickEvent(self, event) -> None:
        if self.tool is not None:
            self.tool.double_click(event)

    def keyPressEvent(self, event) -> None:
        if self.tool is not None and self.tool.key(event):
            return
        key = event.key()
        step = 60
        moves = {Qt.Key.Key_Left: (step, 0), Qt.Key.Key_Right: (-step, 0),
                 Qt.Key.Key_Up: (0, step), Qt.Key.Key_Down: (0, -step)}
        if key in moves:
            self.view.pan_pixels(*moves[key])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.view.zoom(2.0)
        elif key == Qt.Key.Key_Minus:
            self.view.zoom(0.5)
        else:
            super().keyPressEvent(event)

    def shutdown(self) -> None:
        for job in self._jobs.values():
            job.cancel()
        self._timer.stop()
        for overlay in self.overlays:  # overlays with background work (street names)
            if hasattr(overlay, "stop"):
                overlay.stop()
        self._pool.shutdown(wait=True, cancel_futures=True)
