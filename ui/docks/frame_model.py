"""A read-only Qt table model over a pandas DataFrame (conflicts, works, notices, rejects)."""

from __future__ import annotations

import math
import numbers

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from asset_register.lazy import lazy_module

pd = lazy_module("pandas")


def format_value(value) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if math.isnan(value):
            return ""
        return f"{value:.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def frame_table(model) -> QTableView:
    """The docks' table of ``model``: whole rows, one selected at a time, compact rows, the
    last column stretched."""
    t = QTableView()
    t.setModel(model)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setAlternatingRowColors(True)
    t.verticalHeader().hide()
    t.verticalHeader().setDefaultSectionSize(22)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def plain_tip(text: str) -> str:
    """A tooltip that shows ``text`` as it is: Qt would take text that looks like HTML (an
    owner's attribute, a user's note) as markup."""
    from html import escape

    return f"<p style='white-space:pre-wrap'>{escape(str(text), quote=False)}</p>"


def whole_counts(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """``columns`` of ``frame`` as nullable integers (counts read as "2", never "2.00")."""
    for c in columns:
        if c in frame.columns:
            frame[c] = pd.to_numeric(frame[c], errors="coerce").round().astype("Int64")
    return frame


class FrameModel(QAbstractTableModel):
    def __init__(self, frame: pd.DataFrame | None = None, columns: list[tuple[str, str]] | None = None,
                 colour_column: str | None = None, colours: dict | None = None,
                 tips: dict[str, str] | None = None, icons: dict | None = None, parent=None) -> None:
        super().__init__(parent)
        self.columns = columns  # (column, header) pairs; None = every non-geometry column
        self.tips = tips or {}  # column -> header tooltip (what the column means)
        self.icons = icons or {}  # column -> f(row Series) -> QIcon shown in its cells
        self.colour_column = colour_column
        self.colours = colours or {}
        self.frame = pd.DataFrame()
        self.set_frame(frame)

    def set_frame(self, frame: pd.DataFrame | None) -> None:
        self.beginResetModel()
        self.frame = pd.DataFrame() if frame is None else frame.reset_index(drop=True)
        if self.columns is None:
            self._cols = [(c, c) for c in self.frame.columns if c != "geometry"]
        else:
            self._cols = [(c, h) for c, h in self.columns if c in self.frame.columns]
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._cols)

    def column_names(self) -> list[str]:
        return [c for c, _ in self._cols]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        col = self._cols[index.column()][0]
        value = self.frame.iat[index.row(), self.frame.columns.get_loc(col)]
        if role == Qt.ItemDataRole.DisplayRole:
            return format_value(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return format_value(value)
        if role == Qt.ItemDataRole.DecorationRole and col in self.icons:
            return self.icons[col](self.frame.iloc[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, numbers.Real) \
                and not isinstance(value, (bool, np.bool_)):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self.colour_column and col == self.colour_column:
            c = self.colours.get(str(value))
            return QColor(c) if c else None
        if role == Qt.ItemDataRole.ForegroundRole and self.colour_column and col == self.colour_column:
            c = self.colours.get(str(value))
            return QColor("#ffffff") if c and QColor(c).lightness() < 150 else None
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return self.tips.get(self._cols[section][0])
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._cols[section][1]
        return str(section + 1)

    def row(self, i: int) -> pd.Series:
        return self.frame.iloc[i]

    def shown(self) -> pd.DataFrame:
        """The shown columns under their headers, in the table's order (for export)."""
        return pd.DataFrame({h: self.frame[c].to_numpy() for c, h in self._cols})
