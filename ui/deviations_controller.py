"""The deviations controller: connects the window's ``DeviationsModel`` to the register, the
map, the deviations dock and the report dialog.

- The open register's reports are read in a worker (``asset_register.deviations.reports``)
  when it opens and after every change made here; the model's ``marks`` become the
  "Deviation reports" layer (drawn by a render job, ``ui/render/deviations.py``), which is
  only in the layer list while there is an open report to draw.
- Reporting: the map's right-click on an asset (pan and identify tools), the identify dock's
  button, the Dig menu's action (an asset found but not recorded needs no asset). The dialog
  picks on the map with a ``PickTool`` lent to the canvas; saving asks for confirmation (a
  report cannot be deleted, only resolved with a reason) and records it through
  ``add_report`` in a worker, the same call as ``asset-register deviation add``.
- Acknowledge, resolve and export go through the store and ``deviations.export`` in workers;
  the dig is checked again afterwards (an open report adds its reported position to the
  check).
"""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from asset_register.errors import AssetRegisterError

from .canvas.tools import IDENTIFY_TOLERANCE_PX
from .dig.tools import PickTool
from .docks.deviations_dock import DeviationsDock
from .models.deviations import KIND_TITLES, DeviationDraft, describe, marks_at
from .models.layers import DEVIATIONS, Layer
from .workers import submit

LAYER_NAME = "Deviation reports (open)"
ZOOM_REACH_M = 12.0  # a report is shown with this much of its surroundings


class DraftOverlay:
    """The position of the report being written, on the map until it is saved or dropped
    (a typed WGS 84 position is not drawn: the register transforms it when saving)."""

    def __init__(self, controller) -> None:
        self.controller = controller

    def paint(self, p, view) -> None:
        dialog = self.controller.dialog
        if dialog is not None and dialog.draft.crs is None:
            from .render.deviations import paint_draft

            paint_draft(p, view, dialog.draft.geometry)


class DeviationsController(QObject):
    def __init__(self, window, state) -> None:
        super().__init__(window)
        self.window, self.state = window, state
        self.model = state.deviations
        self.canvas = window.canvas
        self.dock = DeviationsDock(self.model, window)
        self.pick_tool = PickTool(self.canvas)
        self.pick_tool.picked.connect(self._picked)
        self.pick_tool.cancelled.connect(self._pick_cancelled)
        self.dialog = None
        self.layer: Layer | None = None
        self.layer_visible = True
        self.loading = None  # the worker reading the reports
        self.last_saved: int | None = None
        self._tool_before = None
        self.confirm = self._confirm  # confirm(draft) -> bool (tests answer it themselves)
        self.ask_folder = self._ask_folder
        self.show_menu = lambda menu, at: menu.exec(at)  # the right-click menu (tests look at it)
        state.session.events.opened.connect(lambda _s: self.reload())
        state.session.events.closing.connect(self._closing)
        self.model.events.reports.connect(self._update_layer)
        self.model.events.selected.connect(self._show_selected)
        d = self.dock
        d.reportSelected.connect(self.model.select)
        d.acknowledgeRequested.connect(self.acknowledge)
        d.resolveRequested.connect(self.resolve)
        d.exportRequested.connect(self.export)
        d.newReportRequested.connect(lambda: self.new_report())

    def install(self, identify_tool, identify_dock) -> None:
        """Hook into the map's identify (a click on a report shows its details), the map's
        right-click and the identify dock's 'Report a deviation…'."""
        identify_tool.identifyRequested.connect(self.identify_at)
        identify_dock.reportRequested.connect(lambda asset: self.new_report(asset=asset))
        self.canvas.overlays.append(DraftOverlay(self))
        self.canvas.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.canvas.customContextMenuRequested.connect(self._context_menu)

    @property
    def session(self):
        return self.state.session.session

    # -- reading the reports -----------------------------------------------------------------
    def reload(self) -> None:
        """Read the register's reports again (in a worker); the model shows them."""
        session = self.session
        if session is None:
            return
        loading = self.state.loading
        task = loading.begin("Reading deviation reports")

        def work(_task):
            from asset_register.deviations import reports

            store = session.open_worker_store()
            try:
                return reports(store)
            finally:
                store.close()

        def done(frame):
            loading.end(task)
            if self.session is session:
                self.model.set_reports(frame)

        def failed(exc, tb):
            loading.end(task)
            from .errors import show_exception

            show_exception(exc, tb, title="The deviation reports could not be read")

        self.loading = submit(work, on_done=done, on_error=failed, name="Reading deviation reports")

    def _closing(self, _session) -> None:
        if self.dialog is not None:
            self.dialog.saving = False
            self.dialog.reject()
        self._stop_picking()
        self.layer = None  # the window state clears the layer list and the reports itself

    def _update_layer(self, _frame) -> None:
        layers, marks = self.state.layers, self.model.marks
        if self.layer is not None and self.layer not in list(layers):
            self.layer = None
        if marks is None:  # nothing open: no layer, no render job
            if self.layer is not None:
                self.layer_visible = self.layer.visible
                layers.remove(self.layer)
                self.layer = None
            return
        if self.layer is None:
            self.layer = layers.add(Layer(LAYER_NAME, DEVIATIONS, source="open deviation reports",
                                          visible=self.layer_visible, data=marks))
        else:
            layers.update(self.layer, data=marks)

    # -- selecting and identifying --------------------------------------------------------------
    def _show_selected(self, row) -> None:
        w = self.window
        if row is None:
            return
        box = self.model.bounds_of(int(row["deviation_id"]))
        # the halo marks the record the report is about (the report itself is drawn magenta)
        recorded = (row.get("recorded") or {}).get("geometry_wkt")
        geoms = [shapely.from_wkt(recorded)] if recorded else [shapely.from_wkt(row["geometry_wkt"])]
        if box is not None:
            x0, y0, x1, y1 = box
            r = ZOOM_REACH_M
            self.canvas.zoom_to((x0 - r, y0 - r, x1 + r, y1 + r), margin=0.1)
            # the halo on the report and on the stretch of its record in view, not a whole main
            near = shapely.box(x0 - 3 * r, y0 - 3 * r, x1 + 3 * r, y1 + 3 * r)
            geoms = [g for g in shapely.intersection(geoms, near) if not g.is_empty]
        w.selection.geometries = geoms
        w.identify_dock.show_deviations([row], replace=True)
        self.canvas.update()

    def identify_at(self, x: float, y: float, tolerance: float) -> list[int]:
        """Reports drawn at a click: their details join the assets in the identify dock."""
        ids = marks_at(self.model.marks, x, y, tolerance) if self.layer is not None and self.layer.visible else []
        rows = [self.model.row(i) for i in ids]
        if rows:
            self.window.identify_dock.show_deviations(rows)
            self.dock.select_report(int(ids[0]), emit=False)
        return [int(i) for i in ids]

    def context_actions(self, x: float, y: float, tolerance: float) -> list[tuple[str, object]]:
        """What the map's right-click offers at (x, y): report on each asset there, report an
        unrecorded asset at the point, show the reports drawn there."""
        actions = []
        if self.session is None:
            return actions
        assets = self.window.register.identify_at(x, y, tolerance)
        for asset in assets[:5]:
            actions.append((f"Report a deviation on {asset['asset_id']} ({asset.get('utility')})…",
                            lambda a=asset: self.new_report(asset=a)))
        actions.append(("Report an asset found here but not recorded…",
                        lambda: self.new_report(kind="unrecorded", geometry=shapely.Point(x, y))))
        for i in marks_at(self.model.marks, x, y, tolerance)[:3]:
            actions.append((f"Show deviation report {int(i)}",
                            lambda i=int(i): (self.dock.show(), self.dock.raise_(), self.dock.select_report(i))))
        return actions

    def _context_menu(self, pos) -> None:
        tool = self.canvas.tool
        if tool is None or tool.name not in ("pan", "identify"):
            return  # the dig, measure, zoom and pick tools use the right button themselves
        x, y = self.canvas.map_point(pos)
        tol = IDENTIFY_TOLERANCE_PX * self.canvas.view.state.resolution
        menu = QMenu(self.canvas)
        for text, slot in self.context_actions(x, y, tol):
            menu.addAction(text).triggered.connect(lambda _=False, s=slot: s())
        if not menu.isEmpty():
            self.show_menu(menu, self.canvas.mapToGlobal(pos))

    # -- reporting ---------------------------------------------------------------------------------
    def new_report(self, asset: dict | None = None, kind: str | None = None, geometry=None):
        """Open the report dialog (on ``asset``; none: an asset found but not recorded)."""
        w = self.window
        if self.session is None:
            w.status("Open a register before reporting a deviation")
            return None
        if self.dialog is not None:
            self.dialog.raise_()
            if asset is not None:
                self.dialog._asset_shown(asset)
            return self.dialog
        from .dialogs.deviation_dialog import DeviationDialog

        kind = kind or ("elsewhere" if asset is not None else "unrecorded")
        draft = DeviationDraft(kind=kind, asset=asset, geometry=geometry,
                               reference=self._dig_reference())
        store = self.session.store
        owners = sorted(o.code for o in store.owners())
        dialog = DeviationDialog(draft, lookup=store.get_asset, owners=owners,
                                 near=(store.crs, store.extent()), parent=w)
        dialog.pickRequested.connect(self._start_picking)
        dialog.saveRequested.connect(self._save)
        dialog.finished.connect(self._dialog_closed)
        dialog.geometryChanged.connect(lambda _g: self.canvas.update())
        self.dialog = dialog
        dialog.show()
        return dialog

    def _dig_reference(self) -> str:
        """The reference of the dig being reported from: the newest notice whose footprint
        overlaps the dig, else the planned work it lies on when it overlaps exactly one."""
        polygon = self.state.dig.polygon
        if polygon is None or self.session is None:
            return ""
        notices = self.session.store.notices()
        if len(notices):
            wkts = notices["footprint_wkt"].to_numpy(dtype=object)
            footprints = shapely.from_wkt(np.where([isinstance(w, str) for w in wkts], wkts, None))
            hits = np.flatnonzero(shapely.intersects(footprints, polygon))
            if len(hits):
                return str(notices["reference"].iloc[hits[-1]])
        works = self.state.works
        if works is None or not len(works):
            return ""
        hits = works[works.geometry.intersects(polygon)]
        return str(hits["reference"].iloc[0]) if len(hits) == 1 else ""

    def _dialog_closed(self, _code) -> None:
        self._stop_picking()
        self.dialog = None
        self.canvas.update()  # its draft position goes

    def _start_picking(self, kind: str) -> None:
        if self.canvas.tool is not self.pick_tool:
            self._tool_before = self.canvas.tool
        self.pick_tool.start(kind)
        self.canvas.set_tool(self.pick_tool)
        self.canvas.setFocus()
        self.window.status("Click the measured point on the map (Esc gives up)" if kind == "point" else
                           "Click the measured line's vertices: double-click or Enter finishes, "
                           "Backspace removes the last vertex, Esc gives up")

    def _stop_picking(self) -> None:
        if self.canvas.tool is self.pick_tool:
            self.canvas.set_tool(self._tool_before)
        self._tool_before = None

    def _picked(self, geom) -> None:
        self._stop_picking()
        if self.dialog is not None:
            self.dialog.set_geometry(geom)
            self.dialog.raise_()
            self.dialog.activateWindow()
        self.window.status("")

    def _pick_cancelled(self) -> None:
        self._stop_picking()
        if self.dialog is not None:
            self.dialog.pick_cancelled()
        self.window.status("Picking given up")

    def _confirm(self, draft: DeviationDraft) -> bool:
        what = draft.asset_id or f"an unrecorded {draft.utility or ''} asset"
        answer = QMessageBox.question(
            self.dialog or self.window, "Record the deviation report",
            f"Record '{KIND_TITLES[draft.kind]}' for {what}?\n\nA recorded report cannot be "
            "deleted: it is sent to the owner and can only be resolved, with a reason.")
        return answer == QMessageBox.StandardButton.Yes

    def _save(self, draft: DeviationDraft) -> None:
        dialog, session = self.dialog, self.session
        if dialog is None or session is None:
            return
        if not self.confirm(draft):
            dialog.show_error("Not recorded")
            return
        args = draft.arguments()

        def work(_task):
            from asset_register.deviations import add_report

            store = session.open_worker_store(read_only=False)
            try:
                return add_report(store, args.pop("kind"), **args)
            finally:
                store.close()

        def done(new_id):
            self.last_saved = int(new_id)
            if self.dialog is dialog:
                dialog.saved()
            self.window.status(f"Deviation report {new_id} recorded: export it to the owner from "
                               "the Deviations dock")
            self._changed(select=int(new_id))

        def failed(exc, tb):
            if isinstance(exc, AssetRegisterError):
                dialog.show_error(exc)
                return
            dialog.show_error(f"the report could not be recorded: {exc}")
            from .errors import show_exception

            show_exception(exc, tb, title="Recording the deviation report")

        submit(work, on_done=done, on_error=failed, name="Recording a deviation report")

    # -- the dock's actions ---------------------------------------------------------------------
    def _store_task(self, name: str, fn, message) -> None:
        """``fn(store)`` in a worker on a writable store; then the reports are read again."""
        session = self.session
        if session is None:
            return

        def work(_task):
            store = session.open_worker_store(read_only=False)
            try:
                return fn(store)
            finally:
                store.close()

        def done(value):
            from html import escape

            self.dock.show_message(escape(message(value)))
            self._changed(select=self.dock.selected_id())

        def failed(exc, tb):
            if isinstance(exc, AssetRegisterError):
                from html import escape

                self.dock.show_message(f"<span style='color:#b00020'>{escape(str(exc))}</span>")
                return
            from .errors import show_exception

            show_exception(exc, tb, title=name)

        submit(work, on_done=done, on_error=failed, name=name)

    def acknowledge(self, ids: list) -> None:
        self._store_task("Acknowledging deviation reports",
                         lambda s: s.set_deviation_status(ids, "acknowledged"),
                         lambda n: f"{n} report{'s' if n != 1 else ''} acknowledged")

    def resolve(self, ids: list, reason: str) -> None:
        self._store_task("Resolving deviation reports",
                         lambda s: s.set_deviation_status(ids, "resolved", resolution=reason),
                         lambda n: f"{n} report{'s' if n != 1 else ''} resolved")

    def _ask_folder(self, owner: str) -> str:
        return QFileDialog.getExistingDirectory(self.window, f"Folder for {owner}'s deviation reports")

    def export(self, owner: str, folder: str | None = None) -> None:
        """Write the owner's open reports (PDF, GeoJSON, IMKL-style JSON where it delivers
        IMKL) and mark them sent: new ones only, or all open ones again when none is new."""
        folder = folder or self.ask_folder(owner)
        if not folder:
            return
        frame = self.model.frame
        mine = frame[(frame["owner"] == owner) & (frame["status"] != "resolved")]
        resend = not (mine["status"] == "new").any()

        def write(store):
            from asset_register.deviations.export import export_reports

            return export_reports(store, folder, owner=owner, resend=resend)

        def message(written):
            files = written.get(owner, [])
            return f"{owner}: " + ", ".join(f.name for f in files) + f" written to {folder}"

        self._store_task("Exporting deviation reports", write, message)

    def _changed(self, select: int | None = None) -> None:
        """A report was added or moved on: read them again, check the dig again."""
        if self.session is None:  # closed meanwhile: its reports are read when it opens
            return
        if select is not None:
            def reselect(_frame, i=select):
                self.model.events.reports.disconnect(reselect)
                self.dock.select_report(i, emit=False)

            self.model.events.reports.connect(reselect)
        self.reload()
        checks = self.window.checks
        if checks.service is not None:
            checks.service.refresh()
            self.state.dig.recheck()

    def details(self, deviation_id: int) -> list[tuple[str, str]]:
        row = self.model.row(deviation_id)
        return [] if row is None else describe(row)
