"""Bulk reads of a live GeoPackage register through GDAL, safely.

GDAL (pyogrio) carries its own SQLite library. Opening the live register file with
it while this process holds a connection is unsafe: POSIX drops every lock the
process holds on a file when *any* descriptor of it is closed, and GDAL's SQLite,
believing itself the last connection, deletes the ``-wal``/``-shm`` files under our
feet. So bulk readers copy a consistent snapshot with SQLite's online backup API
(page copy, ~0.6 s per million assets, under our own locking) and let GDAL read
the copy as Arrow (~0.5 s per million), which is still several times faster than
building Python rows.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

import pyogrio


def read_arrow(con: sqlite3.Connection, register: Path, layer: str, *, columns, where=None,
               bbox=None, read_geometry: bool = True, return_fids: bool = False):
    """``pyogrio.read_arrow`` of ``layer`` from a consistent snapshot of the register.

    ``con`` is a connection to the live register (read-only is enough). Returns
    ``(meta, table)`` like pyogrio. The snapshot is deleted before returning.
    """
    fd, name = tempfile.mkstemp(prefix=f".{register.stem}.snapshot-", suffix=".gpkg",
                                dir=_snapshot_dir(register))
    os.close(fd)
    try:
        dest = sqlite3.connect(name)
        try:
            con.backup(dest)
        finally:
            dest.close()
        return pyogrio.read_arrow(name, layer=layer, columns=list(columns), where=where,
                                  bbox=bbox, read_geometry=read_geometry,
                                  return_fids=return_fids)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.remove(name + suffix)
            except FileNotFoundError:
                pass


def _snapshot_dir(register: Path) -> str:
    """The system temp folder, or the register's own folder when that has more room."""
    tmp = tempfile.gettempdir()
    try:
        need = register.stat().st_size * 1.2
        if os.statvfs(tmp).f_bavail * os.statvfs(tmp).f_frsize >= need:
            return tmp
        if os.access(register.parent, os.W_OK):
            return str(register.parent)
    except OSError:
        pass
    return tmp
