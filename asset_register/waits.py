"""Writers wait for each other: a bounded wait, said once, then a one-line error.

A register takes one writer at a time (GeoPackage: SQLite's write lock, held from an
import's ``BEGIN IMMEDIATE`` to its commit — seconds for a large batch). A second writer
(a notice being issued, another import) that finds the lock taken does not fail at once:
it tells whoever listens ("waiting for another program to finish writing… (up to N s)")
and tries again until ``write_wait_s()`` has passed, then raises RegisterLockedError
saying what to do. Listeners are the CLI (a line on stderr) and the desktop app.

The bound is 120 s, or ``ASSET_REGISTER_WRITE_WAIT_S`` (seconds) in the environment.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from .errors import CancelledError, RegisterLockedError

DEFAULT_WRITE_WAIT_S = 120.0
_listeners: list[Callable[[str], None]] = []
_override: ContextVar[float | None] = ContextVar("write_wait_override", default=None)


@contextmanager
def at_most(seconds: float):
    """Within the block, writers of this thread wait at most ``seconds`` (0: not at all) —
    for optional writes such as a listing's clean-up, which must not hold the listing up."""
    token = _override.set(seconds)
    try:
        yield
    finally:
        _override.reset(token)


def write_wait_s() -> float:
    """How long a writer waits for another one to commit before giving up."""
    if _override.get() is not None:
        return _override.get()
    try:
        value = float(os.environ.get("ASSET_REGISTER_WRITE_WAIT_S", DEFAULT_WRITE_WAIT_S))
    except ValueError:
        return DEFAULT_WRITE_WAIT_S
    return value if value >= 0 else DEFAULT_WRITE_WAIT_S


def listen(callback: Callable[[str], None]) -> Callable[[], None]:
    """Call ``callback(message)`` when a writer starts waiting; returns the un-listen."""
    _listeners.append(callback)
    return lambda: _listeners.remove(callback) if callback in _listeners else None


def announce(message: str) -> None:
    """Tell the listeners a writer has started waiting for another one."""
    for callback in list(_listeners):
        try:
            callback(message)
        except Exception:  # a listener's failure must not fail the write
            pass


def wait_for_writer(attempt: Callable[[], object], busy: Callable[[BaseException], bool],
                    where: str, cancelled: Callable[[], bool] = lambda: False):
    """``attempt()`` (which itself waits briefly, e.g. SQLite's busy timeout) until it stops
    failing with a ``busy`` error, for at most ``write_wait_s()``; its value."""
    bound = write_wait_s()
    deadline = time.monotonic() + bound
    told = False
    while True:
        try:
            return attempt()
        except Exception as exc:
            if not busy(exc):
                raise
        if cancelled():
            raise CancelledError("cancelled while waiting for another program to finish "
                                 "writing to the register: nothing was changed")
        if time.monotonic() >= deadline:
            raise RegisterLockedError(
                f"register {where} is still busy after {bound:g} s: another program (an import "
                "or a notice) is writing to it; try again when it has finished, or set "
                "ASSET_REGISTER_WRITE_WAIT_S to wait longer") from None
        if not told:
            announce(f"waiting for another program to finish writing to {where}… "
                      f"(up to {bound:g} s)")
            told = True
