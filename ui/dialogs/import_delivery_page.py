"""The import wizard's page for KLIC/IMKL deliveries: instead of owner and mapping pages,
what the delivery holds — its KLIC number and dig polygon, each network operator (the
owners) with contacts, themes, asset counts and precaution zones, and the reader's
warnings — read as the import will read it (``importers.imkl.summary``)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWizardPage

from .gui_wording import for_gui


def _contacts(o) -> str:
    parts = [f"tel. {o.phone}" if o.phone else None,
             f"damage {o.emergency_phone}" if o.emergency_phone else None, o.email]
    return " · ".join(p for p in parts if p) or "no contact details in the delivery"


class DeliveryPage(QWizardPage):
    def __init__(self, wizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("KLIC delivery")
        self.setSubTitle("A KLIC (IMKL) delivery names its network operators: each becomes an owner "
                         "with the contacts below. It supersedes their assets inside its request "
                         "area only; its dig polygon is kept as a footprint to check.")
        lay = QVBoxLayout(self)
        self.header = QLabel("")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.header)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Network operator / network", "Assets", "Details"])
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        head = self.tree.header()
        head.setStretchLastSection(True)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        lay.addWidget(self.tree, 1)
        self.notes = QLabel("")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.notes)
        self.summaries: dict[str, object] = {}
        self.errors: dict[str, str] = {}
        self._assume: str | None = None  # the 'Assume CRS' the summaries were read with

    def initializePage(self) -> None:
        from importers.imkl.summary import summarise_delivery

        paths = self.w.klic_files()
        crs, extent, assume = self.w.session.crs, self.w.session.store.extent(), self.w.assume_crs
        if assume != self._assume:  # read again with the new CRS choice
            self._assume, self.summaries, self.errors = assume, {}, {}
        todo = [p for p in paths if p not in self.summaries and p not in self.errors]
        self._show()
        for path in todo:
            def done(summary, path=path):
                self.summaries[path] = summary
                self._show()

            def failed(exc, tb, path=path):
                self.errors[path] = for_gui(exc)
                self._show()

            self.w.run(lambda task, p=path: summarise_delivery(p, crs, extent, assume_crs=assume,
                                                               cancel=task.cancelled),
                       done, f"Reading {Path(path).name}", on_error=failed)

    def _show(self) -> None:
        self.tree.clear()
        head, notes, tips = [], [], []
        for path in self.w.klic_files():
            name = escape(Path(path).name)
            if path in self.errors:
                head.append(f"<b>{name}</b>: <span style='color:#b00020'>cannot be imported — "
                            f"{escape(self.errors[path])}</span>")
                continue
            s = self.summaries.get(path)
            if s is None:
                head.append(f"<b>{name}</b>: reading…")
                continue
            dig = s.footprint
            where = (f"dig polygon {dig.area / 10_000:,.2f} ha around "
                     f"({dig.centroid.x:.0f}, {dig.centroid.y:.0f})" if dig is not None
                     else "<span style='color:#8a6d00'>no dig polygon</span>")
            n = len(s.operators)
            head.append(f"<b>KLIC {escape(s.reference or name)}</b> · {n} network "
                        f"operator{'s' if n != 1 else ''}, {s.assets:,} assets · {where} · "
                        f"{escape(s.source_crs or 'CRS unknown')}")
            tips.append(f"{path}: {Path(path).stat().st_size:,} bytes")
            self._fill(s, several=len(self.w.klic_files()) > 1)
            notes += [f"⚠ {escape(for_gui(n))}" for n in s.warnings]
        self.header.setText("<br>".join(head))
        self.header.setToolTip("\n".join(tips))
        self.notes.setText("<span style='color:#8a6d00'>" + "<br>".join(notes) + "</span>" if notes else "")
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self.completeChanged.emit()

    def _fill(self, s, several: bool = False) -> None:
        for o in s.operators:
            label = f"{o.name} ({o.code})" + (f" · KLIC {s.reference}" if several and s.reference else "")
            top = QTreeWidgetItem(self.tree, [label, f"{o.assets:,}", _contacts(o)])
            top.setToolTip(2, _contacts(o))
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            rows = [("Networks (themes)", "", ", ".join(o.themes) or "—")]
            rows += [(kind.capitalize(), f"{n:,}", "") for kind, n in o.by_class.items()
                     if not kind.endswith("precaution zone")]  # the zones have their own row
            if o.precaution_zones:
                rows.append(("Precaution zones", f"{o.precaution_zones:,}",
                             "precautions required before digging: contact the operator"))
            if o.rejected:
                rows.append(("Rejected", f"{o.rejected:,}", "kept with the batch, browsable after the import"))
            for text, n, detail in rows:
                child = QTreeWidgetItem(top, [text, n, detail])
                child.setToolTip(2, detail)
                child.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if text == "Precaution zones":
                    child.setForeground(2, Qt.GlobalColor.darkRed)

    def pending(self) -> bool:
        return any(p not in self.summaries and p not in self.errors for p in self.w.klic_files())

    def isComplete(self) -> bool:
        paths = self.w.klic_files()
        return (not self.w.busy and bool(paths) and not any(p in self.errors for p in paths)
                and all(p in self.summaries for p in paths))
