"""Ctrl-C that is heard at every stage of an import, within a bounded time.

Python hears Ctrl-C only between bytecodes of the main thread: a long GDAL read, a
shapely operation over a million geometries or one long SQLite statement would delay it
for as long as they run. So the CLI runs the import in a worker thread and waits for it
in short sleeps, Ctrl-C only raising a flag. On Ctrl-C it cancels the job (which aborts the statement
running in the register: ``sqlite3.Connection.interrupt``, a PostgreSQL query cancel)
and gives the worker ``GRACE_S`` to roll back. A worker still inside a long C call by
then holds no committed change (the commit is the job's last step and is checked for
cancellation just before), so the process ends there: an open transaction dies with it.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable

GRACE_S = 1.5  # Ctrl-C to exit, at most (the bound promised is 2 s)
POLL_S = 0.05
INTERRUPTED = "asset-register: interrupted; the register is unchanged"


def run_interruptible(work: Callable[[], object], cancel: Callable[[], None],
                      committed: Callable[[], bool] = lambda: False):
    """``work()`` in a worker thread; its value, or its exception re-raised here.

    On Ctrl-C: ``cancel()``, then KeyboardInterrupt once the worker has stopped; if it has
    not stopped within GRACE_S, the process exits with 130 at once. ``committed()`` says
    whether the worker already committed something (then the message says so). Called
    from another thread than the main one (where no signal arrives), it just runs work().
    """
    if threading.current_thread() is not threading.main_thread():
        return work()
    box: dict[str, object] = {}
    finished = threading.Event()
    heard: list[int] = []

    def target():
        try:
            box["value"] = work()
        except BaseException as exc:  # handed to the main thread
            box["error"] = exc
        finally:
            finished.set()

    # Ctrl-C only raises a flag: a KeyboardInterrupt raised inside the waiting primitives
    # themselves can leave their lock held (and a join may then report a live thread
    # finished); polling the flag between short sleeps is always safe.
    previous = signal.signal(signal.SIGINT, lambda signum, frame: heard.append(signum))
    try:
        threading.Thread(target=target, daemon=True, name="import").start()
        while not finished.is_set() and not heard:
            time.sleep(POLL_S)
        if heard:
            cancel()
            deadline = time.monotonic() + GRACE_S
            while not finished.is_set() and time.monotonic() < deadline:
                time.sleep(POLL_S)
            if not finished.is_set():
                _exit_now(committed())
            if "value" in box and committed():  # it finished before it heard Ctrl-C
                return box["value"]
            raise KeyboardInterrupt
    finally:
        signal.signal(signal.SIGINT, previous)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]


def _exit_now(committed: bool) -> None:
    message = ("asset-register: interrupted after the import was committed" if committed
               else INTERRUPTED)
    try:
        from asset_register.store import remove_temporary_files

        remove_temporary_files()  # the register itself needs nothing: its transaction dies here
        sys.stdout.flush()
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    finally:
        os._exit(130)
