"""The open register: its path, a store for the GUI thread and fresh stores for workers.

SQLite connections are not shared between threads: workers open their own
(``open_worker_store``) and close it when done.
"""

from __future__ import annotations

from pathlib import Path

from asset_register.store import open_register
from asset_register.store.credentials import short_name, without_password


class Session:
    def __init__(self, location: str | Path, read_only: bool = False) -> None:
        self.location = str(location)
        self.read_only = read_only
        self.store = open_register(self.location, read_only=read_only)

    @property
    def crs(self):
        return self.store.crs

    @property
    def name(self) -> str:
        """For titles and layer names: a file name, or the URL with any password masked."""
        return short_name(self.location)

    @property
    def saved_location(self) -> str:
        """What may be saved (recent files, settings keys): the location without a password."""
        return without_password(self.location)

    def open_worker_store(self, read_only: bool = True):
        return open_register(self.location, read_only=read_only or self.read_only)

    def close(self) -> None:
        self.store.close()
