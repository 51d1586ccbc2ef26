"""A batch checked from the R*Tree on disk gives the answers of the in-memory index and of
single checks.

``check_many`` reads every footprint's candidates at once from the register's R*Tree
(``rtree.search`` walks the tree with numpy; the assets found are read in parts over two
connections in two threads). The R*Tree walk must find exactly the pairs SQLite's own
R*Tree query finds — on the trees this product packs and on trees SQLite grew row by row —
and a batch must give, to the last bit, the conflicts, owners, works, warnings and
confidence of the in-memory path and of single checks, however the reads are split.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
import shapely

from asset_register.check import Checker, DigSite
from asset_register.model import Owner
from asset_register.store.gpkg import reader as gpkg_reader
from asset_register.store.gpkg import rtree
from asset_register.store.gpkg.rtree import Packing

from .conftest import X0, Y0, asset, write
from .test_fast_path import _answers, _same_frames, _sites, register  # noqa: F401 (fixture)

SQL = ("SELECT id FROM {t} WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ? "
       "ORDER BY id")


def _by_sqlite(con, table: str, boxes: np.ndarray) -> set[tuple[int, int]]:
    return {(q, row[0]) for q, box in enumerate(boxes.tolist())
            for row in con.execute(SQL.format(t=table), box)}


def _boxes(rng, n: int, size: float) -> np.ndarray:
    x, y = rng.uniform(0, 1000, n), rng.uniform(0, 1000, n)
    w, h = rng.uniform(0, size, n), rng.uniform(0, size, n)
    return np.stack([x, x + w, y, y + h], axis=1)


@pytest.mark.parametrize("grown", [True, False], ids=["grown by SQLite", "packed"])
def test_the_walk_finds_what_sqlite_finds(grown):
    rng = np.random.default_rng(5)
    entries = _boxes(rng, 6000, 8.0)  # three levels of nodes
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING rtree(id, minx, maxx, miny, maxy)")
    ids = np.arange(1, len(entries) + 1) * 3  # ids are not positions
    if grown:
        con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)",
                        [(int(i), *b) for i, b in zip(ids, entries.tolist())])
    else:
        Packing(entries).write(con, "t", ids)
    depth = int.from_bytes(con.execute("SELECT data FROM t_node WHERE nodeno = 1")
                           .fetchone()[0][:2], "big")
    assert depth >= 2
    stored = rtree.read_entries(con, "t")[1]  # as SQLite holds them: float32, rounded out
    queries = np.concatenate([
        _boxes(rng, 400, 30.0),
        stored[:50],  # exactly an entry's box
        stored[50:90, [1, 1, 3, 3]],  # a point on an entry's corners: touching counts
        stored[90:130, [0, 0, 2, 2]],
        stored[130:170, [1, 1, 2, 2]] + [0, 1, -1, 0],  # boxes touching an entry's edge
        [[2000.0, 2100.0, 0.0, 10.0], [-1.0, 1001.0, -1.0, 1001.0]],  # nothing; everything
    ])
    q, found = rtree.search(con, "t", queries)
    assert len(q) == len(set(zip(q.tolist(), found.tolist())))  # each pair once
    assert set(zip(q.tolist(), found.tolist())) == _by_sqlite(con, "t", queries)
    assert len(found[q == len(queries) - 1]) == len(entries)


def test_the_walk_in_small_parts_and_on_small_trees(monkeypatch):
    rng = np.random.default_rng(9)
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING rtree(id, minx, maxx, miny, maxy)")
    queries = _boxes(rng, 50, 200.0)
    assert [len(a) for a in rtree.search(con, "t", queries)] == [0, 0]  # an empty tree
    entries = _boxes(rng, 30, 50.0)  # the root is the only leaf
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)",
                    [(i + 1, *b) for i, b in enumerate(entries.tolist())])
    q, found = rtree.search(con, "t", queries)
    assert set(zip(q.tolist(), found.tolist())) == _by_sqlite(con, "t", queries)
    assert [len(a) for a in rtree.search(con, "t", np.zeros((0, 4)))] == [0, 0]
    more = _boxes(rng, 3000, 20.0)
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)",
                    [(i + 100, *b) for i, b in enumerate(more.tolist())])
    monkeypatch.setattr(rtree, "SEARCH_PAIRS", 7)
    q, found = rtree.search(con, "t", queries)
    assert set(zip(q.tolist(), found.tolist())) == _by_sqlite(con, "t", queries)


def _timeless(doc: dict) -> dict:
    """A batch's JSON without the seconds it took (the batch's and each result's)."""
    results = [{k: v for k, v in r.items() if k != "seconds"} for r in doc["results"]]
    return {**{k: v for k, v in doc.items() if k != "seconds"}, "results": results}


@pytest.fixture
def small_parts(monkeypatch):
    """The batch's reads split in many small parts: the tree walked 13 pairs at a time, the
    assets read 17 at a time, over the two helper connections in two threads."""
    monkeypatch.setattr(rtree, "SEARCH_PAIRS", 13)
    monkeypatch.setattr(gpkg_reader, "FETCH_PART", 17)


@pytest.mark.parametrize("parts", ["whole", "small parts"])
def test_a_batch_from_disk_gives_the_memory_and_the_single_answers(register, fixed_clock,  # noqa: F811
                                                                   parts, request):
    if parts == "small parts":
        request.getfixturevalue("small_parts")
    sites = _sites(80, seed=21)
    checker = Checker(register)
    assert checker._reader.reads_in_bulk
    disk = checker.check_many(sites)  # (auto: no in-memory index built, so from disk)
    assert checker._memory is None
    memory = checker.check_many(sites, index="memory")
    again = checker.check_many(sites)  # auto, with the index built and current: from memory
    single = Checker(register)
    kinds = set()
    assert len(disk.flat["site"]) > len(sites)  # (several conflicts a site)
    for i, site in enumerate(sites):
        expected = _answers(single.check(site))
        assert _answers(disk[i]) == expected, site.reference
        assert _answers(memory[i]) == expected, site.reference
        assert _answers(again[i]) == expected, site.reference
        _same_frames(disk[i].conflicts, memory[i].conflicts)
        _same_frames(disk[i].works_overlapping, memory[i].works_overlapping)
        kinds |= {w.split(" ")[0] for w in disk[i].warnings}
        kinds |= {c.split(" ")[0] for c in disk[i].conflicts["precaution"]}
        kinds |= {o.get("coverage", "") for o in expected["owners_affected"]}
    # the programme met restricted assets, reported positions, works and partial coverage
    assert {"Restricted", "an", "asset", "full", "partial"} <= kinds, kinds
    assert any(len(disk[i].works_overlapping) for i in range(len(sites)))
    summary = disk.summary()
    assert summary.equals(memory.summary())
    assert _timeless(disk.to_dict()) == _timeless(memory.to_dict())
    checker.close()
    single.close()


def _fresh(gpkg_store_factory, rows):
    """A new register of water assets (the programme fixture above is ``register`` here)."""
    store = gpkg_store_factory()
    store.upsert_owner(Owner("WAT", "WAT Utilities", phone="0100", emergency_phone="0999"))
    write(store, rows)
    return store


@pytest.mark.parametrize("reads", ["in-process", "helpers"])
def test_a_batch_from_disk_leaves_retired_versions_out(gpkg_store_factory, fixed_clock,
                                                      small_parts, reads, request):
    seen = request.getfixturevalue("helpers") if reads == "helpers" else None
    store = _fresh(gpkg_store_factory, [asset("WAT:1", shapely.LineString([(X0 + 5, Y0 - 1), (X0 + 5, Y0 + 5)])),
                      asset("WAT:2", shapely.Point(X0 + 2, Y0 + 2))])
    # a re-delivery moves WAT:2 away: its old version stays in the R*Tree, retired
    write(store, [asset("WAT:2", shapely.Point(X0 + 200, Y0 + 2))])
    sites = [DigSite(shapely.box(X0, Y0, X0 + 10, Y0 + 4), reference="old place"),
             DigSite(shapely.box(X0 + 195, Y0, X0 + 205, Y0 + 4), reference="new place")]
    checker = Checker(store)
    batch = checker.check_many(sites, index="disk")
    assert batch[0].conflicts["asset_id"].tolist() == ["WAT:1"]
    assert batch[1].conflicts["asset_id"].tolist() == ["WAT:2"]
    assert seen is None or seen["paths"] == ["helpers"]
    for i, site in enumerate(sites):
        assert _answers(batch[i]) == _answers(checker.check(site))
    checker.close()


def test_a_batch_committed_while_a_batch_reads_is_checked_with_its_reach(gpkg_store_factory,
                                                                        fixed_clock):
    """As for a single check: a write committed while the candidates are read (here an
    asset 20 m off known to ±25 m, past the reach searched with) makes the batch read the
    register's facts and its candidates again."""
    store = _fresh(gpkg_store_factory, [asset("WAT:1", shapely.Point(X0 + 60, Y0))])
    sites = [DigSite(shapely.box(X0, Y0, X0 + 10, Y0 + 4)),
             DigSite(shapely.box(X0 + 500, Y0, X0 + 510, Y0 + 4))]
    checker = Checker(store)
    assert [len(r.conflicts) for r in checker.check_many(sites)] == [0, 0]
    read = checker._reader.candidates_many
    calls = []

    def racing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            write(store, [asset("WAT:vague", shapely.Point(X0 + 30, Y0 + 2), h_accuracy_m=25.0)])
        return read(*args, **kwargs)

    checker._reader.candidates_many = racing
    batch = checker.check_many(sites)
    assert len(calls) == 2
    assert batch[0].conflicts["asset_id"].tolist() == ["WAT:vague"]
    assert len(batch[1].conflicts) == 0
    checker.close()


def test_a_batch_from_disk_on_a_reader_without_a_data_version_is_read_once(
        gpkg_store_factory, fixed_clock):
    """A reader that cannot tell whether the register changed gets its facts re-read for
    the batch, as for every check, and its candidates read once: the batch does not wait
    for a version that never comes."""
    store = _fresh(gpkg_store_factory, [asset("WAT:1", shapely.Point(X0 + 2, Y0 + 2))])
    checker = Checker(store)
    checker._reader.data_version = lambda: None
    read = checker._reader.candidates_many
    calls = []

    def counted(*args, **kwargs):
        calls.append(1)
        return read(*args, **kwargs)

    checker._reader.candidates_many = counted
    batch = checker.check_many([DigSite(shapely.box(X0, Y0, X0 + 10, Y0 + 4))], index="disk")
    assert len(calls) == 1
    assert batch[0].conflicts["asset_id"].tolist() == ["WAT:1"]
    checker.close()


def test_the_path_is_chosen_or_refused(gpkg_store_factory):
    store = _fresh(gpkg_store_factory, [asset("WAT:1", shapely.Point(X0 + 2, Y0 + 2))])
    site = [DigSite(shapely.box(X0, Y0, X0 + 10, Y0 + 4))]
    with pytest.raises(ValueError, match="index must be"):
        Checker(store).check_many(site, index="rtree")
    plain = Checker(store, disk=False)  # the store's generic reader: no bulk reads
    assert not plain._reader.reads_in_bulk
    with pytest.raises(ValueError, match="cannot read a batch's candidates in bulk"):
        plain.check_many(site, index="disk")
    assert plain.check_many(site)[0].conflicts["asset_id"].tolist() == ["WAT:1"]  # memory


def test_sqlite_cuts_the_wkb_out_of_every_kind_of_blob():
    """The batch's reads cut the header off in SQL: the same WKB as ``geom.decode`` for every
    envelope a GeoPackage blob can carry, both byte orders; NULL stays NULL; a blob that
    is no GeoPackage geometry is refused as the single check refuses it."""
    import struct

    from asset_register.store.gpkg.geom import decode

    line = shapely.LineString([(1.5, 2.25), (3.0, -4.125)])
    blobs = []
    for env, size in ((0, 0), (1, 32), (2, 48), (3, 48), (4, 64), (5, 0), (7, 0)):
        for little in (0, 1):
            flags = (env << 1) | little | (0b1_0000 if env == 7 else 0)
            head = b"GP\x00" + bytes([flags]) + struct.pack("<i" if little else ">i", 27700)
            blobs.append(head + bytes(range(size)) + shapely.to_wkb(line, byte_order=little))
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE g (fid INTEGER PRIMARY KEY, geom BLOB)")
    con.executemany("INSERT INTO g (geom) VALUES (?)", [(b,) for b in [*blobs, None]])
    sql = f"SELECT {gpkg_reader._WKB.format(g='geom')} FROM g ORDER BY fid"
    cut = np.array([r[0] for r in con.execute(sql)], dtype=object)
    want = decode([*blobs, None])
    got = shapely.from_wkb(cut)
    assert got[-1] is None and want[-1] is None
    assert shapely.equals_exact(got[:-1], want[:-1], 0).all()
    assert (shapely.to_wkb(got[:-1]) == shapely.to_wkb(want[:-1])).all()
    con.execute("INSERT INTO g (geom) VALUES (?)", (b"XY" + blobs[0][2:],))
    assert [r[0] for r in con.execute(sql)][-1] == b""  # refused by the reader (below)
    with pytest.raises(ValueError, match="GP"):
        decode([b"XY" + blobs[0][2:]])


@pytest.mark.parametrize("seed", range(6))
def test_the_fids_found_are_made_unique_as_numpy_makes_them(seed):
    """``rtree.unique_ids`` (a mask over the fids' range when it is small) gives what
    ``np.unique`` gives: dense and sparse fids, repeats, one fid, none, negative ones."""
    rng = np.random.default_rng(seed)
    cases = [rng.integers(1, 5000, 20000), rng.integers(1, 10 ** 12, 300),
             np.array([7, 7, 7]), np.array([3]), np.zeros(0), rng.integers(-50, 50, 400),
             np.concatenate([rng.integers(1, 100, 50), [2 ** 40]])]
    for ids in cases:
        ids = ids.astype(np.int64)
        got, want = rtree.unique_ids(ids), np.unique(ids)
        assert got.dtype == want.dtype and np.array_equal(got, want)
