"""Desktop app start-up, whole process: from starting `asset-register-gui REGISTER` to the
register layer's first frame painted on the map.

Each run is a new process running the app's own ``ui.app.main`` (offscreen Qt, window
1600 × 1000); a probe in the process notes the moment the canvas has painted the register
layer's first image and ends the process there. The clock is the system's monotonic clock,
read by this script just before starting the process and by the probe at the first frame,
so the figure includes Python's start, every import, the window, opening the register,
reading and drawing it. Cold: a new process with an empty per-user display cache (a new
register, or the first open after an import); the page cache cannot be dropped here, so
not a cold disk. ``--compare CHECKOUT`` starts another checkout's app in the same rounds.

The probe also prints where the time went inside the process (imports until the window
exists, register open, first frame) and which heavy modules were imported by then. Peer,
same run, interleaved: a bare ``python -c "import PySide6.QtWidgets"`` process start (what any
PySide6 app pays before its first widget).

    python benchmarks/bench_gui_start.py REGISTER [--runs 5] [--compare CHECKOUT]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "geopandas", "pyogrio", "pyarrow", "reportlab", "psycopg", "fiona")

# Runs inside the app's process, before ui.app.main: waits (through Qt's own event loop,
# polled by a timer) for the register layer's first image, then for the canvas to paint it.
PROBE = r"""
import importlib.abc, importlib.util, json, os, sys, time
started = time.perf_counter()
marks = {"python": started}


def watch_first_frame(QApplication, QEvent, QObject, QTimer):
    class FirstFrame(QObject):
        def __init__(self, window):
            super().__init__()
            self.window = window
            window.canvas.installEventFilter(self)

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                layer = self.window.canvas.layers.register_layer()
                if layer is not None and self.window.canvas.cached_image(layer.id) is not None:
                    QTimer.singleShot(0, self.done)  # after this paint
            return False

        def done(self):
            marks["frame"], marks["cpu"] = time.perf_counter(), time.process_time()
            heavy = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
            sys.stdout.write(json.dumps({"marks": marks, "heavy": heavy}) + "\n")
            sys.stdout.flush()
            os._exit(0)

    def watch():
        from ui.main_window import MainWindow

        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
        marks["loop"] = time.perf_counter()
        window._first_frame_probe = FirstFrame(window)  # (kept alive with the window)

    exec_ = QApplication.exec

    def exec_and_watch(*args):
        marks["window"], marks["cpu_window"] = time.perf_counter(), time.process_time()
        QTimer.singleShot(0, watch)
        QTimer.singleShot(120_000, lambda: os._exit(3))  # never hangs
        return exec_()  # (static: the instance it was called on is not passed on)

    QApplication.exec = exec_and_watch


class AfterQtWidgets(importlib.abc.MetaPathFinder):
    # The probe goes in when the app itself imports QtWidgets: importing Qt here, first,
    # would change what the app's start costs (the order of its imports matters).
    def find_spec(self, name, path=None, target=None):
        if name != "PySide6.QtWidgets":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        real = spec.loader

        class Loader(importlib.abc.Loader):
            def create_module(self, spec):
                return real.create_module(spec)

            def exec_module(self, module):
                real.exec_module(module)
                from PySide6.QtCore import QEvent, QObject, QTimer

                watch_first_frame(module.QApplication, QEvent, QObject, QTimer)

        spec.loader = Loader()
        return spec


sys.meta_path.insert(0, AfterQtWidgets())
from ui import app as gui

sys.exit(gui.main(sys.argv[1:]))
"""


def _env(cache: str, code: Path = ROOT) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as installed
    env.update(QT_QPA_PLATFORM="offscreen", XDG_CACHE_HOME=cache, PYTHONPATH=str(code))
    return env


def run_app(register: str, size: str, code: Path = ROOT) -> dict:
    """One cold start (an empty display cache) of the app of the checkout ``code``."""
    with tempfile.TemporaryDirectory(prefix="bench-gui-") as cache:
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n" + PROBE, register, "--size", size],
            env=_env(cache, code), cwd=code, capture_output=True, text=True, timeout=180)
    if done.returncode != 0:
        raise SystemExit(f"the app ended with {done.returncode}: {done.stderr[-2000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    m = out["marks"]
    return {"whole": m["frame"] - start, "in_process": m["frame"] - m["python"],
            "python": m["python"] - start, "window": m["window"] - m["python"],
            "open": m["loop"] - m["window"], "frame": m["frame"] - m["loop"],
            "cpu": m["cpu"], "cpu_window": m["cpu_window"], "heavy": out["heavy"]}


def run_peer() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import PySide6.QtWidgets"], env=_env(tempfile.gettempdir()),
                   check=True, timeout=60)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("register")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--size", default="1600x1000")
    ap.add_argument("--compare", type=Path, metavar="CHECKOUT",
                    help="also start the app of another checkout (e.g. the code before a change), "
                         "interleaved with this one")
    ap.add_argument("--in-place", action="store_true",
                    help="open the register itself, not a copy (the app opens it writable)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-gui-register-") as tmp:
        register = str(Path(args.register).resolve())
        if not args.in_place:
            register = shutil.copyfile(register, Path(tmp) / Path(register).name)
        return _bench(args, str(register))


def _bench(args, register: str) -> int:
    codes = {"this checkout": ROOT, **({f"{args.compare}": args.compare.resolve()} if args.compare else {})}
    for code in codes.values():
        run_app(register, args.size, code)  # byte code written, page cache warm: not counted
    runs: dict[str, list[dict]] = {label: [] for label in codes}
    peer, loads = [], [os.getloadavg()[0]]
    for _ in range(args.runs):
        for label, code in codes.items():
            runs[label].append(run_app(register, args.size, code))
        peer.append(run_peer())
        loads.append(os.getloadavg()[0])
    print(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC  {platform.node()}  "
          f"{os.cpu_count()} cores  load (1 min) {min(loads):.2f}–{max(loads):.2f}  "
          f"Python {platform.python_version()}  {args.runs} interleaved runs  {register}")
    for label, done in runs.items():
        med = {k: statistics.median(r[k] for r in done) for k in done[0] if k != "heavy"}
        print(f"{label}: cold start to first frame {med['whole']:.2f} s median "
              f"({min(r['whole'] for r in done):.2f}–{max(r['whole'] for r in done):.2f}); in the "
              f"process {med['in_process']:.2f} s = imports, window and open {med['window']:.2f} + "
              f"event loop to first frame {med['open'] + med['frame']:.2f}; interpreter start "
              f"{med['python']:.2f} s; CPU {med['cpu']:.2f} s (until the window {med['cpu_window']:.2f} s); "
              f"heavy modules by then: {', '.join(done[0]['heavy']) or 'none'}")
    print(f"peer, same runs: python -c 'import PySide6.QtWidgets' {statistics.median(peer):.2f} s median")
    whole = statistics.median(r["whole"] for r in runs["this checkout"])
    print(f"target (issue 19): cold start to first frame ≤ 2.5 s: {whole:.2f} s → "
          f"{'met' if whole <= 2.5 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
