"""The command line of the desktop app: --screenshot renders a real, non-blank picture of the
main window (with a dig and its conflicts), and bad input never crashes the app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage

from importers.sample import town_dir

ROOT = Path(__file__).resolve().parents[2]
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


def _error_line(err: str) -> str:
    """The app's own stderr lines (Qt's platform plugin may add notes of its own)."""
    (line,) = [ln for ln in err.splitlines() if ln.startswith("asset-register-gui:")]
    assert "Traceback" not in err
    return line


def test_a_missing_register_fails_the_screenshot_not_the_app(tmp_path, capsys):
    from ui.app import main
    from ui.errors import shown

    out = tmp_path / "shot.png"
    before = len(shown)
    rc = main([str(tmp_path / "nope.gpkg"), "--screenshot", str(out), "--size", "800x600"])
    assert rc == 1 and not out.exists()
    assert "nope.gpkg" in shown[before]
    line = _error_line(capsys.readouterr().err)
    assert line.startswith("asset-register-gui: error: no screenshot taken: no register at") and "nope.gpkg" in line


def test_a_file_that_is_not_a_register_fails_the_screenshot(tmp_path, capsys):
    from ui.app import main

    bogus = tmp_path / "notes.gpkg"
    bogus.write_text("not a GeoPackage\n")
    out = tmp_path / "shot.png"
    assert main([str(bogus), "--screenshot", str(out), "--size", "800x600"]) == 1
    assert not out.exists()
    assert "notes.gpkg" in _error_line(capsys.readouterr().err)


def test_a_layer_that_fails_to_draw_fails_the_screenshot(sample_register, tmp_path, monkeypatch, capsys):
    from ui.app import main
    from ui.render import jobs

    def broken(*args, **kwargs):
        raise RuntimeError("simulated painter failure")

    monkeypatch.setattr(jobs, "render_register", broken)
    out = tmp_path / "shot.png"
    assert main([str(sample_register), "--screenshot", str(out), "--size", "800x600"]) == 1
    assert not out.exists()
    line = _error_line(capsys.readouterr().err)
    assert "failed to draw" in line and "Register: town" in line and "simulated painter failure" in line


def test_a_reference_layer_that_fails_to_load_fails_the_screenshot(sample_register, tmp_path, capsys):
    from ui.app import main

    out = tmp_path / "shot.png"
    broken = tmp_path / "broken.gpkg"  # exists (so the command line takes it), but is no GeoPackage
    broken.write_bytes(b"not a GeoPackage")
    assert main([str(sample_register), "--reference", f"{broken}:streets", "--screenshot", str(out),
                 "--size", "800x600"]) == 1
    assert not out.exists()
    assert "broken.gpkg" in _error_line(capsys.readouterr().err)


def _gui(args: list[str], cwd) -> subprocess.CompletedProcess:
    """The desktop app as a user starts it, in its own process (offscreen)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "ui.app", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_screenshot_process_exits_non_zero_for_a_missing_register(tmp_path):
    done = _gui(["nosuch.gpkg", "--screenshot", "x.png"], tmp_path)
    assert done.returncode == 1, done.stderr
    assert not (tmp_path / "x.png").exists()
    assert "no register at 'nosuch.gpkg'" in _error_line(done.stderr)


def test_screenshot_process_succeeds_for_the_sample_register(sample_register, tmp_path):
    done = _gui([str(sample_register), "--screenshot", "x.png", "--size", "640x480"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert not [ln for ln in done.stderr.splitlines() if ln.startswith("asset-register-gui:")]
    px = _pixels(tmp_path / "x.png")
    assert px.shape[:2] == (480, 640)
    assert len(np.unique(px.reshape(-1, 3), axis=0)) > 50  # the map was drawn, not a flat window


def test_sample_option_builds_the_sample_once(tmp_path, monkeypatch, sample_register_master):
    import shutil

    import importers.sample
    from ui import app, sample

    target = tmp_path / "data" / "sample-town.gpkg"
    monkeypatch.setattr(sample, "sample_path", lambda: target)
    built = []

    def build(path, progress=None):  # the importers' own build is tested with the importers
        built.append(path)
        shutil.copy(sample_register_master, path)

    monkeypatch.setattr(importers.sample, "build_sample", build)
    out = tmp_path / "shot.png"
    assert app.main(["--sample", "--screenshot", str(out), "--size", "900x600"]) == 0
    assert target.exists() and sample.sample_is_current(target)
    assert not list(target.parent.glob("*.building.gpkg"))  # built beside it, then moved in
    assert len(built) == 1 and built[0].name.endswith(".building.gpkg")
    assert app.main(["--sample", "--screenshot", str(out), "--size", "900x600"]) == 0
    assert len(built) == 1  # current: not built again
