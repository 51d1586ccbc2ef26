"""``--screenshot``: wait (bounded) until the window has loaded and drawn, optionally draw the
``--footprint`` dig, select a conflict or open the import wizard, then save a picture — or
exit non-zero with a one-line error and no picture when something failed or did not finish."""

from __future__ import annotations

import sys

SCREENSHOT_LOAD_S = 180  # bound on loading the register and its layers for --screenshot


def wait_loaded(window, errors_before: int, timeout_s: float) -> bool:
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


def screenshot_problem(window, errors_before: int, loaded: bool, waited_s: float) -> str | None:
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


def take_screenshot(app, window, args, errors_before: int = 0) -> int:
    from .start_dig import start_dig

    loaded = wait_loaded(window, errors_before, SCREENSHOT_LOAD_S)
    problem = screenshot_problem(window, errors_before, loaded, SCREENSHOT_LOAD_S)
    if problem is None and (args.register or args.sample) and not window.state.session.is_open:
        problem = "no register is open"
    if problem is not None:
        return screenshot_failed(window, problem)
    try:
        dug = start_dig(window, args.footprint, args.width, args.radius)
    except Exception as exc:  # e.g. a footprint file that cannot be read: one line, no picture
        from asset_register.inputs import one_line

        return screenshot_failed(window, f"the dig footprint could not be loaded: {one_line(exc)}")
    if dug:
        window.set_tool("dig_edit")
        window.wait_until_idle(60)
        if window.dig.polygon is not None:
            c = window.dig.polygon.centroid
            window._cursor_moved(c.x, c.y)
        if args.select_conflict is not None:
            window.conflicts_dock.select_row(args.select_conflict)
            window.wait_until_idle(30)
    if getattr(args, "quality_map", None):  # the quality dock over the conflicts a dig raised
        window.quality.dock.raise_()
        window.wait_until_idle(60)
    target = window
    dialog = None
    if getattr(args, "show_deviation", None) is not None or getattr(args, "report_deviation", None):
        problem, dialog = show_deviation(window, args)
        if problem is not None:
            return screenshot_failed(window, problem)
    if args.import_wizard is not None:
        window.import_data(args.import_wizard)
        target = window.dialogs.wizard
        target.resize(1000, 720)
        for _ in range(args.wizard_page):
            window.wait_until_idle(30)
            target.wait_until_ready(120)
            target.next()
        target.wait_until_ready(120)
    problem = screenshot_problem(window, errors_before, window.wait_until_idle(60), 60)
    if problem is not None:
        return screenshot_failed(window, problem)
    app.processEvents()
    picture = target.grab()
    if dialog is not None:
        picture = with_dialog(picture, dialog)
    ok = picture.save(args.screenshot)
    window.close()
    if not ok:
        print(f"asset-register-gui: error: could not write the screenshot {args.screenshot}: check the folder "
              "exists and is writable, and the name ends in .png or .jpg", file=sys.stderr)
        return 1
    return 0


def with_dialog(picture, dialog):
    """The window's picture with ``dialog`` drawn over its bottom-right corner, in a frame
    with its title (an offscreen grab has no window decorations)."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QPainter

    shot = dialog.grab()
    title_h = 26
    x = picture.width() - shot.width() - 24
    y = picture.height() - shot.height() - title_h - 40
    p = QPainter(picture)
    p.fillRect(x - 2, y - 2, shot.width() + 4, shot.height() + title_h + 4, QColor("#5f6368"))
    p.fillRect(x, y, shot.width(), title_h, QColor("#dfe3e8"))
    p.setPen(QColor("#202020"))
    p.drawText(QRect(x + 10, y, shot.width() - 20, title_h), Qt.AlignmentFlag.AlignVCenter,
               dialog.windowTitle())
    p.drawPixmap(x, y + title_h, shot)
    p.end()
    return picture


def show_deviation(window, args):
    """``--show-deviation ID`` (the report selected in its dock) and ``--report-deviation
    ASSET`` (the report dialog open on the asset): (problem or None, the dialog or None)."""
    from asset_register.errors import AssetRegisterError

    controller, dialog = window.deviations, None
    if args.show_deviation is not None:
        controller.dock.show()
        controller.dock.raise_()
        if not controller.dock.select_report(args.show_deviation):
            return f"no open deviation report {args.show_deviation} in the register", None
    if args.report_deviation:
        try:
            asset = window.session.store.get_asset(args.report_deviation)
        except AssetRegisterError as exc:
            return str(exc), None
        dialog = controller.new_report(asset=asset)
    window.wait_until_idle(60)
    return None, dialog


def screenshot_failed(window, problem: str) -> int:
    message = " ".join(problem.split())  # one line, whatever the message held
    print(f"asset-register-gui: error: no screenshot taken: {message}", file=sys.stderr)
    window.close()
    return 1
