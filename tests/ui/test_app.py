"""The command line of the desktop app: --screenshot renders a real, non-blank picture of the
main window (with a dig and its conflicts), and bad input never crashes the app."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from importers.sample import town_dir

DIG = "LINESTRING (530440 180340, 530500 180372)"


def _pixels(path) -> np.ndarray:
    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.width(), 4)
    return arr[..., :3].copy()


def test_screenshot_of_a_dig_is_not_blank(sample_register, tmp_path):
    from ui.app import main

    out = tmp_path / "shot.png"
    ref = town_dir() / "reference.gpkg"
    rc = main([str(sample_register), "--reference", f"{ref}:buildings", "--reference", f"{ref}:streets",
               "--footprint", DIG, "--width", "0.8", "--screenshot", str(out), "--size", "1200x800"])
    assert rc == 0 and out.exists()
    px = _pixels(out)
    assert px.shape[:2] == (800, 1200)
    colours = np.unique(px.reshape(-1, 3), axis=0)
    assert len(colours) > 200  # a map, docks and a table — not a flat colour
    # the strike colour of the conflict table / map halo is present
    strike = np.array([0xD7, 0x19, 0x1C])
    assert (np.abs(px.astype(int)[..., ::-1] - strike).sum(axis=-1) < 40).sum() > 50


def test_a_missing_register_is_reported_not_fatal(tmp_path):
    from ui.app import main
    from ui.errors import shown

    out = tmp_path / "shot.png"
    before = len(shown)
    rc = main([str(tmp_path / "nope.gpkg"), "--screenshot", str(out), "--size", "800x600"])
    assert rc == 0 and out.exists()
    assert "nope.gpkg" in shown[before]


def test_sample_option_builds_the_sample_once(tmp_path, monkeypatch, sample_register_master):
    import shutil

    import importers.sample
    from ui import app

    target = tmp_path / "data" / "sample-town.gpkg"
    monkeypatch.setattr(app, "sample_path", lambda: target)
    built = []

    def build(path, progress=None):  # the importers' own build is tested with the importers
        built.append(path)
        shutil.copy(sample_register_master, path)

    monkeypatch.setattr(importers.sample, "build_sample", build)
    out = tmp_path / "shot.png"
    assert app.main(["--sample", "--screenshot", str(out), "--size", "900x600"]) == 0
    assert target.exists() and app.sample_is_current(target)
    assert not list(target.parent.glob("*.building.gpkg"))  # built beside it, then moved in
    assert len(built) == 1 and built[0].name.endswith(".building.gpkg")
    assert app.main(["--sample", "--screenshot", str(out), "--size", "900x600"]) == 0
    assert len(built) == 1  # current: not built again
