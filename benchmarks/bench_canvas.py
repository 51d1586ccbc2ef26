"""Map canvas benchmark on a large register (offscreen).

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_canvas.py [REGISTER] [--features 1000000]
    python benchmarks/bench_canvas.py REGISTER --cold-only [--beside /work/main] [--rounds 1]
    python benchmarks/bench_canvas.py REGISTER --views [--beside DIR] [--rounds 2]

Prints: open to first frame, full-extent redraw, street-scale redraw of ~2,000 assets, a pan
frame from the cached image, and the longest GUI-thread stall (QTimer heartbeat) while the
canvas renders and while an import runs in the background. Peer in the same run: the naive
full-extent redraw (one QLineF per segment built in Python, then QPainter.drawLines), as
DESIGN §3 measured it; QGIS figures quoted there (not installed here) for reference.

``--cold-only``: the cold open alone, in a child process per run, with the whole app's
resident memory sampled every 50 ms from the window's creation until every read that follows
the open is done (the label fields, the search box's ids, the quality report with its dock
shown): the peak, and the peak while each set of background reads ran. ``--beside DIR`` runs
the same cold open with the code of another checkout (e.g. the main branch: today's path)
alternately with this one, in the same run; the peer after each round (unless
``--skip-peer``): GDAL's own Arrow read of the same geometry and drawing fields in a bare
process, the floor of any reader drawing the register through GDAL.

``--views``: the register layer read as the app reads it (drawing fields, then the grid index
and label fields), in a child process per run, then the renders a pan and a zoom make, timed
in the worker's own call (``render_register``): the full-extent density view, a zoom sequence
from the whole register down to the deepest zoom (1:7), a street view of ~2,000 assets and a
pan across it (each frame a new render); with the layer's bytes (each buffer once) and the
process's resident memory. With ``--beside DIR`` the other checkout's code runs the same
views alternately with this one (the peer: today's drawing arrays, same run and load).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.environ.get("BENCH_CODE_ROOT") or str(ROOT))  # --beside: another checkout

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QLineF, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter, QPen  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

WIDTH, HEIGHT = 1600, 1000


class Heartbeat:
    """A 5 ms QTimer on the GUI thread; the longest gap between ticks is the worst stall."""

    def __init__(self) -> None:
        self.timer = QTimer(interval=5)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        self.gaps: list[float] = []
        self._last = None

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed() / 1e9
        if self._last is not None:
            self.gaps.append(now - self._last)
        self._last = now

    def start(self) -> None:
        self.gaps, self._last = [], None
        self.clock.start()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return max(self.gaps) if self.gaps else float("nan")


def pump_until(cond, timeout=120.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QApplication.processEvents()
        if cond():
            return True
        time.sleep(0.001)
    return False


def render_once(window, layer) -> float:
    """Ask the canvas for a new frame now; seconds until the register layer's image lands."""
    canvas = window.canvas
    before = canvas.cached_image(layer.id)
    t0 = time.perf_counter()
    canvas.refresh_layer(layer)
    pump_until(lambda: canvas.cached_image(layer.id) is not before and canvas.is_idle())
    return time.perf_counter() - t0


def direct_render(packed, view, palette, repeat=5) -> tuple[float, str]:
    from ui.render.painters import RenderSettings, new_image, render_register

    times, lod = [], ""
    for _ in range(repeat):
        img = new_image(view)
        t = time.perf_counter()
        lod = render_register(img, packed, RenderSettings(view), palette)
        times.append(time.perf_counter() - t)
    return statistics.median(times), lod


def naive_full_extent(packed, view) -> tuple[float, float]:
    """Peer: one QLineF per segment built in Python, then drawLines (seconds build, draw)."""
    from ui.render.packed import part_vertex_index

    parts = np.arange(len(packed.part_offsets) - 1)
    idx, starts = part_vertex_index(packed.part_offsets, parts)
    sx, sy = view.to_screen(packed.coords[idx, 0], packed.coords[idx, 1], packed.origin)
    seg = ~starts[1:]
    x0, y0, x1, y1 = (a.tolist() for a in (sx[:-1][seg], sy[:-1][seg], sx[1:][seg], sy[1:][seg]))
    t = time.perf_counter()
    lines = [QLineF(a, b, c, d) for a, b, c, d in zip(x0, y0, x1, y1)]
    build = time.perf_counter() - t
    img = QImage(view.width, view.height, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0)
    p = QPainter(img)
    p.setPen(QPen(QColor("black"), 1))
    t = time.perf_counter()
    p.drawLines(lines)
    p.end()
    return build, time.perf_counter() - t


def make_delivery(register: str, n: int, folder: Path) -> Path:
    """An owner-style delivery of n lines (GeoPackage) cut from the register, for the import stall."""
    import pyogrio

    from asset_register.store import open_register

    with open_register(register, read_only=True) as store:
        frame = store.read_assets(columns=["asset_id", "utility", "asset_class", "status", "diameter_mm",
                                           "material", "depth_m"])
    frame = frame[frame.geom_type == "LineString"].iloc[:n].copy()
    frame["asset_id"] = frame["asset_id"].str.split(":").str[-1]
    out = folder / "delivery_water.gpkg"
    pyogrio.write_dataframe(frame.rename(columns={"asset_id": "ASSET_ID", "material": "MATERIAL",
                                                  "diameter_mm": "DIAMETER", "depth_m": "DEPTH",
                                                  "status": "STATUS", "asset_class": "CLASS",
                                                  "utility": "UTILITY"}), out, layer="mains")
    return out


RUNNING: set = set()  # background tasks running now (not those waiting their turn)


def _track_running() -> None:
    from ui import workers

    run = workers.Task.run

    def tracked(task):
        RUNNING.add(task)
        try:
            run(task)
        finally:
            RUNNING.discard(task)

    workers.Task.run = tracked


class MemorySampler:
    """The process's resident memory every ``interval`` s in a thread of its own: the peak,
    and the peak while each set of background tasks (``ui.workers``) ran."""

    def __init__(self, interval: float = 0.05) -> None:
        import threading

        self.interval, self.peak, self.by_tasks = interval, 0, {}
        self._stop = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * self._page

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            rss = self.rss()
            try:
                names = tuple(sorted({t.name or "?" for t in list(RUNNING)}))
            except RuntimeError:  # the set changed while it was copied
                continue
            self.peak = max(self.peak, rss)
            key = " + ".join(names) or "(no background task)"
            self.by_tasks[key] = max(self.by_tasks.get(key, 0), rss)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def cold_open_child(register: str) -> dict:
    """One cold open of ``register`` in this process (a child of ``cold_open_runs``): the
    timings and the whole app's peak memory until every follow-on read is done."""
    import json  # noqa: F401  (the caller prints the dict as JSON)

    cache_home = tempfile.mkdtemp(prefix="bench-canvas-cache-")
    os.environ["XDG_CACHE_HOME"] = cache_home
    os.environ["XDG_CONFIG_HOME"] = cache_home  # default window layout and settings
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setProperty("suppress_error_dialogs", True)
    _track_running()
    sampler = MemorySampler()
    sampler.start()
    from ui import workers
    from ui.main_window import MainWindow
    from ui.settings import AppSettings

    t0 = time.perf_counter()
    window = MainWindow(AppSettings())
    window.resize(WIDTH, HEIGHT)
    window.show()
    window.quality.dock.show()  # its report is read on opening too: the whole app's memory
    window.quality.dock.raise_()
    app.processEvents()
    window.open_register(register)
    layer = window.canvas.layers.register_layer()
    pump_until(lambda: window.canvas.cached_image(layer.id) is not None, 600)
    first = time.perf_counter() - t0
    how = "density view of the index" if layer.data is None else "assets"
    pump_until(lambda: layer.data is not None, 600)
    ready = time.perf_counter() - t0
    pump_until(lambda: window.canvas.cached_image(layer.id) is not None and window.canvas.is_idle(), 600)
    drawn = time.perf_counter() - t0
    search = window.search_dock

    def settled():
        return (not window.state.loading.busy and not workers._active
                and search._ids is not None and window.quality.model.report is not None)

    pump_until(settled, 900)
    done = time.perf_counter() - t0
    time.sleep(0.2)
    after = sampler.rss()  # what the app keeps once the open is over
    peak = sampler.stop()
    out = {"n": layer.data.n_features, "first": first, "how": how, "ready": ready, "drawn": drawn,
           "done": done, "peak_mb": peak / 2**20, "after_mb": after / 2**20, "settled": settled(),
           "by_tasks": {k: v / 2**20 for k, v in sorted(sampler.by_tasks.items(), key=lambda kv: -kv[1])}}
    window.close()
    import shutil

    shutil.rmtree(cache_home, ignore_errors=True)
    return out


PEER_READ = """
import resource, sys, time
import pyogrio
t = time.perf_counter()
meta, table = pyogrio.read_arrow(sys.argv[1], layer="assets", columns=sys.argv[2].split(","),
                                 where="retired_at IS NULL")
print(table.num_rows, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def peer_read(register: str) -> str:
    """Peer: GDAL's own Arrow read of the live assets' geometry and drawing fields in a bare
    process (``pyogrio.read_arrow``, no snapshot copy, no packing, nothing else read)."""
    import subprocess

    from ui.render.loading import DRAW_COLUMNS

    out = subprocess.run([sys.executable, "-c", PEER_READ, register, ",".join(DRAW_COLUMNS)],
                         capture_output=True, text=True)
    if out.returncode:
        return f"failed: {out.stderr.strip().splitlines()[-1:]}"
    rows, seconds, mb = out.stdout.split()
    return f"{int(rows):,} rows in {float(seconds):.2f} s, peak RSS {float(mb):,.0f} MB"


def layer_bytes(packed) -> int:
    """Bytes of the layer's numpy arrays, each underlying buffer once (works on any version
    of the drawing arrays: it walks the attributes, not a list of names)."""
    arrays = [v for v in vars(packed).values() if isinstance(v, np.ndarray)]
    for d in (packed.codes, packed.numbers):
        arrays += list(d.values())
    for grid in (getattr(packed, "grid", None), getattr(packed, "point_grid", None)):
        if grid is not None:
            arrays += [v for v in vars(grid).values() if isinstance(v, np.ndarray)]
    seen = {}
    for a in arrays:
        while isinstance(a.base, np.ndarray):
            a = a.base
        seen[id(a)] = a.nbytes
    return sum(seen.values())


def views_child(register: str) -> dict:
    """The register layer read as the app reads it, then the renders of a pan and a zoom."""
    from asset_register.store import open_register
    from ui.models.view import MIN_RESOLUTION, ViewState
    from ui.render import styles
    from ui.render.loading import complete_register, load_register

    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841  (QImage, fonts)
    t0 = time.perf_counter()
    with open_register(register, read_only=True) as store:
        packed = load_register(store)
        ready = time.perf_counter() - t0
        complete_register(store, packed)
    loaded = time.perf_counter() - t0
    with open("/proc/self/statm") as f:
        rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    palette = styles.Palette.make("njug")
    x0, y0, x1, y1 = packed.total_bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    full = ViewState(cx=cx, cy=cy, width=WIDTH, height=HEIGHT).fitted((x0, y0, x1, y1))
    out = {"n": packed.n_features, "ready": ready, "loaded": loaded, "rss_mb": rss / 2**20,
           "layer_mb": layer_bytes(packed) / 2**20}
    out["full"], out["full_lod"] = direct_render(packed, full, palette, 3)
    # the zoom goes down onto the first vertex of a line near the middle (so the deepest
    # zoom draws something); a compact layer's vertices are offsets from its origin
    near = packed.visible_parts((cx - 50, cy - 50, cx + 50, cy + 50))
    zx, zy = packed.coords[packed.part_offsets[near[0]]] if len(near) else (cx, cy)
    if getattr(packed, "compact_", False):
        zx, zy = zx + packed.origin[0], zy + packed.origin[1]
    zooms = []
    for res in (full.resolution / 4, 10.0, 2.0, 0.5, 0.1, 0.02, MIN_RESOLUTION):
        t, lod = direct_render(packed, ViewState(cx=float(zx), cy=float(zy), resolution=res,
                                                 width=WIDTH, height=HEIGHT), palette, 5)
        zooms.append((res, t, lod))
    out["zooms"] = zooms
    street = ViewState(cx=cx, cy=cy, resolution=0.35, width=WIDTH, height=HEIGHT)
    out["street"], out["street_lod"] = direct_render(packed, street, palette, 7)
    pans = []
    for i in range(24):  # 150 px steps right and up: each frame a new render
        v = ViewState(cx=cx + i * 150 * 0.35, cy=cy + i * 60 * 0.35, resolution=0.35,
                      width=WIDTH, height=HEIGHT)
        pans.append(direct_render(packed, v, palette, 1)[0])
    out["pan_median"], out["pan_max"] = statistics.median(pans), max(pans)
    return out


def child_runs(args, mode: str):
    """Run ``mode`` (``--views``, ``--cold-only``) in a child process per run: this checkout's
    code and (``--beside``) another's, alternately; yields (round, label, figures, load
    before the run)."""
    import json
    import subprocess

    roots = [("this checkout", str(ROOT))] + ([("beside: " + args.beside, args.beside)] if args.beside else [])
    print(f"register: {args.register}  window {WIDTH}x{HEIGHT} offscreen, {os.cpu_count()} cores")
    for r in range(args.rounds):
        for label, root in roots:
            load0 = os.getloadavg()[0]
            env = dict(os.environ, BENCH_CODE_ROOT=root, QT_QPA_PLATFORM="offscreen")
            proc = subprocess.run([sys.executable, __file__, args.register, mode, "--child"],
                                  env=env, capture_output=True, text=True)
            line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("{")), None)
            if proc.returncode or line is None:
                print(f"{label}: failed ({proc.returncode})\n{proc.stderr[-2000:]}")
                continue
            yield r, label, json.loads(line), load0
        yield r, None, None, None  # the round is over


def views_runs(args) -> int:
    """``--views`` in child processes: this checkout and (``--beside``) another, alternately."""
    for r, label, f, load0 in child_runs(args, "--views"):
        if label is None:
            continue
        zooms = ", ".join(f"{res:g} m/px {t * 1000:.1f} ms ({lod})" for res, t, lod in f["zooms"])
        print(f"[{r + 1}] {label}: {f['n']:,} assets; drawing arrays {f['layer_mb']:,.0f} MB, "
              f"process RSS {f['rss_mb']:,.0f} MB after the read ({f['ready']:.1f} s, with "
              f"labels and grid {f['loaded']:.1f} s)\n"
              f"      full extent {f['full'] * 1000:.0f} ms ({f['full_lod']}); street view "
              f"{f['street'] * 1000:.1f} ms ({f['street_lod']}); pan frames median "
              f"{f['pan_median'] * 1000:.1f} ms, max {f['pan_max'] * 1000:.1f} ms\n"
              f"      zoom: {zooms}\n      load {load0:.2f} -> {os.getloadavg()[0]:.2f}")
    return 0


def cold_open_runs(args) -> int:
    """Cold opens, each in a child process: this checkout's code and (``--beside``) another's,
    alternately; prints each run's figures and the load."""
    for r, label, f, load0 in child_runs(args, "--cold-only"):
        if label is None:
            if not args.skip_peer:
                load0 = os.getloadavg()[0]
                print(f"[{r + 1}] peer, GDAL's Arrow read of the geometry and drawing fields alone "
                      f"(pyogrio.read_arrow, bare process): {peer_read(args.register)}; "
                      f"load {load0:.2f} -> {os.getloadavg()[0]:.2f}")
            continue
        print(f"[{r + 1}] {label}: {f['n']:,} assets; first frame {f['first']:.2f} s ({f['how']}), "
              f"assets ready {f['ready']:.2f} s, their frame {f['drawn']:.2f} s, every follow-on "
              f"read done {f['done']:.2f} s{'' if f['settled'] else ' (NOT settled)'}; "
              f"peak RSS {f['peak_mb']:,.0f} MB (target <= 3,072 MB), {f['after_mb']:,.0f} MB "
              f"after; "
              f"load {load0:.2f} -> {os.getloadavg()[0]:.2f}")
        for tasks, mb in list(f["by_tasks"].items())[:6]:
            print(f"      {mb:7,.0f} MB while: {tasks}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("register", nargs="?", default=str(ROOT / "benchmarks/out/canvas_1000000.gpkg"))
    ap.add_argument("--import-rows", type=int, default=100_000)
    ap.add_argument("--skip-peer", action="store_true")
    ap.add_argument("--cold-only", action="store_true",
                    help="only the cold open, in child processes, with the whole app's peak memory "
                         "until every follow-on read is done")
    ap.add_argument("--beside", metavar="DIR",
                    help="with --cold-only or --views: also run with the code of checkout DIR "
                         "(e.g. /work/main, today's path), alternately with this one")
    ap.add_argument("--rounds", type=int, default=1, help="with --cold-only or --views: runs of each")
    ap.add_argument("--views", action="store_true",
                    help="the renders of a pan and a zoom after the layer is read (child processes; "
                         "--beside: another checkout's code alternately)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.cold_only and args.child:
        import json

        print(json.dumps(cold_open_child(args.register)), flush=True)
        return 0
    if args.cold_only:
        return cold_open_runs(args)
    if args.views and args.child:
        import json

        print(json.dumps(views_child(args.register)), flush=True)
        return 0
    if args.views:
        return views_runs(args)
    cache_home = tempfile.mkdtemp(prefix="bench-canvas-cache-")
    os.environ["XDG_CACHE_HOME"] = cache_home  # a cold display cache for this run
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setProperty("suppress_error_dialogs", True)
    from ui.main_window import MainWindow
    from ui.models.view import ViewState
    from ui.settings import AppSettings

    print(f"register: {args.register}  window {WIDTH}x{HEIGHT} offscreen, {os.cpu_count()} cores")
    # 1. open to first frame: cold (display cache empty), then warm (cache written by the first)
    def open_window(label):
        t0 = time.perf_counter()
        window = MainWindow(AppSettings())
        window.resize(WIDTH, HEIGHT)
        window.show()
        app.processEvents()
        window.open_register(args.register)
        opened = time.perf_counter() - t0
        layer = window.canvas.layers.register_layer()
        pump_until(lambda: window.canvas.cached_image(layer.id) is not None)
        first = time.perf_counter() - t0
        how = "density view of the index" if layer.data is None else "assets"
        pump_until(lambda: layer.data is not None)
        loaded = time.perf_counter() - t0
        pump_until(lambda: window.canvas.cached_image(layer.id) is not None and window.canvas.is_idle())
        full = time.perf_counter() - t0
        print(f"open to first frame, {label} ({layer.data.n_features:,} assets): {first:.2f} s ({how})"
              f"   target <= 2 s (1M), <= 4 s (10M)  (window + register open {opened:.2f} s, assets ready"
              f" {loaded:.2f} s, their first frame {full:.2f} s)")
        pump_until(lambda: not window.state.loading.busy)
        return window, layer, time.perf_counter() - t0

    window, layer, ready = open_window("cold")
    import resource

    print(f"  labels read in the background by {ready:.2f} s; peak memory so far "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB RSS   "
          f"target <= 3 GB; load {os.getloadavg()[0]:.2f}")
    pump_until(lambda: any(window.register.display_cache_dir().glob("*.npz")), 60)
    window.close()
    window, layer, _ = open_window("warm, display cache")
    packed = layer.data
    canvas = window.canvas
    palette = canvas.palette_
    full = canvas.view.state
    # 2. full-extent redraw
    walls = [render_once(window, layer) for _ in range(3)]
    direct, lod = direct_render(packed, full, palette, 3)
    print(f"full-extent redraw: {statistics.median(walls):.3f} s on the canvas (render {direct:.3f} s, {lod})"
          f"   target <= 0.5 s")
    # 3. street scale: about 2,000 assets in view
    x0, y0, x1, y1 = full.extent
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    res = 0.35
    for _ in range(12):
        v = ViewState(cx=cx, cy=cy, resolution=res, width=canvas.width(), height=canvas.height())
        parts, pts = packed.visible_parts(v.extent), packed.visible_points(v.extent)
        n = len(np.unique(np.concatenate([packed.part_feature[parts], packed.point_feature[pts]])))
        if 1800 <= n <= 2300:
            break
        res *= (2000 / max(n, 1)) ** 0.5
    canvas.view.set_state(v)
    pump_until(canvas.is_idle)
    walls = [render_once(window, layer) for _ in range(5)]
    direct, lod = direct_render(packed, canvas.view.state, palette, 7)
    print(f"street-scale redraw ({n:,} assets, 1:{v.scale:,.0f}): {direct * 1000:.1f} ms render, "
          f"{statistics.median(walls) * 1000:.1f} ms to the screen ({lod})   target <= 30 ms")
    # 4. pan frame from cache (the cached image shown transformed while a new one renders)
    frames = []
    for i in range(30):
        canvas.view.pan_pixels(15 if i % 2 else -15, 8)
        canvas.repaint()
        frames.append(canvas.last_paint_seconds)
    pump_until(canvas.is_idle)
    print(f"pan frame from cache: median {statistics.median(frames) * 1000:.2f} ms, "
          f"max {max(frames) * 1000:.2f} ms   target <= 16 ms")
    # 5. GUI stall while rendering: zoom in and out across scales for a few seconds
    beat = Heartbeat()
    beat.start()
    end = time.monotonic() + 6.0
    k = 0
    while time.monotonic() < end:
        if k % 3 == 0:
            canvas.zoom_to(full.extent, margin=0)
        else:
            canvas.view.centre_on(cx + 40 * k, cy, resolution=0.3 * (k % 5 + 1))
        pump_until(canvas.is_idle, 10)
        k += 1
    stall = beat.stop()
    print(f"longest GUI-thread stall while rendering ({k} redraws): {stall * 1000:.0f} ms   target <= 100 ms")
    # 6. GUI stall during an import running in a worker
    from asset_register.store import create_register
    from importers.automap import propose_profile
    from ui.import_process import run_import
    from ui.workers import submit

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        delivery = make_delivery(args.register, args.import_rows, tmp)
        target = tmp / "import_target.gpkg"
        create_register(target).close()
        profile = propose_profile(delivery, ["mains"], utility="water")
        done = []

        def work(task):  # the wizard's own path: a child process
            return run_import(task, str(target), [(str(delivery), ["mains"], profile)],
                              owner="TW", utility="water")

        beat.start()
        t = time.perf_counter()
        submit(work, on_done=done.append, on_error=lambda e, tb: done.append(e))
        canvas.zoom_to(full.extent, margin=0)
        pump_until(lambda: bool(done), 600)
        seconds = time.perf_counter() - t
        stall = beat.stop()
        rep = done[0][0] if isinstance(done[0], list) else done[0]
        imported = getattr(rep, "imported", rep)
        print(f"longest GUI-thread stall during an import ({imported} lines in {seconds:.1f} s): "
              f"{stall * 1000:.0f} ms   target <= 100 ms")
    if not args.skip_peer:
        build, draw = naive_full_extent(packed, full)
        print(f"peer, naive full-extent redraw (QLineF per segment + drawLines): {build + draw:.2f} s "
              f"(build {build:.2f} s, draw {draw:.2f} s)")
    print("peer, QGIS 3.22 on 1M lines (DESIGN §3, same machine class): full extent 8-9 s, "
          "300 m street view ~30 ms")
    window.close()
    import shutil

    shutil.rmtree(cache_home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
