"""A batch's candidate rows read by helper processes give exactly what the in-process
read gives, and anything going wrong with a helper gives the in-process read.

Large batches (``fetchproc.START_BOXES`` footprints) are split by area over one or two
helper processes (``colread.py``: each walks the R*Tree for its boxes and reads the assets
it finds with ADBC's SQLite driver, Arrow IPC back). Here the threshold is lowered so the
small test registers take that path, and every answer is compared with the in-process
read and with single checks: boxes straddling the split, assets both halves meet,
restricted assets, retired versions, NULL numbers, values of unexpected SQLite types, a
commit during the read or between a helper's parts, a helper that dies, hangs or talks
nonsense, Ctrl-C.
"""

from __future__ import annotations

import sqlite3
import sys
import threading

import numpy as np
import pytest
import shapely

from asset_register.check import Checker, DigSite
from asset_register.check import checker as checker_module
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
    """Two ``candidates_many`` answers equal to the last value and Python type: the same
    (query, asset) pairs (in any order), each with the same columns and geometry."""
    qa, ia, ca, ga = a
    qb, ib, cb, gb = b
    fa, fb = ca["asset_id"][ia], cb["asset_id"][ib]
    oa, ob = np.lexsort((fa.astype(str), qa)), np.lexsort((fb.astype(str), qb))
    assert np.array_equal(qa[oa], qb[ob])
    ia, ib = ia[oa], ib[ob]
    assert list(ca) == list(cb)
    for c in ca:
        assert ca[c].dtype == cb[c].dtype, c
        if ca[c].dtype == object:
            assert [(type(v), v) for v in ca[c][ia].tolist()] == \
                [(type(v), v) for v in cb[c][ib].tolist()], c
        else:
            assert np.array_equal(ca[c][ia], cb[c][ib], equal_nan=True), c
    assert all((x is None and y is None) or shapely.equals_exact(x, y, 0)
               for x, y in zip(ga[ia].tolist(), gb[ib].tolist(), strict=True))


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


def test_two_areas_give_the_in_process_and_single_answers(register, fixed_clock, helpers,  # noqa: F811
                                                         monkeypatch):
    """Two helpers, each an area of the programme: sites straddling the line between the
    areas, the same site twice, long sites across both areas, so that assets are met by
    both helpers (each pair keeps its own copy). The batch's JSON is the in-process batch's and the single
    checks' to the byte; the sites' facts of place worked out in a thread meanwhile
    (``Checker._place_facts``) or after the read alike."""
    import json

    monkeypatch.setattr(fetchproc, "helpers_wanted", lambda: 2)
    sites = _sites(70, seed=41)
    sites += sites[:5]  # (the same sites again: some in the other area)
    mid = X0 + 150.0  # (about where the areas meet: the sites spread over 300 m)
    sites += [DigSite(shapely.box(mid - 6 + k, Y0 + 29 * k, mid + 6 + k, Y0 + 29 * k + 3))
              for k in range(10)]
    sites += [DigSite(shapely.box(X0 - 5, Y0 + 80 + 60 * k, X0 + 305, Y0 + 82 + 60 * k))
              for k in range(3)]
    answered = []
    read = fetchproc.HelperRead.read

    def spy(self, areas, convert):
        out = read(self, areas, convert)
        answered.append(out)
        return out

    monkeypatch.setattr(fetchproc.HelperRead, "read", spy)
    placed = []
    place_facts = checker_module.Checker._place_facts

    def spy_place(self, *args):
        placed.append(threading.current_thread() is not threading.main_thread())
        return place_facts(self, *args)

    monkeypatch.setattr(checker_module.Checker, "_place_facts", spy_place)
    monkeypatch.setattr(checker_module, "OVERLAP_SITES", 1)  # (facts of place in a thread)
    checker = Checker(register)
    batch = checker.check_many(sites, index="disk")
    assert helpers["paths"] == ["helpers"] and placed == [True]
    (a, b), = answered
    assert len(a[0]) and len(b[0]) and np.intersect1d(a[1], b[1]).size  # (shared assets)
    start = fetchproc.START_BOXES
    fetchproc.START_BOXES = 10 ** 12
    monkeypatch.setattr(checker_module, "OVERLAP_SITES", 10 ** 9)
    try:
        plain = checker.check_many(sites, index="disk")
    finally:
        fetchproc.START_BOXES = start
    assert placed == [True, False]
    assert helpers["paths"] == ["helpers", "in-process"]
    single = Checker(register)
    for i, site in enumerate(sites):
        got = json.dumps(_answers(batch[i]), sort_keys=True)
        assert got == json.dumps(_answers(plain[i]), sort_keys=True), i
        assert got == json.dumps(_answers(single.check(site)), sort_keys=True), i
    assert sum(len(batch[i].conflicts) for i in range(len(sites))) > 0
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

    store = _fresh(gpkg_store_factory, [asset("WAT:1", shapely.Point(X0 + 60, Y0))])
    sites = [DigSite(shapely.box(X0, Y0, X0 + 10, Y0 + 4)),
             DigSite(shapely.box(X0 + 500, Y0, X0 + 510, Y0 + 4))]
    checker = Checker(store)
    read = fetchproc.HelperRead.read
    calls = []

    def racing(self, areas, convert):
        calls.append(1)
        if len(calls) == 1:
            write(store, [asset("WAT:vague", shapely.Point(X0 + 30, Y0 + 2), h_accuracy_m=25.0)])
        return read(self, areas, convert)

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
NO_PAIRS = ("import sys; sys.stdin.buffer.read(); "
            "sys.stdout.buffer.write(b'ARPAIRS1' + (0).to_bytes(8, 'little'))")
EMPTY = ("import sys, pyarrow as pa; sys.stdin.buffer.read(); "
         "sys.stdout.buffer.write(b'ARPAIRS1' + (0).to_bytes(8, 'little')); "
         "pa.ipc.new_stream(sys.stdout.buffer, pa.schema([('fid', pa.int64())])).close()")
# a pair naming a query box the helper was not given (the 10**6th), a cut-short list of
# pairs, and one that announces more pairs than any register holds
ELSEWHERE = ("import sys; sys.stdin.buffer.read(); w = sys.stdout.buffer.write; "
             "w(b'ARPAIRS1' + (1).to_bytes(8, 'little')); "
             "w((10**6).to_bytes(8, 'little') + (1).to_bytes(8, 'little'))")
CUT = ("import sys; sys.stdin.buffer.read(); "
       "sys.stdout.buffer.write(b'ARPAIRS1' + (5).to_bytes(8, 'little') + bytes(24))")
HUGE = ("import sys; sys.stdin.buffer.read(); "
        "sys.stdout.buffer.write(b'ARPAIRS1' + (2**62).to_bytes(8, 'little'))")


@pytest.mark.parametrize("script", [KILLED, NONSENSE, HANGS, FAILS, NO_PAIRS, EMPTY, ELSEWHERE,
                                    CUT, HUGE],
                         ids=["killed", "nonsense", "hangs", "fails", "no rows", "wrong columns",
                              "pairs elsewhere", "cut-short pairs", "huge count"])
def test_a_failing_helper_gives_the_in_process_read(register, fixed_clock, helpers,  # noqa: F811
                                                    monkeypatch, script):
    monkeypatch.setattr(fetchproc, "command", lambda path, spec: [sys.executable, "-c", script])
    monkeypatch.setattr(fetchproc, "WAIT_SECONDS", 3.0)
    monkeypatch.setattr(fetchproc, "WAIT_PER_BOX", 0.0)
    reader = Checker(register)._reader
    boxes = _boxes(200, 3)
    plain = _in_process(reader, boxes)
    helpers["paths"].clear()
    _same_candidates(reader.candidates_many(boxes, CHECK_COLUMNS), plain)
    assert helpers["paths"] == ["in-process"]
    assert helpers["procs"] and all(p.poll() is not None for p in helpers["procs"])
    reader.close()


def test_ctrl_c_during_the_read_ends_the_helpers(register, helpers, monkeypatch):  # noqa: F811
    def interrupted(self, areas, convert):
        raise KeyboardInterrupt

    monkeypatch.setattr(fetchproc.HelperRead, "read", interrupted)
    reader = Checker(register)._reader
    with pytest.raises(KeyboardInterrupt):
        reader.candidates_many(_boxes(200, 3), CHECK_COLUMNS)
    assert helpers["procs"] and all(p.poll() is not None for p in helpers["procs"])
    reader.close()


def test_a_small_batch_is_read_in_process_without_helpers(register, helpers,  # noqa: F811
                                                           monkeypatch):
    monkeypatch.setattr(fetchproc, "START_BOXES", 201)
    reader = Checker(register)._reader
    reader.candidates_many(_boxes(200, 3), CHECK_COLUMNS)
    assert helpers["paths"] == ["in-process"] and not helpers["procs"]
    reader.candidates_many(_boxes(201, 3), CHECK_COLUMNS)
    assert helpers["paths"] == ["in-process", "helpers"] and helpers["procs"]
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


def _run_helper(register_path: str, stdin: bytes, script: str | None = None):
    import json
    import subprocess

    spec = [[c, colread.kind(c in ("depth_m",), "REAL" if c == "depth_m" else "TEXT")]
            for c in ("asset_id", "depth_m")]
    run = ["-P", colread.__file__] if script is None else ["-c", script, colread.__file__]
    return subprocess.run([sys.executable, *run, register_path, json.dumps(spec)],
                          input=stdin, capture_output=True, timeout=120)


def _helper_answer(stdout: bytes):
    """(pairs as a set of (query, fid), the rows' table) of a helper's answer."""
    import io

    import pyarrow as pa

    stream = io.BytesIO(stdout)
    q, fids = fetchproc._pairs(stream, 10 ** 6)
    return set(zip(q.tolist(), fids.tolist(), strict=True)), pa.ipc.open_stream(stream).read_all()


def _tree_pairs(con, boxes) -> set:
    """(query, fid) of every R*Tree entry meeting each box, by SQLite itself."""
    return {(k, f) for k, (x0, x1, y0, y1) in enumerate(boxes.tolist())
            for (f,) in con.execute("SELECT id FROM rtree_assets_geom WHERE maxx >= ? AND "
                                    "minx <= ? AND maxy >= ? AND miny <= ?", (x0, x1, y0, y1))}


def test_the_helper_by_itself(gpkg_store_factory):
    """The helper as a program: for the query boxes given, the (query, fid) pairs the R*Tree
    holds, then the live assets among those fids in fid order, its typed first row dropped;
    no boxes: no pairs and no rows, the same columns; a cut-short list of boxes or a missing
    register: a one-line reason and a non-zero exit, nothing on stdout."""
    store = _odd_register(gpkg_store_factory, [
        "UPDATE assets SET retired_at = '2026-01-02' WHERE asset_id IN ('WAT:3', 'WAT:30')"])
    con = sqlite3.connect(store.location)
    boxes = np.vstack([_boxes(30, 9, size=150.0), [[X0 - 1, X0 + 200, Y0 - 1, Y0 + 1]]])
    pairs = _tree_pairs(con, boxes)
    found = sorted({f for _q, f in pairs})
    want = con.execute("SELECT fid, asset_id, depth_m FROM assets WHERE retired_at IS NULL AND "
                       "fid IN (SELECT value FROM json_each(?)) ORDER BY fid",
                       (str(found),)).fetchall()
    retired = con.execute("SELECT count(*) FROM assets WHERE retired_at IS NOT NULL AND "
                          "fid IN (SELECT value FROM json_each(?))", (str(found),)).fetchone()[0]
    con.close()
    assert want and retired  # (retired versions among the entries met: left out)
    done = _run_helper(store.location, boxes.tobytes())
    assert done.returncode == 0, done.stderr
    got_pairs, table = _helper_answer(done.stdout)
    assert got_pairs == pairs
    assert table.column_names == ["fid", "asset_id", "depth_m", "wkb", "odd"]
    got = list(zip(table["fid"].to_pylist(), table["asset_id"].to_pylist(),
                   table["depth_m"].to_pylist(), strict=True))
    assert got == want
    empty = _run_helper(store.location, b"")
    assert empty.returncode == 0
    none_pairs, none = _helper_answer(empty.stdout)
    assert not none_pairs and none.num_rows == 0 and none.schema.equals(table.schema)
    cut = _run_helper(store.location, boxes.tobytes()[:-3])
    assert cut.returncode == 1 and cut.stdout == b""
    assert cut.stderr.decode().count("\n") == 1 and "no whole number of boxes" in cut.stderr.decode()
    missing = _run_helper(str(store.location) + ".nothing-here", boxes.tobytes())
    assert missing.returncode == 1 and missing.stdout == b""
    assert missing.stderr.decode().startswith("colread: ")


# The helper, run with small parts and record batches, while another connection deletes
# one of the assets it is reading at every write of its answer: after the walk, between
# record batches and between parts. Its answer is the register as it was when it began.
COMMITTING = """
import importlib.util, io, sqlite3, sys
path = sys.argv[1]
spec = importlib.util.spec_from_file_location("colread_under_test", path)
colread = importlib.util.module_from_spec(spec)
spec.loader.exec_module(colread)
colread.PART = 7
other = sqlite3.connect(sys.argv[2])
commits = []

class Tap(io.RawIOBase):
    def __init__(self, real):
        self.real = real
    def writable(self):
        return True
    def write(self, b):
        row = other.execute("SELECT max(fid) FROM assets").fetchone()[0]
        if row is not None:
            other.execute("DELETE FROM assets WHERE fid = ?", (row,))
            other.commit()
            commits.append(row)
        return self.real.write(b)
    def flush(self):
        self.real.flush()

class Out:
    buffer = Tap(sys.stdout.buffer)

real = sys.stdout
sys.stdout = Out()
code = colread.main([sys.argv[2], sys.argv[3], "3"])
sys.stdout = real
sys.stderr.write(f"{len(commits)} commits")
sys.exit(code)
"""


def test_a_helper_reads_its_walk_and_every_part_in_one_transaction(gpkg_store_factory):
    store = _odd_register(gpkg_store_factory, [])
    con = sqlite3.connect(store.location)
    before = con.execute("SELECT fid, asset_id, depth_m FROM assets WHERE retired_at IS NULL "
                         "ORDER BY fid").fetchall()
    boxes = np.array([[X0 - 10, X0 + 200, Y0 - 10, Y0 + 10]])
    pairs = _tree_pairs(con, boxes)
    assert len(before) == 40 and {f for _q, f in pairs} == {f for f, _a, _d in before}
    done = _run_helper(store.location, boxes.tobytes(), script=COMMITTING)
    assert done.returncode == 0, done.stderr
    commits = int(done.stderr.decode().split()[0])
    left = con.execute("SELECT count(*) FROM assets").fetchone()[0]
    con.close()
    assert commits > 40 // colread.PART + 2 and left == 40 - commits  # (6 parts, deleted meanwhile)
    got_pairs, table = _helper_answer(done.stdout)
    assert got_pairs == pairs
    got = list(zip(table["fid"].to_pylist(), table["asset_id"].to_pylist(),
                   table["depth_m"].to_pylist(), strict=True))
    assert got == before


def test_the_helper_stays_light(gpkg_store_factory):
    """The helper walks the tree with the app's own ``rtree.py`` but imports nothing of the
    app's package nor of the geo stack (its start-up overlaps nothing)."""
    import json
    import subprocess

    store = _odd_register(gpkg_store_factory, [])
    done = subprocess.run([sys.executable, "-X", "importtime", "-P", colread.__file__,
                           store.location, json.dumps([["asset_id", "t"]])],
                          input=np.array([[X0, X0 + 9, Y0, Y0 + 9]]).tobytes(),
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = {line.rsplit("|", 1)[-1].strip().split(".")[0]
              for line in done.stderr.decode().splitlines() if line.startswith("import time:")}
    assert {"numpy", "pyarrow", "adbc_driver_sqlite"} <= loaded
    assert not loaded & {"asset_register", "shapely", "pandas", "geopandas", "pyogrio", "pyproj",
                         "rtree", "PySide6"}


def test_a_batch_of_one_site_over_two_helpers(register, fixed_clock, helpers,  # noqa: F811
                                              monkeypatch):
    """One site, two helpers: one area holds it, the other none (its helper answers no
    pairs and no rows); the answer is the single check's."""
    import json

    monkeypatch.setattr(fetchproc, "helpers_wanted", lambda: 2)
    assert [len(a) for a in fetchproc.split_by_area(np.zeros((1, 4)), 2)] == [1, 0]
    assert [len(a) for a in fetchproc.split_by_area(np.zeros((0, 4)), 2)] == [0, 0]
    checker = Checker(register)
    sites = _sites(3, seed=8)
    for site in sites:
        batch = checker.check_many([site], index="disk")
        assert json.dumps(_answers(batch[0]), sort_keys=True) == \
            json.dumps(_answers(checker.check(site)), sort_keys=True)
    assert helpers["paths"] == ["helpers"] * len(sites)
    checker.close()
