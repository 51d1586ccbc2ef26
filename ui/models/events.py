"""A tiny event emitter so pure models can notify Qt views without importing Qt."""

from __future__ import annotations

from collections.abc import Callable


class Event:
    """Callbacks connected to one kind of change; ``emit`` calls them in order."""

    def __init__(self) -> None:
        self._callbacks: list[Callable] = []

    def connect(self, callback: Callable) -> Callable:
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable) -> None:
        self._callbacks = [c for c in self._callbacks if c != callback]

    def emit(self, *args) -> None:
        for callback in list(self._callbacks):
            callback(*args)
