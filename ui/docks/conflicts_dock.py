"""The conflicts dock: every asset in conflict with the dig, most severe first, and the
owners to contact (affected, no assets affected, no data here)."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QDockWidget, QHeaderView, QLabel, QTableView,
                               QTabWidget, QVBoxLayout, QWidget)

from ..render.styles import SEVERITY_COLOURS
from .frame_model import FrameModel

CONFLICT_VIEW = [
    ("severity", "Severity"), ("asset_id", "Asset"), ("owner", "Owner"), ("utility", "Utility"),
    ("asset_class", "Class"), ("status", "Status"), ("distance_m", "Distance m"),
    ("clearance_m", "Clearance m"), ("uncertainty_m", "± m"), ("h_accuracy_m", "Accuracy m"),
    ("quality_level", "QL"), ("depth_m", "Depth m"), ("diameter_mm", "Ø mm"),
    ("pressure", "Pressure"), ("voltage", "Voltage"), ("class_basis", "Class from"),
    ("precaution", "Precaution"),
]
OWNER_VIEW = [("owner", "Owner"), ("status", "Response"), ("name", "Name"), ("phone", "Phone"),
              ("emergency_phone", "Emergency"), ("email", "Email"), ("conflicts", "Conflicts"),
              ("reason", "Why no data")]


def owner_label(item: dict) -> str:
    """The owner's code; for an expected utility that no owner covers at the site (the
    ``expected_utilities`` rule: ``owner`` is None) the utility, so it is never dropped."""
    code = item.get("code") or item.get("owner")
    if code:
        return str(code)
    utility = item.get("utility")
    return f"{utility} (no owner)" if utility else "unknown owner"


def owner_frame(result) -> pd.DataFrame:
    rows = []
    for status, items in (("affected", result.owners_affected),
                          ("no assets affected", result.owners_no_conflict),
                          ("NO DATA HERE", result.owners_no_data)):
        for item in items:
            row = {"status": status, **{k: v for k, v in item.items() if not isinstance(v, (list, dict))}}
            row["owner"] = owner_label(item)
            rows.append(row)
    return pd.DataFrame(rows)


class ConflictsDock(QDockWidget):
    conflictSelected = Signal(object)  # pandas row (with geometry) or None

    def __init__(self, parent=None) -> None:
        super().__init__("Conflicts", parent)
        self.setObjectName("ConflictsDock")
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)
        self.summary = QLabel("Draw a dig footprint to check it against the register.")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.model = FrameModel(columns=CONFLICT_VIEW, colour_column="severity",
                                colours={k: v.name() for k, v in SEVERITY_COLOURS.items()})
        self.table = self._table(self.model)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.owners_model = FrameModel(columns=OWNER_VIEW)
        self.owners_table = self._table(self.owners_model)
        self.tabs.addTab(self.table, "Assets")
        self.tabs.addTab(self.owners_table, "Owners")
        lay.addWidget(self.tabs)
        self.setWidget(body)

    @staticmethod
    def _table(model) -> QTableView:
        t = QTableView()
        t.setModel(model)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.setAlternatingRowColors(True)
        t.verticalHeader().setDefaultSectionSize(22)
        t.verticalHeader().hide()
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        t.horizontalHeader().setStretchLastSection(True)
        return t

    def set_checking(self, on: bool) -> None:
        if on:
            self.summary.setText("<i>Checking…</i>")

    def show_error(self, message: str) -> None:
        self.model.set_frame(None)
        self.owners_model.set_frame(None)
        self.summary.setText(f"<span style='color:#b00020'><b>Footprint not checked:</b> {message}</span>")

    def set_result(self, result) -> None:
        if result is None:
            self.model.set_frame(None)
            self.owners_model.set_frame(None)
            self.summary.setText("Draw a dig footprint to check it against the register.")
            return
        conf = result.conflicts
        self.model.set_frame(conf)
        self.owners_model.set_frame(owner_frame(result))
        counts = conf["severity"].value_counts() if len(conf) else {}
        chips = " ".join(
            f"<span style='background:{SEVERITY_COLOURS[s].name()};color:{'#fff' if s != 'caution' else '#000'};"
            f"padding:2px'>&nbsp;{int(counts.get(s, 0))} {s}&nbsp;</span>" for s in ("strike", "danger", "caution"))
        owners = ", ".join(owner_label(o) for o in result.owners_affected) or "none"
        nodata = ", ".join(owner_label(o) for o in result.owners_no_data)
        works = 0 if result.works_overlapping is None else len(result.works_overlapping)
        html = (f"<b>{len(conf)} conflicting assets</b> {chips}<br>Owners to contact: <b>{owners}</b>"
                f" · planned works to coordinate: <b>{works}</b> · checked in {result.seconds * 1000:.0f} ms")
        if nodata:
            html += (f"<br><span style='color:#b00020'>No records here from: {nodata} — "
                     "absence of records is not absence of assets</span>")
        for w in result.warnings[:3]:
            html += f"<br><span style='color:#8a6d00'>⚠ {w}</span>"
        self.summary.setText(html)
        self.table.resizeColumnsToContents()
        self.owners_table.resizeColumnsToContents()

    def _selected(self, *args) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.conflictSelected.emit(self.model.row(rows[0].row()) if rows else None)

    def select_row(self, i: int) -> None:
        self.table.selectRow(i)
