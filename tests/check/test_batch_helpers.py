"""A batch's candidate rows read by helper processes give exactly what the in-process
read gives, and anything going wrong with a helper gives the in-process read.

Large batches (``fetchproc.START_BOXES`` footprints, ``MIN_ROWS`` candidates) have their
candidate rows read by one or two helper processes (``colread.py``: ADBC's SQLite driver,
Arrow IPC back). Here the thresholds are lowered so the small test registers take that
path, and every answer is compared with the in-process read and with single checks:
restricted assets, retired versions, NULL numbers, values of unexpected SQLite types, a
commit during the read, a helper that dies, hangs or talks nonsense, Ctrl-C.
"""

from __future__ import annotations

import sqlite3
import sys

import numpy as np
import pytest
import shapely

from asset_register.check import Checker, DigSite
from asset_register.check.clearance import CHECK_COLUMNS
from asset_register.store.gpkg import colread, fetchproc
from asset_register.store.gpkg.reader import RTreeReader

from .conftest import X0, Y0, asset
from .test_batch_from_disk import _fresh
from .test_fast_path import _answers, _sites, register  # noqa: F401 (fixture)


def _boxes(n: int, seed: int, size: float = 400.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x, y = X0 + rng.uniform(-50, size, n), Y0 + rng.uniform(-50, size, n)
    return np.stack([x, x + rng.uniform(0, 40, n), y, y + rng.uniform(0, 40, n)], axis=1)


def _same_candidates(a, b) -> None:
    """Two ``candidates_many`` answers equal to the last value and Python type."""
    qa, ia, ca, ga = a
    qb, ib, cb, gb = b
    assert np.array_equal(qa, qb) and np.array_equal(ia, ib)
    assert list(ca) == list(cb)
    for c in ca:
        assert ca[c].dtype == cb[c].dtype, c
        if ca[c].dtype == object:
            assert [(type(v), v) for v in ca[c].tolist()] == \
                [(type(v), v) for v in cb[c].tolist()], c
        else:
            assert np.array_equal(ca[c], cb[c], equal_nan=True), c
    assert len(ga) == len(gb)
    assert all((x is None and y is None) or shapely.equals_exact(x, y, 0)
               for x, y in zip(ga.tolist(), gb.tolist(), strict=True))


def _in_process(reader, boxes):
    """``candidates_many`` with the helpers off."""
    start = fetchproc.START_BOXES
    fetchproc.START_BOXES = 10 ** 12
    try:
        return reader.candidates_many(boxes, CHECK_COLUMNS)
    finally:
        fetchproc.START_BOXES = start


def test_helpers_read_what_the_process_reads(register, fixed_clock, helpers, monkeypatch):  # noqa: F811
    """The programme register (restricted assets, two deliveries, NULL numbers): the same
    candidates, columns and geometries, to the bit, one helper or two."""
    checker = Checker(register)
    reader = checker._reader
    boxes = _boxes(300, 5)
    plain = _in_process(reader, boxes)
    assert helpers["paths"] == ["in-process"]
    for n in (1, 2):
        monkeypatch.setattr(fetchproc, "helpers_wanted", lambda n=n: n)
        helpers["paths"].clear()
        _same_candidates(reader.candidates_many(boxes, CHECK_COLUMNS), plain)
        assert helpers["paths"] == ["helpers"]
    restricted = plain[2]["asset_id"].astype(str)
    assert any(v.startswith("restricted:") for v in restricted)  # (the programme has them)
    assert np.isnan(plain[2]["diameter_mm"]).any()
    checker.close()


def test_a_batch_through_helpers_gives_the_single_answers(register, fixed_clock, helpers):  # noqa: F811
    sites = _sites(60, seed=33)
    checker = Checker(register)
    batch = checker.check_many(sites, index="disk")
    assert "helpers" in helpers["paths"]
    single = Checker(register)
    for i, site in enumerate(sites):
        assert _answers(batch[i]) == _answers(single.check(site)), site.reference
    checker.close()
    single.close()


def _odd_register(gpkg_store_factory, updates: list[str]):
    """Forty water assets in a row, then ``updates`` (SQL) made straight in the file: the
    values SQLite lets a column hold that the app itself never writes."""
    rows = [asset(f"WAT:{i}", shapely.LineString([(X0 + 3 * i, Y0 - 2), (X0 + 3 * i, Y0 + 6)]),
                  diameter_mm=None if i % 3 else 100.0 + i,
                  h_accuracy_m=None if i % 4 == 0 else 0.1 * i,
                  pressure=None if i < 30 else "LP")
            for i in range(40)]
    store = _fresh(gpkg_store_factory, rows)
    con = sqlite3.connect(store.location)
    # (the GeoPackage's R*Tree triggers call these on any update; the geometry is untouched)
    from asset_register.store.gpkg.geom import decode

    def bound(k: int):
        return lambda blob: None if blob is None else float(shapely.bounds(decode([blob])[0])[k])

    con.create_function("ST_IsEmpty", 1, lambda blob: int(decode([blob])[0].is_empty))
    for k, name in enumerate(("ST_MinX", "ST_MinY", "ST_MaxX", "ST_MaxY")):
        con.create_function(name, 1, bound(k))
    for sql in updates:
        con.execute(sql)
    con.commit()
    con.close()
    return store


@pytest.mark.parametrize("updates,path", [
    ([], "helpers"),
    # a blob in a text column, past the driver's first rows: flagged, read again here
    (["UPDATE assets SET material = CAST('AB' AS BLOB) WHERE asset_id = 'WAT:33'"], "helpers"),
    # the same, not UTF-8: the driver's text cannot carry it, the read is refused
    (["UPDATE assets SET material = X'01FF' WHERE asset_id = 'WAT:34'"], "in-process"),
    # a blob among a statement's first rows (the driver may widen the column: refused)
    (["UPDATE assets SET material = X'01FF' WHERE asset_id = 'WAT:0'"], None),
    # a blob holding a number in a number column: the driver refuses it
    (["UPDATE assets SET diameter_mm = CAST('250' AS BLOB) WHERE asset_id = 'WAT:35'"],
     "in-process"),
    (["UPDATE assets SET diameter_mm = CAST('250' AS BLOB) WHERE asset_id = 'WAT:1'"],
     "in-process"),
    # (text that is no number in a number column: both reads refuse it alike, below)
])
def test_values_of_unexpected_types_come_out_as_in_process(gpkg_store_factory, fixed_clock,
                                                           helpers, updates, path):
    store = _odd_register(gpkg_store_factory, updates)
    checker = Checker(store)
    reader = checker._reader
    boxes = np.vstack([_boxes(50, 9, size=150.0), [[X0 - 1, X0 + 200, Y0 - 1, Y0 + 1]]])
    plain = _in_process(reader, boxes)
    assert len(np.unique(plain[1])) == 40  # (every asset a candidate)
    helpers["paths"].clear()
    _same_candidates(reader.candidates_many(boxes, CHECK_COLUMNS), plain)
    assert path is None or helpers["paths"][-1] == path
    if path == "in-process":
        assert "helpers" not in helpers["paths"]
    sites = [DigSite(shapely.box(X0 + 3 * i - 2, Y0, X0 + 3 * i + 2, Y0 + 4)) for i in range(40)]
    batch = checker.check_many(sites, index="disk")
    for i, site in enumerate(sites):
        assert _answers(batch[i]) == _answers(checker.check(site))
    checker.close()


def test_text_that_is_no_number_is_refused_by_both_reads(gpkg_store_factory, fixed_clock,
                                                        helpers):
    store = _odd_register(gpkg_store_factory, [
        "UPDATE assets SET diameter_mm = 'wide' WHERE asset_id = 'WAT:36'"])
    reader = Checker(store)._reader
    boxes = _boxes(50, 9, size=150.0)
    with pytest.raises(ValueError):
        _in_process(reader, boxes)
    with pytest.raises(ValueError):
        reader.candidates_many(boxes, CHECK_COLUMNS)
    reader.close()


def test_a_commit_during_the_helpers_read_makes_the_batch_read_again(gpkg_store_factory,
                                                                     fixed_clock, helpers,
                                                                     monkeypatch):
    """A write committed while the helpers read (here: between the tree walk and their
    answer) moves the register's data_version: the batch reads again, and meets it."""
    from .conftest import write

    monkeypatch.setattr(fetchproc, "MIN_ROWS", 0)  # (the first read meets no asset)
    store = _fresh(gpkg_store_factory, [asset("WAT:1", shapely.Point(X0 + 60, Y0))])
    sites = [DigSite(shapely.box(X0, Y0, X0 + 10, Y0 + 4)),
             DigSite(shapely.box(X0 + 500, Y0, X0 + 510, Y0 + 4))]
    checker = Checker(store)
    read = fetchproc.HelperRead.read
    calls = []

    def racing(self, fids, convert):
        calls.append(1)
        if len(calls) == 1:
            write(store, [asset("WAT:vague", shapely.Point(X0 + 30, Y0 + 2), h_accuracy_m=25.0)])
        return read(self, fids, convert)

    fetchproc.HelperRead.read = racing
    try:
        batch = checker.check_many(sites, index="disk")
    finally:
        fetchproc.HelperRead.read = read
    assert len(calls) == 2 and helpers["paths"] == ["helpers", "helpers"]
    assert batch[0].conflicts["asset_id"].tolist() == ["WAT:vague"]
    assert len(batch[1].conflicts) == 0
    checker.close()


KILLED = "import os, sys; sys.stdin.buffer.read(); os.kill(os.getpid(), 9)"
NONSENSE = "import sys; sys.stdin.buffer.read(); sys.stdout.buffer.write(b'not arrow' * 99)"
HANGS = "import sys, time; sys.stdin.buffer.read(); time.sleep(600)"
FAILS = "import sys; sys.stdin.buffer.read(); sys.exit(3)"
EMPTY = ("import sys, pyarrow as pa; sys.stdin.buffer.read(); "
         "pa.ipc.new_stream(sys.stdout.buffer, pa.schema([('fid', pa.int64())])).close()")


@pytest.mark.parametrize("script", [KILLED, NONSENSE, HANGS, FAILS, EMPTY],
                         ids=["killed", "nonsense", "hangs", "fails", "wrong columns"])
def test_a_failing_helper_gives_the_in_process_read(register, fixed_clock, helpers,  # noqa: F811
                                                    monkeypatch, script):
    monkeypatch.setattr(fetchproc, "command", lambda path, spec: [sys.executable, "-c", script])
    monkeypatch.setattr(fetchproc, "WAIT_SECONDS", 3.0)
    monkeypatch.setattr(fetchproc, "WAIT_PER_ROW", 0.0)
    reader = Checker(register)._reader
    boxes = _boxes(200, 3)
    plain = _in_process(reader, boxes)
    helpers["paths"].clear()
    _same_candidates(reader.candidates_many(boxes, CHECK_COLUMNS), plain)
    assert helpers["paths"] == ["in-process"]
    assert helpers["procs"] and all(p.poll() is not None for p in helpers["procs"])
    reader.close()


def test_ctrl_c_during_the_read_ends_the_helpers(register, helpers, monkeypatch):  # noqa: F811
    def interrupted(self, fids, convert):
        raise KeyboardInterrupt

    monkeypatch.setattr(fetchproc.HelperRead, "read", interrupted)
    reader = Checker(register)._reader
    with pytest.raises(KeyboardInterrupt):
        reader.candidates_many(_boxes(200, 3), CHECK_COLUMNS)
    assert helpers["procs"] and all(p.poll() is not None for p in helpers["procs"])
    reader.close()


def test_a_small_batch_is_read_in_process_and_its_helpers_ended(register, helpers,  # noqa: F811
                                                                monkeypatch):
    monkeypatch.setattr(fetchproc, "MIN_ROWS", 10 ** 9)
    reader = Checker(register)._reader
    reader.candidates_many(_boxes(200, 3), CHECK_COLUMNS)
    assert helpers["paths"] == ["in-process"]
    assert helpers["procs"] and all(p.poll() is not None for p in helpers["procs"])
    reader.close()


def test_a_column_the_driver_widened_is_refused():
    """The driver types a column by a statement's first rows: a blob among them turns a
    text column binary, a text turns a number column to text. Such a batch is refused
    (the read is then done in-process), never converted."""
    import pyarrow as pa

    cols = ["asset_id", "diameter_mm"]
    convert = RTreeReader._convert(cols)
    wkb = shapely.to_wkb(shapely.Point(1, 2))

    def batch(asset_id, diameter):
        return pa.record_batch({"fid": pa.array([1], pa.int64()), "asset_id": asset_id,
                                "diameter_mm": diameter, "wkb": pa.array([wkb], pa.binary()),
                                "odd": pa.array([0], pa.int64())})

    fid, values, geoms, odd = convert(batch(pa.array(["A"]), pa.array([2.5])))
    assert fid.tolist() == [1] and values["asset_id"].tolist() == ["A"]
    assert values["diameter_mm"].tolist() == [2.5] and not odd.any()
    assert shapely.equals(geoms[0], shapely.Point(1, 2))
    assert convert(batch(pa.array([b"A"], pa.binary()), pa.array([2.5]))) is None
    assert convert(batch(pa.array(["A"]), pa.array(["2.5"]))) is None
    assert convert(batch(pa.array(["A"]), pa.array([2], pa.int64()))) is None


@pytest.mark.parametrize("declared,numeric,kind", [
    ("REAL", True, "r"), ("DOUBLE PRECISION", True, "r"), ("FLOAT", True, "r"),
    ("INTEGER", True, "n"), ("NUMERIC", True, "n"), ("", True, "n"), (None, True, "n"),
    ("TEXT", False, "t"), ("VARCHAR(20)", False, "t"), ("", False, "o"), ("BLOB", False, "o"),
    ("INT", False, "o"), ("DATE", False, "o")])
def test_columns_are_read_by_their_sqlite_affinity(declared, numeric, kind):
    assert colread.kind(numeric, declared) == kind


def _run_helper(register_path: str, stdin: bytes):
    import json
    import subprocess

    spec = [[c, colread.kind(c in ("depth_m",), "REAL" if c == "depth_m" else "TEXT")]
            for c in ("asset_id", "depth_m")]
    return subprocess.run([sys.executable, "-P", colread.__file__, register_path,
                           json.dumps(spec)], input=stdin, capture_output=True, timeout=120)


def test_the_helper_by_itself(register):  # noqa: F811
    """The helper as a program: the live assets among the fids given, in their order, its
    typed first row dropped; no fids: no rows, the same columns; a cut-short list of fids
    or a missing register: a one-line reason and a non-zero exit, nothing on stdout."""
    import pyarrow as pa

    con = sqlite3.connect(register.location)
    want = con.execute("SELECT fid, asset_id, depth_m FROM assets WHERE retired_at IS NULL "
                       "ORDER BY fid LIMIT 30").fetchall()
    con.close()
    fids = np.array([f for f, _, _ in want], dtype=np.int64)
    done = _run_helper(register.location, fids.tobytes())
    assert done.returncode == 0, done.stderr
    table = pa.ipc.open_stream(done.stdout).read_all()
    assert table.column_names == ["fid", "asset_id", "depth_m", "wkb", "odd"]
    got = list(zip(table["fid"].to_pylist(), table["asset_id"].to_pylist(),
                   table["depth_m"].to_pylist(), strict=True))
    assert got == want
    empty = _run_helper(register.location, b"")
    assert empty.returncode == 0
    none = pa.ipc.open_stream(empty.stdout).read_all()
    assert none.num_rows == 0 and none.schema.equals(table.schema)
    cut = _run_helper(register.location, fids.tobytes()[:-3])
    assert cut.returncode == 1 and cut.stdout == b""
    assert cut.stderr.decode().count("\n") == 1 and "no whole number of fids" in cut.stderr.decode()
    missing = _run_helper(str(register.location) + ".nothing-here", fids.tobytes())
    assert missing.returncode == 1 and missing.stdout == b""
    assert missing.stderr.decode().startswith("colread: ")
