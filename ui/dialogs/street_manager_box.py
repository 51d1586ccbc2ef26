"""The notice dialog's Street Manager group: the SWA codes and the promoter's decisions that the
``WorkCreateRequest`` requires (activity, traffic management, application and work type,
location types), so a pack exported from the desktop app validates like one from the CLI.

SWA codes default to the register's settings (``promoter_swa_code``, ``authority_swa_code``);
the promoter's code last typed is remembered in the user's settings.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QLineEdit, QListWidget,
                               QListWidgetItem)

from asset_register.errors import NoticeError
from asset_register.notices.vocab import SM_CHOICES, SM_DEFAULTS

_SWA = re.compile(r"^[A-Za-z0-9]{1,4}$")
COMBOS = ("activity_type", "traffic_management_type", "application_type", "work_type",
          "close_footway")
LABELS = {"activity_type": "Activity", "traffic_management_type": "Traffic management",
          "application_type": "Application", "work_type": "Work type",
          "close_footway": "Close footway"}
FLAGS = {"traffic_management_plan": "Traffic management plan",
         "lane_rental_applicable": "Lane rental applicable",
         "environmental_health_notifiable": "Environmental health notifiable"}


def _label(value: str) -> str:
    return value.replace("_", " ").capitalize()


class StreetManagerBox(QGroupBox):
    """SWA codes and Street Manager choices, with the register's defaults filled in."""

    def __init__(self, settings, app_settings=None, parent=None) -> None:
        super().__init__("Street Manager works record", parent)
        form = QFormLayout(self)
        remembered = str(app_settings.get("notice/promoter_swa", "") or "") if app_settings else ""
        self.promoter_swa = QLineEdit(remembered or settings.promoter_swa_code or "")
        self.authority_swa = QLineEdit(settings.swa_code or "")
        for w, who in ((self.promoter_swa, "promoter"), (self.authority_swa, "highway authority")):
            w.setMaxLength(4)
            w.setPlaceholderText(f"{who} SWA code, e.g. 7001")
        form.addRow("Promoter SWA code *", self.promoter_swa)
        form.addRow("Authority SWA code *", self.authority_swa)
        self.combos: dict[str, QComboBox] = {}
        for key in COMBOS:
            combo = QComboBox()
            for value in SM_CHOICES[key]:
                combo.addItem(_label(value), value)
            combo.setCurrentIndex(SM_CHOICES[key].index(SM_DEFAULTS[key]))
            self.combos[key] = combo
            form.addRow(LABELS[key], combo)
        self.locations = QListWidget()
        self.locations.setMaximumHeight(70)
        for value in SM_CHOICES["location_types"]:
            item = QListWidgetItem(_label(value))
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if value in SM_DEFAULTS["location_types"]
                               else Qt.CheckState.Unchecked)
            self.locations.addItem(item)
        form.addRow("Location types", self.locations)
        self.flags: dict[str, QCheckBox] = {}
        for key, label in FLAGS.items():
            self.flags[key] = QCheckBox(label)
            self.flags[key].setChecked(bool(SM_DEFAULTS[key]))
            form.addRow("", self.flags[key])

    def set_locations(self, values: list[str]) -> None:
        for i in range(self.locations.count()):
            item = self.locations.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in values
                               else Qt.CheckState.Unchecked)

    def choices(self) -> dict:
        """The ``street_manager`` options of write_notice_pack (every decision explicit)."""
        out = {key: combo.currentData() for key, combo in self.combos.items()}
        out |= {key: box.isChecked() for key, box in self.flags.items()}
        out["location_types"] = [
            self.locations.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.locations.count())
            if self.locations.item(i).checkState() == Qt.CheckState.Checked]
        if not out["location_types"]:
            raise NoticeError("no Street Manager location type ticked: tick where the works are "
                              "(carriageway, footway...)")
        return out

    def swa_codes(self) -> tuple[str | None, str | None]:
        """(promoter, highway authority) SWA codes; NoticeError for a code that is not one."""
        codes = []
        for w, who in ((self.promoter_swa, "promoter"), (self.authority_swa, "highway authority")):
            text = w.text().strip()
            if text and not _SWA.match(text):
                raise NoticeError(f"{who} SWA code {text!r} is not 1 to 4 letters or digits: give "
                                  "the Street Manager code, e.g. 7001")
            codes.append(text or None)
        return codes[0], codes[1]
