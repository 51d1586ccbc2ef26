"""Settings: authority name and code, working CRS, rules file and colour scheme.

Authority, rules file and scheme belong to the register (every user of it and
its notices agree); the working CRS for new registers and the display scheme
are also remembered per user.
"""

from __future__ import annotations

import pyproj
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget)

from asset_register.check import load_rules
from asset_register.errors import CRSError, RulesError
from asset_register.notices.reference import AUTHORITY_CODE, AUTHORITY_NAME, COLOUR_SCHEME

from ..settings import RULES_FILE


class SettingsDialog(QDialog):
    def __init__(self, app_settings, store=None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.app_settings = app_settings
        self.store = store
        form = QFormLayout(self)
        self.authority = QLineEdit()
        self.code = QLineEdit()
        self.code.setPlaceholderText("e.g. RBC (prefix of notice references)")
        self.crs = QLineEdit(app_settings.working_crs)
        self.register_crs = QLabel(store.crs.to_string() if store is not None else "no register open")
        self.rules = QLineEdit()
        self.rules.setPlaceholderText("shipped default rules")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        rules_row = QWidget()
        row = QHBoxLayout(rules_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.rules)
        row.addWidget(browse)
        self.scheme = QComboBox()
        self.scheme.addItem("NJUG / Street Works UK", "njug")
        self.scheme.addItem("APWA (US)", "apwa")
        form.addRow("Authority name", self.authority)
        form.addRow("Authority code", self.code)
        form.addRow("Working CRS for new registers", self.crs)
        form.addRow("This register's CRS", self.register_crs)
        form.addRow("Rules file", rules_row)
        form.addRow("Colour scheme", self.scheme)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        scheme = app_settings.scheme
        if store is not None:
            self.authority.setText(store.get_setting(AUTHORITY_NAME) or "")
            self.code.setText(store.get_setting(AUTHORITY_CODE) or "")
            self.rules.setText(store.get_setting(RULES_FILE) or "")
            scheme = store.get_setting(COLOUR_SCHEME) or scheme
        self.scheme.setCurrentIndex(max(0, self.scheme.findData(scheme)))
        for w in (self.authority, self.code, self.rules):
            w.setEnabled(store is not None and not getattr(store, "read_only", False))
        self.resize(520, self.sizeHint().height())

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Rules file", "", "Rules (*.toml)")
        if path:
            self.rules.setText(path)

    def values(self) -> dict:
        return {"authority_name": self.authority.text().strip(), "authority_code": self.code.text().strip(),
                "working_crs": self.crs.text().strip(), "rules_file": self.rules.text().strip(),
                "colour_scheme": self.scheme.currentData()}

    def validate(self) -> dict:
        v = self.values()
        try:
            pyproj.CRS.from_user_input(v["working_crs"])
        except pyproj.exceptions.CRSError:
            raise CRSError(f"working CRS {v['working_crs']!r} is not known: give it as EPSG:n "
                           "(e.g. EPSG:27700)") from None
        if v["rules_file"]:
            load_rules(v["rules_file"])  # raises RulesError with what is wrong
        code = v["authority_code"]
        if code and not (code.isalnum() and len(code) <= 8):
            raise RulesError(f"authority code {code!r} must be 1–8 letters or digits (e.g. RBC)")
        return v

    def accept(self) -> None:
        from ..errors import show_exception

        try:
            v = self.validate()
        except Exception as exc:
            show_exception(exc, title="Settings not saved", parent=self)
            return
        self.app_settings.set("working_crs", v["working_crs"])
        self.app_settings.set("colour_scheme", v["colour_scheme"])
        if self.store is not None and not getattr(self.store, "read_only", False):
            self.store.set_setting(AUTHORITY_NAME, v["authority_name"])
            self.store.set_setting(AUTHORITY_CODE, v["authority_code"].upper())
            self.store.set_setting(RULES_FILE, v["rules_file"])
            self.store.set_setting(COLOUR_SCHEME, v["colour_scheme"])
        super().accept()
