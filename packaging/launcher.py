"""Entry script of the packaged app: one script, two executables in one folder.

The bundle carries two executables built from this script and sharing one set of
libraries: ``asset-register-gui`` (windowed: no console window on Windows, an .app
on macOS) starts the desktop app, ``asset-register`` (console) runs the CLI. The name
the program was started by decides which, so the two cannot drift apart. On Linux
``asset-register-gui`` is a symbolic link to ``asset-register`` (see build.spec), so
the name in ``argv[0]`` counts as well as the executable's own.

``asset-register --bundle-check`` checks an installation (packaging/bundle_check.py).
"""

from __future__ import annotations

import os
import sys


def _wants_gui(*names: str) -> bool:
    """True when started as the GUI (``asset-register-gui[.exe]``, or a link of that name)."""
    return any(os.path.splitext(os.path.basename(n))[0].lower().endswith("-gui") for n in names if n)


def _application_with_icon():
    """Create the QApplication (ui.app reuses it) with the bundled icon as every window's icon.

    Windows takes the taskbar icon from the executable; X11/Wayland desktops and the
    window title bars take it from here.
    """
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    icon = os.path.join(getattr(sys, "_MEIPASS", os.path.dirname(os.path.abspath(__file__))), "icons",
                        "asset-register.png")
    if os.path.exists(icon):
        app.setWindowIcon(QIcon(icon))
    return app  # the caller holds it: a dropped reference would delete the application


def main() -> int:
    # The GUI runs imports in a child process started with the "spawn" method, which
    # re-executes this executable; freeze_support() turns that run into the child.
    import multiprocessing

    multiprocessing.freeze_support()
    if sys.argv[1:2] == ["--bundle-check"]:  # installation check, see packaging/bundle_check.py
        import bundle_check

        return bundle_check.main()
    if _wants_gui(sys.executable, sys.argv[0] if sys.argv else ""):
        app = _application_with_icon()
        from ui.app import main as gui_main

        status = int(gui_main() or 0)
        del app
        return status
    from asset_register.cli.main import main as cli_main

    return int(cli_main() or 0)


if __name__ == "__main__":
    sys.exit(main())
