"""The main window: map canvas in the centre; layers, identify, conflicts, planned works and
notices docks; menus and toolbars with shortcuts; status bar with coordinates, OS grid
reference and scale. Window geometry is remembered between sessions.

The window is composition: its state (register, dig and undo history, layers, loading, works,
colour scheme) is a Qt-free ``WindowState`` (ui/models/window.py); controllers connect it to
the widgets — ``RegisterController`` (opening, layers, search), ``DialogsController``,
``DigCheckController`` (the check service) and the ``DigToolbar``; docks and overlays
subscribe to the model's events."""

from __future__ import annotations

import shapely
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QMainWindow, QMenu, QProgressBar, QToolBar

from asset_register import osgrid
from asset_register.errors import AssetRegisterError
from asset_register.use_log import record_export, record_identify, result_owners

from .canvas.canvas import MapCanvas
from .canvas.tools import IdentifyTool, MeasureTool, PanTool, ZoomBoxTool
from .dig.controller import DigCheckController
from .dig.overlay import DigOverlay, SelectionOverlay, WorksOverlay
from .dig.toolbar import DigToolbar
from .deviations_controller import DeviationsController
from .dig.tools import DigTool
from .docks.conflicts_dock import ConflictsDock
from .docks.identify_dock import IdentifyDock
from .docks.layers_dock import LayersDock
from .docks.search_dock import SearchDock
from .docks.works_dock import NoticesDock, WorksDock
from .icons import icon
from .models.search import NO_REGISTER
from .models.window import WindowState
from .quality_view import QualityController
from .render.street_labels import StreetLabels
from .settings import AppSettings
from .window_dialogs import DialogsController
from .window_register import RegisterController

SCALES = [500, 1000, 1250, 2500, 5000, 10000, 25000, 50000, 100000]
VECTOR_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json", ".fgb", ".gml", ".kml", ".dxf", ".csv",
                   ".zip", ".gdb", ".tab", ".mif", ".xml")


class MainWindow(QMainWindow):
    registerLoaded = Signal()

    def __init__(self, app_settings: AppSettings | None = None) -> None:
        super().__init__()
        self.app_settings = app_settings or AppSettings()
        self.state = state = WindowState(self.app_settings.scheme)
        self.setWindowTitle("Underground Asset Register")
        self.setAcceptDrops(True)
        self.canvas = MapCanvas(state.layers)
        self.setCentralWidget(self.canvas)
        self.selection = SelectionOverlay()
        self.works_overlay = WorksOverlay()
        self.street_labels = StreetLabels(self.canvas)  # over the assets, under the dig
        self.dig_overlay = DigOverlay(state.dig, lambda: self.state.scheme)
        self.canvas.overlays += [self.street_labels, self.works_overlay, self.selection, self.dig_overlay]
        self.dig_tool = DigTool(self.canvas, state.dig)
        self.checks = DigCheckController(state, self)
        self.register = RegisterController(self, state)
        self.dialogs = DialogsController(self, state)
        self.deviations = DeviationsController(self, state)
        self._build_docks()
        self._build_tools()
        self._build_actions()
        self.quality = QualityController(self, state)  # the quality dock, map and menu entries
        self._build_status()
        self._subscribe()
        self.set_tool("pan")
        geometry = self.app_settings.get("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1500, 950)
        layout = self.app_settings.get("window/state")
        if layout is not None:
            self.restoreState(layout)

    def _record_export(self, path, which: str, frame) -> None:
        """The audit entry of a conflicts table written to a file (data leaving the register)."""
        result = self.dig.result
        record_export(self.session.store, f"conflicts {which} table", path,
                      footprint=result.site.footprint if result is not None else None,
                      owners=result_owners(result)[0] if result is not None else (),
                      count=len(frame), purpose=self.checks.purpose, via="gui")

    # -- construction -----------------------------------------------------------------------
    def _build_docks(self) -> None:
        self.layers_dock = LayersDock(self.canvas.layers, self)
        self.layers_dock.addReferenceRequested.connect(self.register.choose_reference)
        self.layers_dock.layersEdited.connect(self.register.remember_references)
        self.layers_dock.zoomToLayer.connect(lambda layer: self.canvas.zoom_to(layer.bounds))
        self.identify_dock = IdentifyDock(self)
        self.identify_dock.record = lambda asset: record_identify(self.session.store, asset)
        self.search_dock = SearchDock(self)
        self.conflicts_dock = ConflictsDock(self)
        self.conflicts_dock.record = self._record_export
        self.conflicts_dock.conflictSelected.connect(self._conflict_selected)
        self.conflicts_dock.repairRequested.connect(self._repair_footprint)
        self.works_dock = WorksDock(self)
        self.works_dock.workSelected.connect(self.register.zoom_to_work)
        self.notices_dock = NoticesDock(self)
        self.notices_dock.newNoticeRequested.connect(self.dialogs.new_notice)
        self.notices_dock.openFolderRequested.connect(self.register.open_folder)
        L, R, B = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea,
                   Qt.DockWidgetArea.BottomDockWidgetArea)
        self.addDockWidget(L, self.layers_dock)
        self.addDockWidget(R, self.identify_dock)
        self.addDockWidget(B, self.conflicts_dock)
        self.addDockWidget(B, self.works_dock)
        self.addDockWidget(B, self.notices_dock)
        self.tabifyDockWidget(self.conflicts_dock, self.works_dock)
        self.tabifyDockWidget(self.works_dock, self.notices_dock)
        self.addDockWidget(B, self.deviations.dock)
        self.tabifyDockWidget(self.notices_dock, self.deviations.dock)
        self.conflicts_dock.raise_()
        self.splitDockWidget(self.identify_dock, self.search_dock, Qt.Orientation.Vertical)
        self.search_dock.hide()  # shown when a search finds more than one place
        self.resizeDocks([self.layers_dock, self.identify_dock], [250, 320], Qt.Orientation.Horizontal)
        self.resizeDocks([self.conflicts_dock], [340], Qt.Orientation.Vertical)  # 8+ rows of conflicts

    def _build_tools(self) -> None:
        self.tools = {"pan": PanTool(self.canvas), "zoom": ZoomBoxTool(self.canvas),
                      "identify": IdentifyTool(self.canvas), "measure": MeasureTool(self.canvas)}
        self.tools["identify"].identifyRequested.connect(self.register.identify_at)
        self.tools["measure"].measured.connect(lambda m: self.status(f"Distance: {m:.2f} m"))
        self.deviations.install(self.tools["identify"], self.identify_dock)

    def _action(self, text, slot, shortcut=None, icon_name=None, checkable=False, tip=None) -> QAction:
        a = QAction(text, self)
        if icon_name:
            a.setIcon(icon(icon_name))
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        a.setCheckable(checkable)
        a.setToolTip(f"{tip or text.replace('&', '').rstrip('…')}" + (f" ({shortcut})" if shortcut else ""))
        a.triggered.connect(slot)
        return a

    def _build_actions(self) -> None:
        A = self._action
        self.act = {}
        act = self.act
        dialogs, dig = self.dialogs, self.state.dig
        act["open"] = A("&Open register…", dialogs.choose_register, QKeySequence.StandardKey.Open, "open")
        act["new"] = A("&New register…", dialogs.new_register, QKeySequence.StandardKey.New)
        act["sample"] = A("Open the &sample town", dialogs.open_sample)
        act["import"] = A("&Import data…", lambda: dialogs.import_data(), "Ctrl+I", "import",
                          tip="Import owners' data")
        act["reference"] = A("Add &reference layer…", self.register.choose_reference, "Ctrl+Shift+R", "layer")
        act["notice"] = A("&Notice pack…", dialogs.new_notice, "Ctrl+Shift+N", "notice",
                          tip="Export a notice pack for the dig")
        act["settings"] = A("&Settings…", dialogs.show_settings, "Ctrl+,", "settings")
        act["quit"] = A("&Quit", self.close, QKeySequence.StandardKey.Quit)
        act["zoom_full"] = A("Zoom to &full extent", self.canvas.zoom_full, "Ctrl+Shift+F", "zoom_full")
        act["zoom_in"] = A("Zoom &in", lambda: self.canvas.view.zoom(2.0), QKeySequence.StandardKey.ZoomIn, "zoom_in")
        act["zoom_out"] = A("Zoom &out", lambda: self.canvas.view.zoom(0.5), QKeySequence.StandardKey.ZoomOut,
                            "zoom_out")
        act["zoom_layer"] = A("Zoom to &layer", self._zoom_layer)
        act["zoom_sel"] = A("Zoom to &selection", self.register.zoom_to_selection, "Ctrl+J")
        act["zoom_dig"] = A("Zoom to &dig", self.zoom_to_dig, "Ctrl+Shift+D")
        group = QActionGroup(self)
        tool_actions = [("pan", "&Pan", "P", "pan"), ("zoom", "&Zoom box", "Z", "zoom_box"),
                        ("identify", "&Identify", "I", "identify"), ("measure", "&Measure", "M", "measure"),
                        ("dig_polygon", "Dig &polygon", "Ctrl+1", "polygon"),
                        ("dig_trench", "Dig &trench", "Ctrl+2", "trench"),
                        ("dig_point", "Dig point + &radius", "Ctrl+3", "point"),
                        ("dig_edit", "&Edit dig vertices", "Ctrl+E", "edit")]
        for key, text, sc, ic in tool_actions:
            a = A(text, lambda checked=False, k=key: self.set_tool(k), sc, ic, checkable=True)
            group.addAction(a)
            act["tool_" + key] = a
        act["coords"] = A("Enter &coordinates…", dialogs.enter_coordinates, "Ctrl+K", "coords")
        act["load_fp"] = A("&Load footprint from file…", dialogs.load_footprint, "Ctrl+L", "open")
        act["clear"] = A("&Clear footprint", dig.clear, "Ctrl+Backspace", "clear")
        act["undo"] = A("&Undo", dig.undo, QKeySequence.StandardKey.Undo, "undo")
        act["redo"] = A("&Redo", dig.redo, QKeySequence.StandardKey.Redo, "redo")
        act["deviation"] = A("Report a de&viation…", lambda: self.deviations.new_report(), "Ctrl+Shift+E",
                             tip="Report what was found on site against the records")
        act["about"] = A("&About", dialogs.about)
        act["search"] = A("&Search", lambda: (self.search_box.setFocus(), self.search_box.selectAll()),
                          QKeySequence.StandardKey.Find)
        menus = self.menuBar()
        for title, keys in (("&File", ["new", "open", "sample", None, "import", "reference", None, "notice", None,
                                       "settings", None, "quit"]),
                            ("&View", ["zoom_full", "zoom_layer", "zoom_sel", "zoom_dig", "zoom_in", "zoom_out"]),
                            ("&Tools", ["tool_pan", "tool_zoom", "tool_identify", "tool_measure", "search"]),
                            ("&Dig", ["tool_dig_polygon", "tool_dig_trench", "tool_dig_point", "tool_dig_edit",
                                      None, "coords", "load_fp", "clear", None, "undo", "redo", None, "notice",
                                      "deviation"]),
                            ("&Help", ["about"])):
            m = menus.addMenu(title)
            for k in keys:
                m.addSeparator() if k is None else m.addAction(act[k])
            if title == "&Dig":  # the register's KLIC dig polygons, listed when opened
                self.delivery_menu = QMenu("Check a delivery's dig &area", m)
                self.delivery_menu.aboutToShow.connect(lambda: dialogs.fill_delivery_menu(self.delivery_menu))
                m.insertMenu(act["clear"], self.delivery_menu)
            if title == "&View":
                m.addSeparator()
                for dock in (self.layers_dock, self.identify_dock, self.search_dock, self.conflicts_dock,
                             self.works_dock, self.notices_dock, self.deviations.dock):
                    m.addAction(dock.toggleViewAction())
        nav = QToolBar("Navigation")
        nav.setObjectName("NavigationToolbar")
        for k in ("open", "import", None, "tool_pan", "tool_zoom", "zoom_in", "zoom_out", "zoom_full", None,
                  "tool_identify", "tool_measure"):
            nav.addSeparator() if k is None else nav.addAction(act[k])
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(NO_REGISTER.placeholder)  # the register's own, once open
        self.search_box.setToolTip("Enter searches; Up/Down walk the results; Esc clears the highlight")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(300)
        self.search_dock.attach(self.search_box)
        nav.addSeparator()
        nav.addWidget(self.search_box)
        self.addToolBar(nav)
        self.dig_bar = DigToolbar(dig, act, self)
        self.addToolBar(self.dig_bar)
        self.dig_bar.purposeEdited.connect(self.checks.set_purpose)
        self.checks.purposeChanged.connect(self.dig_bar.show_purpose)

    def _build_status(self) -> None:
        sb = self.statusBar()
        self.message = QLabel("")
        self.coord_label = QLabel("E — N —")
        self.grid_label = QLabel("")
        self.crs_label = QLabel("")
        self.render_label = QLabel("")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.scale_box = QComboBox()
        self.scale_box.setEditable(True)
        self.scale_box.addItems([f"1:{s:,}" for s in SCALES])
        self.scale_box.setMinimumWidth(110)
        self.scale_box.lineEdit().returnPressed.connect(self._scale_entered)
        self.scale_box.activated.connect(lambda _: self._scale_entered())
        sb.addWidget(self.message, 1)
        for w in (self.progress, self.render_label, self.coord_label, self.grid_label, QLabel("Scale"),
                  self.scale_box, self.crs_label):
            sb.addPermanentWidget(w)
        self.canvas.cursorMoved.connect(self._cursor_moved)
        self.canvas.viewChanged.connect(self._view_changed)
        self.canvas.rendered.connect(lambda _id, lod, s: None if lod.startswith("deviations") else
                                     self.render_label.setText(f"{lod} {s * 1000:.0f} ms"))

    def _subscribe(self) -> None:
        """The widgets that show the window state follow its events."""
        state, dig = self.state, self.state.dig
        state.loading.events.progress.connect(self._progress)
        state.events.scheme.connect(self._scheme_changed)
        self._scheme_changed(state.scheme)
        dig.events.result.connect(self._dig_result)
        dig.events.checking.connect(self.conflicts_dock.set_checking)
        dig.events.confidence.connect(self.conflicts_dock.set_confidence)
        dig.events.footprint.connect(lambda _: self.canvas.update())
        state.session.events.closed.connect(lambda: self.setWindowTitle("Underground Asset Register"))

    # -- what others ask of the window (delegated to its controllers) -----------------------------
    @property
    def session(self):
        """The open register's ``Session`` (None when none is open)."""
        return self.state.session.session

    @property
    def dig(self):
        """The dig model (one for the window's life)."""
        return self.state.dig

    def open_register(self, location, references: list[tuple[str, str]] | None = None) -> None:
        self.register.open_register(location, references)

    def close_register(self) -> None:
        self.register.close_register()

    def add_reference(self, path: str, layer: str | None = None) -> None:
        self.register.add_reference(path, layer)

    def import_data(self, files=None) -> None:
        self.dialogs.import_data(files)

    def new_notice(self) -> None:
        self.dialogs.new_notice()

    def run_search(self, text: str | None = None):
        return self.register.run_search(text)

    # -- status ------------------------------------------------------------------------------
    def status(self, text: str) -> None:
        self.message.setText(text)

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setVisible(fraction < 1.0)
        self.progress.setValue(int(fraction * 100))
        self.status(message)

    def _cursor_moved(self, x: float, y: float) -> None:
        self.coord_label.setText(f"E {x:,.1f}  N {y:,.1f}")
        crs = self.state.session.crs
        if crs is not None and crs.to_epsg() == 27700:
            try:
                self.grid_label.setText(osgrid.grid_reference(x, y, 10))
            except AssetRegisterError:
                self.grid_label.setText("outside the National Grid")

    def _view_changed(self, state) -> None:
        if not self.scale_box.lineEdit().hasFocus():
            self.scale_box.setEditText(f"1:{state.scale:,.0f}")

    def _scale_entered(self) -> None:
        text = self.scale_box.currentText().replace(",", "").replace(" ", "")
        try:
            self.canvas.view.set_scale(float(text.split(":")[-1]))
        except ValueError:
            self.status(f"Scale {text!r} is not like 1:2500")

    # -- tools ------------------------------------------------------------------------------------
    def set_tool(self, key: str) -> None:
        if key.startswith("dig"):
            if not self.state.session.is_open:
                self.status("Open a register before drawing a dig")
                return
            tool = self.dig_tool
            if key == "dig_edit":
                tool.edit()
            else:
                tool.start(key.split("_", 1)[1])
            self.canvas.set_tool(tool)
        else:
            self.canvas.set_tool(self.tools[key])
        a = self.act.get("tool_" + key) if hasattr(self, "act") else None
        if a is not None:
            a.setChecked(True)

    def _repair_footprint(self) -> None:
        """The conflicts dock's 'Repair the dig polygon': a self-intersecting footprint
        replaced (undoably) by its make_valid repair, then checked."""
        from .models.footprint_geometry import repaired_outline

        session = self.state.session
        if session.is_open:
            self.state.dig.set_geometry(repaired_outline(self.state.dig.state, session.crs.to_string()),
                                        "Repair footprint")

    def _dig_result(self, result) -> None:
        dig = self.state.dig
        self.dig_overlay.selected_conflict = None
        if result is None and dig.error:
            self.conflicts_dock.show_error(dig.error)
        else:
            self.conflicts_dock.set_result(result)
        if result is not None:
            self.conflicts_dock.raise_()
            n = len(result.conflicts)
            self.status(f"Dig checked: {n} conflicting asset{'s' if n != 1 else ''} "
                        f"({result.seconds * 1000:.0f} ms)")
        self.canvas.update()

    def _conflict_selected(self, row) -> None:
        dig, session = self.state.dig, self.state.session.session
        geom = None if row is None else row.get("geometry")
        self.dig_overlay.selected_conflict = geom
        if row is not None and session is not None:
            try:
                self.identify_dock.show_assets([session.store.get_asset(str(row["asset_id"]))])
            except AssetRegisterError:
                pass
        if geom is not None:
            if dig.polygon is not None:  # the dig and the asset where it conflicts
                reach = max(8.0, 2.0 * float(row.get("clearance_m") or 0.0))
                box = shapely.bounds(dig.polygon.buffer(reach))
            else:
                box = shapely.bounds(geom)
            self.canvas.zoom_to(tuple(box), margin=0.1)
        self.canvas.update()

    def zoom_to_dig(self) -> None:
        polygon = self.state.dig.polygon
        if polygon is not None:
            self.canvas.zoom_to(polygon.bounds, margin=0.6)

    def _zoom_layer(self) -> None:
        layer = self.layers_dock.selected_layer() or self.state.layers.register_layer()
        if layer is not None:
            self.canvas.zoom_to(layer.bounds)

    def _scheme_changed(self, scheme: str) -> None:
        self.canvas.set_scheme(scheme)
        self.layers_dock.set_scheme(scheme)

    # -- drag and drop, closing --------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        files = [f for f in files if f.lower().endswith(VECTOR_SUFFIXES)]
        if files:
            self.import_data(files)

    def closeEvent(self, event) -> None:
        self.app_settings.set("window/geometry", self.saveGeometry())
        self.app_settings.set("window/state", self.saveState())
        self.canvas.shutdown()
        self.close_register()
        super().closeEvent(event)

    def wait_until_idle(self, timeout_s: float = 30.0) -> bool:
        """Process events until the register is loaded, renders are done and the check ran."""
        import time as _t

        from PySide6.QtWidgets import QApplication

        end = _t.monotonic() + timeout_s
        while _t.monotonic() < end:
            QApplication.processEvents()
            busy = self.state.loading.busy or not self.canvas.is_idle() or self.state.dig.checking
            busy = busy or any(lay.data is None for lay in self.state.layers)
            if not busy:
                QApplication.processEvents()
                return True
            _t.sleep(0.01)
        return False
