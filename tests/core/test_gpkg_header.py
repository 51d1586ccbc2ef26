"""The GeoPackage blob header's length worked out twice: in Python (``geom.header_length``)
and in SQL (``colread.WKB``, which the bulk read and the batch helpers both use, so the WKB
is cut in SQLite). They must agree on every header the spec allows (GeoPackage 1.3,
§2.1.3), whoever wrote the blob."""

from __future__ import annotations

import sqlite3
import struct

import pytest
import shapely

from asset_register.store.gpkg import geom
from asset_register.store.gpkg.reader import _WKB

# envelope indicator -> doubles in the envelope (none, xy, xyz, xym, xyzm; 5-7 are invalid)
ENVELOPES = {0: 0, 1: 4, 2: 6, 3: 6, 4: 8}
GEOMS = [shapely.LineString([(1, 2), (3, 4)]), shapely.Point(5, 6, 7), shapely.Point()]


def _blob(g, envelope: int, little: bool, empty: bool, extended: bool = False) -> bytes:
    order = "<" if little else ">"
    flags = (int(little) | envelope << 1 | int(empty) << 4 | int(extended) << 5)
    env = struct.pack(f"{order}{ENVELOPES[envelope]}d", *range(1, ENVELOPES[envelope] + 1))
    wkb = shapely.to_wkb(g, flavor="iso", byte_order=int(little), include_srid=False)
    return b"GP" + bytes([0, flags]) + struct.pack(f"{order}i", 27700) + env + wkb


def _sql_cut(blobs: list) -> list:
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, g BLOB)")
    con.executemany("INSERT INTO t (g) VALUES (?)", [(b,) for b in blobs])
    return [r[0] for r in con.execute(f"SELECT {_WKB.format(g='g')} FROM t ORDER BY k")]


CASES = [(g, e, little, empty, ext) for g in GEOMS for e in ENVELOPES
         for little in (True, False) for empty in (False, True) for ext in (False, True)]


def test_sql_and_python_cut_every_header_kind_alike():
    blobs = [_blob(*case) for case in CASES]
    cut = _sql_cut(blobs)
    for case, blob, got in zip(CASES, blobs, cut):
        g, envelope = case[0], case[1]
        assert geom.header_length(blob) == 8 + 8 * ENVELOPES[envelope], case
        assert got == blob[geom.header_length(blob):], case
        assert shapely.equals_exact(shapely.from_wkb(got), g, tolerance=0) or (
            g.is_empty and shapely.from_wkb(got).is_empty), case


def test_our_own_blobs_are_cut_alike():
    blobs = geom.encode(shapely.points([[1, 2], [3, 4]]), 27700)
    assert _sql_cut(blobs) == [b[geom.header_length(b):] for b in blobs]


@pytest.mark.parametrize("envelope", [5, 6, 7])
def test_an_invalid_envelope_indicator_is_read_alike(envelope):
    """Indicators 5-7 are invalid: both read them as no envelope (the WKB follows at 8)."""
    little = 1
    blob = b"GP" + bytes([0, little | envelope << 1]) + bytes(4) + shapely.to_wkb(
        shapely.Point(1, 2), byte_order=1)
    assert geom.header_length(blob) == 8
    assert _sql_cut([blob]) == [blob[8:]]


@pytest.mark.parametrize("blob", [b"XY" + bytes(30), b"", b"GP", b"GP\x00"])
def test_not_a_geopackage_blob_is_refused_by_both(blob):
    """No 'GP' magic, or too short to hold a header: Python refuses it (ValueError) and
    SQL gives the empty blob that the bulk read refuses with the same words."""
    with pytest.raises(ValueError, match="not a GeoPackage geometry blob"):
        geom.header_length(blob)
    assert _sql_cut([blob]) == [b""]


def test_null_stays_null():
    assert _sql_cut([None]) == [None]


SHORT_OR_FOREIGN = [b"", b"GP", b"GP\x00", b"GP\x00\x01", b"XY" + bytes(30),
                    b"GP\x00\x03" + bytes(4) + bytes(10)]  # says xy envelope (32 bytes), has 10


@pytest.mark.parametrize("blob", SHORT_OR_FOREIGN)
def test_the_rtree_functions_refuse_a_short_or_foreign_blob(blob):
    """ST_IsEmpty and ST_MinX… (the R*Tree triggers) refuse what the readers refuse,
    instead of an IndexError, reading past the end, or calling it empty (left out of the
    spatial index, so a dig check would not find it)."""
    with pytest.raises(ValueError, match="GeoPackage geometry blob"):
        geom._is_empty(blob)
    with pytest.raises(ValueError, match="GeoPackage geometry blob"):
        geom._envelope(blob)
    con = sqlite3.connect(":memory:")
    geom.register_functions(con)
    for fn in ("ST_IsEmpty", "ST_MinX", "ST_MaxY"):
        with pytest.raises(sqlite3.OperationalError):
            con.execute(f"SELECT {fn}(?)", (blob,)).fetchone()


@pytest.mark.parametrize("case", CASES[::3])
def test_the_rtree_functions_read_every_header_kind(case):
    g, envelope, _little, empty, _ext = case
    blob = _blob(*case)
    assert geom._is_empty(blob) == int(empty)
    e = geom._envelope(blob)
    if empty:
        assert e is None
    elif envelope:
        assert e == (1.0, 2.0, 3.0, 4.0)  # the header's (the writer's word)
    elif g.is_empty:
        assert e is None
    else:
        minx, miny, maxx, maxy = g.bounds
        assert e == (minx, maxx, miny, maxy)
