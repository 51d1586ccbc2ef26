"""The mapping editor: one row per canonical field — source field or constant, unit and
value map — editing a ``Profile`` in place for one layer."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHeaderView, QLineEdit, QTableWidget, QTableWidgetItem

from asset_register.errors import ProfileError
from asset_register.model import ENUM_COLUMNS
from importers.profiles import BY_GEOMETRY, MAPPABLE, FieldRule, Profile, allowed_units

NONE = "—"


def rule_dicts(profile: Profile, layer: str) -> tuple[dict, dict]:
    """(constants, fields) dicts to edit for ``layer``: its own table in a multi-layer profile."""
    if profile.layers:
        from importers.profiles import LayerRule

        rule = profile.layers.setdefault(layer, LayerRule())
        return rule.constants, rule.fields
    return profile.constants, profile.fields


def format_values(values: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in values.items())


def parse_values(text: str, target: str) -> dict:
    out = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        if "=" not in part:
            raise ProfileError(f"{target}: value map entry {part!r} is not 'source=canonical'")
        k, v = (s.strip() for s in part.split("=", 1))
        if target in ENUM_COLUMNS and v not in {e.value for e in ENUM_COLUMNS[target]}:
            raise ProfileError(f"{target}: {v!r} is not one of {[e.value for e in ENUM_COLUMNS[target]]}")
        out[k] = v
    return out


class MappingTable(QTableWidget):
    edited = Signal()
    HEADERS = ["Canonical field", "Source field", "Constant", "Unit", "Value map (source=canonical; …)"]

    def __init__(self, parent=None) -> None:
        super().__init__(len(MAPPABLE), len(self.HEADERS), parent)
        self.setHorizontalHeaderLabels(self.HEADERS)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(26)
        self.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.profile: Profile | None = None
        self.layer: str | None = None
        self._loading = False

    def load(self, profile: Profile, layer: str, fields: list[str]) -> None:
        self._loading = True
        self.profile, self.layer = profile, layer
        effective = profile.for_layer(layer)
        for row, target in enumerate(MAPPABLE):
            item = QTableWidgetItem(target)
            self.setItem(row, 0, item)
            rule = effective.fields.get(target)
            src = QComboBox()
            src.addItem(NONE)
            src.addItems(fields)
            if rule is not None and rule.source in fields:
                src.setCurrentText(rule.source)
            src.currentTextChanged.connect(lambda _t, r=row: self._changed(r))
            self.setCellWidget(row, 1, src)
            const = QComboBox() if target in ENUM_COLUMNS else QLineEdit()
            value = effective.constants.get(target)
            if isinstance(const, QComboBox):
                const.addItem("")
                const.addItems([e.value for e in ENUM_COLUMNS[target]])
                if target == "asset_class":  # each feature's class from its own geometry
                    const.addItem(BY_GEOMETRY)
                const.setCurrentText("" if value is None else str(value))
                const.currentTextChanged.connect(lambda _t, r=row: self._changed(r))
            else:
                const.setText("" if value is None else str(value))
                const.editingFinished.connect(lambda r=row: self._changed(r))
            self.setCellWidget(row, 2, const)
            unit = QComboBox()
            unit.addItem("")
            unit.addItems(list(allowed_units(target)))
            unit.setEnabled(bool(allowed_units(target)))
            unit.setCurrentText((rule.unit or "") if rule else "")
            unit.currentTextChanged.connect(lambda _t, r=row: self._changed(r))
            self.setCellWidget(row, 3, unit)
            values = QLineEdit(format_values(rule.values) if rule else "")
            values.editingFinished.connect(lambda r=row: self._changed(r))
            self.setCellWidget(row, 4, values)
        self.resizeColumnsToContents()
        self.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self._loading = False

    def set_source(self, target: str, source: str) -> None:
        self.cellWidget(MAPPABLE.index(target), 1).setCurrentText(source)

    def _changed(self, row: int) -> None:
        if self._loading or self.profile is None:
            return
        target = MAPPABLE[row]
        constants, fields = rule_dicts(self.profile, self.layer)
        src = self.cellWidget(row, 1).currentText()
        const_w = self.cellWidget(row, 2)
        const = const_w.currentText() if isinstance(const_w, QComboBox) else const_w.text().strip()
        unit = self.cellWidget(row, 3).currentText() or None
        values = parse_values(self.cellWidget(row, 4).text(), target)
        if src and src != NONE:
            old = fields.get(target)
            same = old is not None and old.source == src
            fields[target] = FieldRule(source=src, unit=unit, values=values,
                                       unmatched=old.unmatched if old else None,
                                       default=old.default if old else None,
                                       date_format=old.date_format if old else None,
                                       # each row's own unit (GML uom) stays with its field
                                       unit_source=old.unit_source if same else None)
        else:
            fields.pop(target, None)
        if const:
            if target in ("depth_m", "diameter_mm", "h_accuracy_m", "v_accuracy_m"):
                try:
                    const = float(const)
                except ValueError:
                    raise ProfileError(f"{target} constant {const!r} must be a number") from None
            constants[target] = const
        else:
            constants.pop(target, None)
        self.edited.emit()
