"""Full-extent density view of a large register (offscreen render, no window).

    python benchmarks/bench_density.py REGISTER

Prints the render time of the full extent as a density view (what the canvas draws when a
view holds more than ``raster.DENSITY_PER_PIXEL`` segments per pixel) and, as the peer in the
same run, the same view rasterised in utility colours (the level of detail it replaces).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("register")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])  # noqa: F841 (QImage/QPainter need one)
    from asset_register.store import open_register
    from ui.models.view import ViewState
    from ui.render import raster
    from ui.render.loading import load_register
    from ui.render.painters import RenderSettings, new_image, render_register
    from ui.render.styles import Palette

    with open_register(args.register, read_only=True) as store:
        packed = load_register(store)
    b = packed.total_bounds
    view = ViewState(cx=(b[0] + b[2]) / 2, cy=(b[1] + b[3]) / 2,
                     resolution=max(b[2] - b[0], b[3] - b[1]) / 600, width=1000, height=650)
    palette, settings = Palette.make(), RenderSettings(view)
    print(f"register: {args.register} ({packed.n_features:,} assets), view 1000x650, {os.cpu_count()} cores")
    figures = {}
    for label, per_pixel in (("density view", raster.DENSITY_PER_PIXEL), ("peer, utility colours", 1e12)):
        raster.DENSITY_PER_PIXEL = per_pixel
        times, lod = [], None
        for _ in range(args.repeat):
            img = new_image(view)
            t0 = time.perf_counter()
            lod = render_register(img, packed, settings, palette)
            times.append(time.perf_counter() - t0)
        figures[label] = min(times)
        print(f"{label}: best of {args.repeat} {min(times):.3f} s ({lod})")
    print(f"density / colours: {figures['density view'] / figures['peer, utility colours']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
