"""Cost growth: import, single check p99 and canvas cold open at 0.1M / 1M / 10M assets.

Each figure is measured in its own child process (its own peak memory), the sizes one
after the other, and printed as one table with the growth factor from the size before
and the machine load at the time:

* **import** — ``bench_import.py``'s import of N lines in EPSG:4326 into a new register
  (read, reproject to EPSG:27700, check, map, hash, version, write, index, coverage);
  layers over a million features go part by part;
* **check p99** — 2,000 random 10 × 4 m footprints checked one after the other on the
  register of N assets made by ``make_scale.py`` (the full check: rules, owners,
  coverage, works), from the R*Tree on disk;
* **canvas open** — the desktop window opening that register to its first frame with a
  cold display cache (offscreen).

    python benchmarks/bench_growth.py [--sizes 100000,1000000,10000000]
        [--register N=PATH ...] [--workdir DIR] [--skip import,check,canvas] [--audit]

The checks write no audit entries by default (``--no-audit``): the registers given are
often shared benchmark registers, and a check's audit entry is written into the register
even when it is opened read-only. ``--audit`` records each check as the CLI and the
desktop app do, its write inside the timed check.

Registers not given with ``--register`` are made (``make_scale.py``) under the work
directory; the 10M source and register take minutes and several GB of disk.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SINGLES = 2000


def child(args: list[str]) -> tuple[dict, float]:
    """Run this script with ``args`` in a child process: (its JSON answer, peak RSS MB)."""
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(args)} failed: {out[-500:]}")
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def measure_import(n: int, workdir: Path) -> dict:
    import bench_import

    bench_import.OUT = workdir
    src = bench_import.make_source(n)
    t = time.perf_counter()
    bench_import.run_import(src, n)
    return {"seconds": time.perf_counter() - t}


def measure_check(register: Path, audit: bool = False) -> dict:
    import numpy as np
    from bench_check import footprints

    from asset_register.check import Checker, DigSite
    from asset_register.store import open_register
    from asset_register.use_log import record_check

    with open_register(register, read_only=True) as store:
        fps = footprints(store.extent(), SINGLES, seed=7)
        with Checker(store) as checker:
            checker.check(DigSite(fps[0]))
            lat = []
            for fp in fps:
                s = time.perf_counter()
                result = checker.check(DigSite(fp))
                if audit:  # (into the register, read-only or not: off unless asked)
                    record_check(store, result, purpose="benchmark")
                lat.append(time.perf_counter() - s)
        if audit:
            store.flush_uses()
    ms = np.array(lat) * 1000
    return {"median_ms": float(np.median(ms)), "p99_ms": float(np.percentile(ms, 99))}


def measure_canvas(register: Path) -> dict:
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="bench-growth-cache-")  # cold
    from bench_canvas import HEIGHT, WIDTH, pump_until
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setProperty("suppress_error_dialogs", True)
    from ui.main_window import MainWindow
    from ui.settings import AppSettings

    t0 = time.perf_counter()
    window = MainWindow(AppSettings())
    window.resize(WIDTH, HEIGHT)
    window.show()
    app.processEvents()
    window.open_register(str(register))
    layer = window.canvas.layers.register_layer()
    pump_until(lambda: layer.data is not None, 600)
    pump_until(lambda: window.canvas.cached_image(layer.id) is not None, 600)
    seconds = time.perf_counter() - t0
    n = layer.data.n_features
    window.close()
    return {"seconds": seconds, "features": n}


def table(rows: list[dict]) -> str:
    head = ("| assets | import | × | import peak RSS | check p99 (median) | × | "
            "canvas cold open | × | canvas peak RSS | load |")
    lines = [head, "|" + " --- |" * 10]
    prev: dict = {}

    def grow(key, row):
        if key not in row or key not in prev or not prev[key]:
            return "—"
        return f"{row[key] / prev[key]:.1f}"

    for row in rows:
        imp = f"{row['import_s']:.1f} s" if "import_s" in row else "—"
        imp_rss = f"{row['import_rss']:,.0f} MB" if "import_rss" in row else "—"
        chk = (f"{row['p99_ms']:.2f} ms ({row['median_ms']:.2f})" if "p99_ms" in row else "—")
        cvs = f"{row['canvas_s']:.2f} s" if "canvas_s" in row else "—"
        cvs_rss = f"{row['canvas_rss']:,.0f} MB" if "canvas_rss" in row else "—"
        lines.append(f"| {row['n']:,} | {imp} | {grow('import_s', row)} | {imp_rss} | {chk} | "
                     f"{grow('p99_ms', row)} | {cvs} | {grow('canvas_s', row)} | {cvs_rss} | "
                     f"{row['load']} |")
        prev = row
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,1000000,10000000")
    ap.add_argument("--register", action="append", default=[], metavar="N=PATH",
                    help="an existing register of N assets (make_scale.py) to check and open")
    ap.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "out")
    ap.add_argument("--skip", default="", help="comma-separated: import, check, canvas")
    ap.add_argument("--no-audit", dest="audit", action="store_false", default=False,
                    help="write no audit entries into the registers (the default)")
    ap.add_argument("--audit", dest="audit", action="store_true",
                    help="record each check in the register's audit log, as users' checks are")
    ap.add_argument("--child", nargs=2, metavar=("WHAT", "ARG"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        what, arg = args.child
        if what == "import":
            answer = measure_import(int(arg), args.workdir)
        elif what == "check":
            answer = measure_check(Path(arg), audit=args.audit)
        else:
            answer = measure_canvas(Path(arg))
        print(json.dumps(answer))
        return 0
    skip = set(filter(None, args.skip.split(",")))
    given = {int(k): Path(v) for k, v in (r.split("=", 1) for r in args.register)}
    print("audit entries: " + ("each check recorded (--audit)" if args.audit
                               else "none written (--no-audit)"), flush=True)
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        row = {"n": n}
        loads = [os.getloadavg()[0]]
        if "import" not in skip:
            got, rss = child(["--child", "import", str(n), "--workdir", str(args.workdir)])
            row.update(import_s=got["seconds"], import_rss=rss)
            loads.append(os.getloadavg()[0])
        register = given.get(n)
        if register is None and not {"check", "canvas"} <= skip:
            from make_scale import make_register

            register = args.workdir / f"scale_{n}.gpkg"
            if not register.exists():
                make_register(n, register)
        if "check" not in skip:
            got, _ = child(["--child", "check", str(register),
                            "--audit" if args.audit else "--no-audit"])
            row.update(got)
            loads.append(os.getloadavg()[0])
        if "canvas" not in skip:
            got, rss = child(["--child", "canvas", str(register)])
            row.update(canvas_s=got["seconds"], canvas_rss=rss)
            loads.append(os.getloadavg()[0])
        row["load"] = f"{min(loads):.1f}–{max(loads):.1f}"
        rows.append(row)
        print(f"{n:,}: {json.dumps(row)}", flush=True)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
