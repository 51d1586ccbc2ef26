"""The register layer's compact drawing arrays (float32 offsets from the middle of the layer,
32-bit indexes, 8-bit codes, segments that are views of the vertices) draw what the plain
float64 arrays draw, find the same assets in view, and are counted and cached at their real
size."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from ui.models.view import MIN_RESOLUTION, ViewState
from ui.render import display_cache, packed as packed_module, styles
from ui.render.packed import FLOAT32_REACH, pack_geometries
from ui.render.styles import feature_style_keys

CENTRE = (530_123.457, 180_321.789)  # London, British National Grid (metres)
UTILITIES = ["water", "gas", "electricity", "telecoms", "sewer"]


def _register_like(seed: int, half: float, n: int = 3_000):
    """A seeded register: two- and three-vertex lines, points, a few zones, over a square
    of ``2 * half`` map units around CENTRE (coordinates with arbitrary decimals)."""
    rng = np.random.default_rng(seed)
    base = np.column_stack([rng.uniform(-half, half, n), rng.uniform(-half, half, n)]) + CENTRE
    kind = rng.choice(4, n, p=[0.45, 0.2, 0.3, 0.05])
    geoms = []
    for (x, y), k in zip(base, kind):
        d = rng.uniform(-12, 12, 4)
        if k == 0:
            geoms.append(shapely.LineString([(x, y), (x + d[0], y + d[1])]))
        elif k == 1:
            geoms.append(shapely.LineString([(x, y), (x + d[0], y + d[1]), (x + d[2], y + d[3])]))
        elif k == 2:
            geoms.append(shapely.Point(x, y))
        else:
            geoms.append(shapely.box(x, y, x + 4.3, y + 3.1))
    frame = pd.DataFrame({"utility": rng.choice(UTILITIES, n),
                          "asset_class": rng.choice(["pipe", "cable", "valve", "chamber"], n),
                          "status": rng.choice(["in_service", "abandoned", "proposed"], n)})
    return np.array(geoms, dtype=object), frame


def _layer(geoms, frame, compact: bool, monkeypatch=None, two_vertex_only: bool = False):
    """The register layer as ``load_register`` leaves it. ``compact=False``: the plain path,
    float64 offsets (exact to ~1e-10 m) — what the drawing arrays were before."""
    packed = pack_geometries(geoms, frame)
    packed.codes["style"] = feature_style_keys(packed)
    if compact:
        packed.index_segments(packed.codes["style"])
    else:
        monkeypatch.setattr(packed_module, "FLOAT32_REACH", 0.0)
        packed.index_segments(packed.codes["style"])
        monkeypatch.setattr(packed_module, "FLOAT32_REACH", FLOAT32_REACH)
    packed.build_index(cells=64)
    return packed


@pytest.mark.parametrize("half, within", [(30_000.0, 1e-3), (60_000.0, 2e-3)])
def test_offsets_keep_every_vertex_within_a_millimetre_or_one_device_pixel(half, within):
    """Within 32.8 km of the middle every vertex is within 1 mm of its float64 value; within
    65.5 km within 2 mm, under one device pixel at the deepest zoom (2 mm a pixel)."""
    geoms, frame = _register_like(1, half)
    packed = _layer(geoms, frame, compact=True)
    assert packed.coords.dtype == np.float32 and packed.points.dtype == np.float32
    lines = shapely.get_parts(geoms)
    lines = lines[shapely.get_type_id(lines) != 0]
    exact = shapely.get_coordinates(np.concatenate([lines[shapely.get_type_id(lines) == 1],
                                                    shapely.get_rings(lines[shapely.get_type_id(lines) == 3])]))
    got = packed.absolute(packed.coords)
    assert np.abs(got - exact).max() <= within
    exact_points = shapely.get_coordinates(geoms[shapely.get_type_id(geoms) == 0])
    assert np.abs(packed.absolute(packed.points) - exact_points).max() <= within
    # drawn at the deepest zoom, centred on a vertex: the same pixel positions within a pixel
    assert within <= MIN_RESOLUTION
    for k in (0, len(exact) // 2, len(exact) - 1):
        view = ViewState(cx=exact[k, 0], cy=exact[k, 1], resolution=MIN_RESOLUTION, width=800, height=600)
        sx, sy = view.to_screen(packed.coords[:, 0], packed.coords[:, 1], packed.origin)
        ex, ey = view.to_screen(exact[:, 0], exact[:, 1])
        near = (np.abs(ex - 400) < 2_000) & (np.abs(ey - 300) < 2_000)
        assert np.abs(sx - ex)[near].max() <= within / MIN_RESOLUTION
        assert np.abs(sy - ey)[near].max() <= within / MIN_RESOLUTION
    # the part bounds are the exact bounds of the converted vertices
    bounds = shapely.bounds(shapely.linestrings(packed.coords.astype(np.float64),
                                                indices=np.repeat(np.arange(len(packed.part_closed)),
                                                                  np.diff(packed.part_offsets))))
    np.testing.assert_array_equal(packed.part_bounds, bounds)


def test_a_wider_layer_keeps_float64_offsets():
    geoms, frame = _register_like(2, 150_000.0, n=500)
    packed = _layer(geoms, frame, compact=True)
    assert packed.coords.dtype == np.float64 and packed.segments.dtype == np.float32
    lines = shapely.get_parts(geoms)
    exact = shapely.get_coordinates(lines[shapely.get_type_id(lines) == 1])
    assert np.abs(packed.absolute(packed.coords[:len(exact)]) - exact).max() < 1e-6
    assert packed.total_bounds == pytest.approx(tuple(shapely.total_bounds(geoms)), abs=1e-6)


def test_an_infinite_coordinate_keeps_float64_and_an_empty_layer_is_compact():
    inf = pack_geometries(np.array([shapely.LineString([(530_000.25, 180_000.5), (np.inf, 180_001.0)]),
                                    shapely.Point(530_002.125, 180_003.0)], dtype=object))
    inf.index_segments(np.zeros(2, np.int16))
    assert inf.coords.dtype == np.float64 and inf.origin == (0.0, 0.0)
    assert inf.absolute(inf.points).tolist() == [[530_002.125, 180_003.0]]
    empty = pack_geometries(np.array([], dtype=object))
    empty.index_segments(np.zeros(0, np.int16))
    assert empty.compact_ and len(empty.coords) == 0 and empty.total_bounds is None


def test_compact_arrays_are_smaller_and_share_the_vertices():
    rng = np.random.default_rng(3)
    a = rng.uniform(0, 20_000, (4_000, 2)) + CENTRE
    geoms = np.concatenate([shapely.linestrings(np.stack([a, a + rng.uniform(-9, 9, a.shape)], 1)),
                            shapely.points(a[:1_000] + 1)])
    frame = pd.DataFrame({"utility": rng.choice(UTILITIES, len(geoms)),
                          "status": rng.choice(["in_service", "abandoned"], len(geoms))})
    packed = pack_geometries(geoms, frame)
    plain_bytes = sum(x.nbytes for x in (packed.coords, packed.part_offsets, packed.part_feature,
                                         packed.part_closed, packed.part_bounds, packed.points,
                                         packed.point_feature, *packed.codes.values()))
    packed.codes["style"] = feature_style_keys(packed)
    packed.index_segments(packed.codes["style"])
    assert np.shares_memory(packed.segments, packed.coords)  # two-vertex lines: no copy
    assert np.shares_memory(packed.point_xy, packed.points)
    assert packed.part_offsets.dtype == packed.part_feature.dtype == np.int32
    assert all(c.dtype == np.int8 for c in packed.codes.values())
    assert packed.segment_style.dtype == packed.point_style.dtype == np.int8
    # each buffer counted once: what the arrays really hold
    assert packed.part_bounds is None  # two-vertex lines: their boxes are their ends
    owned = [packed.coords, packed.part_offsets, packed.part_feature, packed.part_closed,
             packed.points, packed.point_feature, packed.segment_style,
             packed.point_style, *packed.codes.values()]
    assert packed.nbytes() == sum(x.nbytes for x in owned)
    # the styled compact layer in fewer bytes than the plain arrays without their styles
    assert packed.nbytes() < 0.5 * plain_bytes
    # the segments are the lines' ends, as offsets
    x0, y0, x1, y1 = packed.segments
    np.testing.assert_array_equal(x0, packed.coords[0::2, 0])
    np.testing.assert_array_equal(y1, packed.coords[1::2, 1])


def test_two_vertex_lines_found_in_view_from_their_ends(monkeypatch):
    """A layer of two-vertex lines keeps no boxes: the grid, its candidates and the plain
    scan (a slice at a time) use the lines' ends, and find what stored boxes find."""
    rng = np.random.default_rng(8)
    a = rng.uniform(-20_000, 20_000, (45_000, 2)) + CENTRE
    geoms = np.concatenate([shapely.linestrings(np.stack([a, a + rng.uniform(-15, 15, a.shape)], 1)),
                            shapely.points(a[:25_000] + 2)])
    frame = pd.DataFrame({"utility": rng.choice(UTILITIES, len(geoms))})
    plain = _layer(geoms, frame, compact=False, monkeypatch=monkeypatch)
    monkeypatch.setattr(packed_module, "CHUNK_ROWS", 10_000)  # several slices
    compact = _layer(geoms, frame, compact=True)
    assert compact.part_bounds is None and plain.part_bounds is not None
    assert compact.grid is not None
    assert compact.total_bounds == pytest.approx(plain.total_bounds, abs=2e-3)
    stored = compact.bounds_of()  # the boxes as they would be stored
    np.testing.assert_array_equal(stored, np.column_stack([
        np.minimum(compact.coords[0::2], compact.coords[1::2]),
        np.maximum(compact.coords[0::2], compact.coords[1::2])]))
    absolute = compact.absolute_bounds()
    for w in (8.0, 300.0, 4_000.0, 30_000.0, 60_000.0):  # the widest scan every line
        for cx, cy in np.array(CENTRE) + rng.uniform(-20_000, 20_000, (6, 2)):
            ext = (cx - w, cy - w * 0.6, cx + w, cy + w * 0.6)
            exact = np.flatnonzero((absolute[:, 0] <= ext[2]) & (absolute[:, 2] >= ext[0])
                                   & (absolute[:, 1] <= ext[3]) & (absolute[:, 3] >= ext[1]))
            got = compact.visible_parts(ext)
            np.testing.assert_array_equal(got, exact)
            edge = np.setxor1d(got, plain.visible_parts(ext))
            b = plain.absolute_bounds()[edge]
            gaps = np.abs(np.concatenate([b[:, [0, 2]] - ext[0], b[:, [0, 2]] - ext[2],
                                          b[:, [1, 3]] - ext[1], b[:, [1, 3]] - ext[3]], axis=1))
            assert (gaps.min(axis=1) <= 2e-3).all()


def test_same_assets_in_view_as_the_plain_arrays(monkeypatch):
    """Grid and box tests on float32 offsets find what the float64 ones find; the only
    possible difference is a part within 2 mm of the extent's edge."""
    geoms, frame = _register_like(4, 20_000.0, n=70_000)
    plain = _layer(geoms, frame, compact=False, monkeypatch=monkeypatch)
    compact = _layer(geoms, frame, compact=True)
    assert plain.coords.dtype == np.float64 and compact.coords.dtype == np.float32
    assert compact.grid is not None and compact.point_grid is not None
    rng = np.random.default_rng(5)
    absolute = compact.absolute_bounds()
    for _ in range(60):
        w = rng.choice([5.0, 60.0, 800.0, 9_000.0, 50_000.0])
        cx, cy = np.array(CENTRE) + rng.uniform(-21_000, 21_000, 2)
        ext = (cx - w, cy - w * 0.6, cx + w, cy + w * 0.6)
        got, want = compact.visible_parts(ext), plain.visible_parts(ext)
        exact = np.flatnonzero((absolute[:, 0] <= ext[2]) & (absolute[:, 2] >= ext[0])
                               & (absolute[:, 1] <= ext[3]) & (absolute[:, 3] >= ext[1]))
        np.testing.assert_array_equal(got, exact)  # the grid misses nothing
        edge = np.setxor1d(got, want)
        b = plain.absolute_bounds()[edge]
        gaps = np.abs(np.concatenate([b[:, [0, 2]] - ext[0], b[:, [0, 2]] - ext[2],
                                      b[:, [1, 3]] - ext[1], b[:, [1, 3]] - ext[3]], axis=1))
        assert (gaps.min(axis=1) <= 2e-3).all()
        np.testing.assert_array_equal(compact.visible_points(ext), plain.visible_points(ext))


def _image(packed, view):
    from ui.render.painters import RenderSettings, new_image, render_register

    img = new_image(view)
    lod = render_register(img, packed, RenderSettings(view), styles.Palette.make("njug"))
    ptr = img.constBits()
    return np.frombuffer(ptr, np.uint8, img.sizeInBytes()).reshape(view.height, view.width, 4).copy(), lod


def _within_one_pixel(a: np.ndarray, b: np.ndarray) -> bool:
    """Everything drawn in ``a`` is within one pixel of something drawn in ``b`` and the
    other way round, and the drawing's weight (alpha) sits in the same place to within a
    pixel: an edge moved by a fraction of a pixel changes its anti-aliased coverage, never
    where the line is."""
    def near(p, q):  # every drawn pixel of p has a drawn pixel of q within one pixel
        qp = np.pad(q, 1)
        h, w = p.shape
        grown = np.zeros_like(p)
        for dy in (0, 1, 2):
            for dx in (0, 1, 2):
                grown |= qp[dy:dy + h, dx:dx + w]
        return bool((~p | grown).all())

    alpha_a, alpha_b = a[..., 3].astype(np.float64), b[..., 3].astype(np.float64)
    ys, xs = np.mgrid[:a.shape[0], :a.shape[1]]
    centre_a = np.array([(xs * alpha_a).sum(), (ys * alpha_a).sum()]) / alpha_a.sum()
    centre_b = np.array([(xs * alpha_b).sum(), (ys * alpha_b).sum()]) / alpha_b.sum()
    return near(alpha_a > 0, alpha_b > 0) and near(alpha_b > 0, alpha_a > 0) and \
        bool(np.abs(centre_a - centre_b).max() <= 1.0)


def test_a_seeded_register_draws_the_same_pixels_at_every_zoom(qapp, monkeypatch):
    """Before (float64) and after (float32 offsets): the same image at the full extent, the
    raster and street scales (an anti-aliased edge pixel may differ by one coverage step of
    Qt's 1/64-pixel fixed point), and within one device pixel at the deepest zoom (1:7,
    2 mm a pixel) and near it."""
    from ui.render import painters, raster

    # a small register drawn with the thresholds of a large one: density and raster views too
    monkeypatch.setattr(painters, "RASTER_VERTICES", 300)
    monkeypatch.setattr(raster, "DENSITY_PER_PIXEL", 0.02)
    geoms, frame = _register_like(6, 25_000.0, n=40_000)
    plain = _layer(geoms, frame, compact=False, monkeypatch=monkeypatch)
    compact = _layer(geoms, frame, compact=True)
    lines = shapely.get_coordinates(geoms[shapely.get_type_id(geoms) == 1])
    at = lines[len(lines) // 3]  # a vertex, so the deepest zoom shows a line
    lods = set()
    for cx, cy, res in [(*CENTRE, 100.0), (*CENTRE, 40.0), (*CENTRE, 8.0), (*CENTRE, 1.5), (*at, 0.3), (*at, 0.05),
                        (*at, MIN_RESOLUTION)]:
        view = ViewState(cx=float(cx), cy=float(cy), resolution=res, width=640, height=400)
        a, lod_a = _image(plain, view)
        b, lod_b = _image(compact, view)
        assert lod_a == lod_b
        lods.add(lod_a)
        assert a.any()  # something is drawn
        if res >= 1.0:  # rounding of < 2 mm is < 1/500 pixel: the same image, but for an
            # anti-aliased edge's coverage one step of Qt's 1/64-pixel fixed point apart
            diff = np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2)
            assert diff.max() <= 8, (res, lod_a)
            assert (diff > 0).sum() <= 0.01 * (a.max(axis=2) > 0).sum(), (res, lod_a)
        else:
            assert _within_one_pixel(a, b), (res, lod_a)
    assert lods == {"density", "raster", "vector"}


def test_the_display_cache_holds_the_compact_arrays_once(tmp_path):
    geoms, frame = _register_like(7, 10_000.0, n=2_000)
    two = np.array([g for g in geoms if g.geom_type != "LineString" or len(g.coords) == 2]
                   + [g for g in geoms if g.geom_type == "Point"][:0], dtype=object)
    two = two[[g.geom_type in ("LineString", "Point") for g in two]]
    packed = pack_geometries(two, frame.iloc[:len(two)].reset_index(drop=True))
    packed.codes["style"] = feature_style_keys(packed)
    packed.index_segments(packed.codes["style"])
    packed.build_index(cells=32)
    register = tmp_path / "r.gpkg"
    register.touch()
    path = display_cache.save(packed, "k", tmp_path / "cache", str(register))
    # the entry is the arrays' own bytes (views not written again), plus the zip's headers
    assert packed.nbytes() <= path.stat().st_size <= packed.nbytes() + 40_000
    back = display_cache.load("k", tmp_path / "cache", str(register))
    assert back.compact_ and back.origin == packed.origin
    assert np.shares_memory(back.segments, back.coords) and np.shares_memory(back.point_xy, back.points)
    assert back.part_bounds is None and packed.part_bounds is None
    for name in ("coords", "part_offsets", "part_feature", "points", "point_feature",
                 "segments", "segment_style", "point_xy", "point_style"):
        got, want = getattr(back, name), getattr(packed, name)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    assert back.nbytes() == packed.nbytes()
    ext = (CENTRE[0] - 500, CENTRE[1] - 500, CENTRE[0] + 500, CENTRE[1] + 500)
    np.testing.assert_array_equal(back.visible_parts(ext), packed.visible_parts(ext))
    # the cap counts those bytes: a second register's entry pushes the first out
    other = tmp_path / "s.gpkg"
    other.touch()
    second = display_cache.save(packed, "k2", tmp_path / "cache", str(other),
                                cap_bytes=path.stat().st_size + 10)
    assert second.exists() and not path.exists()
