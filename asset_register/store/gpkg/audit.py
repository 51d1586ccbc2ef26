"""The GeoPackage audit log: appending chained entries, and the upgrade that chains old ones.

The file's holder can rewrite anything in it, so triggers refusing UPDATE and DELETE only
stop mistakes and casual edits; what catches a rewrite is ``audit verify`` against a head
hash exported earlier (docs/security.md).
"""

from __future__ import annotations

import sqlite3

from ..audit_chain import GENESIS, canonical_detail, chain, entry_hash
from ..records import now_iso, os_user

APPEND_ONLY_SQL = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN "
    "SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN "
    "SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted'); END",
]
CHAIN_STARTED = "audit_chain_started"


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
        the file cannot be written (read-only media, an older register not yet upgraded)."""
        if not self.read_only:
            self.audit(action, detail)
            return True
        con = self._use_connection()
        if con is None:
            return False
        from .connect import begin_immediate

        with self._lock:
            begin_immediate(con, self.location)
            try:
                append(con, action, detail)
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        return True

    def _use_connection(self):
        con = getattr(self, "_use_con", None)
        if con is None and not getattr(self, "_use_refused", False):
            import os

            from .connect import connect

            if has_chain(self._con) and os.access(self.path, os.W_OK) \
                    and os.access(self.path.parent, os.W_OK):
                try:
                    con = self._use_con = connect(self.path, read_only=False)
                except Exception:  # noqa: BLE001 - a check never fails for want of a log
                    con = None
            self._use_refused = con is None
        return con

    def _close_use_connection(self) -> None:
        con, self._use_con = getattr(self, "_use_con", None), None
        if con is not None:
            con.close()
