"""Footprints: trenches, circles, CRS handling and refusal of bad input (pure functions)."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely

from asset_register.check import footprint
from asset_register.errors import CRSError, FootprintError

BNG = "EPSG:27700"
X0, Y0 = 530000.0, 180000.0
EXTENT = (X0 - 500, Y0 - 500, X0 + 500, Y0 + 500)


def build(geom, **kw):
    kw.setdefault("working_crs", BNG)
    kw.setdefault("extent", EXTENT)
    return footprint.build([geom], **kw)


def test_polygon_stays_exactly():
    box = shapely.box(X0, Y0, X0 + 10, Y0 + 4)
    fp = build(box)
    assert fp.geometries[0].equals(box) and fp.position_accuracy_m == 0.0


def test_trench_is_centre_line_plus_width_with_flat_ends():
    line = shapely.LineString([(X0, Y0), (X0 + 20, Y0)])
    g = build(line, width=0.6).geometries[0]
    assert g.area == pytest.approx(20 * 0.6, abs=1e-9)
    assert g.bounds == pytest.approx((X0, Y0 - 0.3, X0 + 20, Y0 + 0.3))


def test_bent_trench_covers_every_segment_rectangle():
    line = shapely.LineString([(X0, Y0), (X0 + 10, Y0), (X0 + 10, Y0 + 10)])
    g = build(line, width=1.0).geometries[0]
    rect1 = shapely.box(X0, Y0 - 0.5, X0 + 10, Y0 + 0.5)
    rect2 = shapely.box(X0 + 9.5, Y0, X0 + 10.5, Y0 + 10)
    assert g.buffer(1e-9).covers(rect1) and g.buffer(1e-9).covers(rect2)


def test_point_radius_contains_the_whole_disc():
    r = 2.5
    g = build(shapely.Point(X0, Y0), radius=r).geometries[0]
    centre = shapely.Point(X0, Y0)
    # The distance from the centre to the polygon boundary is never less than r ...
    assert shapely.distance(centre, g.exterior) >= r - 1e-9
    # ... and the polygon is barely larger than the disc (conservative, not generous).
    assert shapely.hausdorff_distance(g.exterior, centre.buffer(r, quad_segs=256).exterior) < 0.002


@pytest.mark.parametrize("kw, message", [
    ({"width": -1.0}, "negative"),
    ({}, "needs a width"),
    ({"width": 0.0}, "needs a width"),
    ({"width": 1.0, "radius": 1.0}, "no point"),
])
def test_trench_width_errors(kw, message):
    with pytest.raises(FootprintError, match=message):
        build(shapely.LineString([(X0, Y0), (X0 + 5, Y0)]), **kw)


def test_point_without_radius_and_polygon_with_width_are_refused():
    with pytest.raises(FootprintError, match="needs a radius"):
        build(shapely.Point(X0, Y0))
    with pytest.raises(FootprintError, match="no line"):
        build(shapely.box(X0, Y0, X0 + 1, Y0 + 1), width=1.0)


def test_empty_footprint_is_refused():
    with pytest.raises(FootprintError, match="empty"):
        build(shapely.Polygon())


def test_self_intersecting_polygon_is_explained_and_repaired_only_on_request():
    bowtie = shapely.Polygon([(X0, Y0), (X0 + 10, Y0 + 10), (X0 + 10, Y0), (X0, Y0 + 10)])
    with pytest.raises(FootprintError) as err:
        build(bowtie)
    assert "Self-intersection" in str(err.value) and "make_valid" in str(err.value)
    fp = build(bowtie, make_valid=True)
    g = fp.geometries[0]
    assert g.is_valid and g.area == pytest.approx(50.0)
    assert any("make_valid" in n for n in fp.notes[0])


def test_footprint_in_wgs84_is_transformed_and_its_accuracy_kept():
    to_ll = pyproj.Transformer.from_crs(BNG, "EPSG:4326", always_xy=True)
    box = shapely.box(X0, Y0, X0 + 10, Y0 + 6)
    ll = shapely.transform(box, lambda xy: np.column_stack(to_ll.transform(xy[:, 0], xy[:, 1])))
    fp = build(ll, crs="EPSG:4326")
    g = fp.geometries[0]
    assert shapely.hausdorff_distance(g, box) < 5e-3  # PROJ round trip: ~1 mm
    assert fp.position_accuracy_m > 0  # pyproj's reported accuracy of the operation used
    assert any("EPSG:4326" in n for n in fp.notes[0])
    # the same transformation, and accuracy, as an import of a layer in EPSG:4326 carries
    from asset_register.transform import plan_transform

    b = shapely.bounds(ll)
    plan = plan_transform(pyproj.CRS("EPSG:4326"), pyproj.CRS(BNG), tuple(b))
    assert fp.position_accuracy_m == plan.accuracy_m
    assert not any("unavailable" in n for n in fp.notes[0])
    assert not any("allpark" in n for n in fp.notes[0])


def test_lon_lat_given_as_british_national_grid_is_refused():
    with pytest.raises(CRSError, match="longitude/latitude"):
        build(shapely.Point(-0.1276, 51.5072), radius=2)


def test_metres_given_as_degrees_is_refused():
    with pytest.raises(CRSError, match="not degrees"):
        build(shapely.Point(X0, Y0), radius=2, crs="EPSG:4326")


def test_far_outside_the_register_is_an_error_and_near_outside_a_warning():
    far = np.array([shapely.box(X0 + 50000, Y0, X0 + 50010, Y0 + 10)])
    with pytest.raises(FootprintError, match="wrong CRS"):
        footprint.check_extent(far, EXTENT, 10000.0)
    near = np.array([shapely.box(X0 + 600, Y0, X0 + 610, Y0 + 10)])
    [warnings] = footprint.check_extent(near, EXTENT, 10000.0)
    assert "outside the register's data extent" in warnings[0]
    inside = np.array([shapely.box(X0, Y0, X0 + 10, Y0 + 10)])
    assert footprint.check_extent(inside, EXTENT, 10000.0) == [[]]
    assert "no assets" in footprint.check_extent(inside, None, 10000.0)[0][0]


def test_a_batchs_extent_warnings_are_each_footprints():
    """A batch measures its distance to the extent only for footprints whose box is not in
    it: each footprint's warnings are its own, the far one named as the caller names it."""
    boxes = [shapely.box(X0 + dx, Y0 + dy, X0 + dx + 10, Y0 + dy + 10)
             for dx, dy in ((0, 0), (495, 0), (490, 0), (600, 0), (-520, -530), (-505, 200))]
    batch = footprint.check_extent(np.array(boxes), EXTENT, 10000.0)
    assert batch == [footprint.check_extent(np.array([b]), EXTENT, 10000.0)[0] for b in boxes]
    assert [bool(w) for w in batch] == [False, False, False, True, True, False]  # (across: 0 m)
    assert footprint.check_extent(np.array(boxes[:3:2]), EXTENT, 10000.0) == [[], []]
    far = np.array([*boxes, shapely.box(X0 + 50000, Y0, X0 + 50010, Y0 + 10)])
    with pytest.raises(FootprintError, match="^dig 7 is 49.5 km"):
        footprint.check_extent(far, EXTENT, 10000.0, lambda i: f"dig {i + 1}")


def test_ewkt_and_conflicting_crs():
    geom, crs = footprint.read_wkt("SRID=4326;POINT(-0.1 51.5)")
    assert crs.to_epsg() == 4326 and geom.x == -0.1
    with pytest.raises(CRSError, match="remove the stated CRS"):
        footprint.resolve_crs("EPSG:27700", crs, pyproj.CRS(BNG), "the WKT")
    with pytest.raises(CRSError, match="not known"):
        footprint.parse_crs("EPSG:999999")
    with pytest.raises(FootprintError, match="cannot be read"):
        footprint.read_wkt("POLYGON((1 2, 3")


def test_multipart_mixed_footprint_unions_parts():
    mixed = shapely.GeometryCollection([
        shapely.box(X0, Y0, X0 + 2, Y0 + 2), shapely.LineString([(X0 + 10, Y0), (X0 + 20, Y0)])])
    g = build(mixed, width=1.0).geometries[0]
    assert g.area == pytest.approx(4 + 10)
