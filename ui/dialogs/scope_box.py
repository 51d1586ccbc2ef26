"""The import wizard's delivery-scope control (docs/deliveries.md): what an owner's file
supersedes — the whole network, one area (read from a polygon file), or nothing
(additions). The CLI's ``--area FILE`` / ``--append``."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

SCOPES = [("network", "Whole network — retires the owner's assets the file no longer holds"),
          ("area", "One area — retires only missing assets inside an area file's polygons"),
          ("append", "Additions — retires nothing")]
AREA_FILTER = "Polygon files (*.geojson *.json *.gpkg *.shp *.kml *.gml *.fgb);;All files (*)"


class ScopeBox(QWidget):
    """Scope combo + area file; ``problem()`` says why the choice cannot be used yet."""

    changed = Signal()

    def __init__(self, wizard) -> None:
        super().__init__()
        self.w = wizard
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        for key, text in SCOPES:
            self.combo.addItem(text, key)
        self.combo.currentIndexChanged.connect(self._scope_changed)
        lay.addWidget(self.combo)
        row = QHBoxLayout()
        self.area_edit = QLineEdit()
        self.area_edit.setPlaceholderText("polygon file of the area the delivery covers")
        self.area_edit.editingFinished.connect(lambda: self.load_area(self.area_edit.text()))
        self.browse = QPushButton("Area file…")
        self.browse.clicked.connect(self._choose)
        row.addWidget(self.area_edit, 1)
        row.addWidget(self.browse)
        lay.addLayout(row)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.area = None  # shapely polygon(s) in the register's CRS, once read
        self.area_source: str | None = None
        self._error: str | None = None
        self._reading = False
        self._scope_changed()

    def scope(self) -> str:
        return self.combo.currentData()

    def set_scope(self, key: str) -> None:
        self.combo.setCurrentIndex(self.combo.findData(key))

    def options(self) -> dict:
        """The import options of this choice (ImportJob's scope/area/area_source)."""
        scope = self.scope()
        area = self.area if scope == "area" else None
        return {"scope": scope, "area": area, "area_source": self.area_source if area is not None else None}

    def problem(self) -> str | None:
        """Why Next cannot go on with this choice, or None."""
        if self.scope() != "area":
            return None
        if self._reading:
            return "reading the area file…"
        if self._error:
            return self._error
        if self.area is None:
            return "an area delivery needs its area: choose a polygon file of the area the file covers"
        return None

    def _scope_changed(self) -> None:
        on = self.scope() == "area"
        self.area_edit.setEnabled(on)
        self.browse.setEnabled(on)
        self._show()

    def _show(self) -> None:
        problem = self.problem()
        if problem:
            self.note.setText(f"<span style='color:#b00020'>{problem}</span>")
        elif self.scope() == "area":
            self.note.setText(f"Area: {self.area.area / 10_000:,.2f} ha from {Path(self.area_source).name}")
        else:
            self.note.setText("")
        self.changed.emit()

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Area of the delivery", "", AREA_FILTER)
        if path:
            self.load_area(path)

    def load_area(self, path: str) -> None:
        """Read the area file in a worker (the union of its polygons, register CRS)."""
        from importers.scope import read_area

        path = path.strip()
        self.area_edit.setText(path)
        self.area, self.area_source, self._error = None, None, None
        if not path:
            self._show()
            return
        self._reading = True
        crs = self.w.session.crs

        def done(area):
            self._reading = False
            if self.area_edit.text().strip() == path:
                self.area, self.area_source = area, path
            self._show()

        def failed(exc, tb):
            self._reading = False
            self._error = str(exc)
            self._show()

        self._show()
        self.w.run(lambda task: read_area(path, crs), done, "Reading the area", on_error=failed)
