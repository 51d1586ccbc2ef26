"""Undo/redo of whole-state edits, without Qt.

Each edit keeps the state before and after it (the states are immutable), so undo and redo
hand one of them back to ``apply``. The history lives in the model it edits, so it lasts as
long as that model — across register reloads — and not as long as a widget."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .events import Events


@dataclass(frozen=True)
class Edit:
    text: str  # shown as "Undo <text>"
    before: Any
    after: Any


class UndoHistory:
    """Edits with a position: ``index`` edits are done, the rest can be redone.
    Events: ``changed()`` after every push, undo, redo and clear."""

    def __init__(self, apply: Callable[[Any], None], limit: int = 500) -> None:
        self._apply = apply
        self._edits: list[Edit] = []
        self._index = 0
        self.limit = limit
        self.events = Events("changed")

    @property
    def index(self) -> int:
        return self._index

    @property
    def count(self) -> int:
        return len(self._edits)

    @property
    def can_undo(self) -> bool:
        return self._index > 0

    @property
    def can_redo(self) -> bool:
        return self._index < len(self._edits)

    @property
    def undo_text(self) -> str:
        return self._edits[self._index - 1].text if self.can_undo else ""

    @property
    def redo_text(self) -> str:
        return self._edits[self._index].text if self.can_redo else ""

    def push(self, before, after, text: str, merge: bool = False) -> None:
        """Record an edit and apply its result; edits that could be redone are dropped.
        ``merge``: when the last edit has the same text, this one extends it (a date typed
        digit by digit is one undo step)."""
        del self._edits[self._index:]
        if merge and self._edits and self._edits[-1].text == text:
            self._edits[-1] = Edit(text, self._edits[-1].before, after)
        else:
            self._edits.append(Edit(text, before, after))
        if len(self._edits) > self.limit:  # the oldest edits go first
            del self._edits[: len(self._edits) - self.limit]
        self._index = len(self._edits)
        self._apply(after)
        self.events.changed.emit()

    def undo(self) -> bool:
        if not self.can_undo:
            return False
        self._index -= 1
        self._apply(self._edits[self._index].before)
        self.events.changed.emit()
        return True

    def redo(self) -> bool:
        if not self.can_redo:
            return False
        self._index += 1
        self._apply(self._edits[self._index - 1].after)
        self.events.changed.emit()
        return True

    def clear(self) -> None:
        """Forget every edit (the current state stays)."""
        self._edits, self._index = [], 0
        self.events.changed.emit()
