"""The last two pages of the import wizard: the import itself (child process, progress,
cancel) and the result with browsable rejects."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QProgressBar, QPushButton, QTableView, QVBoxLayout,
                               QWizardPage)

from asset_register.errors import CancelledError, RetireNotConfirmedError

from ..docks.frame_model import FrameModel
from .gui_wording import for_gui
from .import_pages import _table

DIFF = ("added", "changed", "unchanged", "retired", "rejected")


def summary_text(reports) -> str:
    """What the import did to the register, in the words of a re-delivery: added / changed /
    unchanged / retired / rejected (an unchanged re-delivery says so, never "N imported")."""
    if not reports:
        return "Nothing was imported."
    totals = {k: sum(getattr(r, k) for r in reports) for k in DIFF}
    layers = f"{len(reports)} layer{'s' if len(reports) != 1 else ''}"
    done = [r for r in reports if r.status not in ("already imported", "skipped", "empty")]
    if not done:
        why = sorted({r.status for r in reports})
        return f"No change: {layers} {' / '.join(why)} — the register is as it was."
    figures = ", ".join(f"{totals[k]:,} {k}" for k in DIFF)
    if all(r.status == "dry run" for r in done):
        return f"Dry run, nothing written — the import would give: {figures} ({layers})."
    if not (totals["added"] or totals["changed"] or totals["retired"]):
        return f"No change to the register: {figures} ({layers})."
    return f"Done: {figures} ({layers})."


class ImportPage(QWizardPage):
    def __init__(self, wizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Importing")
        self.setSubTitle("The import is written in one transaction: a cancel or a failure leaves "
                         "the register as it was.")
        lay = QVBoxLayout(self)
        self.message = QLabel("")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel import")
        self.cancel_button.clicked.connect(self.cancel)
        lay.addWidget(self.message)
        lay.addWidget(self.bar)
        lay.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addStretch()
        self.task = None
        self.jobs: list = []
        self.finished = False
        self.confirm_retire = False  # set when the user confirms a large retirement

    def initializePage(self) -> None:
        from ..import_process import run_import

        self.finished = False
        self.w.reports = []
        self.cancel_button.setEnabled(True)
        self.setCommitPage(True)
        w = self.w
        # deliveries (KLIC, INSPIRE-UN) need no profile: the child reads them with their own reader
        plan = [(p, ls, w.profiles.get(p)) for p, ls in w.selected_layers().items()]
        options = dict(owner=w.owner, owner_name=w.owner_name, utility=w.utility,
                       assume_crs=w.assume_crs, force_crs=w.force_crs, **w.scope_options())
        if w.owner_page.dry_run.isChecked():
            options["dry_run"] = True
        self.options = options  # what the import was asked to do (shown in tests and errors)
        session = w.session
        confirm, self.confirm_retire = self.confirm_retire, False  # asked again next time

        def work(task):
            return run_import(task, session.location, plan, confirm_retire=confirm, **options)

        self.task = w.run(work, self._done, "Import", on_error=self._failed, on_progress=self._progress)

    def _progress(self, f: float, message: str) -> None:
        self.bar.setValue(int(f * 1000))
        self.message.setText(message)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.message.setText("Cancelling… the layer being written is rolled back")

    def _done(self, reports) -> None:
        self.finished = True
        self.w.reports = reports
        self.bar.setValue(1000)
        self.cancel_button.setEnabled(False)
        self.message.setText(summary_text(reports))
        self.completeChanged.emit()
        self.w.next()

    def _failed(self, exc, tb) -> None:
        from ..import_process import ChildError

        if isinstance(exc, ChildError):
            exc, tb = exc.exc, exc.tb
        self.finished = True
        self.cancel_button.setEnabled(False)
        self.completeChanged.emit()
        if isinstance(exc, CancelledError):
            self.message.setText("Import cancelled: the register is unchanged.")
            return
        if isinstance(exc, RetireNotConfirmedError) and self._confirm(str(exc)):
            self.confirm_retire = True
            self.initializePage()  # the same import again, confirmed
            return
        self.message.setText(f"<span style='color:#b00020'>Import failed: {for_gui(exc)}</span>")
        from ..errors import show_exception

        show_exception(exc, tb, title="Import failed", parent=self.w)

    def _confirm(self, message: str) -> bool:
        """Ask before an import retires a large share of an owner's assets."""
        from PySide6.QtWidgets import QMessageBox

        text = message.split(": nothing was written")[0]
        answer = QMessageBox.question(
            self, "Retire assets?", f"{text}.\n\nNothing has been written yet. Retire them? "
            "Choose No if the file is an extract of one area or holds additions only.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def isComplete(self) -> bool:
        return self.finished and bool(self.w.reports)


REPORT_VIEW = [("layer", "Layer"), ("status", "Status"), ("added", "Added"), ("changed", "Changed"),
               ("unchanged", "Unchanged"), ("retired", "Retired"), ("rejected", "Rejected"),
               ("rows_read", "Read"), ("repaired", "Repaired"), ("source_crs", "Source CRS"),
               ("accuracy_m", "CRS accuracy m"), ("seconds", "Seconds"), ("warnings", "Warnings")]


REPORT_TIPS = {
    "added": "New assets: ids the register did not hold live",
    "changed": "Assets whose content differs from the live version: a new version was written",
    "unchanged": "Assets identical to the live version: nothing written",
    "retired": "Live assets of the delivery's scope that the file no longer holds",
    "rejected": "Rows that could not become assets (browse them below): kept with the batch",
    "repaired": "Invalid geometries repaired on import (make_valid)",
}


class FinishPage(QWizardPage):
    def __init__(self, wizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Result")
        self.setSubTitle("What each layer did. Select a layer to browse its rejected rows: nothing is "
                         "silently lost.")
        lay = QVBoxLayout(self)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.model = FrameModel(columns=REPORT_VIEW, tips=REPORT_TIPS)
        self.table = _table(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.clicked.connect(lambda idx: self.show_rejects(idx.row()))
        lay.addWidget(self.table)
        bar = QHBoxLayout()
        self.area_label = QLabel("")
        self.check_button = QPushButton("Check the delivery's dig area")
        self.check_button.setToolTip("Close the wizard and check the delivery's dig polygon "
                                     "against the register")
        self.check_button.clicked.connect(self.check_delivery_area)
        bar.addWidget(self.area_label, 1)
        bar.addWidget(self.check_button)
        lay.addLayout(bar)
        self.areas: list[str] = []
        self.rejects_label = QLabel("")
        lay.addWidget(self.rejects_label)
        self.rejects_model = FrameModel(columns=[("row", "Row"), ("reason", "Reason"),
                                                 ("attrs", "Original attributes")])
        self.rejects = _table(self.rejects_model)
        lay.addWidget(self.rejects)

    def initializePage(self) -> None:
        rows = []
        for r in self.w.reports:
            d = r.to_dict()
            d["warnings"] = "; ".join(for_gui(t) for t in d["warnings"])
            rows.append(d)
        self.summary.setText(f"<b>{summary_text(self.w.reports)}</b>")
        self.model.set_frame(pd.DataFrame(rows))
        self.table.resizeColumnsToContents()
        if rows:
            self.show_rejects(0)
        self.areas = imported_areas(self.w.session.store, self.w.reports)
        self.check_button.setVisible(bool(self.areas))
        self.area_label.setText(f"Dig polygon kept as delivery area <b>{', '.join(self.areas)}</b>: "
                                "check it now, or later from Dig ▸ Check a delivery's dig area"
                                if self.areas else "")

    def check_delivery_area(self) -> None:
        """Close the wizard; the main window then checks the (last) delivery's dig polygon."""
        if self.areas:
            self.w.check_area = self.areas[-1]
            self.w.accept()

    def show_rejects(self, i: int) -> None:
        if not 0 <= i < len(self.w.reports):
            return
        report = self.w.reports[i]
        frame = None
        if report.batch_id is not None and report.rejected:
            frame = self.w.session.store.rejects(report.batch_id)
        self.rejects_model.set_frame(frame)
        self.rejects.resizeColumnsToContents()
        summary = "; ".join(f"{k}: {v}" for k, v in report.rejects_by_reason.items())
        self.rejects_label.setText(f"<b>{report.layer}</b>: {report.rejected} rejected row(s)"
                                   + (f" — {summary}" if summary else ""))


def imported_areas(store, reports) -> list[str]:
    """References of the delivery areas (KLIC dig polygons) the ``reports``' batches belong to."""
    from asset_register.deliveries import delivery_area, delivery_references

    batches = {r.batch_id for r in reports if r.batch_id is not None}
    return [ref for ref in delivery_references(store)
            if batches & set(delivery_area(store, ref).batches)]
