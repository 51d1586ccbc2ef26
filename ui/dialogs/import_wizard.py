"""The import wizard: files (chosen or dropped) → layers and CRS checks → owner, utility and
delivery scope → mapping profile (auto-mapper proposal, editing, preview of mapped sample rows)
→ import with progress and cancel → summary with browsable rejects. A KLIC/IMKL delivery skips
owner and mapping (it names its operators) for a page showing what it holds; an INSPIRE-UN
file needs only its owner. Every slow step runs in a worker."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QApplication, QWizard

from ..workers import submit
from .import_delivery_page import DeliveryPage
from .import_pages import MappingPage, OwnerPage, SourcePage
from .import_run_pages import FinishPage, ImportPage

SOURCE, OWNER, MAPPING, DELIVERY, IMPORT, FINISH = range(6)


class ImportWizard(QWizard):
    imported = Signal()
    checkArea = Signal(str)  # after ``imported``: check this delivery area's dig polygon

    def __init__(self, session, files=(), parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import owners' data")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setAcceptDrops(True)
        self.session = session
        self.infos: dict[str, object] = {}
        self.profiles: dict[str, object] = {}
        self.reports: list = []
        self.kinds: dict[str, str | None] = {}  # path -> 'imkl' | 'inspire' | None (ordinary)
        self.check_area: str | None = None
        self._busy = 0
        self.source_page = SourcePage(self)
        self.owner_page = OwnerPage(self)
        self.mapping_page = MappingPage(self)
        self.delivery_page = DeliveryPage(self)
        self.import_page = ImportPage(self)
        self.finish_page = FinishPage(self)
        for i, page in enumerate((self.source_page, self.owner_page, self.mapping_page,
                                  self.delivery_page, self.import_page, self.finish_page)):
            self.setPage(i, page)
        self.resize(1000, 700)
        if files:
            QTimer.singleShot(0, lambda: self.source_page.add_files([str(f) for f in files]))

    # -- shared state ---------------------------------------------------------------------
    def selected_layers(self) -> dict[str, list[str]]:
        return self.source_page.selected_layers()

    def _of_kind(self, *kinds) -> list[str]:
        return [p for p in self.selected_layers() if self.kinds.get(p) in kinds]

    def klic_files(self) -> list[str]:
        """Selected KLIC/IMKL deliveries: they name their own operators (no owner, no mapping)."""
        return self._of_kind("imkl")

    def owners_named(self) -> list[str]:
        """The owners the selected layers' owner columns name (an ArcGIS KML's OWNER)."""
        names: set[str] = set()
        for path, layers in self.mapped_layers().items():
            info = self.infos.get(path)
            for lay in info.layers if info is not None else []:
                if lay.name in layers:
                    names.update(getattr(lay, "owners", []))
        return sorted(names)

    def mapped_layers(self) -> dict[str, list[str]]:
        """Selected ordinary files: they take an owner and a mapping profile."""
        return {p: ls for p, ls in self.selected_layers().items() if self.kinds.get(p) is None}

    def nextId(self) -> int:
        """The pages a choice of files needs: owner for ordinary and INSPIRE-UN files,
        mapping for ordinary files, the delivery page for KLIC deliveries."""
        cur = self.currentId()
        if cur == SOURCE and (self.mapped_layers() or self._of_kind("inspire")):
            return OWNER
        if cur in (SOURCE, OWNER) and self.mapped_layers():
            return MAPPING if cur == OWNER else OWNER
        if cur in (SOURCE, OWNER, MAPPING):
            return DELIVERY if self.klic_files() else IMPORT
        return super().nextId()

    @property
    def force_crs(self) -> bool:
        return self.source_page.force_crs()

    def scope_options(self) -> dict:
        return self.owner_page.scope_box.options()

    @property
    def owner(self) -> str:
        return self.owner_page.code()

    @property
    def owner_name(self) -> str | None:
        return self.owner_page.name() or None

    @property
    def utility(self) -> str | None:
        return self.owner_page.utility()

    @property
    def assume_crs(self) -> str | None:
        return self.source_page.assume_crs()

    # -- background work -------------------------------------------------------------------
    def run(self, fn, on_done, name: str, on_error=None, on_progress=None):
        """Run ``fn(task)`` in a worker; the wizard counts it as busy until it ends."""
        self._busy += 1

        def done(result):
            self._busy -= 1
            on_done(result)
            self._refresh_buttons()

        def failed(exc, tb):
            self._busy -= 1
            self._refresh_buttons()
            if on_error is not None:
                on_error(exc, tb)
            else:
                from ..errors import show_exception

                show_exception(exc, tb, title=name, parent=self)

        self._refresh_buttons()
        return submit(fn, on_done=done, on_error=failed, on_progress=on_progress, name=name)

    @property
    def busy(self) -> bool:
        return self._busy > 0

    def _refresh_buttons(self) -> None:
        page = self.currentPage()
        if page is not None:
            page.completeChanged.emit()

    def wait_until_ready(self, timeout_s: float = 60.0) -> bool:
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            QApplication.processEvents()
            files_pending = len(self.source_page.files) > len(self.infos)
            if not self.busy and not files_pending and not self.mapping_page.preview_pending() \
                    and not (self.currentPage() is self.delivery_page and self.delivery_page.pending()):
                QApplication.processEvents()
                return True
            time.sleep(0.01)
        return False

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files and self.currentPage() is self.source_page:
            self.source_page.add_files(files)

    def accept(self) -> None:
        if any(r.status == "imported" for r in self.reports):
            self.imported.emit()
        if self.check_area:
            self.checkArea.emit(self.check_area)
        super().accept()

    def reject(self) -> None:
        if self.import_page.task is not None and not self.import_page.finished:
            self.import_page.cancel()
            return
        super().reject()

