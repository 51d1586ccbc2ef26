"""One error dialog for every exception: a plain message plus the technical details.

``install_excepthook`` routes uncaught exceptions (including those raised in Qt
slots) here, so bad input never crashes the application.
"""

from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtWidgets import QApplication, QMessageBox

from asset_register.errors import AssetRegisterError, CancelledError

log = logging.getLogger("asset_register.ui")
_showing = False
shown: list[str] = []  # messages shown (the application log and tests read this)


def user_message(exc: BaseException) -> str:
    """What the user reads: our errors speak for themselves; others get context."""
    if isinstance(exc, AssetRegisterError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "The computer ran out of memory: close other programs or work on a smaller area."
    if isinstance(exc, OSError):
        return f"A file could not be read or written: {exc}"
    return (f"Something unexpected went wrong ({type(exc).__name__}: {exc}). Your register "
            "is unchanged. The details below help the support team.")


def show_exception(exc: BaseException, tb: str | None = None, *, title: str = "Error",
                   parent=None) -> None:
    """Show the error dialog (or log, when there is no application)."""
    global _showing
    details = tb or "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    message = user_message(exc)
    shown.append(message)
    log.error("%s: %s\n%s", title, message, details)
    if isinstance(exc, CancelledError):
        return
    app = QApplication.instance()
    if app is not None and app.property("collect_errors"):
        return  # unattended (--screenshot): the caller reports what ``shown`` collected
    if app is None or _showing or app.property("suppress_error_dialogs"):
        print(f"{title}: {message}", file=sys.stderr)
        return
    _showing = True
    try:
        box = QMessageBox(parent or app.activeWindow())
        box.setIcon(QMessageBox.Icon.Warning if isinstance(exc, AssetRegisterError)
                    else QMessageBox.Icon.Critical)
        box.setWindowTitle(title)
        box.setText(message)
        box.setDetailedText(details)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.exec()
    finally:
        _showing = False


def install_excepthook() -> None:
    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        show_exception(exc, "".join(traceback.format_exception(exc_type, exc, tb)))

    sys.excepthook = hook
