"""Identify results: every canonical field, the original attributes, accuracy and the
source batch of the assets under a click."""

from __future__ import annotations

import json

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QDockWidget, QHeaderView, QPushButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from .frame_model import format_value, plain_tip

CANONICAL = ["asset_id", "owner", "utility", "asset_class", "status", "depth_m", "depth_source",
             "diameter_mm", "pressure", "pressure_bar", "voltage", "voltage_v", "material",
             "captured_on", "restricted", "version", "valid_from"]
ACCURACY = ["h_accuracy_m", "v_accuracy_m", "quality_level", "crs_accuracy_m"]
SOURCE = ["batch_id", "delivery", "source_file", "source_layer", "source_crs", "transformation",
          "transformation_accuracy_m", "profile", "source_sha256", "imported_at"]


class IdentifyDock(QDockWidget):
    reportRequested = Signal(object)  # the asset (dict) a deviation report is to be about

    def __init__(self, parent=None) -> None:
        super().__init__("Identify", parent)
        self.setObjectName("IdentifyDock")
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 0, 0)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Field", "Value"])
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        lay.addWidget(self.tree, 1)
        self.report_button = QPushButton("Report a deviation…")
        self.report_button.setToolTip("Report what was found on site against the selected asset's "
                                      "record (or right-click it on the map)")
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self._report)
        lay.addWidget(self.report_button)
        self.setWidget(body)
        self.assets: list[dict] = []
        self.deviations: list[dict] = []
        self.record = None  # record(asset): the audit entry of a restricted asset shown

    def show_assets(self, assets: list[dict]) -> None:
        """Show the assets' details; opening a restricted one is recorded in the audit log."""
        if self.record is not None:
            for asset in assets:
                if asset.get("restricted"):
                    self.record(asset)
        self._show(assets)

    def _report(self) -> None:
        """The asset of the selected item (or the only one shown) is to be reported on."""
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        index = self.tree.indexOfTopLevelItem(item) if item is not None else 0
        if 0 <= index < len(self.assets):
            self.reportRequested.emit(self.assets[index])

    def show_deviations(self, rows: list[dict], replace: bool = False) -> None:
        """Deviation reports under the click (after its assets), or alone (``replace``)."""
        from ..models.deviations import describe

        if replace or not self.assets:
            self.assets = []
            self.tree.clear()
            self.report_button.setEnabled(False)
        self.deviations = rows
        bold = QFont()
        bold.setBold(True)
        for row in rows:
            lines = describe(row)
            top = QTreeWidgetItem(self.tree, [f"Deviation {int(row['deviation_id'])}", lines[0][1]])
            top.setFont(0, bold)
            top.setForeground(0, QColor("#b0006a"))
            for key, value in lines[1:]:
                item = QTreeWidgetItem(top, [key, value])
                item.setToolTip(1, plain_tip(value))
            top.setExpanded(True)
        self.raise_()

    def _show(self, assets: list[dict]) -> None:
        self.assets = assets
        self.deviations = []
        self.report_button.setEnabled(bool(assets))
        self.tree.clear()
        if not assets:
            QTreeWidgetItem(self.tree, ["Nothing here", "click on an asset"])
            return
        bold = QFont()
        bold.setBold(True)
        for asset in assets:
            kind = f"{asset.get('utility')} {asset.get('asset_class')} · {asset.get('owner')}"
            top = QTreeWidgetItem(self.tree, [str(asset.get("asset_id")), kind])
            top.setFont(0, bold)
            for title, keys in (("Asset", CANONICAL), ("Accuracy", ACCURACY), ("Source batch", SOURCE)):
                group = QTreeWidgetItem(top, [title, ""])
                group.setFont(0, bold)
                for k in keys:
                    QTreeWidgetItem(group, [k, format_value(asset.get(k))])
                group.setExpanded(True)
            attrs = asset.get("attrs") or {}
            if isinstance(attrs, str):
                try:
                    attrs = json.loads(attrs)
                except ValueError:
                    attrs = {"attrs": attrs}
            group = QTreeWidgetItem(top, ["Original attributes", f"{len(attrs)} fields"])
            group.setFont(0, bold)
            for k, v in attrs.items():
                item = QTreeWidgetItem(group, [str(k), format_value(v)])
                item.setToolTip(1, format_value(v))
            group.setExpanded(True)
            top.setExpanded(True)
        self.tree.scrollToTop()
        self.raise_()
