"""Entry script of the packaged app: one script, two executables in one folder.

The bundle carries two executables built from this script and sharing one set of
libraries: ``asset-register-gui`` (windowed: no console window on Windows, an .app
on macOS) starts the desktop app, ``asset-register`` (console) runs the CLI. The name
the program was started by decides which, so the two cannot drift apart. On Linux
``asset-register-gui`` is a symbolic link to ``asset-register`` (see build.spec), so
the name in ``argv[0]`` counts as well as the executable's own.
"""

from __future__ import annotations

import os
import sys


def _wants_gui(*names: str) -> bool:
    """True when started as the GUI (``asset-register-gui[.exe]``, or a link of that name)."""
    return any(os.path.splitext(os.path.basename(n))[0].lower().endswith("-gui") for n in names if n)


def main() -> int:
    # The GUI runs imports in a child process started with the "spawn" method, which
    # re-executes this executable; freeze_support() turns that run into the child.
    import multiprocessing

    multiprocessing.freeze_support()
    if _wants_gui(sys.executable, sys.argv[0] if sys.argv else ""):
        from ui.app import main as gui_main

        return int(gui_main() or 0)
    from asset_register.cli.main import main as cli_main

    return int(cli_main() or 0)


if __name__ == "__main__":
    sys.exit(main())
