"""The open register: its path, a store for the GUI thread and fresh stores for workers.

SQLite connections are not shared between threads: workers open their own
(``open_worker_store``) and close it when done. The whole-register reads that follow an
opening (label fields, the search box's ids, the quality report and classes) run one after
another on the one thread of ``workers.reads_pool`` and share one store there
(``reads_store``): one snapshot copy of the register for all of them, not one each; it is
closed (its copy deleted) when no read waits any more, and when the register is closed.
"""

from __future__ import annotations

import threading
from pathlib import Path

from asset_register import memory
from asset_register.errors import CancelledError
from asset_register.store import open_register
from asset_register.store.credentials import short_name, without_password


class Session:
    def __init__(self, location: str | Path, read_only: bool = False) -> None:
        self.location = str(location)
        self.read_only = read_only
        self.store = open_register(self.location, read_only=read_only)
        self._reads = None  # the reads pool's shared store (touched on that thread only)
        self._closed = False
        self._holds = 0  # reads still to come that keep the shared store open meanwhile
        self._holds_lock = threading.Lock()

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

    def reads_store(self):
        """The store the reads on the reads pool share (call on that pool's thread only)."""
        if self._closed:
            raise CancelledError("the register was closed before this read began")
        if self._reads is None:
            self._reads = self.open_worker_store()
        return self._reads

    def adopt_reads_store(self, store) -> None:
        """``store``, a worker store that has just read the register (its snapshot copy
        made), becomes the one the next reads share; closed if there is one already or the
        register is closed (reads pool thread only)."""
        if self._closed or self._reads is not None:
            store.close()
        else:
            self._reads = store

    def shared_read(self, read):
        """``read(store)`` on the store the reads share (reads pool thread only); after it,
        that store is closed if no other read waits, and what the read freed goes back to
        the system."""
        try:
            return read(self.reads_store())
        finally:
            self.reads_done()
            memory.release()

    def hold_reads(self, step: int = 1) -> None:
        """A read to come later (the label fields, once the first frame is up) keeps the
        shared store open until it has run (``step=-1`` when it has, or never will)."""
        with self._holds_lock:
            self._holds += step

    def reads_done(self) -> None:
        """A read on the reads pool ends: with no other read waiting or held, the shared
        store is closed and its snapshot copy deleted (a 10-million-asset register's is
        3.3 GB)."""
        from .workers import reads_waiting

        if self._reads is not None and (self._closed or (self._holds <= 0 and reads_waiting() <= 1)):
            self._close_reads()

    def _close_reads(self) -> None:
        store, self._reads = self._reads, None
        if store is not None:
            store.close()

    def close(self) -> None:
        self._closed = True
        if self._reads is not None:  # closed on its own thread, after the read using it
            from .workers import reads_pool

            reads_pool().submit(self._close_reads)
        self.store.close()
