"""Deviation reports layer benchmark (offscreen): building the map's snapshot of the open
reports and one render job of it, at a street and a town view, for a few to thousands of
reports (a quarter of each kind, 40 m lines, spread over a 1 km square).

    QT_QPA_PLATFORM=offscreen nice -n 5 python benchmarks/bench_deviations.py

Peer in the same run: the same drawing the plain QPainter way — every marker and × a
sub-path of one filled path, records not found dotted with round caps — which is what the
layer's sprites and flat dashes replace. Best of five; the machine's load is printed with it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pandas as pd
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QApplication


def reports(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(530000, 531000, n), rng.uniform(180000, 181000, n)
    kinds = np.array(["elsewhere", "not_found", "unrecorded", "attributes"])[np.arange(n) % 4]
    rows = []
    for i in range(n):
        record = f"LINESTRING ({x[i]} {y[i]}, {x[i] + 40} {y[i] + 1})"
        reported = f"LINESTRING ({x[i]} {y[i] + 2.5}, {x[i] + 40} {y[i] + 3.5})"
        rows.append({"deviation_id": i + 1, "kind": kinds[i], "status": "new",
                     "geometry_wkt": reported if kinds[i] in ("elsewhere", "unrecorded") else None,
                     "recorded": {} if kinds[i] == "unrecorded" else {"geometry_wkt": record}})
    return pd.DataFrame(rows)


def naive(image, marks, settings) -> None:
    """The peer: one path per stroke kind, markers and crosses as sub-paths of one path."""
    from ui.render.deviations import CASING, DEVIATION, MARKER_R, _cross_points, diamond
    from ui.render.shapes import geoms_to_path

    view = settings.view
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    crossed = marks.recorded[(marks.kind == "not_found")]
    path = geoms_to_path(crossed, view, point_radius=6)
    p.setPen(QPen(CASING, 7.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawPath(path)
    p.setPen(QPen(DEVIATION, 2.0, Qt.PenStyle.DotLine, Qt.PenCapStyle.RoundCap))
    p.drawPath(path)
    xy = _cross_points(crossed, view.resolution)
    sx, sy = view.to_screen(xy[:, 0], xy[:, 1])
    cross = QPainterPath()
    for x, y in zip(np.asarray(sx, float).tolist(), np.asarray(sy, float).tolist()):
        cross.moveTo(x - 6, y - 6)
        cross.lineTo(x + 6, y + 6)
        cross.moveTo(x - 6, y + 6)
        cross.lineTo(x + 6, y - 6)
    p.setPen(QPen(CASING, 6.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawPath(cross)
    reported = geoms_to_path([g for g in marks.reported if g is not None], view)
    p.setPen(QPen(CASING, 7.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawPath(reported)
    p.setPen(QPen(DEVIATION, 3.0, Qt.PenStyle.DashLine))
    p.drawPath(reported)
    sx, sy = view.to_screen(marks.anchor[:, 0], marks.anchor[:, 1])
    markers = QPainterPath()
    for x, y in zip(np.asarray(sx, float).tolist(), np.asarray(sy, float).tolist()):
        markers.addPath(diamond(x, y, MARKER_R * 0.6))
    p.setPen(QPen(CASING, 3.0))
    p.setBrush(DEVIATION)
    p.drawPath(markers)
    p.drawPoint(QPointF(0, 0))
    p.end()


def best_ms(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def main(argv=None) -> int:
    import argparse

    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args(argv)
    QApplication.instance() or QApplication(sys.argv[:1])
    from ui.models.deviations import deviation_marks
    from ui.models.view import ViewState
    from ui.render.deviations import render_deviations
    from ui.render.painters import RenderSettings, new_image

    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
          f"on {os.cpu_count()} cores")
    views = {"street 1:500": ViewState(cx=530500, cy=180500, resolution=0.13, width=1600, height=1000),
             "town 1:3,800": ViewState(cx=530500, cy=180500, resolution=1.0, width=1600, height=1000)}
    print(f"{'reports':>8} {'snapshot':>10} {'view':<14} {'layer':>9} {'peer':>9}  drawn")
    for n in (4, 100, 2000):
        frame = reports(n)
        snap = best_ms(lambda: deviation_marks(frame))
        marks = deviation_marks(frame)
        for name, view in views.items():
            settings = RenderSettings(view=view)
            lod = render_deviations(new_image(view), marks, settings)
            ours = best_ms(lambda: render_deviations(new_image(view), marks, settings))
            peer = best_ms(lambda: naive(new_image(view), marks, settings))
            print(f"{n:>8,} {snap:>8.1f}ms {name:<14} {ours:>7.1f}ms {peer:>7.1f}ms  {lod}")
    print(f"load: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
