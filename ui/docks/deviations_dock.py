"""The deviations dock: the register's deviation reports (status, owner, what was found, when),
a report selected is shown on the map; acknowledge, resolve and export the owner's files.

It shows ``DeviationsModel`` (``ui/models/deviations.py``) and asks the controller for every
change (``ui/deviations_controller.py``), which goes through the core as the CLI does."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDockWidget, QHBoxLayout, QInputDialog, QLabel,
                               QPushButton, QVBoxLayout, QWidget)

from ..models.deviations import KIND_TITLES, DeviationsModel, describe
from .frame_model import FrameModel, frame_table, plain_tip

VIEW = [("deviation_id", "#"), ("status", "Status"), ("owner", "Owner"), ("what", "Found"),
        ("asset_id", "Asset"), ("reported_on", "Reported"), ("reference", "Dig / notice")]
TIPS = {"deviation_id": "The report's number, as on its marker on the map",
        "status": "new: not sent yet · sent: exported to the owner · acknowledged: the owner "
                  "replied · resolved: a re-delivery changed the asset, or closed by hand",
        "what": "What was found on site against the record",
        "reported_on": "The day the report was recorded"}
STATUS_COLOURS = {"new": "#e6007e", "sent": "#f6c1de", "acknowledged": "#fbe3f0", "resolved": "#dfe3e8"}


UNKNOWN = "unknown"


def owner_codes(owners) -> list[str]:
    """Each report's owner as the dock shows and filters it (no owner known: ``UNKNOWN``)."""
    return [o if isinstance(o, str) else UNKNOWN for o in owners]


def table_frame(frame: pd.DataFrame | None, show_resolved: bool, owner: str | None = None) -> pd.DataFrame | None:
    """The dock's rows: newest first, resolved ones only when asked for, one owner's only
    when one is chosen."""
    if frame is None or not len(frame):
        return None
    out = frame if show_resolved else frame[frame["status"] != "resolved"]
    out = out.assign(what=[KIND_TITLES.get(k, k) for k in out["kind"]],
                     reported_on=[str(v)[:10] if v else "" for v in out["reported_at"]],
                     owner=owner_codes(out["owner"]))
    if owner is not None:
        out = out[out["owner"] == owner]
    return out.sort_values("deviation_id", ascending=False)


class DeviationsDock(QDockWidget):
    reportSelected = Signal(object)  # report id or None
    acknowledgeRequested = Signal(list)
    resolveRequested = Signal(list, str)  # ids, reason
    exportRequested = Signal(str)  # owner
    newReportRequested = Signal()

    def __init__(self, model: DeviationsModel, parent=None) -> None:
        super().__init__("Deviations", parent)
        self.setObjectName("DeviationsDock")
        self.reports = model
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.summary = QLabel("No register open.")
        self.show_resolved = QCheckBox("Show resolved")
        self.show_resolved.setToolTip("List the reports a re-delivery or a user resolved as well")
        self.show_resolved.toggled.connect(lambda _: self._show(model.frame))
        self.owner = QComboBox()
        self.owner.setToolTip("List one owner's reports (what its export sends)")
        self.owner.addItem("All owners", None)
        self.owner.currentIndexChanged.connect(lambda _: self._show(model.frame, owners=False))
        self.message = QLabel("")  # what the last action did (kept when the list is read again)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        top.addWidget(self.summary)
        top.addWidget(self.message, 1)
        top.addWidget(self.owner)
        top.addWidget(self.show_resolved)
        lay.addLayout(top)
        self.table_model = FrameModel(columns=VIEW, colour_column="status", colours=STATUS_COLOURS, tips=TIPS)
        self.table = frame_table(self.table_model)
        self.table.setToolTip("Up/Down walk the reports; the map shows the one selected")
        self.table.selectionModel().selectionChanged.connect(self._selected)
        lay.addWidget(self.table, 1)
        bar = QHBoxLayout()
        self.buttons = {}
        for key, text, tip, slot in (
                ("new", "Report…", "Report what was found on site (Ctrl+Shift+E)", self.newReportRequested.emit),
                ("acknowledge", "Acknowledge", "The owner replied to this report", self.acknowledge),
                ("resolve", "Resolve…", "Close this report by hand, with the reason", lambda: self.resolve()),
                ("export", "Export owner's files…", "Write the owner's PDF and GeoJSON (and IMKL-style "
                                                    "JSON) of its open reports, and mark them sent",
                 self.export)):
            b = QPushButton(text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            bar.addWidget(b)
            self.buttons[key] = b
        bar.addStretch()
        lay.addLayout(bar)
        self.setWidget(body)
        model.events.reports.connect(self._show)
        self._update_buttons()

    # -- showing the model ---------------------------------------------------------------
    def _owners(self, frame) -> None:
        """The owner filter's choices: the owners with reports (the one chosen kept)."""
        chosen = self.owner.currentData()
        codes = [] if frame is None else sorted(set(owner_codes(frame["owner"])))
        self.owner.blockSignals(True)
        self.owner.clear()
        self.owner.addItem("All owners", None)
        for code in codes:
            self.owner.addItem(code, code)
        self.owner.setCurrentIndex(max(0, self.owner.findData(chosen)) if chosen in codes else 0)
        self.owner.blockSignals(False)

    def _show(self, frame, owners: bool = True) -> None:
        keep = self.selected_id()
        if owners:
            self._owners(frame)
        self.table_model.set_frame(table_frame(frame, self.show_resolved.isChecked(), self.owner.currentData()))
        n_open = self.reports.open_count()
        total = 0 if frame is None else len(frame)
        if frame is None:
            self.summary.setText("No register open.")
        else:
            self.summary.setText("No deviation reports in this register." if not total else
                                 f"<b>{n_open} open</b> of {total} report{'s' if total != 1 else ''}")
        self.table.resizeColumnsToContents()
        if keep is not None:
            self.select_report(keep, emit=False)
        self._update_buttons()

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return int(self.table_model.row(rows[0].row())["deviation_id"]) if rows else None

    def selected_row(self) -> dict | None:
        i = self.selected_id()
        return None if i is None else self.reports.row(i)

    def select_report(self, deviation_id: int, emit: bool = True) -> bool:
        frame = self.table_model.frame
        if not len(frame):
            return False
        hit = (frame["deviation_id"] == int(deviation_id)).to_numpy().nonzero()[0]
        if not len(hit):
            return False
        self.table.blockSignals(not emit)
        self.table.selectionModel().blockSignals(not emit)
        self.table.selectRow(int(hit[0]))
        self.table.selectionModel().blockSignals(False)
        self.table.blockSignals(False)
        self._update_buttons()
        return True

    def _selected(self, *args) -> None:
        self._update_buttons()
        row = self.selected_row()
        if row is not None:
            self.table.setToolTip(plain_tip("\n".join(f"{k}: {v}" for k, v in describe(row))))
        self.reportSelected.emit(None if row is None else int(row["deviation_id"]))

    def _update_buttons(self) -> None:
        row = self.selected_row()
        status = None if row is None else row["status"]
        self.buttons["acknowledge"].setEnabled(status in ("new", "sent"))
        self.buttons["resolve"].setEnabled(status in ("new", "sent", "acknowledged"))
        self.buttons["export"].setEnabled(status in ("new", "sent", "acknowledged")
                                          and isinstance(row.get("owner"), str))

    # -- actions (the controller does them) --------------------------------------------------
    def acknowledge(self) -> None:
        i = self.selected_id()
        if i is not None:
            self.acknowledgeRequested.emit([i])

    def resolve(self, reason: str | None = None) -> None:
        i = self.selected_id()
        if i is None:
            return
        if reason is None:
            reason, ok = QInputDialog.getText(self, "Resolve the report",
                                              f"Why is report {i} resolved (e.g. owner corrected "
                                              "the record by letter)?")
            if not ok:
                return
        if not reason.strip():
            self.show_message("<span style='color:#b00020'>Give the reason the report is "
                              "resolved</span>")
            return
        self.resolveRequested.emit([i], reason.strip())

    def export(self) -> None:
        row = self.selected_row()
        if row is not None and isinstance(row.get("owner"), str):
            self.exportRequested.emit(row["owner"])

    def show_message(self, html: str) -> None:
        self.message.setText(f" · {html}" if html else "")

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.table.clearSelection()
            return
        super().keyPressEvent(event)
