"""The dig toolbar: drawing tools, width / radius / depth / method, undo and redo.

The controls show the dig model's state — the dig being checked, after undo and redo too —
and an edit in them is one edit of the model (an undo step for a drawn dig). Showing the
model's values never makes an edit of its own (signals are blocked while they are set)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QLineEdit, QToolBar

METHODS = ["mechanical", "hand", "trenchless"]


class DigToolbar(QToolBar):
    purposeEdited = Signal(str)

    def __init__(self, dig, act: dict, parent=None) -> None:
        super().__init__("Dig", parent)
        self.dig = dig
        self.undo_action, self.redo_action = act["undo"], act["redo"]
        self.setObjectName("DigToolbar")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for k in ("tool_dig_polygon", "tool_dig_trench", "tool_dig_point", "tool_dig_edit"):
            self.addAction(act[k])
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        for k in ("coords", "load_fp", "clear", "undo", "redo"):
            self.addAction(act[k])
        self.addSeparator()
        self.width_spin = self._spin("Width", 0.1, 20, "Trench width (m)")
        self.radius_spin = self._spin("Radius", 0.1, 100, "Radius of a point dig (m)")
        self.depth_spin = self._spin("Depth", 0.0, 20, "Planned depth (m)")
        self.method_box = QComboBox()
        self.method_box.addItems(METHODS)
        self.method_box.setToolTip("Excavation method")
        self.method_box.currentTextChanged.connect(lambda _: self._edited())
        self.addWidget(self.method_box)
        self.purpose_edit = QLineEdit()
        self.purpose_edit.setPlaceholderText("Purpose of the check")
        self.purpose_edit.setToolTip("Why you are checking (e.g. design enquiry for ABC-123): "
                                     "recorded with every check; required on a shared register")
        self.purpose_edit.setMaximumWidth(260)
        self.purpose_edit.editingFinished.connect(
            lambda: self.purposeEdited.emit(self.purpose_edit.text()))
        self.addWidget(QLabel(" Purpose "))
        self.addWidget(self.purpose_edit)
        self.addSeparator()
        self.addAction(act["notice"])
        dig.events.footprint.connect(self.show_state)
        dig.history.events.changed.connect(self._history_changed)
        self.show_state(dig.state)
        self._history_changed()

    def _spin(self, label, lo, hi, tip) -> QDoubleSpinBox:
        self.addWidget(QLabel(f" {label} "))
        s = QDoubleSpinBox()
        s.setRange(lo, hi)
        s.setDecimals(2)
        s.setSingleStep(0.1)
        s.setSuffix(" m")
        s.setToolTip(tip)
        s.setKeyboardTracking(False)
        s.valueChanged.connect(lambda _: self._edited())
        self.addWidget(s)
        return s

    def show_purpose(self, text: str) -> None:
        if self.purpose_edit.text() != text:
            self.purpose_edit.setText(text)

    def controls(self) -> tuple:
        return self.width_spin, self.radius_spin, self.depth_spin, self.method_box

    def show_state(self, state) -> None:
        """Show the dig's parameters without making an edit."""
        for c in self.controls():
            c.blockSignals(True)
        try:
            self.width_spin.setValue(state.width_m)
            self.radius_spin.setValue(state.radius_m)
            self.depth_spin.setValue(state.depth_m or 0.0)
            self.method_box.setCurrentText(state.method)
        finally:
            for c in self.controls():
                c.blockSignals(False)

    def _edited(self) -> None:
        self.dig.set_parameters(width_m=self.width_spin.value(), radius_m=self.radius_spin.value(),
                                depth_m=self.depth_spin.value() or None, method=self.method_box.currentText())

    def _history_changed(self) -> None:
        history = self.dig.history
        for action, can, text, word in ((self.undo_action, history.can_undo, history.undo_text, "Undo"),
                                        (self.redo_action, history.can_redo, history.redo_text, "Redo")):
            action.setEnabled(can)
            keys = action.shortcut().toString()
            action.setToolTip((f"{word} {text.lower()}" if can else word) + (f" ({keys})" if keys else ""))
