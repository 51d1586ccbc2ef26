"""The dig check controller: gives the window's ``DigModel`` the check service of the open
register and carries the service's answers back to it.

A ``CheckService`` is created when a register opens (rules from the register's settings) and
shut down while it closes; the model is handed its ``request`` and checks itself again, so the
dig of a reopened register is checked against what is in it now. Answers arrive on the GUI
thread through this QObject's slots."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from asset_register.errors import AssetRegisterError, PurposeRequiredError

from .check_service import CheckService


class DigCheckController(QObject):
    purposeChanged = Signal(str)  # the purpose checks are recorded with (shown by the toolbar)

    def __init__(self, state, parent=None, ask_purpose=None) -> None:
        super().__init__(parent)
        self.dig = state.dig
        self.service: CheckService | None = None
        self.purpose: str | None = None
        self._asked = False  # the purpose prompt comes once per session
        self._ask_purpose = ask_purpose or self._prompt
        state.session.events.opened.connect(self._opened)
        state.session.events.closing.connect(self._closing)

    def _opened(self, session) -> None:
        store = session.store
        self.service = CheckService(session, None, self)  # the rules stored in the register
        self.service.finished.connect(self._finished)
        self.service.failed.connect(self._failed)
        self.service.set_purpose(self.purpose)
        self._asked = False
        self.dig.use_checker(self.service.request, store.crs.to_string())

    def _closing(self, session) -> None:
        # the window state has already told the dig there is nothing to check against, so an
        # answer still coming from this service is ignored
        service, self.service = self.service, None
        if service is not None:
            service.finished.disconnect(self._finished)
            service.failed.disconnect(self._failed)
            service.shutdown()

    def set_rules(self, rules_path: str | None) -> None:
        """Check with these rules from now on (the settings changed) and check the dig again."""
        if self.service is not None:
            self.service.set_rules(rules_path)
            self.dig.recheck()

    def set_purpose(self, purpose: str | None) -> None:
        """Record checks with this purpose from now on, and check the dig again with it."""
        purpose = (purpose or "").strip() or None
        if purpose == self.purpose:
            return
        self.purpose = purpose
        self.purposeChanged.emit(purpose or "")
        if self.service is not None:
            self.service.set_purpose(purpose)
            self.dig.recheck()

    def _prompt(self) -> str | None:
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(
            self.parent(), "Purpose of the check",
            "This register is shared: every check is recorded with its purpose, which the\n"
            "asset owners may ask to see. What are you checking for (e.g. design enquiry\n"
            "for works ref ABC-123)?")
        return text if ok else None

    def _finished(self, token: int, result) -> None:
        self.dig.check_finished(token, result)

    def _failed(self, token: int, exc, tb: str) -> None:
        current = self.dig.check_failed(token, str(exc))
        if current and isinstance(exc, PurposeRequiredError) and not self._asked:
            self._asked = True  # once per session; the toolbar field changes it later
            purpose = self._ask_purpose()
            if purpose and purpose.strip():
                self.set_purpose(purpose)  # and check again
            return
        if current and not isinstance(exc, AssetRegisterError):
            from ..errors import show_exception

            show_exception(exc, tb, title="Dig check failed")
