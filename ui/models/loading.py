"""What the window is busy with, without Qt: background tasks that keep it "loading"
(opening a register, reading labels, building the sample) and their progress.

Tasks nest and overlap: each ``begin`` has its ``end``, and the window is idle only when all
have ended. Events: ``busy(bool)`` when idle/busy flips; ``progress(fraction, message)``."""

from __future__ import annotations

import itertools

from .events import Events


class LoadingState:
    def __init__(self) -> None:
        self._tasks: dict[int, str] = {}
        self._ids = itertools.count(1)
        self.events = Events("busy", "progress")

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    @property
    def tasks(self) -> list[str]:
        """What is running, oldest first."""
        return list(self._tasks.values())

    def begin(self, what: str) -> int:
        token = next(self._ids)
        was = self.busy
        self._tasks[token] = what
        if not was:
            self.events.busy.emit(True)
        return token

    def end(self, token: int) -> None:
        """End a task (ending it twice is harmless)."""
        if self._tasks.pop(token, None) is not None and not self._tasks:
            self.events.busy.emit(False)

    def report(self, fraction: float, message: str) -> None:
        self.events.progress.emit(float(fraction), message)
