"""Loading the register layer: WKB gathered with numpy, slices joined, what comes after the
first frame. Answers are checked against shapely packing and against one whole read."""

from __future__ import annotations

import threading

import numpy as np
import pyarrow as pa
import pytest
import shapely

from asset_register.model import BatchInfo
from asset_register.store import create_register
from asset_register.store.gpkg import display as gpkg_display
from tests.conftest import synthetic_assets
from ui.render.loading import complete_register, load_register
from ui.render.packed import concat_packed, pack_geometries
from ui.render.wkb import pack_wkb

GEOMS = [
    shapely.LineString([(0, 0), (1, 0), (2, 5)]), shapely.Point(5, 5),
    shapely.Polygon([(0, 0), (1, 0), (1, 1)]), shapely.LineString([(3, 3, 1), (4, 4, 2)]),
    shapely.MultiLineString([[(0, 1), (0, 2)], [(3, 3), (4, 4)]]), shapely.Point(7, 1, 3),
    shapely.from_wkt("POINT EMPTY"), shapely.MultiPoint([(1, 1), (2, 2)]), None,
    shapely.LineString([(9, 9), (8, 7)]),
]


def _by_feature(p):
    """Each feature's linear parts and points, as comparable sorted lists."""
    out = {}
    for k in range(len(p.part_feature)):
        part = p.coords[p.part_offsets[k]:p.part_offsets[k + 1]].tolist()
        out.setdefault(int(p.part_feature[k]), []).append(("part", part, p.part_bounds[k].tolist()))
    for k in range(len(p.point_feature)):
        out.setdefault(int(p.point_feature[k]), []).append(("point", p.points[k].tolist()))
    return {f: sorted(v) for f, v in out.items()}


def _wkb(geoms):
    return pa.array([None if g is None else shapely.to_wkb(g, flavor="iso") for g in geoms], pa.binary())


def test_wkb_gathering_matches_shapely_packing():
    got, want = pack_wkb(_wkb(GEOMS)), pack_geometries(np.array(GEOMS, dtype=object))
    assert got.n_features == want.n_features == len(GEOMS)
    assert _by_feature(got) == _by_feature(want)
    assert not _by_feature(got).get(6) and not _by_feature(got).get(8)  # empty, null


def test_slices_joined_equal_one_whole_pack():
    geoms = GEOMS * 3
    whole = pack_wkb(_wkb(geoms))
    parts = [pack_wkb(_wkb(geoms[a:b])) for a, b in ((0, 7), (7, 8), (8, 30))]
    for part, vals in zip(parts, (["gas", "water"] * 4, ["sewer"], [None, "water", "hv"] * 8)):
        part.codes["utility"] = np.array([-1 if v is None else ["gas", "water", "sewer", "hv"].index(v)
                                          for v in vals][:part.n_features], np.int16)
        part.categories["utility"] = ["gas", "water", "sewer", "hv"]
    joined = concat_packed(parts)
    assert joined.n_features == whole.n_features
    assert _by_feature(joined) == _by_feature(whole)
    # codes re-based onto categories in order of first appearance
    names = [None if c < 0 else joined.categories["utility"][c] for c in joined.codes["utility"]]
    assert names == ["gas", "water"] * 3 + ["gas"] + ["sewer"] + ([None, "water", "hv"] * 8)[:22]
    assert joined.categories["utility"] == ["gas", "water", "sewer", "hv"]


@pytest.fixture
def register(tmp_path):
    frame = synthetic_assets(300, seed=2)  # lines, points and polygons
    frame.loc[frame.index[::13], "status"] = "abandoned"
    frame.loc[frame.index[::4], "voltage"] = "HV"
    frame.loc[frame.index[1::4], "voltage"] = "LV"
    with create_register(tmp_path / "r.gpkg") as store:
        store.write_batch(frame, BatchInfo(source_file="x.gpkg", owner="WSX"))
        store.write_batch(synthetic_assets(90, seed=5, owner="GAS"),
                          BatchInfo(source_file="g.gpkg", owner="GAS"))
    return tmp_path / "r.gpkg"


def _arrays(p):
    keys = ["coords", "part_offsets", "part_feature", "part_closed", "part_bounds", "points",
            "point_feature", "segments", "segment_style", "point_xy", "point_style"]
    return {k: getattr(p, k) for k in keys}


def test_sliced_load_equals_one_whole_read_and_draws_the_same(register, monkeypatch):
    from asset_register.store import open_register
    from ui.models.view import ViewState
    from ui.render.painters import RenderSettings, new_image, render_register
    from ui.render.styles import Palette

    loads = {}
    for slices in (1, 4):
        monkeypatch.setattr(gpkg_display, "MIN_SLICE_ROWS", 1 if slices > 1 else 10**9)
        monkeypatch.setattr(gpkg_display, "default_slices", lambda: slices)
        with open_register(register, read_only=True) as store:
            packed = load_register(store)
            assert packed.grid is None and "material" not in packed.codes  # after the first frame
            assert complete_register(store, packed)
            assert packed.grid is not None or len(packed.part_bounds) <= 20_000
            loads[slices] = packed
    one, four = loads[1], loads[4]
    assert one.n_features == four.n_features == 390
    for k, a in _arrays(one).items():
        np.testing.assert_array_equal(a, _arrays(four)[k], err_msg=k)
    assert one.origin == four.origin
    for col in ("utility", "asset_class", "status", "voltage", "material", "pressure", "style"):
        decoded = [[p.categories.get(col, list(range(20)))[c] if c >= 0 else None for c in p.codes[col]]
                   for p in (one, four)]
        assert decoded[0] == decoded[1], col
    np.testing.assert_array_equal(one.numbers["diameter_mm"], four.numbers["diameter_mm"])
    # same pixels at full extent (raster) and at street scale (paths, symbols, labels)
    b = one.total_bounds
    full = ViewState(width=400, height=300).fitted(b)
    street = ViewState(cx=(b[0] + b[2]) / 2, cy=(b[1] + b[3]) / 2, resolution=0.2, width=400, height=300)
    for view in (full, street):
        images = []
        for p in (one, four):
            img = new_image(view)
            render_register(img, p, RenderSettings(view), Palette.make())
            images.append(bytes(img.constBits()))
        assert images[0] == images[1] and any(images[0])


def test_labels_do_not_join_rows_of_a_changed_register(register, monkeypatch):
    from asset_register.store import open_register

    with open_register(register, read_only=True) as store:
        packed = load_register(store)
    with open_register(register) as store:
        store.write_batch(synthetic_assets(3, seed=8, owner="TEL"),
                          BatchInfo(source_file="t.gpkg", owner="TEL"))
    with open_register(register, read_only=True) as store:
        assert not complete_register(store, packed)
    assert "material" not in packed.codes and packed.n_features == 390


@pytest.mark.parametrize("counts", [[2] * 50, [12] * 20, [2, 9] * 10])
def test_part_bounds_for_equal_and_mixed_vertex_counts(counts):
    rng = np.random.default_rng(len(counts))
    geoms = [shapely.LineString(rng.uniform(0, 100, (n, 2))) for n in counts]
    got = pack_wkb(_wkb(geoms))
    np.testing.assert_array_equal(got.part_bounds, shapely.bounds(np.array(geoms, dtype=object)))
    np.testing.assert_array_equal(got.coords, shapely.get_coordinates(np.array(geoms, dtype=object)))


def test_an_empty_line_does_not_hide_the_layer():
    """Empty parts have no bounds; the layer's origin comes from the others."""
    packed = pack_geometries(np.array([shapely.LineString(), shapely.LineString([(5, 6), (7, 9)]),
                                       shapely.Point(4, 8)], dtype=object))
    assert packed.total_bounds == (4.0, 6.0, 7.0, 9.0)
    packed.index_segments(np.zeros(3, np.int16))
    assert packed.origin == (6.0, 8.0)  # the middle of the extent, whole units
    np.testing.assert_array_equal(packed.segments[:, -1], [-1, -2, 1, 1])
    assert packed.total_bounds == (4.0, 6.0, 7.0, 9.0)


def test_the_window_draws_a_postgis_register(qtbot, pg_url):
    """Other stores go through read_assets: everything in one read, index built at once."""
    from PySide6.QtWidgets import QApplication

    from asset_register.store import create_register, open_register
    from ui.main_window import MainWindow

    frame = synthetic_assets(60, seed=4)
    with create_register(pg_url, crs="EPSG:27700") as store:
        store.write_batch(frame, BatchInfo(source_file="x.gpkg", owner="WSX"))
    QApplication.instance().setProperty("suppress_error_dialogs", True)
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(800, 600)
    w.show()
    w.open_register(pg_url, [])
    assert w.wait_until_idle(60)
    layer = w.canvas.layers.register_layer()
    with open_register(pg_url, read_only=True) as store:
        assert layer.data.n_features == store.asset_count() == 60
    assert "material" in layer.data.codes and w.canvas.cached_image(layer.id) is not None
    w.close()


def test_an_empty_register_loads_and_completes(tmp_path):
    from asset_register.store import open_register

    create_register(tmp_path / "e.gpkg").close()
    with open_register(tmp_path / "e.gpkg", read_only=True) as store:
        packed = load_register(store)
        assert packed.n_features == 0 and len(packed.coords) == 0 and len(packed.points) == 0
        assert complete_register(store, packed)


def test_an_early_read_is_the_read_the_window_makes(register, tmp_path):
    """The register named on the command line is read while the window is built
    (ui/preload.py); the controller takes that read only for the same register and display
    cache, and it gives what the controller's own read gives."""
    from asset_register.store import open_register
    from ui import preload

    cache = tmp_path / "cache"
    preload.start(str(register), cache)
    assert preload.claim(str(register), tmp_path / "other cache") is None  # another cache: not it
    preload.start(str(register), cache)
    early = preload.claim(str(register), cache)
    assert early is not None and preload.claim(str(register), cache) is None  # one taker
    fresh = open_register(register, read_only=True)
    packed, reader = preload.take(early, fresh)
    assert fresh._con is None  # (the fresh store is closed: the early one is used)
    own, own_reader = preload.read_register_layer(open_register(register, read_only=True), cache,
                                                  str(register))
    try:
        for k, a in _arrays(own).items():
            np.testing.assert_array_equal(a, _arrays(packed)[k], err_msg=k)
        assert packed.cache_key == own.cache_key and packed.codes.keys() == own.codes.keys()
        assert complete_register(reader, packed) and "material" in packed.codes
    finally:
        reader.close()
        own_reader.close()


def test_an_early_read_of_a_register_changed_since_is_not_used(register):
    from asset_register.store import open_register
    from ui import preload

    preload.start(str(register), None)
    early = preload.claim(str(register), None)
    early.result()
    with open_register(register) as store:  # an import by another process meanwhile
        store.write_batch(synthetic_assets(3, seed=8, owner="TEL"),
                          BatchInfo(source_file="t.gpkg", owner="TEL"))
    with open_register(register, read_only=True) as fresh:
        assert preload.take(early, fresh) is None
        assert fresh._con is not None  # (the caller reads again with it)
        packed, reader = preload.read_register_layer(fresh, None, str(register))
        assert packed.n_features == 393 and reader is fresh


def test_an_early_read_nobody_takes_is_closed(register, tmp_path):
    from ui import preload

    preload.start(str(register), None)
    future = preload._pending["future"]
    preload.discard()
    found = future.result()  # None: stopped before its end (test_open_reads.py)
    for thread in threading.enumerate():  # the reading thread closes it once it is done
        if thread.name == "Reading the register early":
            thread.join(60)
    if found is not None:  # it had read everything before it was dropped: closed since
        _, (packed, reader) = found
        assert reader._con is None and packed.n_features == 390
    preload.start(str(tmp_path / "missing.gpkg"), None)  # (opening reports it, in the window)
    assert preload.claim(str(tmp_path / "missing.gpkg"), None) is None
