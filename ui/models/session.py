"""Which register the window has open, without Qt.

``SessionState`` holds the open ``ui.session.Session`` (its stores) and says who it is to
people: ``name`` for titles (a file name, or a URL with the password shown as ***) and
``location`` for anything saved (recent files, settings keys: never a password).
Events: ``opened(session)``; ``closing(session)`` while its stores are still open, so
services on it stop first; ``closed()``."""

from __future__ import annotations

from asset_register.store.credentials import short_name, without_password

from .events import Events


class SessionState:
    def __init__(self) -> None:
        self.session = None
        self.events = Events("opened", "closing", "closed")

    @property
    def is_open(self) -> bool:
        return self.session is not None

    @property
    def name(self) -> str:
        return short_name(self.session.location) if self.session is not None else ""

    @property
    def location(self) -> str | None:
        return without_password(self.session.location) if self.session is not None else None

    @property
    def crs(self):
        return self.session.crs if self.session is not None else None

    def open(self, session) -> None:
        """Make ``session`` (already opened) the window's register; the previous one closes."""
        self.close()
        self.session = session
        self.events.opened.emit(session)

    def close(self) -> None:
        session = self.session
        if session is None:
            return
        self.events.closing.emit(session)
        self.session = None
        session.close()
        self.events.closed.emit()
