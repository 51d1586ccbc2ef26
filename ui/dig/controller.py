"""The dig check controller: gives the window's ``DigModel`` the check service of the open
register and carries the service's answers back to it.

A ``CheckService`` is created when a register opens (rules from the register's settings) and
shut down while it closes; the model is handed its ``request`` and checks itself again, so the
dig of a reopened register is checked against what is in it now. Answers arrive on the GUI
thread through this QObject's slots."""

from __future__ import annotations

from PySide6.QtCore import QObject

from asset_register.errors import AssetRegisterError

from .check_service import CheckService


class DigCheckController(QObject):
    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.dig = state.dig
        self.service: CheckService | None = None
        state.session.events.opened.connect(self._opened)
        state.session.events.closing.connect(self._closing)

    def _opened(self, session) -> None:
        store = session.store
        self.service = CheckService(session, None, self)  # the rules stored in the register
        self.service.finished.connect(self._finished)
        self.service.failed.connect(self._failed)
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

    def _finished(self, token: int, result) -> None:
        self.dig.check_finished(token, result)

    def _failed(self, token: int, exc, tb: str) -> None:
        if self.dig.check_failed(token, str(exc)) and not isinstance(exc, AssetRegisterError):
            from ..errors import show_exception

            show_exception(exc, tb, title="Dig check failed")
