"""The conflicts dock: every asset in conflict with the dig, most severe first, the owners to
contact (affected, no assets affected, no data here), and how far to trust the records here:
the check's confidence grade A–D with its reasons (``GradeBadge``, following the dig model's
``confidence`` event)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QDockWidget, QFileDialog, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QSizePolicy, QTableView, QTabWidget, QToolButton,
                               QVBoxLayout, QWidget)

from asset_register.errors import AssetRegisterError

from ..render import severity
from ..render.styles import SEVERITY_COLOURS
from .frame_model import FrameModel, plain_tip, whole_counts

from asset_register.lazy import lazy_module

pd = lazy_module("pandas")

CONFLICT_VIEW = [
    ("number", "#"), ("severity", "Severity"), ("asset_id", "Asset"), ("owner", "Owner"), ("utility", "Utility"),
    ("asset_class", "Class"), ("status", "Status"), ("distance_m", "Distance m"),
    ("clearance_m", "Clearance m"), ("uncertainty_m", "Uncertainty used ± m"),
    ("h_accuracy_m", "Recorded accuracy ± m"),
    ("quality_level", "QL"), ("depth_m", "Depth m"), ("diameter_mm", "Ø mm"),
    ("pressure", "Pressure"), ("voltage", "Voltage"), ("class_basis", "Class from"),
    ("precaution", "Precaution"),
]
CONFLICT_TIPS = {
    "number": "The conflict's number, the same as on its marker on the map (most severe first)",
    "severity": "strike: the asset crosses the dig · danger: within its clearance · "
                "caution: within the wider caution distance",
    "asset_id": "The register's id: owner code, then the owner's own id",
    "distance_m": "Horizontal distance from the dig footprint to the asset, metres (0 = it crosses the dig)",
    "clearance_m": "Effective clearance the check applied: the risk class's clearance + uncertainty used "
                   "+ CRS accuracy + half the diameter + the method's extra, metres",
    "uncertainty_m": "Uncertainty used ± m: the position uncertainty the check added to the clearance — "
                     "the Recorded accuracy ± m if the owner gave one, else the figure for the record's "
                     "quality level (QL), else the rules' default for unknown accuracy",
    "h_accuracy_m": "Recorded accuracy ± m: the horizontal accuracy the owner recorded for this asset "
                    "(blank: none recorded, so the uncertainty used comes from QL or the default)",
    "quality_level": "PAS 128 survey quality level of the record (D least certain … A most)",
    "depth_m": "Recorded depth, metres (advice only: distances are horizontal)",
    "diameter_mm": "Diameter, millimetres",
    "class_basis": "What the risk class rests on: value (recorded pressure / voltage against the "
                   "rules' thresholds), recorded (the record's class) or unknown (the rules' [unknown] class)",
    "precaution": "Precaution the rules ask for with this asset",
}
OWNER_TIPS = {
    "status": "affected: has assets in conflict · no assets affected: has data here, none in "
              "conflict · NO DATA HERE: expected here but no records (absence of records is not "
              "absence of assets)",
    "conflicts": "Number of this owner's assets in conflict with the dig",
}
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
    return whole_counts(pd.DataFrame(rows), ["conflicts"])


_ICONS: dict = {}


def marker_icon(sev) -> QIcon:
    """The map marker's shape for a severity (octagon, triangle, circle), for the '#' column."""
    sev = str(sev)
    if sev not in _ICONS:
        pix = QPixmap(18, 18)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        severity.draw_marker(p, sev, 9, 9, "", r=6.5)
        p.end()
        _ICONS[sev] = QIcon(pix)
    return _ICONS[sev]


def numbered(conflicts: pd.DataFrame) -> pd.DataFrame:
    """The conflicts with their map numbers (1 = first row = most severe), as the markers."""
    out = conflicts.copy()
    out.insert(0, "number", np.arange(1, len(out) + 1, dtype=np.int64))
    return out


GRADE_COLOURS = {"A": ("#1b7837", "#ffffff"), "B": ("#a6d96a", "#102a00"),
                 "C": ("#fdae61", "#3a1c00"), "D": ("#b2182b", "#ffffff")}
GRADE_WORDS = {"A": "nothing known to be missing", "B": "mostly complete",
               "C": "known gaps or errors", "D": "little is known here"}


class GradeBadge(QWidget):
    """The confidence grade of the last check: the letter (its colour only repeats it) with
    'Why?' under it, a headline with the worst reason for the dock's summary, and every
    reason in the tooltip and in ``reasons`` (shown under the summary when asked)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 4, 0)
        lay.setSpacing(2)
        self.letter = QLabel("")
        self.letter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.letter.setFixedSize(32, 30)
        self.why = QToolButton()
        self.why.setText("Why?")
        self.why.setCheckable(True)
        self.why.setFixedWidth(32)
        self.why.setStyleSheet("QToolButton { padding: 0; font-size: 9px; }")
        self.why.setToolTip("Show every reason for the grade")
        lay.addWidget(self.letter)
        lay.addWidget(self.why)
        lay.addStretch()
        self.reasons = QLabel("")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.RichText)
        self.reasons.hide()
        self.why.toggled.connect(lambda on: self.reasons.setVisible(on and self.confidence is not None))
        self.confidence = None
        self.set_confidence(None)

    def headline(self) -> str:
        """'<b>Confidence C</b>: known gaps or errors — worst reason (+2 more)' (HTML), or ''."""
        from html import escape

        c = self.confidence
        if c is None:
            return ""
        grade, reasons = str(c.get("grade", "?")), [str(r) for r in c.get("reasons", [])]
        worst = reasons[0].split(": ", 1)[-1] if reasons else ""  # 'C: …' without its grade
        return (f"<b>Confidence {grade}</b>: {GRADE_WORDS.get(grade, '')}"
                + (f" — {escape(worst)}" if worst else "")
                + (f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else ""))

    def set_confidence(self, confidence: dict | None) -> None:
        from html import escape

        self.confidence = confidence
        self.setVisible(confidence is not None)
        if confidence is None:
            self.letter.clear()
            self.reasons.clear()
            self.reasons.hide()
            self.setToolTip("")
            return
        grade = str(confidence.get("grade", "?"))
        reasons = [str(r) for r in confidence.get("reasons", [])]
        back, ink = GRADE_COLOURS.get(grade, ("#6b6b6b", "#ffffff"))
        self.letter.setText(grade)
        self.letter.setStyleSheet(f"background:{back}; color:{ink}; font-size:19px; font-weight:bold;"
                                  "border-radius:4px; border:1px solid #303030")
        self.reasons.setText("<br>".join(f"• {escape(r)}" for r in reasons))
        self.reasons.setVisible(self.why.isChecked())
        tip = f"Confidence in the records here: {grade}\n" + "\n".join(f"• {r}" for r in reasons)
        self.setToolTip(plain_tip(tip + "\n(A says nothing is known to be missing; it is not a guarantee)"))


class ConflictsDock(QDockWidget):
    conflictSelected = Signal(object)  # pandas row (with geometry) or None
    repairRequested = Signal()  # the footprint is not a valid polygon: repair it (make_valid)

    def __init__(self, parent=None) -> None:
        super().__init__("Conflicts", parent)
        self.record = None  # record(path, which, frame): the audit entry of an export
        self.setObjectName("ConflictsDock")
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)
        self.summary = QLabel("Draw a dig footprint to check it against the register.")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("Save the table shown (assets or owners) as a CSV file")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.choose_export)
        self.repair_button = QPushButton("Repair the dig polygon")
        self.repair_button.setToolTip("Repair a self-intersecting footprint with make_valid (the "
                                      "hull of its parts if it falls apart) and check it again")
        self.repair_button.clicked.connect(self.repairRequested)
        self.repair_button.hide()
        self.grade = GradeBadge()
        self._summary_html = ""
        top = QHBoxLayout()
        top.addWidget(self.grade, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.summary, 1)
        top.addWidget(self.repair_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(top)
        lay.addWidget(self.grade.reasons)
        self.tabs = QTabWidget()
        self.model = FrameModel(columns=CONFLICT_VIEW, colour_column="severity",
                                colours={k: v.name() for k, v in SEVERITY_COLOURS.items()},
                                tips=CONFLICT_TIPS, icons={"number": lambda row: marker_icon(row["severity"])})
        self.table = self._table(self.model)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.owners_model = FrameModel(columns=OWNER_VIEW, tips=OWNER_TIPS)
        self.owners_table = self._table(self.owners_model)
        self.tabs.addTab(self.table, "Assets")
        self.tabs.addTab(self.owners_table, "Owners")
        lay.addWidget(self.tabs, 1)  # the tables take every pixel the dock is given
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
        t.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        t.setMinimumHeight(60)
        return t

    def set_confidence(self, confidence: dict | None) -> None:
        """The dig model's grade of the last check (None: no check of the dig shown)."""
        self.grade.set_confidence(confidence)
        self._set_summary(self._summary_html)

    def _set_summary(self, html: str) -> None:
        """The summary under the grade's headline (when there is a grade)."""
        self._summary_html = html
        head = self.grade.headline()
        self.summary.setText(f"{head}<br>{html}" if head else html)

    def set_checking(self, on: bool) -> None:
        if on:
            self._set_summary("<i>Checking…</i>")

    def show_error(self, message: str) -> None:
        from html import escape

        from ..dialogs.gui_wording import for_gui

        self.export_button.setEnabled(False)
        self.repair_button.setVisible("not a valid polygon" in message)
        self.model.set_frame(None)
        self.owners_model.set_frame(None)
        self._set_summary(f"<span style='color:#b00020'><b>Footprint not checked:</b> "
                          f"{escape(for_gui(message))}</span>")

    def set_result(self, result) -> None:
        self.export_button.setEnabled(result is not None)
        self.repair_button.hide()
        if result is None:
            self.model.set_frame(None)
            self.owners_model.set_frame(None)
            self._set_summary("Draw a dig footprint to check it against the register.")
            return
        conf = result.conflicts
        self.model.set_frame(numbered(conf))
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
        self._set_summary(html)
        self.table.resizeColumnsToContents()
        self.owners_table.resizeColumnsToContents()

    def export_csv(self, path, which: str = "assets") -> int:
        """Write the assets (or owners) table to ``path`` as UTF-8 CSV (with BOM, for
        spreadsheets); text that a spreadsheet would run as a formula is neutralised.
        Returns the number of rows written."""
        from asset_register.notices.exports import spreadsheet_safe  # (the notices: on export)

        model = self.model if which == "assets" else self.owners_model
        frame = spreadsheet_safe(model.shown())
        try:
            frame.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
        except OSError as exc:
            raise AssetRegisterError(f"the table cannot be written to {path}: {exc.strerror or exc}; "
                                     "choose another folder") from None
        if self.record is not None:  # data leaving the register: an audit entry
            self.record(path, which, frame)
        return len(frame)

    def choose_export(self) -> None:
        which = "owners" if self.tabs.currentWidget() is self.owners_table else "assets"
        path, _ = QFileDialog.getSaveFileName(self, "Export the table as CSV", f"conflicts_{which}.csv",
                                              "CSV files (*.csv)")
        if not path:
            return
        try:
            n = self.export_csv(path, which)
        except AssetRegisterError as exc:
            self.summary.setText(f"<span style='color:#b00020'>{exc}</span>")
            return
        parent = self.parent()
        if parent is not None and hasattr(parent, "status"):
            parent.status(f"{n} rows written to {path}")

    def _selected(self, *args) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.conflictSelected.emit(self.model.row(rows[0].row()) if rows else None)

    def select_row(self, i: int) -> None:
        self.table.selectRow(i)
