"""The Qt binding the app runs on keeps Python's reference counts intact (PySide6 6.12.0 on
Python 3.11 does not: the app would abort after minutes of use)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Source(QObject):
    value = Signal(object)


def test_the_installed_binding_is_sound(qtbot):
    from ui.runtime_check import problem

    assert problem() is None
    source = _Source()
    got = []
    source.value.connect(got.append)
    before = sys.getrefcount(True), sys.getrefcount(None)
    for i in range(5_000):
        source.value.emit(i)
        source.setObjectName("x")
    assert (sys.getrefcount(True), sys.getrefcount(None)) == before
    assert len(got) == 5_000
