"""Ctrl-C that is heard at every stage of an import, within a bounded time.

Python hears Ctrl-C only between bytecodes of the main thread: a long GDAL read, a
shapely operation over a million geometries or one long SQLite statement would delay it
for as long as they run. So the CLI runs the import in a worker thread and waits for it
in short, interruptible joins. On Ctrl-C it cancels the job (which aborts the statement
running in the register: ``sqlite3.Connection.interrupt``, a PostgreSQL query cancel)
and gives the worker ``GRACE_S`` to roll back. A worker still inside a long C call by
then holds no committed change (the commit is the job's last step and is checked for
cancellation just before), so the process ends there: an open transaction dies with it.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable

GRACE_S = 1.5  # Ctrl-C to exit, at most (the bound is 2 s)
INTERRUPTED = "asset-register: interrupted; the register is unchanged"


def run_interruptible(work: Callable[[], object], cancel: Callable[[], None],
                      committed: Callable[[], bool] = lambda: False):
    """``work()`` in a worker thread; its value, or its exception re-raised here.

    On Ctrl-C: ``cancel()``, then KeyboardInterrupt once the worker has stopped; if it has
    not stopped within GRACE_S, the process exits with 130 at once. ``committed()`` says
    whether the worker already committed something (then the message says so).
    """
    box: dict[str, object] = {}
    # An Event, not Thread.join: a join that Ctrl-C interrupted may report the thread
    # finished when it is not (CPython), and the register would be closed under it.
    finished = threading.Event()

    def target():
        try:
            box["value"] = work()
        except BaseException as exc:  # handed to the main thread
            box["error"] = exc
        finally:
            finished.set()

    threading.Thread(target=target, daemon=True, name="import").start()
    try:
        while not finished.wait(0.1):
            pass
    except KeyboardInterrupt:
        cancel()
        if not finished.wait(GRACE_S):
            _exit_now(committed())
        if "value" in box and committed():  # it finished before it heard Ctrl-C
            return box["value"]
        raise KeyboardInterrupt from None
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]


def _exit_now(committed: bool) -> None:
    message = ("asset-register: interrupted after the import was committed" if committed
               else INTERRUPTED)
    try:
        sys.stdout.flush()
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    finally:
        os._exit(130)
