"""Planned works and issued notices, each a table; selecting a work zooms to it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from .frame_model import FrameModel, frame_table

WORKS_VIEW = [("reference", "Reference"), ("status", "Status"), ("promoter", "Promoter"),
              ("street", "Street"), ("usrn", "USRN"), ("start_date", "Start"), ("end_date", "End"),
              ("method", "Method"), ("depth_m", "Depth m"), ("description", "Description")]
NOTICES_VIEW = [("reference", "Reference"), ("version", "v"), ("status", "Status"),
                ("issued_at", "Issued"), ("valid_until", "Valid until"), ("promoter", "Promoter"),
                ("usrn", "USRN"), ("description", "Description"), ("folder", "Folder")]


class WorksDock(QDockWidget):
    workSelected = Signal(object)

    def __init__(self, parent=None) -> None:
        super().__init__("Planned works", parent)
        self.setObjectName("WorksDock")
        self.model = FrameModel(columns=WORKS_VIEW)
        self.table = frame_table(self.model)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.setWidget(self.table)

    def set_works(self, works) -> None:
        self.model.set_frame(works)
        self.table.resizeColumnsToContents()

    def _selected(self, *args) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.workSelected.emit(self.model.row(rows[0].row()))


class NoticesDock(QDockWidget):
    newNoticeRequested = Signal()
    openFolderRequested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__("Notices", parent)
        self.setObjectName("NoticesDock")
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(2, 2, 2, 2)
        self.model = FrameModel(columns=NOTICES_VIEW)
        self.table = frame_table(self.model)
        self.table.doubleClicked.connect(lambda idx: self._open(idx.row()))
        lay.addWidget(self.table)
        bar = QHBoxLayout()
        self.new_button = QPushButton("New notice pack…")
        self.new_button.clicked.connect(self.newNoticeRequested.emit)
        self.open_button = QPushButton("Open folder")
        self.open_button.clicked.connect(lambda: self._open(self._current()))
        bar.addWidget(self.new_button)
        bar.addWidget(self.open_button)
        bar.addStretch()
        lay.addLayout(bar)
        self.setWidget(body)

    def _current(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _open(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            folder = self.model.row(row).get("folder")
            if folder:
                self.openFolderRequested.emit(str(folder))

    def set_notices(self, notices) -> None:
        self.model.set_frame(notices)
        self.table.resizeColumnsToContents()
