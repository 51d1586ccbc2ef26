"""Opening and creating GeoPackage registers safely.

Everything that decides whether a file *is* a register happens on a read-only
connection, so a file that is not ours (or is newer, read-only or locked) is
never modified — not even its journal mode.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from ...errors import (
    NotARegisterError,
    RegisterExistsError,
    RegisterLockedError,
    RegisterNotFoundError,
    RegisterReadOnlyError,
    SchemaVersionError,
)
from ...waits import wait_for_writer
from .schema import APPLICATION_ID, SCHEMA_VERSION

REGISTER_MARKER = ("register_format", "asset-register")
BUSY_TIMEOUT_MS = 5000


def inspect_file(path: Path) -> int:
    """Check ``path`` is an asset register this version can open; returns its schema version."""
    if not path.exists():
        raise RegisterNotFoundError(
            f"no register at {str(path)!r}: check the path, or create one with "
            f"'asset-register init {path}'"
        )
    if path.is_dir():
        raise NotARegisterError(f"{str(path)!r} is a folder, not a register file (.gpkg)")
    with open(path, "rb") as fh:
        head = fh.read(100)
    if not head.startswith(b"SQLite format 3\x00"):
        raise NotARegisterError(
            f"{str(path)!r} is not a GeoPackage (not an SQLite database): open a register "
            "file (.gpkg) made by 'asset-register init', or import this file with "
            "'asset-register import'"
        )
    app_id = int.from_bytes(head[68:72], "big")
    if app_id != APPLICATION_ID:
        raise NotARegisterError(
            f"{str(path)!r} is an SQLite database but not a GeoPackage: open a register made "
            "by 'asset-register init'"
        )
    if journal_of(path).exists():
        _recover(path)
    from .seal import read_uri  # (immutable for a sealed file in WAL mode)

    try:
        con = sqlite3.connect(read_uri(path), uri=True, timeout=2)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            marker = None
            if {"settings", "schema_migrations"} <= tables:
                marker = con.execute(
                    "SELECT value FROM settings WHERE key = ?", (REGISTER_MARKER[0],)
                ).fetchone()
            if not marker or marker[0] != REGISTER_MARKER[1]:
                raise NotARegisterError(
                    f"{str(path)!r} is a GeoPackage but not an asset register: import its "
                    f"layers into a register with 'asset-register import REGISTER {path}'"
                )
            version = con.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] or 0
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise RegisterLockedError(
                f"{str(path)!r} is locked by another program: close it there and try again"
            ) from None
        raise NotARegisterError(f"{str(path)!r} cannot be read as a register: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise NotARegisterError(f"{str(path)!r} is damaged or not a register: {exc}") from None
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{str(path)!r} has schema version {version}, newer than this application's "
            f"{SCHEMA_VERSION}: update the application to open it"
        )
    return version


def journal_of(path: Path) -> Path:
    """The rollback journal SQLite keeps for the register at ``path``: beside the file
    itself, a symbolic link followed (SQLite resolves links to name it)."""
    return Path(f"{Path(path).resolve()}-journal")


def _recover(path: Path) -> None:
    """Roll back the unfinished write of a process that died during a first load written
    with a rollback journal (``bulk_journal``): SQLite does it on the first read of a
    writable connection, and a read-only one would refuse the file until then. The
    register is left exactly as it was before that load began.

    SQLite's rules (atomiccommit.html §4.2, lockingv3.html §6): a journal is hot when it
    exists, is not empty, its header was synced (its first byte is not zero) and no
    connection holds a RESERVED lock; a hot journal is played back, under an EXCLUSIVE
    lock, by the first connection that reads; any other journal is ignored. So:

    * ``BEGIN IMMEDIATE`` reads (rolling back a hot journal) and then takes the RESERVED
      lock. While another program writes, it holds that lock and the journal is its own:
      we get no lock, touch nothing and say the register is being written.
    * Holding the lock, a journal still there is nobody's and not hot: a load killed before
      its first sync, when nothing of it had reached the file. It is removed (SQLite would
      read past it for good), where the folder allows.
    * Where nothing can be written (a read-only share or medium), a journal that is not
      hot does not stop a read; a hot one does, in one line (it must be undone first).
    * Two programs opening at once: one rolls back under its EXCLUSIVE lock while the
      other waits (up to two seconds), then finds nothing left to do.
    """
    journal = journal_of(path)
    try:
        con = sqlite3.connect(str(path), timeout=2, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")  # a hot journal is rolled back on the way in
            try:
                with contextlib.suppress(OSError):  # (a folder that keeps its files)
                    journal.unlink(missing_ok=True)
            finally:
                con.execute("ROLLBACK")
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise RegisterLockedError(
                f"{str(path)!r} is being written by another program: try again when it has "
                "finished") from None
        if _readable(path):  # nothing can be written here, and nothing needs undoing
            return
        raise RegisterReadOnlyError(
            f"{str(path)!r} has an unfinished write to undo (its '-journal' file) and cannot be "
            f"undone here ({exc}): open it once from a place where the file is writable"
        ) from None


def _readable(path: Path) -> bool:
    """Whether a read-only connection reads the register: SQLite refuses one while a hot
    journal waits to be rolled back, and reads past a journal that is not hot."""
    try:
        con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=2)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return True


def bulk_journal(con: sqlite3.Connection) -> bool:
    """Switch the register from WAL to a rollback journal for one bulk transaction, if no
    other connection (in this process or another) has it open; returns whether it did.

    With a rollback journal the pages a load appends to the file are written once, into
    the file, and not journaled (a rollback truncates them away); in WAL mode they are
    written to the WAL and copied again by the checkpoint. SQLite refuses the switch while
    anyone else has the file open, so no open reader is affected; one that opens it during
    the load waits for the commit (up to its busy timeout) instead of reading the state
    before it. Crash safety is SQLite's: a killed load leaves a hot journal, rolled back by
    the next open (``_recover``). ``synchronous = EXTRA`` while in this mode: in a rollback
    journal the commit is the journal's removal, and only at EXTRA does SQLite sync the
    folder after it; at FULL a power cut just after the commit may bring the journal back
    and undo a load already reported done. ``back_to_wal`` ends it."""
    # someone else has it open: stay in WAL at once
    return _switch_journal(con, "DELETE", "EXTRA", wait_ms=0)


def back_to_wal(con: sqlite3.Connection) -> bool:
    """WAL again after ``bulk_journal`` (outside any transaction); False if another
    connection opened the file meanwhile and holds it (the caller tries again later)."""
    return _switch_journal(con, "WAL", "NORMAL", wait_ms=BEGIN_POLL_MS)


def _switch_journal(con: sqlite3.Connection, journal: str, synchronous: str, *,
                    wait_ms: int) -> bool:
    """The file's journal mode set to ``journal`` (waiting at most ``wait_ms`` for other
    connections), then ``synchronous``; False when SQLite kept the mode it had."""
    con.execute(f"PRAGMA busy_timeout = {wait_ms}")
    try:
        mode = con.execute(f"PRAGMA main.journal_mode = {journal}").fetchone()[0]
    except sqlite3.OperationalError:
        return False
    finally:
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if mode.lower() != journal.lower():
        return False
    con.execute(f"PRAGMA main.synchronous = {synchronous}")
    return True


def sealed(path: Path) -> bool:
    """Whether the register at ``path`` is a signed, read-only extract (seal.py)."""
    from .seal import is_sealed, read_uri

    con = sqlite3.connect(read_uri(path), uri=True, timeout=2)
    try:
        return is_sealed(con)
    finally:
        con.close()


def check_writable(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not os.access(path, os.W_OK):
        raise RegisterReadOnlyError(
            f"register {str(path)!r} is read-only: make the file writable, or open it "
            "read-only (--read-only) to check digs without changing it"
        )
    if not os.access(folder, os.W_OK):
        raise RegisterReadOnlyError(
            f"the folder {str(folder)!r} is not writable (the register needs to write its "
            "journal beside the file): copy the register somewhere writable"
        )


def check_new(path: Path) -> None:
    if path.exists():
        raise RegisterExistsError(
            f"{str(path)!r} already exists: choose a new file name or open the existing register"
        )
    if not path.parent.exists():
        raise RegisterNotFoundError(f"folder {str(path.parent)!r} does not exist: create it first")
    check_writable(path)


def connect(path: Path, *, read_only: bool, create: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (we manage transactions), WAL unless read-only.

    With ``create``, the GeoPackage application_id and user_version are written into the
    file header before WAL is switched on, so other readers see them at once.
    """
    if read_only:
        from .seal import read_uri  # (immutable for a sealed file in WAL mode)

        con = sqlite3.connect(read_uri(path), uri=True, isolation_level=None,
                              check_same_thread=False)
    else:
        try:  # a folder that refuses files (which os.access may not tell) fails here
            con = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        except sqlite3.OperationalError as exc:
            raise RegisterReadOnlyError(f"cannot open {str(path)!r} for writing ({exc}): "
                                        "choose a folder you can write to") from None
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if create:
        con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        con.execute("PRAGMA user_version = 10300")
    if not read_only:
        try:
            mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            con.close()
            if "locked" in str(exc) or "busy" in str(exc):
                raise RegisterLockedError(
                    f"{str(path)!r} is locked by another program: close it there and try again"
                ) from None
            raise RegisterReadOnlyError(f"{str(path)!r} cannot be opened for writing: {exc}") from None
        if mode.lower() != "wal":
            con.close()
            raise RegisterReadOnlyError(f"{str(path)!r} cannot switch to WAL mode (got {mode})")
        con.execute("PRAGMA synchronous = NORMAL")
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("PRAGMA cache_size = -65536")
    return con


def side_files(path: Path) -> tuple[Path, Path]:
    """The WAL and its shared-memory index beside a register."""
    return Path(f"{path}-wal"), Path(f"{path}-shm")


def tidy_wal(path: Path) -> None:
    """Remove the ``-wal`` and ``-shm`` files read-only connections left beside a register
    that had none (a read-only connection can neither checkpoint nor delete them).

    A read-write connection is opened, reads, and is closed: SQLite then checkpoints and
    deletes both files only if it is the last connection to the register in any process,
    so an app with the register open keeps its WAL. Its WAL was empty when the read-only
    command opened the file, so the register's content is not changed. Nothing waits (no
    busy timeout) and a folder or file that cannot be written is left as it is.
    """
    if not any(p.exists() for p in side_files(path)):
        return
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return
    try:
        con = sqlite3.connect(str(path), isolation_level=None, timeout=0)
    except sqlite3.Error:
        return
    try:
        con.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.Error:
        pass
    finally:
        con.close()


BEGIN_POLL_MS = 250  # SQLite's busy wait per attempt while waiting for another writer


def _busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and (
        "locked" in str(exc) or "busy" in str(exc))


def begin_immediate(con: sqlite3.Connection, where: str, cancelled=lambda: False) -> None:
    """``BEGIN IMMEDIATE``: the write lock, waited for while another writer holds it
    (bounded and announced, asset_register/waits.py), then RegisterLockedError."""
    con.execute(f"PRAGMA busy_timeout = {BEGIN_POLL_MS}")  # short tries: the wait is said early
    try:
        wait_for_writer(lambda: con.execute("BEGIN IMMEDIATE"), _busy, repr(where), cancelled)
    except sqlite3.OperationalError as exc:
        raise RegisterLockedError(
            f"register {where!r} cannot be written ({exc}): another program may hold it "
            "open for writing; try again when it has finished") from None
    finally:
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
