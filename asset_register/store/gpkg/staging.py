"""Staging files beside a GeoPackage register: named, locked, and swept after a dead import.

A bulk batch stages its rows in hidden SQLite files next to the register
(``.<register>.staging-<id>.*``, see bulk.py): ~300 bytes an asset. Their import
deletes them whatever happens to it — except when its process is killed. So every stage
first takes a lock file ``.<register>.staging-<id>.lock`` (liveness.HeldLock, held until
the stage is gone), and each writable open of the register and each new stage sweeps the
files of stages whose lock is no longer held: their process is dead. The files of a live
import, in this process or another, are never touched.

The sweep is bounded (at most ``SWEEP_MAX`` stages per call, one directory listing) and
safe: it only removes names of the staging pattern of this register. Files without a
lock (written by a version before locks) are removed once older than an hour, as before.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from ...liveness import HeldLock, lock_abandoned

UNLOCKED_STALE_SECONDS = 3600  # staging files with no lock file (older versions)
SWEEP_MAX = 64  # stages removed per sweep at most: a sweep never holds up an open
SUFFIXES = ("", "-wal", "-shm", "-journal")


def prefix(register: Path) -> str:
    return f".{register.name}.staging-"


def new_stem(register: Path) -> Path:
    """The path stem of a new stage's files (``<stem>.gpkg``, ``<stem>.geo.sqlite``…)."""
    return register.parent / f"{prefix(register)}{uuid.uuid4().hex}"


def take_lock(stem: Path) -> HeldLock:
    """The stage's lock, held by this process until ``release()`` (or its end)."""
    return HeldLock(Path(f"{stem}.lock"))


def remove(paths) -> None:
    """Delete staging files (and their SQLite side files) that exist."""
    for path in paths:
        if path is None:
            continue
        for suffix in SUFFIXES:
            try:
                os.remove(f"{path}{suffix}")
            except FileNotFoundError:
                pass


def staging_files(register: Path) -> dict[str, list[Path]]:
    """Staging files beside ``register`` grouped by stage id (lock files included)."""
    head = prefix(register)
    groups: dict[str, list[Path]] = {}
    try:
        entries = list(os.scandir(register.parent))
    except OSError:
        return groups
    for entry in entries:
        if entry.name.startswith(head):
            stage_id = entry.name[len(head):].split(".", 1)[0]
            groups.setdefault(stage_id, []).append(Path(entry.path))
    return groups


def sweep(register: Path) -> int:
    """Remove the staging files of dead imports beside ``register``; returns how many stages."""
    removed = 0
    for _stage_id, files in sorted(staging_files(register).items()):
        if removed >= SWEEP_MAX:
            break
        locks = [f for f in files if f.name.endswith((".lock", ".lock.new"))]
        if locks:
            # held: a live import's stage. A ".lock.new" is a lock being taken: its file
            # exists a moment before it is locked, so only an old one counts as left behind.
            if not all(lock_abandoned(f) and (f.name.endswith(".lock") or _older(f, 60))
                       for f in locks):
                continue
        elif not _older(max(files, key=_mtime), UNLOCKED_STALE_SECONDS):
            continue
        data = [f for f in files if f not in locks] + locks  # the locks go last
        for f in data:
            try:
                os.remove(f)
            except OSError:
                pass
        removed += 1
    return removed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")


def _older(path: Path, seconds: float) -> bool:
    return time.time() - _mtime(path) > seconds
