"""Enter a dig footprint by coordinates, or read one from a vector file."""

from __future__ import annotations

import re

import numpy as np
import shapely
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QPlainTextEdit)

from asset_register.check import footprint
from asset_register.errors import FootprintError

_NUM = re.compile(r"-?\d+(?:\.\d+)?")


def parse_coordinates(text: str) -> list[tuple[float, float]]:
    """One 'x y' (or 'x, y') pair per line; raises FootprintError naming the bad line."""
    points = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        nums = _NUM.findall(line)
        if len(nums) != 2:
            raise FootprintError(f"line {n} ({line.strip()!r}) is not 'easting northing'")
        points.append((float(nums[0]), float(nums[1])))
    return points


class CoordinatesDialog(QDialog):
    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Enter dig coordinates")
        form = QFormLayout(self)
        self.kind = QComboBox()
        for label, kind in (("Polygon", "polygon"), ("Trench (centre line)", "trench"),
                            ("Point (with radius)", "point")):
            self.kind.addItem(label, kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData(state.kind)))
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("530512.0 180630.5\n530530.0 180630.5\n530530.0 180640.0")
        if state.vertices:
            self.text.setPlainText("\n".join(f"{x:.2f} {y:.2f}" for x, y in state.vertices))
        form.addRow("Shape", self.kind)
        form.addRow(QLabel("One 'easting northing' pair per line, in the register's CRS:"))
        form.addRow(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(420, 360)

    def geometry(self):
        pts = parse_coordinates(self.text.toPlainText())
        kind = self.kind.currentData()
        need = {"polygon": 3, "trench": 2, "point": 1}[kind]
        if len(pts) < need:
            raise FootprintError(f"a {kind} needs at least {need} coordinate pairs; {len(pts)} given")
        if kind == "polygon":
            return shapely.Polygon(pts)
        if kind == "trench":
            return shapely.LineString(pts)
        return shapely.Point(pts[0])

    def accept(self) -> None:
        from ..errors import show_exception

        try:
            self.geometry()
        except FootprintError as exc:
            show_exception(exc, title="Coordinates not usable", parent=self)
            return
        super().accept()


def read_footprint_file(path: str, working_crs):
    """The first feature of a vector file, transformed to the working CRS (2D)."""
    frame = footprint.read_vector(path)
    geoms = frame.geometry.dropna().to_numpy()
    crs = frame.crs if frame.crs is not None else working_crs
    parts = np.asarray(geoms[:1], dtype=object)
    out, _, _ = footprint.to_working(parts, footprint.parse_crs(crs), footprint.parse_crs(working_crs), 1.0)
    return shapely.force_2d(out[0])
