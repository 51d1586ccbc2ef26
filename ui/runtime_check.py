"""Refuse to run on a Qt binding known to corrupt Python's reference counts.

PySide6 6.12.0 with Python 3.11 drops a reference to ``None`` on every call into a void Qt
method (and to ``True`` on every ``emit``): ``None`` is not immortal before Python 3.12, so
the application aborts ("deallocating None") after a few thousand calls — minutes of use.
``problem()`` detects it by measurement, not by version number, so a fixed build passes.
"""

from __future__ import annotations

import sys


def problem() -> str | None:
    """A message saying what to install, or None when the binding is sound."""
    import PySide6
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(16):
        probe.setObjectName("probe")
    lost = before - sys.getrefcount(None)
    if lost >= 8:
        return (f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} corrupts Python's "
                "reference counts (the app would abort after a few minutes): install a sound "
                "version with  pip install 'pyside6>=6.6,<6.12'  (or use Python 3.12 or later)")
    return None
