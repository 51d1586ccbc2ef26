"""Every position the product computes or reports goes through the transformation the
importers pin (the most accurate one with the shipped grids, offline), never pyproj's
default, which picks its own operation per point.

The point used: 80 km south of British National Grid's false origin, in the Channel. The
OSTN15 grid covers it, but it lies south of the operation's stated area of use, so pyproj's
default falls back to a ballpark shift ~140 m away. An offshore cable there imported from
WGS 84 is stored where OSTN15 puts it; a deviation report, a notice's BNG or GeoJSON
coordinates, a quality area and a deviation export at the same place must agree with it.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from asset_register.deviations import add_report, reports
from asset_register.deviations.export import export_reports
from asset_register.errors import CRSError
from asset_register.model import BatchInfo, Owner, validate_assets
from asset_register.notices.content import to_bng
from asset_register.quality.report import _parse_area
from asset_register.transform import reproject, reproject_frame
from importers.crs import lonlat_bounds, parse_crs, plan_transform
from importers.crs import reproject as import_reproject

BNG, WGS84 = parse_crs("EPSG:27700"), parse_crs("EPSG:4326")
E, N = 200_000.0, -80_000.0  # BNG, in the Channel south of Cornwall


LONDON = {BNG: (530_000.0, 180_000.0), WGS84: (-0.1283, 51.5040)}


def _imported(src, dst, x, y):
    """Where an import of (x, y) in ``src`` puts it in ``dst``: a layer from London to the
    Channel (the transformation is chosen for the layer's extent)."""
    xy = np.array([[x, y], LONDON[src]])
    plan = plan_transform(src, dst, lonlat_bounds(src, xy))
    out, failed = import_reproject(np.array([shapely.Point(x, y)], dtype=object), plan)
    assert not failed.any()
    return out[0].x, out[0].y


LON, LAT = _imported(BNG, WGS84, E, N)


def _metres_apart(a, b):
    return float(np.hypot(a[0] - b[0], a[1] - b[1]))


def test_the_point_tells_the_default_from_the_pinned_transformation():
    default = pyproj.Transformer.from_crs(WGS84, BNG, always_xy=True).transform(LON, LAT)
    assert _metres_apart(default, _imported(WGS84, BNG, LON, LAT)) > 0.5
    default = pyproj.Transformer.from_crs(BNG, WGS84, always_xy=True).transform(E, N)
    assert _metres_apart((default[0] * 1e5, default[1] * 1e5), (LON * 1e5, LAT * 1e5)) > 0.5
    assert _metres_apart(_imported(WGS84, BNG, LON, LAT), (E, N)) < 0.01  # round trip


def test_reproject_agrees_with_the_import_both_ways():
    p = reproject(shapely.Point(LON, LAT), WGS84, BNG)
    assert _metres_apart((p.x, p.y), _imported(WGS84, BNG, LON, LAT)) < 0.001
    q = reproject(np.array([shapely.Point(E, N), None], dtype=object), BNG, WGS84)
    assert q[1] is None
    assert _metres_apart((q[0].x * 1e5, q[0].y * 1e5), (LON * 1e5, LAT * 1e5)) < 0.001


def test_notice_coordinates_in_bng_are_the_imported_ones():
    p = to_bng(shapely.Point(LON, LAT), "EPSG:4326")
    assert _metres_apart((p.x, p.y), _imported(WGS84, BNG, LON, LAT)) < 0.001


def test_frames_too():
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(LON, LAT)], crs=WGS84)
    out = reproject_frame(frame, BNG)
    assert out.crs.equals(BNG) and list(out["a"]) == [1]
    assert _metres_apart((out.geometry[0].x, out.geometry[0].y), (E, N)) < 0.01


def test_a_quality_area_given_in_wgs84_lands_where_the_import_puts_it():
    ring = [(LON - 1e-3, LAT - 1e-3), (LON + 1e-3, LAT - 1e-3), (LON + 1e-3, LAT + 1e-3),
            (LON - 1e-3, LAT - 1e-3)]
    area = _parse_area(shapely.Polygon(ring).wkt, "EPSG:4326", BNG)
    first = shapely.get_coordinates(area)[0]
    assert _metres_apart(first, _imported(WGS84, BNG, *ring[0])) < 0.001


@pytest.fixture
def channel(gpkg_store_factory):
    store = gpkg_store_factory()
    store.upsert_owner(Owner("ELE", "Channel Cables"))
    cable = {"asset_id": "C1", "owner": "ELE", "utility": "electricity", "asset_class": "cable",
             "status": "in_service", "h_accuracy_m": 0.5,
             "geometry": shapely.LineString([(E, N), (E + 50, N)])}
    store.write_batch(validate_assets(gpd.GeoDataFrame([cable], geometry="geometry",
                                                       crs=store.crs)),
                      BatchInfo(source_file="cable.gpkg", owner="ELE"), delivery="ELE")
    return store


def test_a_deviation_reported_in_wgs84_is_stored_where_the_import_puts_it(channel):
    assert channel.crs.equals(BNG)
    add_report(channel, "elsewhere", asset_id="C1", position=f"POINT ({LON:.10f} {LAT:.10f})",
               crs="EPSG:4326", accuracy_m=0.05)
    g = shapely.from_wkt(reports(channel)["geometry_wkt"].iloc[0])
    assert _metres_apart((g.x, g.y), _imported(WGS84, BNG, LON, LAT)) < 0.001


def test_a_deviation_export_in_wgs84_is_the_imported_position(channel, tmp_path):
    add_report(channel, "elsewhere", asset_id="C1", position=f"POINT ({E} {N})", accuracy_m=0.05)
    export_reports(channel, tmp_path)
    feature = json.loads((tmp_path / "deviations-ELE.geojson").read_text())["features"][0]
    lon, lat = feature["geometry"]["coordinates"]
    assert _metres_apart((lon * 1e5, lat * 1e5), (LON * 1e5, LAT * 1e5)) < 0.01


def test_a_position_outside_the_grid_is_refused_in_one_line():
    far = shapely.Point(-200_000, -200_000)  # in the Atlantic, off every OSTN15 cell
    with pytest.raises(CRSError) as err:
        reproject(far, BNG, WGS84)
    assert "\n" not in str(err.value) and "OSGB36" in str(err.value)
    assert "check the coordinates" in str(err.value)


def test_planned_works_given_in_wgs84_lie_where_the_import_puts_them(tmp_path):
    from asset_register.check.coordination import read_works_file

    path = tmp_path / "works.geojson"
    gpd.GeoDataFrame({"reference": ["W1"]}, geometry=[shapely.Point(LON, LAT)],
                     crs=WGS84).to_file(path)
    works = read_works_file(path, working_crs=BNG)
    g = works.geometry.iloc[0]
    assert _metres_apart((g.x, g.y), _imported(WGS84, BNG, LON, LAT)) < 0.001


def test_planned_works_outside_the_grid_are_refused_in_one_line(tmp_path):
    from asset_register.check.coordination import read_works_file

    path = tmp_path / "works.geojson"
    gpd.GeoDataFrame({"reference": ["W1"]}, geometry=[shapely.Point(-200_000, -200_000)],
                     crs=BNG).to_file(path)
    with pytest.raises(CRSError) as err:
        read_works_file(path, working_crs=WGS84)
    assert "\n" not in str(err.value) and "works.geojson" in str(err.value)


def test_a_notice_reference_layer_in_wgs84_is_read_where_the_import_puts_it(tmp_path):
    from asset_register.notices.sitelayers import read_near

    path = tmp_path / "streets.gpkg"
    street = shapely.LineString([(LON, LAT), (LON + 1e-4, LAT)])
    gpd.GeoDataFrame({"usrn": [1]}, geometry=[street], crs=WGS84).to_file(path)
    e, n = _imported(WGS84, BNG, LON, LAT)
    frame = read_near(str(path), "streets", (e - 20, n - 20, e + 20, n + 20), BNG)
    assert len(frame) == 1
    first = shapely.get_coordinates(frame.geometry.iloc[0])[0]
    assert _metres_apart(first, (e, n)) < 0.001


def test_no_product_code_reprojects_with_pyprojs_default():
    """Every reprojection goes through ``asset_register.transform``; the one place left on
    pyproj's default (the importers' area-of-use diagnostics) says why."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    allowed = {"asset_register/transform.py", "importers/crs_checks.py"}
    found = []
    for folder in ("asset_register", "importers", "ui"):
        for path in (root / folder).rglob("*.py"):
            rel = path.relative_to(root).as_posix()
            text = path.read_text(encoding="utf-8")
            for m in re.finditer(r"\.to_crs\(|Transformer\.from_crs|Transformer\.from_proj"
                                 r"|pyproj\.transform\(|transform_bounds\(", text):
                if rel not in allowed:
                    found.append(f"{rel}:{text[:m.start()].count(chr(10)) + 1}")
    assert not found, found
