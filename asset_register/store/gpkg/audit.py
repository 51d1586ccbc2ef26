"""The GeoPackage audit log: appending chained entries, and the upgrade that chains old ones.

The file's holder can rewrite anything in it, so triggers refusing UPDATE and DELETE only
stop mistakes and casual edits; what catches a rewrite is ``audit verify`` against a head
hash exported earlier (docs/security.md).
"""

from __future__ import annotations

import sqlite3
import time

from ..audit_chain import GENESIS, canonical_detail, chain, entry_hash
from ..records import now_iso, os_user

APPEND_ONLY_SQL = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN "
    "SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN "
    "SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted'); END",
]
CHAIN_STARTED = "audit_chain_started"
USE_WAIT_MS = 50  # how long a check's audit entry waits for another writer before queueing
CLOSE_WAIT_MS = 2000  # what closing the register waits to write entries still queued
USE_FLUSH_S = 5.0  # single checks' entries are written together at most this far apart
DEFERRED_USES = {"check"}


def append(con: sqlite3.Connection, action: str, detail, user: str | None = None) -> int:
    """Append one chained entry inside the caller's write transaction; returns its id."""
    last = con.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    entry_id = (last[0] if last else 0) + 1
    prev = last[1] if last and last[1] else GENESIS
    at, user, text = now_iso(), user or os_user(), canonical_detail(detail)
    con.execute("INSERT INTO audit_log (id, at, user, action, detail, prev_hash, hash) "
                "VALUES (?,?,?,?,?,?,?)",
                (entry_id, at, user, action, text, prev,
                 entry_hash(prev, entry_id, at, user, action, text)))
    return entry_id


def upgrade(con: sqlite3.Connection) -> None:
    """GeoPackage migration 4: hash columns, the existing entries chained in id order (their
    details canonicalised), an entry saying the chain starts here, and append-only triggers."""
    con.execute("ALTER TABLE audit_log ADD COLUMN prev_hash TEXT")
    con.execute("ALTER TABLE audit_log ADD COLUMN hash TEXT")
    rows = [(i, at, user, action, canonical_detail(detail)) for i, at, user, action, detail
            in con.execute("SELECT id, at, user, action, detail FROM audit_log ORDER BY id")]
    con.executemany("UPDATE audit_log SET detail = ? WHERE id = ?", [(r[4], r[0]) for r in rows])
    con.executemany("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", chain(rows))
    if rows:  # (a new register's log starts chained: nothing to say)
        append(con, CHAIN_STARTED, started_detail(len(rows)), user="upgrade")
    for stmt in APPEND_ONLY_SQL:
        con.execute(stmt)


def started_detail(chained: int) -> dict:
    return {"chained_entries": chained,
            "note": "the hash chain starts at this upgrade: entries before it were chained when "
                    "the register was upgraded, not as they were written"}


def has_chain(con: sqlite3.Connection) -> bool:
    return any(r[1] == "hash" for r in con.execute("PRAGMA table_info(audit_log)"))


class AuditMixin:
    """``audit`` and ``record_use`` of ``GeoPackageStore``."""

    def audit(self, action, detail=None):
        with self.atomic() as con:
            append(con, action, detail)

    def record_use(self, action: str, detail: dict) -> bool:
        """Record a use of the register (a check, search, export) even when it is open
        read-only, through a second connection that only appends to the audit log; False when
        the file cannot be written (read-only media, an older register not yet upgraded).

        Single checks are written in groups, at most USE_FLUSH_S apart and at close, each with
        the time it ran (``used_at``): a commit from that connection makes this process's
        readers drop what they cache (PRAGMA data_version), which would cost every check its
        cached owners, works and index. Nothing waits for another writer either (an import
        holding the file): the entries wait in memory for the next write or the close."""
        if not self.read_only:
            self.audit(action, detail)
            return True
        con = self._use_connection()
        if con is None:
            return False
        pending = self.__dict__.setdefault("_use_pending", [])
        now = time.monotonic()
        if not pending:
            self._use_since = now
        if action in DEFERRED_USES:
            detail = {**detail, "used_at": now_iso()}
        pending.append((action, detail))
        if action in DEFERRED_USES and now - self._use_since < USE_FLUSH_S:
            return True
        return self._flush_uses(con, wait_ms=USE_WAIT_MS)

    def flush_uses(self) -> None:
        """Write the uses still held in memory now (waiting boundedly for another writer)."""
        con = getattr(self, "_use_con", None)
        if con is not None and self.__dict__.get("_use_pending"):
            self._flush_uses(con, wait_ms=CLOSE_WAIT_MS)

    def _flush_uses(self, con, wait_ms: int) -> bool:
        pending = self.__dict__.get("_use_pending") or []
        with self._lock:
            con.execute(f"PRAGMA busy_timeout = {wait_ms}")
            try:
                con.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # another writer: keep them for the next use
                return True
            try:
                for action, detail in pending:
                    append(con, action, detail)
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
            pending.clear()
        return True

    def _use_connection(self):
        con = getattr(self, "_use_con", None)
        if con is None and not getattr(self, "_use_refused", False) and not self.sealed:
            import os

            if has_chain(self._con) and os.access(self.path, os.W_OK) \
                    and os.access(self.path.parent, os.W_OK):
                try:
                    con = self._use_con = self._writer_connection()
                except Exception:  # a check never fails for want of a log
                    con = None
            self._use_refused = con is None
        return con

    def _close_use_connection(self) -> None:
        try:
            self.flush_uses()
        finally:
            con, self._use_con = getattr(self, "_use_con", None), None
            if con is not None:
                con.close()
