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
    import shapely

    loaded = wait_loaded(window, errors_before, SCREENSHOT_LOAD_S)
    problem = screenshot_problem(window, errors_before, loaded, SCREENSHOT_LOAD_S)
    if problem is None and (args.register or args.sample) and not window.state.session.is_open:
        problem = "no register is open"
    if problem is not None:
        return screenshot_failed(window, problem)
    if args.footprint and window.state.session.is_open:
        window.dig.set_geometry(shapely.from_wkt(args.footprint), "Footprint", width_m=args.width,
                                radius_m=args.radius)
        window.zoom_to_dig()
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
    ok = target.grab().save(args.screenshot)
    window.close()
    if not ok:
        print(f"asset-register-gui: error: could not write the screenshot {args.screenshot}: check the folder "
              "exists and is writable, and the name ends in .png or .jpg", file=sys.stderr)
        return 1
    return 0


def screenshot_failed(window, problem: str) -> int:
    message = " ".join(problem.split())  # one line, whatever the message held
    print(f"asset-register-gui: error: no screenshot taken: {message}", file=sys.stderr)
    window.close()
    return 1
