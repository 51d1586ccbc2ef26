"""Settings, built from the one registry (asset_register.settings): a field per setting
that can be set, its widget chosen by the setting's type.

"This register" holds the register's settings (every PC and user of it agree: authority,
notice prefix, rules stored by content…); "This computer" holds this user's (working CRS
of new registers, display cache). Values are checked by the registry before anything is
saved; a bad one is refused with the registry's one-line message.
"""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QSpinBox, QVBoxLayout, QWidget)

from asset_register import settings as reg
from asset_register.check.rules import read_rules_file, store_rules


class _Field:
    """One setting's widget: ``widget`` goes in the form, ``text()``/``set_text()`` speak the
    registry's stored text."""

    def __init__(self, s: reg.Setting, parent) -> None:
        self.setting = s
        self.edit = None
        if s.kind == reg.WHOLE:
            self.edit = self.widget = QSpinBox()
            self.widget.setRange(s.low, s.high)
        elif s.kind == reg.CHOICE:
            self.edit = self.widget = QComboBox()
            for value, label in s.choices:
                self.widget.addItem(label, value)
        elif s.kind == reg.FLAG:
            self.edit = self.widget = QCheckBox()
        elif s.kind == reg.RULES:
            self.edit = QLineEdit()
            self.edit.setPlaceholderText("keep the rules in force")
            browse = QPushButton("Browse…")
            browse.clicked.connect(lambda: self._browse(parent))
            self.widget = QWidget()
            row = QHBoxLayout(self.widget)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(self.edit)
            row.addWidget(browse)
        else:  # text, codes, CRS
            self.edit = self.widget = QLineEdit()
            if s.kind != reg.TEXT:
                self.edit.setPlaceholderText(s.accepted())
        self.widget.setToolTip(f"{s.key}: {s.doc} Accepts {s.accepted()}.")

    def _browse(self, parent) -> None:
        path, _ = QFileDialog.getOpenFileName(parent, "Rules file", "", "Rules (*.toml)")
        if path:
            self.edit.setText(path)

    def text(self) -> str:
        w = self.edit
        if isinstance(w, QSpinBox):
            return str(w.value())
        if isinstance(w, QComboBox):
            return str(w.currentData())
        if isinstance(w, QCheckBox):
            return "true" if w.isChecked() else "false"
        return w.text().strip()

    def set_text(self, text: str) -> None:
        w, value = self.edit, self.setting.typed(text)
        if isinstance(w, QSpinBox):
            w.setValue(int(value))
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(max(0, w.findData(value)))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif self.setting.kind != reg.RULES:  # the rules field takes a new file only
            w.setText(str(text or ""))


class SettingsDialog(QDialog):
    def __init__(self, app_settings, store=None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.app_settings = app_settings
        self.store = store
        self.fields: dict[tuple[str, str], _Field] = {}
        writable = store is not None and not getattr(store, "read_only", False)
        outer = QVBoxLayout(self)
        group = QGroupBox("This register" + ("" if store is not None else " (none open)"))
        form = QFormLayout(group)
        for s in reg.settings_of(reg.REGISTER, editable=True):
            field = self._add(form, s)
            field.widget.setEnabled(writable)
            if store is not None and s.kind != reg.RULES:
                field.set_text(reg.text(store, s.key))
        self.rules_in_force = QLabel(reg.describe_rules(store) if store is not None else "")
        form.addRow("Rules in force", self.rules_in_force)
        crs = store.crs.to_string() if store is not None else "no register open"
        form.addRow(reg.setting("working_crs").label, QLabel(crs))
        outer.addWidget(group)
        group = QGroupBox("This computer")
        form = QFormLayout(group)
        for s in reg.settings_of(reg.MACHINE, editable=True):
            self._add(form, s).set_text(app_settings.get(s.key, s.default))
        outer.addWidget(group)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _add(self, form: QFormLayout, s: reg.Setting) -> _Field:
        field = self.fields[(s.scope, s.key)] = _Field(s, self)
        form.addRow(s.label or s.key, field.widget)
        return field

    def field(self, key: str, scope: str = reg.REGISTER) -> _Field:
        return self.fields[(scope, key)]

    def values(self) -> dict[str, dict[str, str]]:
        """The texts in the form, by scope and key."""
        out: dict[str, dict[str, str]] = {reg.REGISTER: {}, reg.MACHINE: {}}
        for (scope, key), field in self.fields.items():
            out[scope][key] = field.text()
        return out

    def validate(self) -> dict[str, dict[str, str]]:
        """The texts to store, each checked by the registry (SettingError / RulesError)."""
        v = self.values()
        for scope, values in v.items():
            for key, text in values.items():
                s = reg.setting(key, scope)
                if s.kind == reg.RULES:
                    if text:
                        read_rules_file(text)  # refused with what is wrong
                else:
                    values[key] = s.parse(text)
        return v

    def accept(self) -> None:
        from ..errors import show_exception

        try:
            v = self.validate()
        except Exception as exc:
            show_exception(exc, title="Settings not saved", parent=self)
            return
        for key, text in v[reg.MACHINE].items():
            self.app_settings.set(key, text)
        scheme = v[reg.REGISTER].get("colour_scheme")
        if scheme:  # remembered for registers that name none
            self.app_settings.set("colour_scheme", scheme)
        if self.store is not None and not getattr(self.store, "read_only", False):
            with self.store.atomic():
                for key, text in v[reg.REGISTER].items():
                    if reg.setting(key).kind == reg.RULES:
                        if text:
                            store_rules(self.store, text)
                    elif text != reg.text(self.store, key):
                        reg.write(self.store, key, text, by_user=True)
        super().accept()
