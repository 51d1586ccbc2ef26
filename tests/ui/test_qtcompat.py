"""Signals emitted through ``ui.qtcompat.emit`` leave Python's reference counts intact (PySide6
6.12's ``emit`` steals a reference to ``True`` on every call; unpatched, thousands of emits
abort the interpreter)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Source(QObject):
    value = Signal(object)
    bare = Signal()


def test_many_emits_keep_true_and_false_alive(qtbot):
    from ui.qtcompat import emit, emitter

    source = _Source()
    got = []
    source.value.connect(got.append)
    source.bare.connect(lambda: got.append("bare"))
    before = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    for i in range(20_000):  # far more than the references True holds in a small process
        emit(source.value, None if i % 2 else i)
        emitter(source.bare)()
    after = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    assert len(got) == 40_000
    assert after[:2] == before[:2]
    assert after[2] - before[2] == got.count(None)  # exactly the Nones the list holds
