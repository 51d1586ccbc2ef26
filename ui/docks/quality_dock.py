"""The data-quality dock: the quality tables (coverage and gaps, accuracy, record age,
missing attributes, open deviations) per owner for the map view, the dig or the whole
register, and the choice of map colours. It shows ``QualityModel`` and edits it; the tables
are the same rows the CLI prints (``asset_register.quality.text``)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDockWidget, QHBoxLayout, QLabel,
                               QPushButton, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from asset_register.quality.text import headline, tables

from ..models.quality import SCOPE_LABELS, SCOPES, SHADING_LABELS, SHADINGS, QualityModel


class QualityDock(QDockWidget):
    refreshRequested = Signal()

    def __init__(self, model: QualityModel, parent=None) -> None:
        super().__init__("Data quality", parent)
        self.setObjectName("QualityDock")
        self.model = model
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        self.scope = QComboBox()
        for key in SCOPES:
            self.scope.addItem(SCOPE_LABELS[key], key)
        self.shading = QComboBox()
        for key in SHADINGS:
            self.shading.addItem(SHADING_LABELS[key], key)
        self.refresh = QPushButton("Refresh")
        self.refresh.setToolTip("Compute the tables again (after an import, say)")
        row.addWidget(QLabel("Tables for"))
        row.addWidget(self.scope)
        row.addSpacing(12)
        row.addWidget(QLabel("Map colours"))
        row.addWidget(self.shading)
        row.addStretch(1)
        row.addWidget(self.refresh)
        lay.addLayout(row)
        self.summary = QLabel("Open a register to see the quality of its records.")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.tables: dict[str, QTableWidget] = {}
        lay.addWidget(self.tabs, 1)
        self.setWidget(body)
        self.scope.currentIndexChanged.connect(lambda _: model.set_scope(self.scope.currentData()))
        self.shading.currentIndexChanged.connect(
            lambda _: model.set_shading(self.shading.currentData()))
        self.refresh.clicked.connect(self.refreshRequested)
        model.events.report.connect(self.show_report)
        model.events.busy.connect(self._busy)
        model.events.scope.connect(lambda s: self._select(self.scope, s))
        model.events.shading.connect(self._shading_changed)
        model.events.error.connect(lambda text: self.summary.setText(f"Not computed: {text}"))

    @staticmethod
    def _select(box: QComboBox, key: str) -> None:
        i = box.findData(key)
        if i >= 0 and i != box.currentIndex():
            box.setCurrentIndex(i)

    def _shading_changed(self, shading: str) -> None:
        self._select(self.shading, shading)
        self.show_table_of(shading)

    def show_table_of(self, shading: str) -> None:
        """Bring the table of what the map is shaded by to the front."""
        name = {"accuracy": "Accuracy", "age": "Age"}.get(shading)
        if name in self.tables:
            self.tabs.setCurrentWidget(self.tables[name])

    def _busy(self, busy: bool) -> None:
        if busy:
            self.summary.setText("Computing the quality tables…")

    def show_report(self, report: dict | None) -> None:
        if report is None:
            if not self.model.error:
                self.summary.setText("Open a register to see the quality of its records.")
            for t in self.tables.values():
                t.setRowCount(0)
            return
        self.summary.setText("\n".join(headline(report)))
        current = self.tabs.currentIndex()
        for name, title, head, rows, left in tables(report):
            table = self.tables.get(name)
            if table is None:
                table = self.tables[name] = self._new_table()
                self.tabs.addTab(table, name)
            table.setToolTip(title)
            table.clear()
            table.setColumnCount(len(head))
            table.setHorizontalHeaderLabels(head)
            table.setRowCount(len(rows))
            for r, cells in enumerate(rows):
                for c, text in enumerate(cells):
                    item = QTableWidgetItem(str(text))
                    align = Qt.AlignmentFlag.AlignLeft if c < left else Qt.AlignmentFlag.AlignRight
                    item.setTextAlignment(align | Qt.AlignmentFlag.AlignVCenter)
                    table.setItem(r, c, item)
            table.resizeColumnsToContents()
        if current < 0:  # the first tables: the one the map is shaded by, if any
            self.show_table_of(self.model.shading)
        else:
            self.tabs.setCurrentIndex(current)

    @staticmethod
    def _new_table() -> QTableWidget:
        t = QTableWidget()
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setAlternatingRowColors(True)
        t.verticalHeader().hide()
        t.verticalHeader().setDefaultSectionSize(22)
        return t

    def cell(self, table: str, row: int, column: int) -> str:
        """The text of one cell (tests, and whoever reads the tables back)."""
        item = self.tables[table].item(row, column)
        return item.text() if item is not None else ""
