"""The PROJ grids shipped with the package: present, licensed, used offline, recorded, and
carried into the clearance (WGS 84 inputs no longer add the ±2 m of the Helmert fallback)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyogrio
import pyproj
import pytest
import shapely

from asset_register.check.clearance import base_clearance, classify, normalise
from asset_register.check.rules import load_rules
from asset_register.grids import GRID_DIR, GRID_FILES, use_bundled_grids
from importers import ImportJob
from importers.crs import parse_crs, plan_transform, reproject

from .conftest import canonical_lines, gas_profile

BNG, RD = parse_crs("EPSG:27700"), parse_crs("EPSG:28992")
LONDON = (-0.2, 51.4, 0.0, 51.6)
ROTTERDAM = (4.4, 51.85, 4.55, 51.95)


def test_the_package_carries_the_grids_with_their_licences():
    for name in GRID_FILES:
        assert (GRID_DIR / name).stat().st_size > 100_000, name
    text = (GRID_DIR / "README.md").read_text(encoding="utf-8")
    assert "BSD-2-Clause" in text and "Ordnance Survey" in text
    assert "CC-BY-4.0" in text and "NSGI" in text and "Attribution required" in text
    assert use_bundled_grids() is True


def test_proj_is_offline_and_searches_the_grids():
    assert pyproj.network.is_network_enabled() is False
    import os

    assert os.environ["PROJ_NETWORK"] == "OFF"
    assert str(GRID_DIR) in pyproj.datadir.get_data_dir().split(os.pathsep)
    use_bundled_grids()  # idempotent: the folder is listed once
    assert pyproj.datadir.get_data_dir().split(os.pathsep).count(str(GRID_DIR)) == 1


@pytest.mark.parametrize(("src", "dst", "area", "accuracy", "grid"), [
    ("EPSG:4326", BNG, LONDON, 1.0, "uk_os_OSTN15_NTv2_OSGBtoETRS.tif"),
    ("EPSG:4258", BNG, LONDON, 0.03, "uk_os_OSTN15_NTv2_OSGBtoETRS.tif"),
    ("EPSG:4258", RD, ROTTERDAM, 0.0, "nl_nsgi_rdtrans2018.tif"),
    ("EPSG:25831", RD, ROTTERDAM, 0.0, "nl_nsgi_rdtrans2018.tif"),
])
def test_the_grid_transformation_is_chosen_and_named(src, dst, area, accuracy, grid):
    plan = plan_transform(parse_crs(src), dst, area)
    assert plan.accuracy_m == pytest.approx(accuracy)
    assert f"grid {grid}" in plan.description
    assert not any("not installed" in n for n in plan.notes)


def test_etrs89_to_rd_new_applies_rdnaptrans():
    # The plan's result is the RDNAPTRANS2018 grid shift followed by the RD projection, and
    # differs measurably from the grid-less 7-parameter approximation.
    lon, lat = np.array([4.47, 4.52, 5.38720621]), np.array([51.92, 51.90, 52.15517440])
    plan = plan_transform(parse_crs("EPSG:4258"), RD, ROTTERDAM)
    out = reproject(shapely.points(lon, lat), plan)[0]
    x, y = shapely.get_x(out), shapely.get_y(out)
    grid = pyproj.Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        "+step +inv +proj=hgridshift +grids=nl_nsgi_rdtrans2018.tif "
        "+step +proj=sterea +lat_0=52.1561605555556 +lon_0=5.38763888888889 +k=0.9999079 "
        "+x_0=155000 +y_0=463000 +ellps=bessel")
    gx, gy = grid.transform(lon, lat)
    np.testing.assert_allclose(x, gx, atol=1e-6)
    np.testing.assert_allclose(y, gy, atol=1e-6)
    # The point near the Amersfoort origin lands within a metre of (155000, 463000)
    assert np.hypot(x[2] - 155000, y[2] - 463000) < 1.0
    helmert = pyproj.Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step +proj=push +v_3 "
        "+step +proj=cart +ellps=GRS80 +step +inv +proj=helmert +x=565.4171 +y=50.3319 +z=465.5524 "
        "+rx=1.9342 +ry=-1.6677 +rz=9.1019 +s=4.0725 +convention=coordinate_frame "
        "+step +inv +proj=cart +ellps=bessel +step +proj=pop +v_3 +step +proj=sterea "
        "+lat_0=52.1561605555556 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel")
    hx, hy = helmert.transform(lon, lat)
    assert np.hypot(x - hx, y - hy).max() > 0.05  # the grid is really applied


def _write(frame, path, crs):
    pyogrio.write_dataframe(frame.to_crs(crs), path, driver="GPKG", layer="mains")
    return path


def test_wgs84_import_records_ostn15_and_adds_one_metre_not_two(tmp_path, register):
    lines = canonical_lines()
    bng = _write(lines, tmp_path / "bng.gpkg", "EPSG:27700")
    wgs = _write(lines.assign(PIPE_ID="W" + lines["PIPE_ID"]), tmp_path / "wgs.gpkg", "EPSG:4326")
    r1 = ImportJob(register, bng, owner="GAS", profile=gas_profile()).run()[0]
    r2 = ImportJob(register, wgs, owner="GAS2", profile=gas_profile()).run()[0]
    assert r1.accuracy_m == 0.0 and r2.accuracy_m == pytest.approx(1.0)
    batch = register.batches().set_index("batch_id").loc[r2.batch_id]
    assert "uk_os_OSTN15_NTv2_OSGBtoETRS.tif" in batch["transformation"]
    assert batch["transformation_accuracy_m"] == pytest.approx(1.0)
    assets = register.read_assets().sort_values("asset_id").reset_index(drop=True)
    native, from_wgs = assets[assets["owner"] == "GAS"], assets[assets["owner"] == "GAS2"]
    assert len(native) == len(from_wgs) == 12
    # the two copies of each line agree to well within a millimetre after OSTN15 both ways
    d = shapely.hausdorff_distance(native.geometry.array, from_wgs.geometry.array)
    assert d.max() < 0.001
    rules = load_rules()
    clearance = {}
    for owner, frame in (("GAS", native), ("GAS2", from_wgs)):
        cols = normalise(frame)
        clearance[owner] = base_clearance(cols, rules, classify(cols, rules))
    np.testing.assert_allclose(clearance["GAS2"] - clearance["GAS"], 1.0)


def test_transformers_built_before_the_grids_were_known_are_not_reused():
    # A context that existed before append_data_dir (another library built a transformer
    # first) must not hide the grids from plans made afterwards.
    pyproj.Transformer.from_crs(4326, 27700, always_xy=True).transform(-0.1, 51.5)
    use_bundled_grids()
    assert plan_transform(parse_crs("EPSG:4326"), BNG, LONDON).accuracy_m == pytest.approx(1.0)
    frame = gpd.GeoDataFrame(geometry=[shapely.Point(-0.1, 51.5)], crs="EPSG:4326").to_crs(27700)
    direct = pyproj.Transformer.from_crs(4326, 27700, always_xy=True).transform(-0.1, 51.5)
    assert np.hypot(frame.geometry.x[0] - direct[0], frame.geometry.y[0] - direct[1]) < 1e-6
