"""``asset-register-gui --footprint``: WKT or a footprint file (moved from its own CRS to the
register's) becomes the window's dig — when the app starts for a user, not only for a
screenshot — and a file that cannot be read is said on one line, never a traceback."""

from __future__ import annotations

import json

import pyproj
import pytest
import shapely

from ui.app import parse_args
from ui.start_dig import start_dig

BNG = shapely.box(530440, 180340, 530446, 180342)  # a 6 x 2 m dig in the sample town


def _geojson_in_wgs84(path) -> None:
    to_wgs = pyproj.Transformer.from_crs(27700, 4326, always_xy=True)
    ring = [list(to_wgs.transform(x, y)) for x, y in BNG.exterior.coords]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
                                                          "coordinates": [ring]}}]}))


def test_a_footprint_file_in_wgs84_becomes_the_dig_in_the_registers_crs(window, tmp_path):
    path = tmp_path / "site.geojson"
    _geojson_in_wgs84(path)
    assert start_dig(window, str(path), 0.6, 1.0)
    dig = window.dig.polygon
    assert dig is not None
    # within a metre of where it was drawn: moved from WGS 84, not read as metres
    assert dig.symmetric_difference(BNG).area < 0.2 * BNG.area
    assert dig.hausdorff_distance(BNG) < 1.0


def test_wkt_becomes_the_dig(window):
    assert start_dig(window, BNG.wkt, 0.6, 1.0)
    assert window.dig.polygon.equals_exact(BNG, 1e-6) or window.dig.polygon.equals(BNG)


def test_no_footprint_or_no_register_makes_no_dig(qtbot):
    from ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    assert not start_dig(w, BNG.wkt, 0.6, 1.0)  # no register open
    assert not start_dig(w, None, 0.6, 1.0)
    w.close()


def test_the_app_started_with_a_footprint_file_opens_on_that_dig(sample_register, tmp_path,
                                                                 monkeypatch):
    """Without --screenshot: the dig is there when the user's window opens (it was ignored)."""
    from PySide6.QtWidgets import QApplication

    import ui.start_dig
    from ui.app import main

    path = tmp_path / "site.geojson"
    _geojson_in_wgs84(path)
    seen = []

    def spy(window, footprint, width_m, radius_m):
        made = start_dig(window, footprint, width_m, radius_m)
        seen.append((made, window.dig.polygon))
        window.close()
        return made

    monkeypatch.setattr(ui.start_dig, "start_dig", spy)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    assert main([str(sample_register), "--footprint", str(path)]) == 0
    ((made, dig),) = seen
    assert made and dig.hausdorff_distance(BNG) < 1.0


def test_an_unreadable_footprint_file_fails_the_screenshot_on_one_line(sample_register, tmp_path,
                                                                       capsys):
    from ui.app import main

    bad = tmp_path / "site.geojson"
    bad.write_text("not a footprint")
    out = tmp_path / "shot.png"
    rc = main([str(sample_register), "--footprint", str(bad), "--screenshot", str(out),
               "--size", "800x600"])
    assert rc == 1 and not out.exists()
    err = capsys.readouterr().err
    assert "Traceback" not in err
    (line,) = [ln for ln in err.splitlines() if ln.startswith("asset-register-gui:")]
    assert "the dig footprint could not be loaded" in line and "site.geojson" in line


@pytest.mark.parametrize("value", ["POLYGON ((...))", "nosuch.geojson"])
def test_neither_a_file_nor_wkt_is_refused_before_any_window(value, tmp_path, monkeypatch,
                                                             capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        parse_args(["town.gpkg", "--footprint", value])
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "is neither a file nor WKT" in line
