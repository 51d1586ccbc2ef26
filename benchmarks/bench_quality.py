"""Data-quality benchmark on a large register.

    nice -n 5 python benchmarks/bench_quality.py [REGISTER]   (default /work/bench/scale1m.gpkg)

Prints: ``quality_report`` for the whole register, for an area of half of it (the bulk read)
and for a 300 m street area (the spatial index); reading the quality map's classes; and one
render of the register layer at full extent and at a street view with the utility colours and
shaded by accuracy (the peer in the same run: the quality map must cost about what the
normal map costs). Median of three runs each; run on a copy (a register is opened
read-only, but the snapshot copies go beside it).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def timed(fn, runs: int = 3):
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def parse_args(argv):
    import argparse

    p = argparse.ArgumentParser(description="Data-quality figures and quality-map renders on a "
                                "large register (read-only; snapshot copies go beside it).")
    p.add_argument("register", nargs="?", default="/work/bench/scale1m.gpkg",
                   help="the register (default: %(default)s)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from datetime import date

    import shapely
    from PySide6.QtWidgets import QApplication

    from asset_register.quality import quality_report
    from asset_register.store import open_register
    from ui.models.view import ViewState
    from ui.render import styles
    from ui.render.loading import load_register
    from ui.render.painters import RenderSettings, new_image, render_register
    from ui.render.quality_shading import Shading, read_quality_classes

    path = args.register
    QApplication.instance() or QApplication([])
    print(f"register {path}; load {os.getloadavg()[0]:.2f}")
    with open_register(path, read_only=True) as store:
        x0, y0, x1, y1 = store.extent()
        half = shapely.box(x0, y0, (x0 + x1) / 2, y1).wkt
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        street = shapely.box(cx, cy, cx + 300, cy + 300).wkt
        view = shapely.box(x0 - 100, y0 - 100, x1 + 100, y1 + 100).wkt  # a full-extent view
        for name, area in (("whole register", None), ("a full-extent view", view),
                           ("half the register", half),
                           ("a 300 m street area", street)):
            s, report = timed(lambda a=area: quality_report(store, area=a))
            print(f"quality_report, {name}: {s:.2f} s ({report['assets']:,} assets)")
        packed = load_register(store)
        packed.build_index()
        s, (classes, _) = timed(lambda: read_quality_classes(store, packed.n_features,
                                                             date.today(), packed))
        print(f"quality map classes read: {s:.2f} s")
    shading = Shading()
    shading.set_classes(packed, classes)
    palette = styles.Palette.make("njug")
    for name, view in (("full extent", ViewState(width=1600, height=1000, cx=cx, cy=cy,
                                                 resolution=max(x1 - x0, y1 - y0) / 1000)),
                       ("street view", ViewState(width=1600, height=1000, cx=cx, cy=cy,
                                                 resolution=0.25))):
        for mode in ("utility", "accuracy"):
            shading.shading = mode
            data, pal = shading.apply(packed, palette)
            settings = RenderSettings(view=view)
            s, lod = timed(lambda d=data, p=pal: render_register(new_image(view), d, settings, p))
            print(f"render {name}, {mode} colours: {s * 1000:.0f} ms ({lod})")
    print(f"load after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
