"""The pure models (no Qt): map view maths, layer list, footprint editing, search, packing."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from asset_register.errors import FootprintError
from ui.models.footprint import Footprint, FootprintState
from ui.models.layers import REFERENCE, REGISTER, Layer, LayerList
from ui.models.search import search
from ui.models.view import MapView, ViewState
from ui.render.packed import pack_geometries, part_vertex_index
from ui.render.raster import paint_classes, segment_samples


def test_view_round_trip_and_scale():
    v = ViewState(cx=530000, cy=180000, resolution=0.5, width=800, height=600)
    assert v.to_screen(530000, 180000) == (400, 300)
    sx, sy = v.to_screen(530010, 180005)
    assert (float(sx), float(sy)) == (420.0, 290.0)  # y grows downwards on screen
    x, y = v.to_map(sx, sy)
    assert (float(x), float(y)) == (530010.0, 180005.0)
    assert v.scale == pytest.approx(0.5 / 0.00028)
    assert v.extent == (529800.0, 179850.0, 530200.0, 180150.0)


def test_zoom_keeps_the_point_under_the_cursor():
    m = MapView(ViewState(cx=1000, cy=2000, resolution=2.0, width=800, height=600))
    before = m.state.to_map(100, 500)
    m.zoom(4.0, (100, 500))
    assert m.state.resolution == 0.5
    after = m.state.to_map(100, 500)
    assert np.allclose(before, after)


def test_transform_from_maps_old_image_pixels_onto_the_new_view():
    old = ViewState(cx=0, cy=0, resolution=1.0, width=400, height=300)
    new = ViewState(cx=30, cy=-20, resolution=0.5, width=400, height=300)
    s, dx, dy = new.transform_from(old)
    for wx, wy in ((0, 0), (50, 40), (-100, 70)):
        ox, oy = old.to_screen(wx, wy)
        nx, ny = new.to_screen(wx, wy)
        assert np.allclose((s * ox + dx, s * oy + dy), (nx, ny))


def test_fitted_contains_bounds_and_pan_moves_content():
    v = ViewState(width=1000, height=500).fitted((0, 0, 2000, 200), margin=0)
    assert v.resolution == pytest.approx(2.0)
    x0, y0, x1, y1 = v.extent
    assert x0 <= 0 and x1 >= 2000 and y0 <= 0 and y1 >= 200
    m = MapView(v)
    events = []
    m.changed.connect(events.append)
    m.pan_pixels(10, 0)  # drag right: the map centre moves left
    assert m.state.cx == pytest.approx(v.cx - 20) and len(events) == 1


def test_layer_list_order_events_and_bounds():
    layers = LayerList()
    seen = []
    layers.added.connect(lambda lay: seen.append(("added", lay.name)))
    layers.changed.connect(lambda lay: seen.append(("changed", lay.name)))
    reg = layers.add(Layer("register", REGISTER))
    ref = layers.add(Layer("streets", REFERENCE), 0)
    assert [lay.name for lay in layers] == ["streets", "register"]
    assert layers.register_layer() is reg
    layers.set_utility_visible(reg, "gas", False)
    assert reg.hidden_utilities == {"gas"}
    ref.data = pack_geometries([shapely.LineString([(0, 0), (10, 5)])])
    assert layers.visible_bounds() == (0.0, 0.0, 10.0, 5.0)
    layers.update(ref, visible=False)
    assert layers.visible_bounds() is None
    assert ("changed", "register") in seen and ("added", "streets") in seen


def test_footprint_editing_and_validation():
    s = FootprintState(kind="polygon")
    for xy in ((0, 0), (10, 0), (10, 10)):
        s = s.with_vertex(xy)
    assert s.complete and s.outline().area == 50
    s2 = s.inserted_vertex(3, (0, 10)).moved_vertex(0, (-1, -1))
    assert s2.vertices == ((-1, -1), (10, 0), (10, 10), (0, 10))
    assert s.vertices[0] == (0.0, 0.0)  # immutable: edits return new states
    with pytest.raises(FootprintError):
        s.without_vertex(0)  # a polygon needs three vertices
    bow = FootprintState("polygon", ((0, 0), (10, 10), (10, 0), (0, 10)))
    with pytest.raises(FootprintError, match="not a valid polygon"):
        bow.geometry()
    trench = FootprintState("trench", ((0, 0), (10, 0)), width_m=2.0)
    assert trench.geometry().area == pytest.approx(20.0)  # flat ends: length × width
    point = FootprintState("point", ((5, 5),), radius_m=1.0)
    assert point.geometry().contains(shapely.Point(5, 5).buffer(0.999))
    model = Footprint()
    got = []
    model.changed.connect(got.append)
    model.set_state(trench)
    model.set_state(trench)
    assert got == [trench]


def test_search_kinds():
    hits = search("530500, 180600")
    assert hits[0].kind == "coordinates" and hits[0].point == (530500.0, 180600.0)
    hits = search("TQ 305 806")
    assert hits[0].kind == "grid reference"
    assert hits[0].point == (530550.0, 180650.0)  # centre of the 100 m square
    streets = [("High Street", (0, 0, 100, 10)), ("Mill Lane", (0, 50, 100, 60))]
    hits = search("mill", streets=streets)
    assert [h.label for h in hits] == ["Mill Lane"]
    hits = search("RVW:1", find_asset=lambda t: (5, 5, 5, 5) if t == "RVW:1" else None)
    assert hits[0].kind == "asset" and hits[0].bounds[0] < 5 < hits[0].bounds[2]
    assert search("nowhere street", streets=streets) == []


def test_pack_and_vertex_index():
    geoms = [shapely.LineString([(0, 0), (1, 0), (2, 0)]), shapely.Point(5, 5),
             shapely.Polygon([(0, 0), (1, 0), (1, 1)]),
             shapely.MultiLineString([[(0, 1), (0, 2)], [(3, 3), (4, 4)]])]
    p = pack_geometries(geoms)
    assert p.n_features == 4
    assert p.part_feature.tolist() == [0, 3, 3, 2]  # lines first, then polygon rings
    assert p.part_closed.tolist() == [False, False, False, True]
    assert p.point_feature.tolist() == [1]
    idx, starts = part_vertex_index(p.part_offsets, np.array([3, 1]))
    assert p.coords[idx].tolist() == [[0, 0], [1, 0], [1, 1], [0, 0], [0, 1], [0, 2]]
    assert starts.tolist() == [True, False, False, False, True, False]
    assert p.total_bounds == (0.0, 0.0, 5.0, 5.0)


def test_rasteriser_hits_every_pixel_along_a_segment():
    pix, cls = segment_samples(np.array([0.5]), np.array([2.5]), np.array([9.5]), np.array([2.5]),
                               np.array([1]), 10, 5)
    assert sorted(set(pix.tolist())) == [2 * 10 + x for x in range(10)]
    colours = np.array([0xFF000000, 0xFFFF0000], dtype=np.uint32)
    img = paint_classes(pix, cls, colours, 10, 5)
    assert (img[2] == 0xFFFF0000).all() and (img[[0, 1, 3, 4]] == 0).all()
    # off-screen parts are clipped, never wrapped onto another row
    pix, _ = segment_samples(np.array([-5.0]), np.array([0.5]), np.array([2.5]), np.array([0.5]),
                             np.array([0]), 10, 5)
    assert sorted(set(pix.tolist())) == [0, 1, 2]


def test_grid_index_finds_exactly_what_a_full_scan_finds():
    rng = np.random.default_rng(7)
    starts = rng.uniform(0, 10_000, (60_000, 2))
    ends = starts + rng.normal(0, 15, (60_000, 2))
    ends[:50] = starts[:50] + 3_000  # a few long mains, bigger than a grid cell
    lines = shapely.linestrings(np.stack([starts, ends], axis=1))
    pts = shapely.points(rng.uniform(0, 10_000, (30_000, 2)))
    packed = pack_geometries(np.concatenate([lines, pts]))
    scan_parts = packed.visible_parts((1000, 2000, 1600, 2400))
    scan_pts = packed.visible_points((1000, 2000, 1600, 2400))
    packed.build_index(cells=128)
    assert packed.grid is not None and packed.point_grid is not None
    for extent in ((1000, 2000, 1600, 2400), (-50, -50, 30, 30), (9990, 9990, 20_000, 20_000),
                   (0, 0, 10_000, 10_000), (4000.5, 4000.5, 4000.7, 4000.7)):
        b = packed.part_bounds
        x0, y0, x1, y1 = extent
        want = np.flatnonzero((b[:, 0] <= x1) & (b[:, 2] >= x0) & (b[:, 1] <= y1) & (b[:, 3] >= y0))
        assert np.array_equal(packed.visible_parts(extent), want)
        p = packed.points
        want = np.flatnonzero((p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1))
        assert np.array_equal(packed.visible_points(extent), want)
    assert np.array_equal(packed.visible_parts((1000, 2000, 1600, 2400)), scan_parts)
    assert np.array_equal(packed.visible_points((1000, 2000, 1600, 2400)), scan_pts)


def test_reference_slices_keep_polygon_rings_together():
    from ui.render import painters

    rings = [shapely.Polygon(shapely.box(i * 10, 0, i * 10 + 8, 8).exterior.coords,
                             [shapely.box(i * 10 + 2, 2, i * 10 + 4, 4).exterior.coords]) for i in range(3000)]
    packed = pack_geometries(rings)
    parts = np.arange(len(packed.part_offsets) - 1)
    old = painters.PATH_VERTICES
    painters.PATH_VERTICES = 100
    try:
        pieces = painters._slices(packed, parts)
    finally:
        painters.PATH_VERTICES = old
    assert len(pieces) > 10
    assert np.array_equal(np.concatenate(pieces), parts)
    for piece in pieces:  # no feature is split across two pieces
        feats = set(packed.part_feature[piece])
        others = set(np.concatenate([packed.part_feature[p] for p in pieces if p is not piece]))
        assert not feats & others


def test_view_state_holds_plain_floats():
    m = MapView(ViewState(width=800, height=600))
    m.zoom_to(tuple(shapely.bounds(shapely.box(0, 0, 100, 50))))  # numpy float64 bounds
    s = m.state
    assert all(type(v) is float for v in (s.cx, s.cy, s.resolution))
    m.set_state(ViewState(cx=float("nan"), cy=0, resolution=1, width=800, height=600))
    assert m.state == s  # a non-finite view is ignored
