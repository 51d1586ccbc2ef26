"""Run long work off the GUI thread with progress, cancel and result signals.

Work runs in Python-created threads (a ThreadPoolExecutor), not QThreadPool's: a
native thread gets a fresh Python thread state for every call, which drops
thread-local state such as pyproj's PROJ context while objects still use it.

``submit(fn, ...)`` calls ``fn(task)`` in a pool thread; ``task.progress(f, msg)``
reports, ``task.cancelled()`` polls. Results and exceptions come back to the GUI
thread through queued Qt signals, so callbacks may touch widgets.
"""

from __future__ import annotations

import threading
import traceback
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal

_active: set = set()  # keep tasks (and their signal objects) alive until they finish


class TaskSignals(QObject):
    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(object, str)  # exception, formatted traceback


class Task:
    def __init__(self, fn, name: str = "") -> None:
        self.fn = fn
        self.name = name
        self.signals = TaskSignals()
        self._cancel = threading.Event()
        self.done = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, fraction: float, message: str = "") -> None:
        self.signals.progress.emit(float(fraction), str(message))

    def run(self) -> None:
        try:
            result = self.fn(self)
        except BaseException as exc:  # every failure reaches the user through one dialog
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.finished.emit(result)
        finally:
            self.done.set()


_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="worker")
    return _executor


_reads: ThreadPoolExecutor | None = None
_reads_waiting = 0  # reads submitted to the reads pool and not yet finished
_reads_lock = threading.Lock()


def reads_pool() -> ThreadPoolExecutor:
    """One thread for the whole-register reads that follow an opening (the label fields, the
    search box's ids, the quality report and classes, the display cache): one after another,
    so no two of them hold their columns beside the drawing arrays at once."""
    global _reads
    if _reads is None:
        _reads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="worker-reads")
    return _reads


def reads_waiting() -> int:
    """Reads on the reads pool not yet finished (the one asking counts itself)."""
    return _reads_waiting


def _count_reads(step: int) -> None:
    global _reads_waiting
    with _reads_lock:
        _reads_waiting += step


def submit(fn, *, on_done=None, on_error=None, on_progress=None, name: str = "",
           pool: ThreadPoolExecutor | None = None) -> Task:
    """Start ``fn(task)`` in a worker thread; callbacks run on the GUI thread."""
    task = Task(fn, name)
    _active.add(task)

    def finished(result):
        _active.discard(task)
        if on_done is not None:
            on_done(result)

    def failed(exc, tb):
        _active.discard(task)
        if on_error is not None:
            on_error(exc, tb)
        else:
            from .errors import show_exception

            show_exception(exc, tb, title=name or "Background task failed")

    task.signals.finished.connect(finished)
    task.signals.failed.connect(failed)
    if on_progress is not None:
        task.signals.progress.connect(on_progress)
    if pool is not None and pool is _reads:
        _count_reads(1)
        run = task.run

        def counted():
            try:
                run()
            finally:
                _count_reads(-1)

        pool.submit(counted)
        return task
    (pool or _pool()).submit(task.run)
    return task
