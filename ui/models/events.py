"""Events for the Qt-free models (napari's way): a model owns ``EventEmitter``s, views and
controllers connect callbacks to them, and the model never knows who listens.

``Events`` groups a model's emitters by name (``dig.events.result.connect(...)``). A callback
connected twice is called once; callbacks run in the order they were connected, on the thread
that emits (the models are used from the GUI thread only)."""

from __future__ import annotations

from collections.abc import Callable


class EventEmitter:
    """Callbacks connected to one kind of change; ``emit`` calls them in order."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._callbacks: list[Callable] = []

    def connect(self, callback: Callable) -> Callable:
        """Call ``callback(*args)`` on every ``emit``; returns it (usable as a decorator)."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable) -> None:
        """Stop calling ``callback``; a callback that is not connected is ignored."""
        self._callbacks = [c for c in self._callbacks if c != callback]

    def emit(self, *args) -> None:
        # a copy: a callback may connect or disconnect others while they are being called
        for callback in list(self._callbacks):
            callback(*args)

    def __len__(self) -> int:
        return len(self._callbacks)

    def __repr__(self) -> str:
        return f"<EventEmitter {self.name or '?'}: {len(self)} callback(s)>"


class Events:
    """A model's emitters by name: ``Events("opened", "closed").opened.connect(f)``."""

    def __init__(self, *names: str) -> None:
        for name in names:
            setattr(self, name, EventEmitter(name))

    def __iter__(self):
        return iter(e for e in vars(self).values() if isinstance(e, EventEmitter))
