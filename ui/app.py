"""``asset-register-gui [REGISTER] [--sample] [--screenshot FILE]``: the desktop application.

With ``--sample`` the bundled sample town is built once into the user's data
folder and opened with its streets and buildings as reference layers.
``--screenshot FILE`` renders the main window once everything has loaded (and
the optional ``--footprint`` dig is checked) and exits — for docs and smoke tests.
It exits non-zero, with a one-line error and no picture, when the register cannot be
opened, a layer fails to load or draw, or loading does not finish in time.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

SAMPLE_NAME = "sample-town.gpkg"
SCREENSHOT_LOAD_S = 180  # bound on loading the register and its layers for --screenshot


def sample_references() -> list[tuple[str, str]]:
    from importers.sample import town_dir

    ref = town_dir() / "reference.gpkg"
    return [(str(ref), "buildings"), (str(ref), "streets")] if ref.exists() else []


def sample_path() -> Path:
    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    folder = Path(base or Path.home() / ".asset-register")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / SAMPLE_NAME


def sample_is_current(path: Path) -> bool:
    from importers.sample import town_dir

    if not path.exists():
        return False
    newest = max(p.stat().st_mtime for p in town_dir().iterdir())
    return path.stat().st_mtime >= newest


def build_sample_register(path: Path, progress=None) -> Path:
    """Build the sample register next to ``path`` and move it into place (never half-built)."""
    from importers.sample import build_sample

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".building.gpkg")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    build_sample(tmp, progress=progress)
    os.replace(tmp, path)
    return path


def open_sample(window, path: Path | None = None) -> None:
    """Open (building first if needed, in the background) the sample town register."""
    from .workers import submit

    path = path or sample_path()
    if sample_is_current(path):
        window.open_register(path, sample_references())
        return
    window.status("Building the sample town register…")
    window.loading = True

    def done(p):
        window.loading = False
        window.open_register(p, sample_references())

    def failed(exc, tb):
        window.loading = False
        from .errors import show_exception

        show_exception(exc, tb, title="The sample town could not be built")

    submit(lambda task: build_sample_register(path, task.progress), on_done=done, on_error=failed,
           on_progress=window._progress, name="Building the sample town")


def _size(text: str) -> str:
    """``--size WxH``: two positive whole numbers of pixels."""
    w, _, h = text.lower().partition("x")
    if not (w.isdigit() and h.isdigit() and int(w) > 0 and int(h) > 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT in pixels, e.g. 1600x1000")
    return text


def _wkt(text: str) -> str:
    """``--footprint WKT``: refused at once when it does not parse."""
    import shapely

    try:
        shapely.from_wkt(text)
    except shapely.errors.GEOSException as exc:
        raise argparse.ArgumentTypeError(f"{text[:60]!r} is not WKT ({exc})") from None
    return text


def _reference(text: str) -> str:
    """``--reference FILE[:LAYER]``: the file must exist."""
    path = text.rsplit(":", 1)[0] if ":" in Path(text).name else text
    if not Path(path).exists():
        raise argparse.ArgumentTypeError(f"reference file {path!r} does not exist")
    return text


def parse_args(argv):
    from asset_register.cli.main import OneLineParser  # usage errors on one line, like the CLI

    p = OneLineParser(prog="asset-register-gui", description="Underground asset register desktop app")
    p.add_argument("register", nargs="?", help="register to open (.gpkg or postgresql:// URL)")
    p.add_argument("--sample", action="store_true", help="open the bundled sample town (built on first use)")
    p.add_argument("--reference", action="append", default=[], metavar="FILE[:LAYER]", type=_reference,
                   help="add a vector file as a reference layer (repeatable)")
    p.add_argument("--footprint", metavar="WKT", type=_wkt,
                   help="start with this dig footprint (working CRS)")
    p.add_argument("--width", type=float, default=0.6, help="trench width for a line footprint (m)")
    p.add_argument("--radius", type=float, default=1.0, help="radius for a point footprint (m)")
    p.add_argument("--select-conflict", type=int, metavar="ROW", help="select this conflict row")
    p.add_argument("--import-wizard", nargs="*", metavar="FILE", help="open the import wizard on these files")
    p.add_argument("--wizard-page", type=int, default=0, help="advance the import wizard this many pages")
    p.add_argument("--screenshot", metavar="FILE", help="save a picture of the window once loaded, then exit")
    p.add_argument("--size", default="1600x1000", type=_size, help="window size WxH (default 1600x1000)")
    return p.parse_args(argv)


def _apply_style(app) -> None:
    """Fusion, the palette and the style sheet, once per application: setting them again
    re-polishes every widget still alive (main() runs more than once in one process in tests)."""
    from PySide6.QtGui import QColor, QPalette

    if app.property("asset_register_styled"):
        return
    app.setProperty("asset_register_styled", True)
    app.setStyle("Fusion")
    pal = app.palette()
    pal.setColor(QPalette.ColorRole.Window, QColor("#eef0f2"))
    pal.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    pal.setColor(QPalette.ColorRole.AlternateBase, QColor("#f5f7f9"))
    pal.setColor(QPalette.ColorRole.Highlight, QColor("#1f6fd1"))
    pal.setColor(QPalette.ColorRole.Button, QColor("#f3f4f6"))
    app.setPalette(pal)
    app.setStyleSheet(
        "QDockWidget::title { background: #dfe3e8; padding: 4px; font-weight: bold; }"
        "QToolBar { spacing: 3px; border-bottom: 1px solid #cfd4da; }"
        "QStatusBar QLabel { padding: 0 6px; }"
        "QHeaderView::section { background: #e9ecef; padding: 3px; border: 0; border-right: 1px solid #d0d4d9; }")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from .runtime_check import problem

    trouble = problem()
    if trouble:
        print(f"asset-register-gui: error: {trouble}", file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    from .errors import install_excepthook, shown
    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("AssetRegister")
    app.setApplicationName("Underground Asset Register")
    _apply_style(app)
    install_excepthook()
    window = MainWindow()
    if args.screenshot:
        w, h = (int(v) for v in args.size.lower().split("x"))
        window.resize(w, h)
        # unattended: errors are collected and reported in one line, never in a modal dialog
        # nobody can close, nor as tracebacks on stderr
        app.setProperty("suppress_error_dialogs", True)
        app.setProperty("collect_errors", True)
        quiet = logging.NullHandler()
        logging.getLogger("asset_register.ui").addHandler(quiet)
    errors_before = len(shown)
    window.show()
    try:
        if args.sample:
            open_sample(window)
        elif args.register:
            refs = [tuple(r.rsplit(":", 1)) if ":" in Path(r).name else (r, None) for r in args.reference]
            window.open_register(args.register, [r for r in refs if r[1]] if refs else None)
            for path, layer in refs:
                if not layer:
                    window.add_reference(path)
    except Exception as exc:  # a bad register path must not kill the app
        from .errors import show_exception

        show_exception(exc, title="The register could not be opened")
    if args.screenshot:
        try:
            return _screenshot(app, window, args, errors_before)
        finally:
            app.setProperty("collect_errors", False)
            logging.getLogger("asset_register.ui").removeHandler(quiet)
    return app.exec()


def _wait_loaded(window, errors_before: int, timeout_s: float) -> bool:
    """Wait (bounded) until the window is idle; stop early once an error was reported."""
    import time

    from .errors import shown

    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if window.wait_until_idle(min(0.5, max(0.0, end - time.monotonic()))):
            return True
        if len(shown) > errors_before:
            return False
    return False


def _screenshot_problem(window, errors_before: int, loaded: bool, waited_s: float) -> str | None:
    """Why the screenshot would not show what was asked for, or None."""
    from .errors import shown

    if len(shown) > errors_before:
        extra = len(shown) - errors_before - 1
        return shown[errors_before] + (f" (and {extra} more error{'s' * (extra > 1)})" if extra else "")
    failed = [f"{lay.name}: {window.canvas.render_errors[lay.id]}" for lay in window.canvas.layers
              if lay.id in window.canvas.render_errors]
    if failed:
        return "layer failed to draw: " + "; ".join(failed)
    if not loaded:
        return f"the window was still loading or drawing after {waited_s:.0f} s"
    return None


def _screenshot(app, window, args, errors_before: int = 0) -> int:
    import shapely

    loaded = _wait_loaded(window, errors_before, SCREENSHOT_LOAD_S)
    problem = _screenshot_problem(window, errors_before, loaded, SCREENSHOT_LOAD_S)
    if problem is None and (args.register or args.sample) and window.session is None:
        problem = "no register is open"
    if problem is not None:
        return _screenshot_failed(window, problem)
    if args.footprint and window.dig is not None:
        window.dig.set_geometry(shapely.from_wkt(args.footprint), "Footprint", width_m=args.width,
                                radius_m=args.radius)
        window.width_spin.setValue(args.width)
        window.zoom_to_dig()
        window.set_tool("dig_edit")
        window.wait_until_idle(60)
        if window.dig.polygon is not None:
            c = window.dig.polygon.centroid
            window._cursor_moved(c.x, c.y)
        if args.select_conflict is not None:
            window.conflicts_dock.select_row(args.select_conflict)
            window.wait_until_idle(30)
    target = window
    if args.import_wizard is not None:
        window.import_data(args.import_wizard)
        target = window.wizard
        target.resize(1000, 720)
        for _ in range(args.wizard_page):
            window.wait_until_idle(30)
            target.wait_until_ready(120)
            target.next()
        target.wait_until_ready(120)
    problem = _screenshot_problem(window, errors_before, window.wait_until_idle(60), 60)
    if problem is not None:
        return _screenshot_failed(window, problem)
    app.processEvents()
    ok = target.grab().save(args.screenshot)
    window.close()
    if not ok:
        print(f"asset-register-gui: error: could not write the screenshot {args.screenshot}: check the folder "
              "exists and is writable, and the name ends in .png or .jpg", file=sys.stderr)
        return 1
    return 0


def _screenshot_failed(window, problem: str) -> int:
    message = " ".join(problem.split())  # one line, whatever the message held
    print(f"asset-register-gui: error: no screenshot taken: {message}", file=sys.stderr)
    window.close()
    return 1


if __name__ == "__main__":
    sys.exit(main())
