"""The last two pages of the import wizard: the import itself (child process, progress,
cancel) and the result with browsable rejects."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QTableView, QVBoxLayout, QWizardPage

from asset_register.errors import CancelledError, RetireNotConfirmedError

from ..docks.frame_model import FrameModel
from .import_pages import _table


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
        plan = [(p, ls, w.profiles[p]) for p, ls in w.selected_layers().items()]
        owner, name, utility, assume = w.owner, w.owner_name, w.utility, w.assume_crs
        session = w.session
        confirm, self.confirm_retire = self.confirm_retire, False  # asked again next time

        def work(task):
            return run_import(task, session.location, plan, owner=owner, owner_name=name,
                              utility=utility, assume_crs=assume, confirm_retire=confirm)

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
        n = sum(r.imported for r in reports)
        self.message.setText(f"Done: {n:,} assets imported from {len(reports)} layer(s).")
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
        self.message.setText(f"<span style='color:#b00020'>Import failed: {exc}</span>")
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


REPORT_VIEW = [("layer", "Layer"), ("status", "Status"), ("rows_read", "Read"), ("imported", "Imported"),
               ("repaired", "Repaired"), ("rejected", "Rejected"), ("added", "Added"), ("changed", "Changed"),
               ("retired", "Retired"), ("source_crs", "Source CRS"), ("accuracy_m", "CRS accuracy m"),
               ("seconds", "Seconds"), ("warnings", "Warnings")]


class FinishPage(QWizardPage):
    def __init__(self, wizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Result")
        self.setSubTitle("What each layer did. Select a layer to browse its rejected rows: nothing is "
                         "silently lost.")
        lay = QVBoxLayout(self)
        self.model = FrameModel(columns=REPORT_VIEW)
        self.table = _table(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.clicked.connect(lambda idx: self.show_rejects(idx.row()))
        lay.addWidget(self.table)
        self.rejects_label = QLabel("")
        lay.addWidget(self.rejects_label)
        self.rejects_model = FrameModel(columns=[("row", "Row"), ("reason", "Reason"), ("attrs", "Original attributes")])
        self.rejects = _table(self.rejects_model)
        lay.addWidget(self.rejects)

    def initializePage(self) -> None:
        rows = []
        for r in self.w.reports:
            d = r.to_dict()
            d["warnings"] = "; ".join(d["warnings"])
            rows.append(d)
        self.model.set_frame(pd.DataFrame(rows))
        self.table.resizeColumnsToContents()
        if rows:
            self.show_rejects(0)

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
