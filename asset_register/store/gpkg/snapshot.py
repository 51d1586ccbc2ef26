"""Bulk reads of a live GeoPackage register through GDAL, safely.

GDAL (pyogrio) carries its own SQLite library. Opening the live register file with
it while this process holds a connection is unsafe: POSIX drops every lock the
process holds on a file when *any* descriptor of it is closed, and GDAL's SQLite,
believing itself the last connection, deletes the ``-wal``/``-shm`` files under our
feet. So bulk readers copy a consistent snapshot with SQLite's online backup API
(page copy, ~0.35 s per million assets, under our own locking) and let GDAL read
the copy as Arrow (~0.5 s per million), which is still several times faster than
building Python rows.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
import weakref
from pathlib import Path


from ...errors import RegisterLockedError

from ...lazy import lazy_module

pyogrio = lazy_module("pyogrio")


MMAP_BYTES = 1 << 34  # SQLite caps it at its compile-time maximum
MMAP_COPY_MAX = 1 << 30  # registers up to this size are read through a memory map to be copied


class Snapshots:
    """The latest snapshot of one register, reused until the register changes.

    A change is any commit: ``PRAGMA data_version`` moves when another connection
    commits, ``total_changes`` when this one does. The map canvas reads drawing fields
    and then label fields; both reads share one copy.
    """

    def __init__(self, con: sqlite3.Connection, register: Path):
        self.con, self.register = con, register
        self.path: str | None = None
        self.stamp: tuple[int, int] | None = None

    def _current(self) -> tuple[int, int]:
        return (self.con.execute("PRAGMA data_version").fetchone()[0], self.con.total_changes)

    def get(self) -> str:
        stamp = self._current()
        if self.path is None or stamp != self.stamp or not os.path.exists(self.path):
            self.discard()
            self.path = _copy(self.con, self.register)
            self.stamp = stamp
            # removed when this object goes away or the interpreter exits, closed or not
            self._finalizer = weakref.finalize(self, _remove, self.path)
        return self.path

    def read_arrow(self, layer: str, *, columns, where=None, bbox=None,
                   read_geometry: bool = True, return_fids: bool = False):
        """``pyogrio.read_arrow`` of ``layer`` from the current snapshot: ``(meta, table)``."""
        return pyogrio.read_arrow(self.get(), layer=layer, columns=list(columns), where=where,
                                  bbox=bbox, read_geometry=read_geometry,
                                  return_fids=return_fids)

    def discard(self) -> None:
        if self.path is not None:
            self._finalizer()
        self.path = self.stamp = None


def read_arrow(con: sqlite3.Connection, register: Path, layer: str, *, columns, where=None,
               bbox=None, read_geometry: bool = True, return_fids: bool = False):
    """One-off ``pyogrio.read_arrow`` of ``layer`` from a fresh snapshot (then deleted)."""
    snaps = Snapshots(con, register)
    try:
        return snaps.read_arrow(layer, columns=columns, where=where, bbox=bbox,
                                read_geometry=read_geometry, return_fids=return_fids)
    finally:
        snaps.discard()


def _copy(con: sqlite3.Connection, register: Path) -> str:
    """A consistent copy of the register (SQLite online backup) in a temporary file."""
    folder = _snapshot_dir(register)
    _sweep(folder)
    fd, name = tempfile.mkstemp(prefix=f".{register.stem}{MARK}{os.getpid()}-", suffix=".gpkg",
                                dir=folder)
    os.close(fd)
    try:
        dest = sqlite3.connect(name)
        # a throwaway copy: no journal and no fsync (half the copy's time); the register's
        # pages read through a memory map for the copy's duration (a quarter less) unless
        # the register is large: every mapped page counts in the process's resident memory
        # until the copy ends (a 3.3 GB register took the app past 4 GB on that alone)
        mapped = con.execute("PRAGMA mmap_size").fetchone()[0]
        try:
            dest.execute("PRAGMA journal_mode=OFF")
            dest.execute("PRAGMA synchronous=OFF")
            if register.stat().st_size <= MMAP_COPY_MAX:
                con.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
            _backup(con, dest, register)
            # a plain rollback-journal file: GDAL's readers open it without -wal/-shm files
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            con.execute(f"PRAGMA mmap_size={int(mapped)}")
            dest.close()
    except BaseException:
        _remove(name)
        raise
    return name


BUSY_SECONDS = 10.0  # how long a copy waits for a busy source before giving up


def _backup(con: sqlite3.Connection, dest: sqlite3.Connection, register: Path) -> None:
    """``con.backup(dest)`` that never waits on its own transaction and waits at most
    BUSY_SECONDS for another one (Python's backup retries a busy source forever, with
    Ctrl-C unheard: a copy of a connection inside its own write transaction hung imports).
    """
    if con.in_transaction:  # SQLite's backup answers BUSY for as long as it stays open
        raise RegisterLockedError(
            f"register {str(register)!r} is busy: it cannot be copied for reading while its "
            "own write is in progress; try again when the write has finished")
    deadline = time.monotonic() + BUSY_SECONDS

    def step(status, remaining, total):  # called after every step, busy ones included
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise RegisterLockedError(
                f"register {str(register)!r} is busy: another program held it for "
                f"{BUSY_SECONDS:g} s while it was being copied for reading; try again")

    con.backup(dest, progress=step, sleep=0.05)


MARK = ".snapshot-"  # snapshot files are named .<register>.snapshot-<pid>-<random>.gpkg


def _sweep(folder: str) -> None:
    """Remove snapshots left by processes that no longer run (killed before they could
    clean up: a copy in a RAM-backed folder would hold memory until the next reboot)."""
    if os.name != "posix":  # no cheap, safe liveness test elsewhere (os.kill(pid, 0) signals)
        return
    try:
        names = [n for n in os.listdir(folder) if MARK in n and n.endswith(".gpkg")]
    except OSError:
        return
    for name in names:
        try:
            pid = int(name.rsplit(MARK, 1)[1].split("-", 1)[0])
        except ValueError:
            continue
        if pid != os.getpid() and not _alive(pid):
            _remove(os.path.join(folder, name))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _remove(name: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(name + suffix)
        except FileNotFoundError:
            pass


RAM_DIR = "/dev/shm"  # a RAM-backed folder on Linux


def _snapshot_dir(register: Path) -> str:
    """Where the copy goes: a RAM-backed folder when it fits well within free memory (a
    fifth faster, and no disk writeback competes with the copy), else the system temp
    folder, or the register's own folder when that has more room."""
    tmp = tempfile.gettempdir()
    try:
        size = register.stat().st_size
        if _fits_in_memory(size):
            return RAM_DIR
        if shutil.disk_usage(tmp).free >= size * 1.2:
            return tmp
        if os.access(register.parent, os.W_OK):
            return str(register.parent)
    except OSError:
        pass
    return tmp


def _fits_in_memory(size: int) -> bool:
    """Room for the copy in RAM_DIR, and at least four times its size of available memory
    (the copy lives in memory until the reads are done)."""
    try:
        if not (os.path.isdir(RAM_DIR) and os.access(RAM_DIR, os.W_OK)):
            return False
        return shutil.disk_usage(RAM_DIR).free >= size * 1.2 and _available_memory() >= size * 4
    except OSError:
        return False


def _available_memory() -> int:
    """The kernel's MemAvailable in bytes (0 where it does not say)."""
    from ...inputs import mem_available

    return mem_available() or 0
