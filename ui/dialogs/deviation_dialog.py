"""Report what was found on site: an asset found elsewhere (measured point or line, with its
accuracy), not found where recorded, found but not recorded, or with other attributes (depth,
material, diameter, status); notes, site photos and the dig or notice reference.

The dialog stays open while the user picks on the map (``pickRequested``: the controller
lends the canvas a ``PickTool`` and hands the geometry back with ``set_geometry``). It edits
a ``DeviationDraft`` (``ui/models/deviations.py``); saving asks the controller
(``saveRequested``), which records the report through ``asset_register.deviations`` in a
worker, as the CLI does; a refusal comes back as one line under the form (``show_error``)."""

from __future__ import annotations

import shapely
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QPlainTextEdit,
                               QPushButton, QVBoxLayout, QWidget)

from asset_register.deviations.photos import PHOTO_SUFFIXES, keep_photos
from asset_register.errors import AssetRegisterError
from asset_register.model import Utility

from ..models.deviations import (ATTRIBUTE_TITLES, KIND_TITLES, NEEDS_ASSET, NEEDS_POSITION,
                                 DeviationDraft)
from .gui_wording import for_gui

NOT_MEASURED = -1.0


WGS84 = "EPSG:4326"


def position_text(geom, crs: str | None = None) -> str:
    """'point E 530012.3 N 180003.1' / 'line of 4 vertices, 12.3 m' / 'point 51.50740 N
    -0.12780 E (WGS 84)'."""
    if geom is None:
        return "not picked"
    if crs == WGS84:
        if geom.geom_type == "Point":
            return f"point {geom.y:.6f} N {geom.x:.6f} E (WGS 84)"
        return f"line of {shapely.get_num_coordinates(geom)} vertices (WGS 84)"
    if geom.geom_type == "Point":
        return f"point E {geom.x:,.2f} N {geom.y:,.2f}"
    return f"line of {shapely.get_num_coordinates(geom)} vertices, {geom.length:.2f} m"


NEAR_M = 5000.0  # a typed position further than this from the register's data is refused


def typed_position(text: str, crs: str | None, near=None):
    """The point (one pair) or line (several) typed as 'x y' per line: eastings and
    northings in the working CRS, or longitude and latitude in WGS 84 (GNSS). ``near`` —
    (working CRS, the register's extent) — refuses a position nowhere near the register's
    data (latitude typed first, say)."""
    from asset_register.errors import ValidationError

    from .coords_dialog import parse_coordinates

    try:
        pts = parse_coordinates(text)
    except AssetRegisterError as exc:
        raise ValidationError(str(exc).replace("'easting northing'", "'x y'")) from None
    if not pts:
        raise ValidationError("no coordinates given: one 'x y' pair per line")
    if crs == WGS84:
        bad = [(x, y) for x, y in pts if not (-180 <= x <= 180 and -90 <= y <= 90)]
        if bad:
            raise ValidationError(f"{bad[0][0]} {bad[0][1]} is not 'longitude latitude' in degrees")
    geom = shapely.Point(pts[0]) if len(pts) == 1 else shapely.LineString(pts)
    if near is not None and near[1] is not None:
        working, extent = near
        probe = geom
        if crs == WGS84:
            from asset_register.errors import CRSError
            from asset_register.transform import reproject

            try:  # the transformation the report is stored with (never pyproj's default)
                probe = reproject(shapely.Point(pts[0]), WGS84, working, "typed position")
            except CRSError:  # off the register's grid: far from its data (latitude first?)
                probe = None
        if probe is None or shapely.distance(probe, shapely.box(*extent)) > NEAR_M:
            order = "longitude latitude" if crs == WGS84 else "easting northing"
            raise ValidationError(f"{pts[0][0]} {pts[0][1]} is more than {NEAR_M / 1000:g} km from "
                                  f"the register's data: give '{order}' in "
                                  f"{'WGS 84' if crs == WGS84 else 'the working CRS'}")
    return geom


def _value(value) -> str:
    """A recorded value as people write it: 304.8, not 304.79999999999995."""
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def gui_message(text) -> str:
    """A core refusal in the dialog's words: no command-line flag, one line."""
    text = str(text)
    for flag, control in (("(--at)", "(pick it on the map)"), ("(--accuracy)", "('Accuracy ± m')"),
                          ("(--asset)", "(right-click the asset on the map)"),
                          ("(--utility)", "('Utility')"), ("(--reason)", "")):
        text = text.replace(flag, control)
    return " ".join(for_gui(text).split())


class DeviationDialog(QDialog):
    pickRequested = Signal(str)  # "point" or "line"
    saveRequested = Signal(object)  # DeviationDraft
    closedWithoutSaving = Signal()
    geometryChanged = Signal(object)  # the draft's position (None: cleared)

    def __init__(self, draft: DeviationDraft, lookup=None, owners=(), near=None, parent=None) -> None:
        super().__init__(parent)
        self.near = near  # (working CRS, extent): typed positions are checked against it
        self.setWindowTitle("Report a deviation")
        self.setModal(False)
        self.lookup = lookup  # asset id -> asset dict (raises NotFoundError)
        self.draft = draft
        self.saving = False
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addLayout(form)
        self.kind = QComboBox()
        for kind, title in KIND_TITLES.items():
            self.kind.addItem(title, kind)
        self.kind.setToolTip("What was found on site against the record")
        form.addRow("Found", self.kind)
        self.asset_id = QLineEdit(draft.asset_id or "")
        self.asset_id.setPlaceholderText("right-click the asset on the map, or type its id")
        self.asset_id.editingFinished.connect(self._asset_edited)
        self.asset_label = QLabel()
        self.asset_label.setWordWrap(True)
        self.asset_label.setTextFormat(Qt.TextFormat.PlainText)  # owners' values, never markup
        form.addRow("Asset", self.asset_id)
        form.addRow("", self.asset_label)
        pos = QWidget()
        row = QHBoxLayout(pos)
        row.setContentsMargins(0, 0, 0, 0)
        self.position_label = QLabel()
        self.pick_point = QPushButton("Pick point")
        self.pick_point.setToolTip("Click the measured position on the map (Esc gives up)")
        self.pick_point.clicked.connect(lambda: self._pick("point"))
        self.pick_line = QPushButton("Digitise line")
        self.pick_line.setToolTip("Click the measured line's vertices on the map: double-click or "
                                  "Enter finishes, Backspace removes the last vertex, Esc gives up")
        self.pick_line.clicked.connect(lambda: self._pick("line"))
        self.type_position = QPushButton("Type…")
        self.type_position.setToolTip("Type the measured coordinates: eastings and northings, or "
                                      "longitude and latitude from a GNSS receiver")
        self.type_position.clicked.connect(self.choose_coordinates)
        self.clear_position = QPushButton("Clear")
        self.clear_position.clicked.connect(lambda: self.set_geometry(None))
        row.addWidget(self.position_label, 1)
        for b in (self.pick_point, self.pick_line, self.type_position, self.clear_position):
            row.addWidget(b)
        form.addRow("Measured at", pos)
        self.accuracy = QDoubleSpinBox()
        self.accuracy.setRange(NOT_MEASURED, 100.0)
        self.accuracy.setDecimals(2)
        self.accuracy.setSingleStep(0.05)
        self.accuracy.setSuffix(" m")
        self.accuracy.setSpecialValueText("not measured")
        self.accuracy.setValue(NOT_MEASURED if draft.accuracy_m is None else draft.accuracy_m)
        self.accuracy.setToolTip("How accurately the position was measured (± metres): GNSS, "
                                 "tape from a building, …")
        form.addRow("Accuracy ±", self.accuracy)
        self.utility = QComboBox()
        self.utility.setEditable(True)
        self.utility.addItems([u.value for u in Utility])
        self.utility.setCurrentText(draft.utility or "")
        form.addRow("Utility", self.utility)
        self.owner = QComboBox()
        self.owner.setEditable(True)
        self.owner.addItems(["", *owners])
        self.owner.setCurrentText(draft.owner or "")
        self.owner.setToolTip("The owner, if known from markings or covers (blank: unknown)")
        form.addRow("Owner", self.owner)
        self.found = {}
        for key, title in ATTRIBUTE_TITLES.items():
            edit = QLineEdit(str(draft.found.get(key, "")))
            self.found[key] = edit
            form.addRow(f"Found {title[0].lower()}{title[1:]}", edit)
        self.notes = QPlainTextEdit(draft.notes)
        self.notes.setPlaceholderText("What was seen on site")
        self.notes.setFixedHeight(64)
        form.addRow("Notes", self.notes)
        photos = QWidget()
        prow = QHBoxLayout(photos)
        prow.setContentsMargins(0, 0, 0, 0)
        self.photos = QListWidget()
        self.photos.setFixedHeight(54)
        for path in draft.photos:
            self.photos.addItem(str(path))
        add, remove = QPushButton("Add…"), QPushButton("Remove")
        add.clicked.connect(self.choose_photos)
        remove.clicked.connect(lambda: [self.photos.takeItem(self.photos.row(i))
                                        for i in self.photos.selectedItems()])
        prow.addWidget(self.photos, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        prow.addLayout(buttons)
        form.addRow("Photos", photos)
        self.reference = QLineEdit(draft.reference)
        self.reference.setPlaceholderText("the dig or notice reference, if any")
        form.addRow("Dig / notice", self.reference)
        self.error = QLabel("")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        outer.addWidget(self.error)
        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.box.accepted.connect(self.save)
        self.box.rejected.connect(self.reject)
        outer.addWidget(self.box)
        self.form = form
        self.kind.currentIndexChanged.connect(lambda _: self._kind_changed())
        self.kind.setCurrentIndex(max(0, self.kind.findData(draft.kind)))
        self._asset_shown(draft.asset)
        self.set_geometry(draft.geometry)
        self._kind_changed()
        self.resize(520, self.sizeHint().height())

    # -- the form follows the kind -----------------------------------------------------------
    def _show_row(self, widget, on: bool) -> None:
        self.form.setRowVisible(widget, on)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.draft.kind = kind
        self._show_row(self.asset_id, NEEDS_ASSET[kind])
        self.asset_label.setVisible(NEEDS_ASSET[kind])
        self._show_row(self.accuracy, NEEDS_POSITION[kind])
        for w in (self.utility, self.owner):
            self._show_row(w, kind == "unrecorded")
        for w in self.found.values():
            self._show_row(w, kind == "attributes")
        # a 'not found' report may say where the asset was searched for
        self.pick_line.setVisible(kind != "attributes")
        self.type_position.setVisible(kind != "attributes")
        self.pick_point.setVisible(kind != "attributes")
        self.position_label.setVisible(kind != "attributes")
        self._show_row(self.position_label.parentWidget(), kind != "attributes")
        label = self.form.labelForField(self.position_label.parentWidget())
        if label is not None:  # a 'not found' report says where it was looked for
            label.setText("Searched at" if kind == "not_found" else "Measured at")
        self.error.clear()
        self.adjustSize()

    def _asset_edited(self) -> None:
        text = self.asset_id.text().strip()
        if text == (self.draft.asset_id or ""):
            return
        if not text:
            self._asset_shown(None)
            return
        try:
            asset = self.lookup(text) if self.lookup is not None else {"asset_id": text}
        except AssetRegisterError as exc:
            self._asset_shown(None)
            self.error.setText(gui_message(exc))
            return
        self._asset_shown(asset)

    def _asset_shown(self, asset: dict | None) -> None:
        self.draft.asset = asset
        if asset is None:
            self.asset_label.setText("no asset chosen")
            return
        self.error.clear()
        self.asset_id.setText(str(asset.get("asset_id")))
        recorded = ", ".join(f"{ATTRIBUTE_TITLES[k].lower()} {_value(asset[k])}" for k in ATTRIBUTE_TITLES
                             if asset.get(k) is not None and asset.get(k) == asset.get(k))
        self.asset_label.setText(f"{asset.get('utility', '')} {asset.get('asset_class', '') or ''} · "
                                 f"{asset.get('owner', '')}" + (f" — recorded: {recorded}" if recorded else ""))
        for key, edit in self.found.items():
            value = asset.get(key)
            edit.setPlaceholderText("as recorded" if value is None or value != value
                                    else f"recorded: {_value(value)}")

    # -- the map ----------------------------------------------------------------------------------
    def _pick(self, kind: str) -> None:
        self.error.setText("Click on the map" if kind == "point" else
                           "Click the line's vertices on the map; double-click or Enter finishes")
        self.error.setStyleSheet("color: #1f6fd1")
        self.pickRequested.emit(kind)

    def set_geometry(self, geom, crs: str | None = None) -> None:
        """The measured point or line picked on the map or typed (in ``crs``; None: the
        working CRS; geom None: cleared)."""
        self.draft.geometry, self.draft.crs = geom, (crs if geom is not None else None)
        self.position_label.setText(position_text(geom, self.draft.crs))
        self.geometryChanged.emit(geom)
        self.clear_position.setEnabled(geom is not None)
        self.error.setStyleSheet("color: #b00020")
        self.error.clear()

    def choose_coordinates(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("Measured coordinates")
        form = QFormLayout(dialog)
        crs = QComboBox()
        crs.addItem("Working CRS: easting northing", None)
        crs.addItem("WGS 84 (GNSS): longitude latitude, degrees", WGS84)
        text = QPlainTextEdit()
        text.setPlaceholderText("One pair per line (one line: a point; more: a line)\n"
                                "530103.9 180606.0\n530103.4 180646.0")
        error = QLabel("")
        error.setStyleSheet("color: #b00020")
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        form.addRow("Coordinates in", crs)
        form.addRow(text)
        form.addRow(error)
        form.addRow(box)

        def ok():
            try:
                geom = typed_position(text.toPlainText(), crs.currentData(), self.near)
            except AssetRegisterError as exc:
                error.setText(gui_message(exc))
                return
            self.set_geometry(geom, crs.currentData())
            dialog.accept()

        box.accepted.connect(ok)
        box.rejected.connect(dialog.reject)
        self.coordinates_dialog = dialog  # tests fill it in
        dialog.open()

    def pick_cancelled(self) -> None:
        self.error.setStyleSheet("color: #b00020")
        self.error.clear()

    # -- photos -----------------------------------------------------------------------------------
    def choose_photos(self) -> None:
        pattern = " ".join(f"*{s}" for s in PHOTO_SUFFIXES)
        paths, _ = QFileDialog.getOpenFileNames(self, "Site photos", "", f"Photos ({pattern})")
        self.add_photos(paths)

    def add_photos(self, paths) -> bool:
        """Add photos after checking each as the core will (a file, a photo, not too large)."""
        try:
            keep_photos(paths, None)  # checked and hashed, not copied: saving copies them
        except AssetRegisterError as exc:
            self.error.setText(gui_message(exc))
            return False
        shown = {self.photos.item(i).text() for i in range(self.photos.count())}
        for path in paths:
            if str(path) not in shown:
                self.photos.addItem(str(path))
        self.error.clear()
        return True

    # -- saving -----------------------------------------------------------------------------------
    def current_draft(self) -> DeviationDraft:
        d = self.draft
        d.kind = self.kind.currentData()
        acc = self.accuracy.value()
        d.accuracy_m = None if acc <= NOT_MEASURED + 1e-9 else float(acc)
        d.utility = self.utility.currentText()
        d.owner = self.owner.currentText()
        d.found = {k: e.text().strip() for k, e in self.found.items() if e.text().strip()}
        d.notes = self.notes.toPlainText()
        d.photos = [self.photos.item(i).text() for i in range(self.photos.count())]
        d.reference = self.reference.text()
        return d

    def save(self) -> None:
        if self.saving:
            return
        self._asset_edited()
        self.saving = True
        self.box.setEnabled(False)
        self.error.setStyleSheet("color: #1f6fd1")
        self.error.setText("Saving…")
        self.saveRequested.emit(self.current_draft())

    def show_error(self, message) -> None:
        """Saving was refused: one line under the form; nothing was recorded."""
        self.saving = False
        self.box.setEnabled(True)
        self.error.setStyleSheet("color: #b00020")
        self.error.setText(gui_message(message))

    def saved(self) -> None:
        self.saving = False
        self.accept()

    def reject(self) -> None:
        if not self.saving:
            self.closedWithoutSaving.emit()
            super().reject()

    def keyPressEvent(self, event) -> None:
        # Esc does not close the dialog while its report is being recorded
        if event.key() == Qt.Key.Key_Escape and self.saving:
            return
        super().keyPressEvent(event)
