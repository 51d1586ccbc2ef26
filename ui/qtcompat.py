"""Work around a reference-counting bug in PySide6 6.12's ``SignalInstance.emit``.

``emit()`` returns ``True``/``False`` without taking a reference, so every emit from Python
steals one reference to the ``True`` object; after a few thousand emits the interpreter
aborts ("deallocating True or False"). ``emit(signal, *args)`` gives the reference back —
only when a probe at import shows the bug, so a fixed PySide6 is left alone. Every signal
the app emits from Python goes through it.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    ping = Signal()


def _emit_steals_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True) + sys.getrefcount(False)
    result = probe.ping.emit()
    after = sys.getrefcount(True) + sys.getrefcount(False)
    stolen = after - before < (1 if isinstance(result, bool) else 0)
    if stolen and isinstance(result, bool):
        _incref(result)  # give back what the probe itself took
    del result
    return stolen


STEALS = _emit_steals_a_reference()


def emit(signal, *args):
    """``signal.emit(*args)``, keeping the returned bool's reference count right."""
    result = signal.emit(*args)
    if STEALS and isinstance(result, bool):
        _incref(result)
    return result


def emitter(signal):
    """A callable that emits ``signal`` (for ``connect``), with the same correction."""
    return lambda *args: emit(signal, *args)
