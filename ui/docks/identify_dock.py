"""Identify results: every canonical field, the original attributes, accuracy and the
source batch of the assets under a click."""

from __future__ import annotations

import json

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDockWidget, QHeaderView, QTreeWidget, QTreeWidgetItem

from .frame_model import format_value

CANONICAL = ["asset_id", "owner", "utility", "asset_class", "status", "depth_m", "depth_source",
             "diameter_mm", "pressure", "pressure_bar", "voltage", "voltage_v", "material",
             "captured_on", "restricted", "version", "valid_from"]
ACCURACY = ["h_accuracy_m", "v_accuracy_m", "quality_level", "crs_accuracy_m"]
SOURCE = ["batch_id", "delivery", "source_file", "source_layer", "source_crs", "transformation",
          "transformation_accuracy_m", "profile", "source_sha256", "imported_at"]


class IdentifyDock(QDockWidget):
    def __init__(self, parent=None) -> None:
        super().__init__("Identify", parent)
        self.setObjectName("IdentifyDock")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Field", "Value"])
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.setWidget(self.tree)
        self.assets: list[dict] = []
        self.record = None  # record(asset): the audit entry of a restricted asset shown

    def show_assets(self, assets: list[dict]) -> None:
        """Show the assets' details; opening a restricted one is recorded in the audit log."""
        if self.record is not None:
            for asset in assets:
                if asset.get("restricted"):
                    self.record(asset)
        self._show(assets)

    def _show(self, assets: list[dict]) -> None:
        self.assets = assets
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
