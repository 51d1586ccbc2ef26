"""Geometry repair rules, curve linearisation, and the vectorised attribute JSON."""

from __future__ import annotations

import datetime
import json
import math

import numpy as np
import pyarrow as pa
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from importers.attrs import attrs_json
from importers.geometry import clean
from importers.readers import read_layer
from importers.sources import open_source


def _g(wkt):
    return None if wkt is None else shapely.from_wkt(wkt)


def test_null_empty_and_nan_geometries_are_rejected_with_reasons():
    geoms = np.array([_g("POINT (1 2)"), None, _g("LINESTRING EMPTY"), shapely.Point(np.nan, 1)])
    c = clean(geoms)
    assert list(c.src) == [0]
    assert dict(zip(c.reject_rows, c.reject_reasons, strict=True)) == {
        1: "no geometry (null)", 2: "empty geometry",
        3: "coordinates are not finite numbers (NaN or infinity)",
    }


def test_invalid_polygon_is_repaired_and_counted():
    bowtie = _g("POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))")
    c = clean(np.array([bowtie, _g("POLYGON ((0 0, 1 0, 1 1, 0 0))")]))
    assert c.repaired == 1
    fixed = c.geometry[0]
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon"
    assert fixed.area == pytest.approx(2.0)  # two triangles of area 1 each


def test_polygon_that_collapses_is_rejected_not_dropped():
    c = clean(np.array([_g("POLYGON ((0 0, 1 1, 2 2, 0 0))")]))
    assert len(c.geometry) == 0 and "collapses" in c.reject_reasons[0]


def test_m_is_dropped_and_z_kept():
    c = clean(np.array([_g("LINESTRING ZM (0 0 5 100, 1 1 6 200)"), _g("POINT M (1 2 7)")]))
    assert c.m_dropped == 2
    assert c.geometry[0].wkt == "LINESTRING Z (0 0 5, 1 1 6)"
    assert c.geometry[1].wkt == "POINT (1 2)"
    assert not shapely.has_m(c.geometry).any()


def test_collections_are_split_by_type_with_id_suffixes():
    gc = _g("GEOMETRYCOLLECTION (POINT (1 1), LINESTRING (0 0, 1 1), POINT (2 2), "
            "POLYGON ((0 0, 1 0, 1 1, 0 0)))")
    only_lines = _g("GEOMETRYCOLLECTION (LINESTRING (0 0, 1 1))")
    c = clean(np.array([gc, only_lines]))
    got = {(int(s), x): g.wkt for s, x, g in zip(c.src, c.suffix, c.geometry, strict=True)}
    assert got == {
        (0, "/points"): "MULTIPOINT ((1 1), (2 2))",
        (0, "/lines"): "LINESTRING (0 0, 1 1)",
        (0, "/areas"): "POLYGON ((0 0, 1 0, 1 1, 0 0))",
        (1, ""): "LINESTRING (0 0, 1 1)",
    }
    assert c.split == 2


def test_curves_are_linearised_on_the_arc(tmp_path):
    p = tmp_path / "curves.csv"
    p.write_text('id,WKT\n1,"CIRCULARSTRING (0 0, 1 1, 2 0)"\n'
                 '2,"CURVEPOLYGON (CIRCULARSTRING (0 0, 1 1, 2 0, 1 -1, 0 0))"\n3,"POINT (5 5)"\n')
    raw = read_layer(open_source(p), "curves")
    assert raw.linearised == 2
    arc, disc, pt = raw.geometry
    xy = shapely.get_coordinates(arc)
    assert len(xy) > 10
    np.testing.assert_allclose(np.hypot(xy[:, 0] - 1, xy[:, 1]), 1.0, atol=1e-9)  # on the circle
    assert disc.area == pytest.approx(math.pi, rel=0.01)
    assert pt.wkt == "POINT (5 5)"


def test_non_utf8_text_is_read_as_windows_1252(tmp_path):
    p = tmp_path / "latin.csv"
    p.write_bytes("id,street,WKT\n1,Caf\xe9 Row,\"POINT (1 2)\"\n".encode("latin-1"))
    raw = read_layer(open_source(p), "latin")
    assert raw.table.column("street").to_pylist() == ["Café Row"]
    assert any("not UTF-8" in w for w in raw.warnings)


def _reference(row: dict) -> dict:
    out = {}
    for k, v in row.items():
        if isinstance(v, float) and not math.isfinite(v):
            v = None
        elif isinstance(v, datetime.date | datetime.datetime):
            v = str(v)
        out[k] = v
    return out


def test_attrs_json_matches_json_dumps_for_awkward_values():
    table = pa.table({
        "text": ['say "hi"\\', None, "tab\there\nnew", "ctl\x01", "ünï©ødé ✓"],
        "int": [1, None, -3, 2**40, 0],
        "float": [1.5, float("nan"), float("inf"), None, -0.25],
        "flag": [True, False, None, True, False],
        "day": [datetime.date(2020, 1, 2), None, datetime.date(1999, 12, 31), None, None],
        "list": [[1], None, [], [2, 3], [4]],
    })
    out = attrs_json(table)
    for text, row in zip(out, table.to_pylist(), strict=True):
        assert json.loads(text) == _reference(row)


def test_attrs_json_takes_rows_in_the_order_given():
    table = pa.table({"a": ["x", "y", "z"]})
    assert list(attrs_json(table, np.array([2, 0]))) == ['{"a":"z"}', '{"a":"x"}']


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.text()), st.one_of(st.none(), st.integers(-2**53, 2**53)),
                          st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))),
                min_size=1, max_size=30))
def test_attrs_json_round_trips_any_text_and_numbers(rows):
    table = pa.table({"t": [r[0] for r in rows], "i": pa.array([r[1] for r in rows], pa.int64()),
                      "f": pa.array([r[2] for r in rows], pa.float64())})
    for text, row in zip(attrs_json(table), table.to_pylist(), strict=True):
        assert json.loads(text) == _reference(row)


def test_coverage_covers_lines_points_and_polygons_of_any_shape():
    from importers.coverage import coverage_of, merged

    geoms = np.array([
        shapely.LineString([(0, 0), (2000, 1500)]),        # long diagonal line
        shapely.Point(5000, 5000),
        shapely.box(3000, 0, 3002, 1000),                   # long, thin, small area
        shapely.box(6000, 6000, 7000, 7000),                # large: interior cells too
    ], dtype=object)
    area = coverage_of(geoms)
    assert shapely.covers(area, geoms).all()
    # a margin of at least one cell less half the densification step (50 - 12.5 m) everywhere,
    # and not the whole bounding box
    assert shapely.covers(area, shapely.buffer(geoms, 37.5)).all()
    assert area.area < 0.25 * shapely.box(0, 0, 7000, 7000).area
    both = merged(area, coverage_of(np.array([shapely.Point(-9000, 0)], dtype=object)))
    assert both.geom_type == "MultiPolygon" and both.covers(shapely.Point(-9000, 0))



def test_lines_densified_with_numpy_give_the_points_segmentize_gives():
    """The coverage densifies LineStrings with numpy: bit for bit the points GEOS adds, so
    the cells marked are those of the segmentized lines (repeated and NaN vertices too)."""
    from importers.coverage import densified_xy

    rng = np.random.default_rng(8)
    n = 3000
    k = rng.integers(2, 7, n)
    lines = []
    for i in range(n):
        steps = rng.normal(0, 1, (k[i], 2)) * rng.choice([0.5, 40.0, 400.0])
        lines.append(shapely.LineString(steps.cumsum(axis=0) + rng.uniform(-1e5, 7e5, 2)))
    lines[5] = shapely.LineString([(0, 0), (0, 0), (300, 400)])  # a repeated vertex
    lines[6] = shapely.LineString([(1, 1), (math.nan, 2), (500, 500)])
    lines = np.array(lines, dtype=object)
    for step in (25.0, 61.3, 128.04368):
        ours = densified_xy(lines, step)
        theirs = shapely.get_coordinates(shapely.segmentize(lines, step))
        ours, theirs = (np.unique(xy[np.isfinite(xy).all(axis=1)], axis=0) for xy in (ours, theirs))
        assert ours.shape == theirs.shape and (ours == theirs).all()


def test_coverage_of_lines_is_that_of_the_segmentized_lines(monkeypatch):
    from importers import coverage

    rng = np.random.default_rng(9)
    starts = rng.uniform(0, 20_000, (500, 2))
    lines = shapely.linestrings(np.stack([starts, starts + rng.normal(0, 300, (500, 2)),
                                          starts + rng.normal(0, 900, (500, 2))], axis=1))
    mixed = np.concatenate([lines, [shapely.MultiLineString([[(0, 0), (3000, 10)],
                                                             [(5000, 5000), (5100, 9000)]])]])
    fast = [coverage.coverage_of(g) for g in (lines, mixed)]
    monkeypatch.setattr(coverage, "densified_xy",  # the plain path: GEOS segmentizes
                        lambda g, step: shapely.get_coordinates(shapely.segmentize(g, step)))
    plain = [coverage.coverage_of(g) for g in (lines, mixed)]
    for a, b in zip(fast, plain, strict=True):
        assert shapely.equals_exact(shapely.normalize(a), shapely.normalize(b), 0) and a.area > 0

def test_attrs_json_in_threaded_slices_equals_one_pass(monkeypatch):
    import importers.parallel as parallel

    rng = np.random.default_rng(5)
    n = 1001
    table = pa.table({"s": pa.array([f'v"{i}' if i % 7 else None for i in range(n)]),
                      "f": rng.random(n), "i": np.arange(n)})
    one = list(attrs_json(table))
    monkeypatch.setattr(parallel, "MIN_ROWS", 10)
    monkeypatch.setattr(parallel, "workers", lambda: 3)
    many = attrs_json(table, np.arange(n)[::-1])
    assert list(many) == one[::-1]


def test_coverage_of_parts_takes_the_parts_over_and_lets_each_go_before_the_next():
    """The parts are handed over in a deque, emptied from the left: a part's geometries are
    let go of before the next part's are made, and the area is ``coverage_of`` on them all.
    A list is refused rather than emptied behind its owner's back."""
    import gc
    import weakref
    from collections import deque

    from importers.coverage import coverage_of, coverage_of_parts, extent_of

    rng = np.random.default_rng(3)
    chunks = [shapely.points(rng.uniform(0, 5000, (200, 2))) for _ in range(4)]
    chunks[2] = np.array([shapely.LineString([(0, 0), (9000, 300)])], dtype=object)

    class Part:  # the callable a caller hands over, giving one part's geometries
        def __init__(self, geoms):
            self.geoms = geoms

        def __call__(self):
            gc.collect()
            alive.append(sum(ref() is not None for ref in refs))
            return self.geoms

    alive: list[int] = []
    made = [Part(c) for c in chunks]
    refs = [weakref.ref(p) for p in made]
    parts = deque((extent_of(c), p) for c, p in zip(chunks, made))
    del made
    area = coverage_of_parts(parts)
    assert not parts
    assert alive == [4, 3, 2, 1]  # each part gone once marked, before the next is made
    assert shapely.equals_exact(area, coverage_of(np.concatenate(chunks)), tolerance=0)
    assert coverage_of_parts(deque([(None, lambda: np.array([], dtype=object))])) is None

    listed = [(extent_of(chunks[0]), lambda: chunks[0])]
    with pytest.raises(TypeError, match="deque"):
        coverage_of_parts(listed)
    assert len(listed) == 1


def test_the_byte_scan_for_escapes_agrees_with_the_regular_expression():
    """``_plain_bytes`` (one pass over the data buffer) says "nothing to escape" only where
    the regular expression finds no row to escape: every escaped character, non-ASCII
    text, nulls, empty texts and slices (offsets not at zero)."""
    import pyarrow.compute as pc

    from importers.attrs import _NEEDS_ESCAPE, _plain_bytes

    texts = ["WM00000001", "straße", "", None, "ça va", "x" * 50]
    cases = [pa.array(texts, type=pa.string()), pa.array([], type=pa.string()),
             pa.array([None, None], type=pa.string()), pa.array(["", ""], type=pa.string())]
    for bad in ['say "hi"', "back\\slash", "tab\there", "nl\n", "del\x7f", "nul\x00"]:
        cases.append(pa.array(texts + [bad], type=pa.string()))
        cases.append(pa.array([bad] + texts, type=pa.string()).slice(1))  # the bad one cut off
        cases.append(pa.array(texts + [bad] + texts, type=pa.string()).slice(3, 5))
    for col in cases:
        regex = bool(pc.any(pc.match_substring_regex(col, _NEEDS_ESCAPE).fill_null(False))
                     .as_py() or False)
        assert _plain_bytes(col) == (not regex), col
