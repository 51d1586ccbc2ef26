"""The notice dialog: promoter, dates, description and USRN; a preview of what the pack will
say; export of the pack in a worker; open its folder. After export the summary PDF's first
page is shown."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (QCheckBox, QDateEdit, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPlainTextEdit, QProgressBar, QPushButton, QScrollArea,
                               QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from asset_register import clock
from asset_register.errors import NoticeError
from asset_register.notices.reference import read_settings
from asset_register.notices.schedule import notice_dates

from ..docks.conflicts_dock import owner_label
from .street_manager_box import StreetManagerBox
from ..workers import submit


def _qdate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


def render_pdf_page(path: str, width: int = 560) -> QPixmap | None:
    """First page of a PDF as a pixmap (Qt PDF), or None if it cannot be read."""
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    if doc.load(path) != QPdfDocument.Error.None_ or doc.pageCount() < 1:
        return None
    size = doc.pagePointSize(0)
    image = doc.render(0, QSize(width, int(width * size.height() / max(size.width(), 1))))
    doc.close()
    return QPixmap.fromImage(image)


def confidence_html(confidence: dict | None) -> str:
    """The dig's confidence grade and its reasons, as the summary PDF prints them."""
    if not confidence:
        return ""
    reasons = "".join(f"<br>• {html.escape(str(r))}" for r in confidence.get("reasons") or [])
    return (f"<p><b>Confidence in the records here: {html.escape(str(confidence['grade']))}</b>"
            f" (A best, D worst; printed in the summary PDF){reasons}</p>")


class NoticeDialog(QDialog):
    exported = Signal(object)  # NoticePack

    def __init__(self, session, dig, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Notice pack")
        self.session, self.dig = session, dig
        self.app_settings = getattr(parent, "app_settings", None)
        self.pack = None
        self.task = None
        outer = QVBoxLayout(self)
        split = QSplitter()
        form_w = QWidget()
        form = QFormLayout(form_w)
        s = self.app_settings
        self.promoter = QLineEdit(str(s.get("notice/promoter", "")) if s else "")
        self.contact = QLineEdit(str(s.get("notice/contact", "")) if s else "")
        self.phone = QLineEdit(str(s.get("notice/phone", "")) if s else "")
        self.email = QLineEdit(str(s.get("notice/email", "")) if s else "")
        today = clock.today()  # the product's clock, as the pack will be dated
        today = QDate(today.year, today.month, today.day)
        self.start = QDateEdit(today.addDays(14))
        self.end = QDateEdit(today.addDays(18))
        for d in (self.start, self.end):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("e.g. Excavate 0.8 m trench to renew a water service pipe")
        self.description.setMaximumHeight(90)
        self.short_notice = QCheckBox("Accept short notice (emergency or immediate works)")
        self.short_notice.setToolTip("Issue although the works start sooner than the rules' notice "
                                     "period or in the past; every PDF of the pack says so.")
        self.usrn = QLineEdit()
        self.usrn.setPlaceholderText("Unique Street Reference Number, e.g. 20700102")
        default_out = Path(self.session.location).parent / "notices" if "://" not in self.session.location \
            else Path.home() / "notices"
        self.folder = QLineEdit(str(s.get("notice/folder", default_out)) if s else str(default_out))
        browse = QPushButton("…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder)
        row.addWidget(browse)
        form.addRow("Promoter *", self.promoter)
        form.addRow("Contact", self.contact)
        form.addRow("Phone", self.phone)
        form.addRow("Email", self.email)
        form.addRow("Proposed start", self.start)
        form.addRow("Proposed end", self.end)
        form.addRow("", self.short_notice)
        form.addRow("Description", self.description)
        self.use_usrn = QPushButton("Use nearest")
        self.use_usrn.setToolTip("Fill in the USRN of the nearest street of the register's "
                                 "streets reference layer")
        self.use_usrn.hide()
        self.use_usrn.clicked.connect(lambda: self.usrn.setText(self.suggested_usrn or ""))
        usrn_row = QHBoxLayout()
        usrn_row.addWidget(self.usrn)
        usrn_row.addWidget(self.use_usrn)
        self.usrn_hint = QLabel("")
        self.usrn_hint.setWordWrap(True)
        self.suggested_usrn = None
        form.addRow("USRN", usrn_row)
        form.addRow("", self.usrn_hint)
        authority = read_settings(self.session.store)
        self.street_manager = StreetManagerBox(authority, s)
        # the DfT Street Manager record is written for British authorities only
        self.street_manager.setVisible(authority.british)
        form.addRow(self.street_manager)
        form.addRow("Output folder", row)
        form_scroll = QScrollArea()
        form_scroll.setWidget(form_w)
        form_scroll.setWidgetResizable(True)
        form_scroll.setMinimumWidth(430)
        split.addWidget(form_scroll)
        self.preview = QTextBrowser()
        self.preview.setMinimumWidth(420)
        self.pdf_view = QLabel()
        self.pdf_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pdf_scroll = QScrollArea()
        self.pdf_scroll.setWidget(self.pdf_view)
        self.pdf_scroll.setWidgetResizable(True)
        self.pdf_scroll.hide()
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.preview)
        rl.addWidget(self.pdf_scroll)
        split.addWidget(right)
        outer.addWidget(split, 1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        outer.addWidget(self.progress)
        outer.addWidget(self.message)
        buttons = QHBoxLayout()
        self.export_button = QPushButton("Export notice pack")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.open_button = QPushButton("Open folder")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_folder)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons.addStretch()
        for b in (self.export_button, self.open_button, close):
            buttons.addWidget(b)
        outer.addLayout(buttons)
        for w in (self.promoter, self.usrn, self.phone, self.street_manager.promoter_swa,
                  self.street_manager.authority_swa):
            w.textChanged.connect(self.update_preview)
        self.usrn.textChanged.connect(self.check_usrn)
        self.description.textChanged.connect(self.update_preview)
        for d in (self.start, self.end):
            d.dateChanged.connect(self.update_preview)
        self.short_notice.toggled.connect(self.update_preview)
        self.resize(1050, 640)
        self._follow_dig()
        self.check_usrn()
        self.update_preview()

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Folder for notice packs", self.folder.text())
        if path:
            self.folder.setText(path)

    def site(self):
        usrn = self.usrn.text().strip() or None
        return replace(self.dig.result.site, start=_qdate(self.start.date()), end=_qdate(self.end.date()),
                       description=self.description.toPlainText().strip(), usrn=usrn)

    def check_usrn(self) -> None:
        """Say whether the USRN is a street at the site; suggest the nearest when empty."""
        from asset_register.notices.sitelayers import check_usrn

        result = self.dig.result
        self.suggested_usrn = None
        if result is None:
            return
        text = self.usrn.text().strip()
        try:
            check = check_usrn(self.session.store, result.site.footprint, text or None,
                               self._rules().usrn_distance_m)
        except NoticeError as exc:
            self.usrn_hint.setText(f"<span style='color:#b00020'>{html.escape(str(exc))}</span>")
            nearest = check_usrn(self.session.store, result.site.footprint, None,
                                 self._rules().usrn_distance_m)
            self.suggested_usrn = nearest.suggestion
            self.use_usrn.setVisible(nearest.suggestion is not None)
            return
        except Exception:
            self.usrn_hint.setText("")
            return
        self.suggested_usrn = check.suggestion
        self.use_usrn.setVisible(check.suggestion is not None)
        if check.suggestion:
            self.usrn_hint.setText(f"Nearest street: {html.escape(check.suggestion_label)}")
        elif text and check.checked:
            name = check.nearby.loc[check.nearby["usrn"] == text, "name"]
            self.usrn_hint.setText(f"✓ {html.escape(str(name.iloc[0]) if len(name) else text)} "
                                   "is at the site")
        else:
            self.usrn_hint.setText(html.escape(check.message or ""))

    def _street_manager_gaps(self) -> str:
        """What the Street Manager record still lacks (it is left out, not invented)."""
        box = self.street_manager
        if box.isHidden():
            return ""
        gaps = [label for label, w in (("promoter SWA code", box.promoter_swa),
                                       ("authority SWA code", box.authority_swa),
                                       ("phone", self.phone), ("USRN", self.usrn))
                if not w.text().strip()]
        if not gaps:
            return "<p>Street Manager works record: complete.</p>"
        return (f"<p style='color:#b35c00'><b>Street Manager works record incomplete:</b> "
                f"give the {', '.join(gaps)}.</p>")

    def _rules(self):
        """The register's rules (cached): notice period, response time, USRN distance."""
        if getattr(self, "_rules_cache", None) is None:
            from asset_register.check import rules_for

            self._rules_cache = rules_for(self.session.store)
        return self._rules_cache

    def update_preview(self) -> None:
        result = self.dig.result
        if result is None:
            why = "Checking the dig…" if self.dig.checking else html.escape(self.dig.error or "No checked dig.")
            self.preview.setHtml(f"<p>{why}</p>")
            return
        conf = result.conflicts
        settings = read_settings(self.session.store)
        days = settings.validity_days  # as the pack will be dated
        rules = self._rules()
        try:
            dates = notice_dates(clock.today(), _qdate(self.start.date()),
                                 notice_days=rules.notice_period_days,
                                 response_days=rules.response_days, validity_days=days,
                                 accept_short=self.short_notice.isChecked(),
                                 calendar=settings.calendar)
            timing = (f"<b>Owners respond by</b> {dates.respond_by.isoformat()} (before the works "
                      f"start; {rules.notice_period_days} working days' notice asked)")
            if dates.short_notice:
                timing += f"<br><b style='color:#b00020'>{html.escape(dates.short_notice)}</b>"
            valid = dates.valid_until
        except NoticeError as exc:
            timing = f"<b style='color:#b00020'>Cannot be issued: {html.escape(str(exc))}</b>"
            valid = None
        rows = "".join(
            f"<tr><td>{html.escape(str(o.get('owner')))}</td><td>{html.escape(str(o.get('name') or ''))}</td>"
            f"<td align=right>{int((conf['owner'] == o.get('owner')).sum())}</td>"
            f"<td>{html.escape(str(o.get('phone') or ''))}</td></tr>" for o in result.owners_affected)
        sev = conf["severity"].value_counts() if len(conf) else {}
        nodata = ", ".join(owner_label(o) for o in result.owners_no_data) or "none"
        self.preview.setHtml(
            f"<h3>Coordinated notice pack (preview)</h3>"
            f"<p><b>Promoter:</b> {html.escape(self.promoter.text() or '— required —')}<br>"
            f"<b>Works:</b> {html.escape(self.description.toPlainText() or '—')}<br>"
            f"<b>Dates:</b> {self.start.date().toString('yyyy-MM-dd')} to {self.end.date().toString('yyyy-MM-dd')}"
            f" · <b>USRN:</b> {html.escape(self.usrn.text() or '—')}<br>"
            f"<b>Footprint:</b> {result.site.footprint.area:.1f} m², depth {result.site.depth_m or '—'} m, "
            f"{result.site.method}<br>{timing}<br><b>Valid until</b> about "
            f"{valid.isoformat() if valid else '—'} ({days} working days from issue)</p>"
            f"<p><b>{len(conf)} conflicting assets</b>: {int(sev.get('strike', 0))} strike, "
            f"{int(sev.get('danger', 0))} danger, {int(sev.get('caution', 0))} caution.</p>"
            f"<table border=1 cellspacing=0 cellpadding=3><tr><th>Owner</th><th>Name</th><th>Assets</th>"
            f"<th>Phone</th></tr>{rows}</table>"
            f"<p>Owners with no records here (contact them too): {html.escape(nodata)}</p>"
            f"{confidence_html(result.confidence)}"
            f"{self._street_manager_gaps()}"
            f"<p>Files: summary PDF with map, one notice PDF per affected owner, GeoJSON, CSV, "
            f"Street Manager works record (JSON).</p>")

    def export(self) -> None:
        from asset_register.check import Checker, rules_for
        from asset_register.notices import write_notice_pack

        if self.dig.result is None:
            return
        try:
            promoter = self.promoter.text().strip()
            if not promoter:
                raise NoticeError("no promoter given: name the organisation proposing the works")
            site = self.site()
            sm = self.street_manager.choices()
            promoter_swa, authority_swa = self.street_manager.swa_codes()
        except Exception as exc:
            from ..errors import show_exception

            show_exception(exc, title="Notice pack", parent=self)
            return
        if self.app_settings is not None:
            for key, w in (("promoter", self.promoter), ("contact", self.contact), ("phone", self.phone),
                           ("email", self.email), ("folder", self.folder)):
                self.app_settings.set(f"notice/{key}", w.text())
            self.app_settings.set("notice/promoter_swa", promoter_swa or "")
        out = self.folder.text().strip()
        kw = dict(promoter=promoter, promoter_contact=self.contact.text().strip() or None,
                  promoter_phone=self.phone.text().strip() or None,
                  promoter_email=self.email.text().strip() or None,
                  accept_short_notice=self.short_notice.isChecked(), street_manager=sm,
                  promoter_swa_code=promoter_swa, authority_swa_code=authority_swa)
        session = self.session

        def work(task):
            with session.open_worker_store(read_only=False) as store:
                rules = rules_for(store)
                with Checker(store, rules) as checker:
                    task.progress(0.05, "checking the dig against the register")
                    result = checker.check(site)
                return write_notice_pack(store, result, out, rules=rules, progress=task.progress,
                                         **kw)

        self.export_button.setEnabled(False)
        self.progress.show()
        self.message.setText("Writing the notice pack…")
        self.task = submit(work, on_done=self._done, on_error=self._failed, name="Notice pack",
                           on_progress=lambda f, m: (self.progress.setValue(int(f * 1000)), self.message.setText(m)))

    def _done(self, pack) -> None:
        self.pack = pack
        self.task = None
        self.progress.setValue(1000)
        self.export_button.setEnabled(True)
        self.open_button.setEnabled(True)
        warn = "".join(f"<br>⚠ {html.escape(w)}" for w in pack.warnings[:4])
        self.message.setText(f"<b>Notice {pack.reference}</b> written to {html.escape(str(pack.folder))} "
                             f"({len(pack.files)} files, owners respond by {pack.respond_by.isoformat()}, "
                             f"valid until {pack.valid_until.isoformat()}).{warn}")
        pdfs = sorted(p for p in pack.paths if p.suffix.lower() == ".pdf")
        summary = next((p for p in pdfs if "summary" in p.name.lower()), pdfs[0] if pdfs else None)
        pix = render_pdf_page(str(summary), 520) if summary else None
        if pix is not None:
            self.pdf_view.setPixmap(pix)
            self.preview.hide()
            self.pdf_scroll.show()
        self.exported.emit(pack)

    def _failed(self, exc, tb) -> None:
        self.task = None
        self.export_button.setEnabled(True)
        self.progress.hide()
        self.message.setText(f"<span style='color:#b00020'>Not exported: {html.escape(str(exc))}</span>")
        from ..errors import show_exception

        show_exception(exc, tb, title="Notice pack not written", parent=self)

    def open_folder(self) -> None:
        if self.pack is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pack.folder)))

    def wait_until_done(self, timeout_s: float = 120.0) -> bool:
        import time

        from PySide6.QtWidgets import QApplication

        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            QApplication.processEvents()
            if self.task is None:
                return True
            time.sleep(0.02)
        return False

    def _follow_dig(self) -> None:
        """The dates are the dig's: shown from it, and an edit here is an edit of the dig (kept
        with it and in its undo history; other works are checked against them). The preview
        follows the dig's checks while the dialog is open."""
        s = self.dig.state
        if s.start and s.end:
            for edit, d in ((self.start, s.start), (self.end, s.end)):
                edit.setDate(QDate(d.year, d.month, d.day))
        for d in (self.start, self.end):
            d.dateChanged.connect(self._dates_edited)
        dig, checked = self.dig, self._dig_checked
        dig.events.result.connect(checked)

        def stop(*_):
            dig.events.result.disconnect(checked)

        self.finished.connect(stop)
        self.destroyed.connect(stop)

    def _dates_edited(self) -> None:
        self.dig.set_dates(_qdate(self.start.date()), _qdate(self.end.date()))

    def _dig_checked(self, result) -> None:
        self.update_preview()
