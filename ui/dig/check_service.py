"""Run the dig check off the GUI thread, latest request wins.

One worker thread owns its own register connection and ``Checker`` (the
checker caches the register's owners, works and asset index between checks), so
a footprint edit re-checks in milliseconds without touching the GUI thread. Each check is
recorded in the audit log with the session's purpose (required on a shared register).
"""

from __future__ import annotations

import itertools
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal

from asset_register.check import Checker, rules_for
from asset_register.use_log import purpose_for, record_check


class CheckService(QObject):
    finished = Signal(int, object)  # request token, CheckResult
    failed = Signal(int, object, str)
    # tokens are unique across services, so a late answer of a register closed by a reload can
    # never be taken for the answer of the reopened register's service
    _tokens = itertools.count(1)

    def __init__(self, session, rules_path: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.rules_path = rules_path or None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dig-check")
        self._local = threading.local()
        self._token = 0
        self._lock = threading.Lock()
        self.purpose: str | None = None  # recorded with each check (required on PostGIS)

    def set_rules(self, rules_path: str | None) -> None:
        self.rules_path = rules_path or None
        self._executor.submit(self._drop_checker)

    def refresh(self) -> None:
        """Forget cached register data (after an import)."""
        self._executor.submit(self._drop_checker)

    def _drop_checker(self) -> None:
        checker = getattr(self._local, "checker", None)
        if checker is not None:
            checker.close()
            self._local.store.close()
        self._local.checker = None

    def _checker(self) -> Checker:
        checker = getattr(self._local, "checker", None)
        if checker is None:
            self._local.store = self.session.open_worker_store(read_only=True)
            checker = Checker(self._local.store, rules_for(self._local.store, self.rules_path))
            self._local.checker = checker
        return checker

    def rules(self):
        return self._executor.submit(lambda: self._checker().rules).result()

    def request(self, site) -> int:
        with self._lock:
            token = self._token = next(CheckService._tokens)
        self._executor.submit(self._run, token, site)
        return token

    def set_purpose(self, purpose: str | None) -> None:
        """The purpose every check from now on is recorded with (the dig toolbar's field)."""
        self.purpose = purpose

    def _run(self, token: int, site) -> None:
        if token != self._token:  # a newer footprint is already queued
            return
        try:
            checker = self._checker()
            purpose = purpose_for(checker.store, self.purpose, flag="the dig toolbar's Purpose")
            result = checker.check(site)
            record_check(checker.store, result, purpose=purpose, via="gui")
            # the window shows both tables at once: build them here, off the GUI thread
            # (a check builds its frames on first read)
            result.conflicts, result.works_overlapping  # noqa: B018
        except BaseException as exc:
            self.failed.emit(token, exc, traceback.format_exc())
            return
        self.finished.emit(token, result)

    def flush(self) -> None:
        """Write the checks' audit entries the register holds back (they go at close anyway)."""
        def run():
            store = getattr(self._local, "store", None)
            if store is not None:
                store.flush_uses()

        self._executor.submit(run).result(timeout=30)

    def latest_token(self) -> int:
        return self._token

    def shutdown(self) -> None:
        self._executor.submit(self._drop_checker)
        self._executor.shutdown(wait=True)
