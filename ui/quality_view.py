"""The quality view's controller: connects ``QualityModel`` (ui/models/quality.py) to the
window — the quality dock, the quality map (the canvas's ``Shading`` and its legend) and the
View menu — and computes the quality tables off the GUI thread.

The tables are for the map view, the dig or the whole register; they are computed while the
dock is shown, again after the view has settled (or the dig changed), one computation at a
time (a change during one asks for one more when it ends). The map's quality classes are
read once per loaded register layer, the first time the quality map is shown.
"""

from __future__ import annotations

import shapely
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from asset_register import clock

from .docks.quality_dock import QualityDock
from .models.layers import REGISTER
from .models.quality import SHADING_LABELS, SHADINGS
from .render.quality_legend import QualityLegend
from .render.quality_shading import Shading, read_quality_classes
from .workers import reads_pool, submit

SETTLE_MS = 700  # the view must rest this long before the tables follow it
SHORTCUT = "Ctrl+Shift+Q"


class QualityController:
    def __init__(self, window, state) -> None:
        self.window, self.state, self.model = window, state, state.quality
        self.canvas = window.canvas
        self.shading = Shading()
        self.canvas.shading = self.shading
        self.legend = QualityLegend(self.shading)
        self.canvas.overlays.append(self.legend)
        self.dock = QualityDock(self.model, window)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.notices_dock, self.dock)
        window.conflicts_dock.raise_()
        self._timer = QTimer(window, singleShot=True, interval=SETTLE_MS)
        self._timer.timeout.connect(self._settle_done)
        self._running = self._again = False
        self._settling: int | None = None  # a loading token while the settle timer runs
        self._dirty = True
        self._reading_classes = False
        self._build_menu()
        self.model.events.shading.connect(self._shading_changed)
        self.model.events.scope.connect(lambda _: self.changed())
        self.dock.refreshRequested.connect(self.refresh)
        self.dock.visibilityChanged.connect(lambda shown: shown and self._dirty and self.refresh())
        window.registerLoaded.connect(self._register_loaded)
        state.session.events.closed.connect(self._closed)
        self.canvas.viewChanged.connect(lambda _: self.model.scope == "view" and self.changed())
        state.dig.events.footprint.connect(lambda _: self.model.scope == "dig" and self.changed())
        state.layers.changed.connect(self._layer_changed)

    # -- the menu ------------------------------------------------------------------------
    def _build_menu(self) -> None:
        w = self.window
        self.toggle_action = QAction("&Quality map", w, checkable=True)
        self.toggle_action.setShortcut(QKeySequence(SHORTCUT))
        self.toggle_action.setToolTip(f"Shade the register by the quality of its records "
                                      f"({SHORTCUT})")
        self.toggle_action.triggered.connect(lambda _: self.model.toggle_map())
        group = QActionGroup(w)
        self.shading_actions = {}
        for key in SHADINGS:
            a = QAction(f"Map colours: {SHADING_LABELS[key]}", w, checkable=True)
            a.setChecked(key == self.model.shading)
            a.triggered.connect(lambda _=False, k=key: self.model.set_shading(k))
            group.addAction(a)
            self.shading_actions[key] = a
        view = next((a.menu() for a in w.menuBar().actions() if a.text() == "&View"), None)
        if view is not None:
            view.addSeparator()
            view.addAction(self.toggle_action)
            for a in self.shading_actions.values():
                view.addAction(a)
            view.addAction(self.dock.toggleViewAction())

    # -- the quality map -----------------------------------------------------------------
    def _register_layer(self):
        return self.state.layers.register_layer()

    def _shading_changed(self, name: str) -> None:
        self.shading.shading = name
        self.toggle_action.setChecked(name != "utility")
        self.shading_actions[name].setChecked(True)
        self._read_classes()
        layer = self._register_layer()
        if layer is not None:
            self.canvas.refresh_layer(layer)
        self.canvas.update()

    def _layer_changed(self, layer) -> None:
        if layer.kind == REGISTER:
            self._read_classes()

    def _read_classes(self) -> None:
        """Read the quality classes of the drawn register layer, once, in a worker."""
        layer, session = self._register_layer(), self.window.session
        packed = layer.data if layer is not None else None
        if self._reading_classes or session is None or not self.shading.needs_classes(packed):
            return
        self._reading_classes = True
        token = self.state.loading.begin("Reading the records' quality for the map")
        today = clock.today()

        def work(task):
            if self.window.session is not session:  # closed while this waited its turn
                return None
            return session.shared_read(
                lambda store: read_quality_classes(store, packed.n_features, today, packed))

        def done(answer):
            self._reading_classes = False
            self.state.loading.end(token)
            if self.window.session is not session:  # closed meanwhile: nothing to show
                pass
            elif answer is None:
                self.window.status("The register changed while its quality was read: "
                                   "reopen it to see the quality map")
            elif layer.data is packed and self.window.session is session:
                self.shading.set_classes(packed, *answer)
                self.canvas.refresh_layer(layer)
            self._read_classes()  # the layer may have been reloaded meanwhile

        def failed(exc, tb):
            self._reading_classes = False
            self.state.loading.end(token)
            from .errors import show_exception

            show_exception(exc, tb, title="Reading the records' quality")

        submit(work, on_done=done, on_error=failed, name="Reading the records' quality",
               pool=reads_pool())

    # -- the tables ------------------------------------------------------------------------
    def changed(self) -> None:
        """What the tables are for changed: computed again once things settle (while shown)."""
        self._dirty = True
        if self.dock.isVisible():
            if self._settling is None:  # the window is not idle until the tables follow
                self._settling = self.state.loading.begin("Waiting for the map to settle")
            self._timer.start()

    def _settle_done(self) -> None:
        if self.dock.isVisible():
            self.refresh()
        else:  # hidden meanwhile: computed when shown again
            self._settled()

    def _settled(self) -> None:
        if self._settling is not None:
            self.state.loading.end(self._settling)
            self._settling = None

    def _register_loaded(self) -> None:
        self._dirty = True
        if self.dock.isVisible():
            self.refresh()
        self._read_classes()

    def _closed(self) -> None:
        self._timer.stop()
        self._settled()
        self.shading.forget()
        self.model.clear()
        self._dirty = True

    def area(self):
        """The tables' area in the working CRS (None: the whole register); raises ValueError
        with what to do when there is none (no dig drawn)."""
        scope = self.model.scope
        if scope == "register":
            return None
        if scope == "dig":
            polygon = self.state.dig.polygon
            if polygon is None:
                raise ValueError("draw a dig (Dig menu) to see the quality of the records under it")
            return polygon
        return shapely.box(*self.canvas.view.state.extent)

    def refresh(self) -> None:
        self._timer.stop()
        self._settled()
        session = self.window.session
        if session is None:
            return
        layer = self._register_layer()
        if layer is not None and layer.data is None:
            # the register's assets are still being read (its first frame is the index's
            # density view): the report's own read waits for them (registerLoaded) rather
            # than copying and reading the register beside them
            self._dirty = True
            return
        if self._running:
            self._again = True
            return
        self._dirty = self._again = False
        request = self.model.expect()
        try:
            area = self.area()
        except ValueError as exc:
            self.model.deliver(request, None, str(exc))
            return
        self._running = True
        token = self.state.loading.begin("Computing the data quality")

        def work(task):
            from asset_register.quality import quality_report

            if self.window.session is not session:  # closed while this waited its turn
                return None
            # (the store and snapshot copy the reads after an opening share)
            return session.shared_read(lambda store: quality_report(store, area=area))

        def finished():
            self._running = False
            self.state.loading.end(token)
            if self._again:
                self.refresh()

        def done(report):
            self.model.deliver(request, report)
            finished()

        def failed(exc, tb):
            self.model.deliver(request, None, str(exc) or type(exc).__name__)
            finished()

        # (after the register's label fields and the search box's ids, not beside them)
        submit(work, on_done=done, on_error=failed, name="Computing the data quality",
               pool=reads_pool())
