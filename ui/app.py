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
import sys
from pathlib import Path


def _size(text: str) -> str:
    """``--size WxH``: two positive whole numbers of pixels."""
    w, _, h = text.lower().partition("x")
    if not (w.isdigit() and h.isdigit() and int(w) > 0 and int(h) > 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT in pixels, e.g. 1600x1000")
    return text


def _footprint(text: str) -> str:
    """``--footprint WKT|FILE``: an existing file, or WKT refused at once when it does not parse."""
    import shapely

    from .start_dig import is_footprint_file

    if is_footprint_file(text):
        return text
    try:
        shapely.from_wkt(text)
    except shapely.errors.GEOSException as exc:
        raise argparse.ArgumentTypeError(f"{text[:60]!r} is neither a file nor WKT ({exc}): give "
                                         "a footprint file or WKT in the register's CRS") from None
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
    p.add_argument("--footprint", metavar="WKT|FILE", type=_footprint,
                   help="start with this dig: WKT in the register's CRS, or a vector file "
                        "(its first feature, in the file's CRS)")
    p.add_argument("--width", type=float, default=0.6, help="trench width for a line footprint (m)")
    p.add_argument("--radius", type=float, default=1.0, help="radius for a point footprint (m)")
    p.add_argument("--select-conflict", type=int, metavar="ROW", help="select this conflict row")
    p.add_argument("--show-deviation", type=int, metavar="ID",
                   help="select this deviation report in the Deviations dock (the map shows it)")
    p.add_argument("--report-deviation", metavar="ASSET",
                   help="open the deviation report dialog on this asset (a screenshot shows it over the window)")
    p.add_argument("--import-wizard", nargs="*", metavar="FILE", help="open the import wizard on these files")
    p.add_argument("--wizard-page", type=int, default=0, help="advance the import wizard this many pages")
    p.add_argument("--quality-map", choices=["accuracy", "age"],
                   help="start with the map shaded by data quality and the quality dock shown")
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


def _import_the_geo_stack() -> None:
    """numpy, shapely, pyproj and GDAL (pyogrio, which imports pandas, geopandas and Arrow)
    before Qt, which the window needs them all for. Once PySide6 is imported it reads the
    source of every module imported after it (its ``__feature__`` import hook looks for
    modules using PySide6): imported after it, these cost a cold start about 0.2 s more
    (the hook read some 700 source files)."""
    import pyogrio  # noqa: F401
    import pyproj  # noqa: F401
    import shapely  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    _import_the_geo_stack()  # (before anything imports PySide6)
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
    if args.register and not args.sample:  # read while the window is built (ui/preload.py)
        from . import preload
        from .settings import AppSettings

        preload.start(args.register, preload.display_cache_dir(AppSettings()))
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
    if args.quality_map:
        window.quality.dock.show()
        window.quality.dock.raise_()
        window.state.quality.set_shading(args.quality_map)
    try:
        if args.sample:
            from .sample import open_sample

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
    finally:
        from . import preload

        preload.discard()  # (an early read the window did not use)
    if args.footprint and not args.screenshot:  # (a screenshot draws it once the window is loaded)
        from .start_dig import start_dig

        try:
            start_dig(window, args.footprint, args.width, args.radius)
        except Exception as exc:  # an unreadable footprint file: said, the window stays
            from .errors import show_exception

            show_exception(exc, title="The dig footprint could not be loaded")
    if args.screenshot:
        try:
            from .screenshot import take_screenshot

            return take_screenshot(app, window, args, errors_before)
        finally:
            app.setProperty("collect_errors", False)
            logging.getLogger("asset_register.ui").removeHandler(quiet)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
