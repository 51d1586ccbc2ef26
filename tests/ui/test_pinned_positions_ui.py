"""The app's own reprojections (reference layers drawn under the assets, a position typed
in WGS 84) use the transformation imports pin, never pyproj's default. The point is the one
of tests/importers/test_pinned_transform.py, where the two differ by ~140 m."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from asset_register.errors import CRSError, ValidationError
from tests.importers.test_pinned_transform import BNG, LAT, LON, WGS84, _imported, _metres_apart


def test_a_reference_layer_in_wgs84_is_drawn_where_the_import_puts_it(tmp_path):
    from ui.render.loading import load_reference

    path = tmp_path / "streets.gpkg"
    gpd.GeoDataFrame({"name": ["Cable Lane"]}, geometry=[shapely.Point(LON, LAT)],
                     crs=WGS84).to_file(path)
    packed = load_reference(path, "streets", BNG)
    x0, y0, x1, y1 = packed.total_bounds
    assert _metres_apart((x0, y0), _imported(WGS84, BNG, LON, LAT)) < 0.01


def test_a_reference_layer_off_the_grid_is_refused_in_one_line(tmp_path):
    from ui.render.loading import load_reference

    path = tmp_path / "far.gpkg"
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[shapely.Point(-200_000, -200_000)],
                     crs=BNG).to_file(path)
    with pytest.raises(CRSError) as err:
        load_reference(path, "far", "EPSG:4326")
    assert "\n" not in str(err.value) and "far.gpkg" in str(err.value)


def test_a_typed_wgs84_position_is_measured_from_the_pinned_place():
    """The register's data 4,950 m from where the import puts the typed point, on the side
    away from pyproj's default (which is ~140 m off): accepted, as the import would place it."""
    from ui.dialogs.deviation_dialog import typed_position

    pinned = np.array(_imported(WGS84, BNG, LON, LAT))
    default = np.array(pyproj.Transformer.from_crs(WGS84, BNG, always_xy=True).transform(LON, LAT))
    away = (pinned - default) / np.hypot(*(pinned - default))
    cx, cy = pinned + away * 4_950.0
    extent = (cx, cy, cx + 1.0, cy + 1.0)
    assert shapely.distance(shapely.Point(default), shapely.box(*extent)) > 5_000  # default: refused
    geom = typed_position(f"{LON:.10f} {LAT:.10f}", "EPSG:4326", near=(BNG, extent))
    assert _metres_apart((geom.x, geom.y), (LON, LAT)) < 1e-9  # kept as typed, in WGS 84
    cx, cy = pinned - away * 5_100.0  # and 5.1 km the other way is still refused
    with pytest.raises(ValidationError):
        typed_position(f"{LON:.10f} {LAT:.10f}", "EPSG:4326", near=(BNG, (cx - 1, cy - 1, cx, cy)))
