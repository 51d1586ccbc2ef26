"""A batch handed over in parts (AssetChunks) lands exactly as the same batch in one frame.

The streamed path stages part by part so that a register of millions is written in bounded
memory; these tests pin that it is only a faster route to the same register: the same rows,
hashes, versions, retirements, R*Tree and check answers.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest
import shapely

from asset_register.errors import ValidationError
from asset_register.model import BatchInfo
from asset_register.store import create_register
from asset_register.store.batches import AssetChunks
from asset_register.store.gpkg import bulk as gpkg_bulk
from asset_register.store.gpkg import rtree as gpkg_rtree
from tests.conftest import synthetic_assets

BATCH = BatchInfo(source_file="x.gpkg", owner="WSX")
COLUMNS = ("fid, asset_id, owner, utility, asset_class, status, depth_m, diameter_mm, "
           "h_accuracy_m, material, attrs, version, retired_at IS NULL, delivery, content_hash, "
           "hex(geom)")


def parts(frame, *cuts):
    bounds = [0, *cuts, len(frame)]
    return AssetChunks(frame.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True))


def content(store) -> list[tuple]:
    return store._con.execute(f"SELECT {COLUMNS} FROM assets ORDER BY fid").fetchall()


def tree(store) -> list[tuple]:
    con = store._con
    assert con.execute("SELECT rtreecheck('rtree_assets_geom')").fetchone() == ("ok",)
    return con.execute("SELECT id, minx, maxx, miny, maxy FROM rtree_assets_geom ORDER BY id").fetchall()


def indexes(store) -> list[tuple]:
    """Every entry of the assets table's two indexes, read through them; integrity_check
    (rows against indexes) ok."""
    con = store._con
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    return (con.execute("SELECT asset_id, version, fid FROM assets INDEXED BY "
                        "assets_asset_version ORDER BY asset_id, version").fetchall(),
            sorted(con.execute("SELECT delivery, retired_at IS NULL, fid FROM assets "
                               "INDEXED BY assets_delivery WHERE delivery IS NOT NULL").fetchall()))


def test_a_batch_in_parts_writes_the_same_register_as_one_frame(tmp_path, monkeypatch):
    staged = []
    real = gpkg_bulk.StreamedStage.__init__
    monkeypatch.setattr(gpkg_bulk.StreamedStage, "__init__",
                        lambda self, *a, **k: staged.append(1) or real(self, *a, **k))
    frame = synthetic_assets(30000, seed=5)
    with create_register(tmp_path / "one.gpkg") as one, \
            create_register(tmp_path / "parts.gpkg") as many:
        a = one.write_batch(frame, BATCH, delivery="WSX:all")
        b = many.write_batch(parts(frame, 7000, 7001, 21000), BATCH, delivery="WSX:all")
        assert staged == [1]  # the streamed stage did the work
        assert (a.added, a.changed, a.unchanged, a.retired) == (b.added, b.changed, b.unchanged,
                                                                b.retired) == (30000, 0, 0, 0)
        assert content(one) == content(many)
        assert tree(one) == tree(many)
        assert indexes(one) == indexes(many)
        assert one.clearance_bounds() == many.clearance_bounds()
        assert one.extent() == many.extent()
        box = (530200.0, 180200.0, 530500.0, 180600.0)
        assert (sorted(one.query_bbox(box, columns=["asset_id"])["asset_id"])
                == sorted(many.query_bbox(box, columns=["asset_id"])["asset_id"]))


def test_a_redelivery_in_parts_versions_and_retires_as_one_frame(tmp_path):
    """Into a register that already holds the delivery: 5,000 changed rows (bulk repack of
    the tree, read back from its nodes), 100 withdrawn, the rest unchanged."""
    frame = synthetic_assets(25000, seed=4)
    again = frame.iloc[100:].copy()
    again.loc[again.index[:5000], "material"] = "steel"
    got = []
    for name, second in (("one", again), ("parts", parts(again, 9000, 18000))):
        with create_register(tmp_path / f"{name}.gpkg") as store:
            store.write_batch(frame, BATCH, delivery="WSX:all")
            res = store.write_batch(second, BATCH, delivery="WSX:all")
            assert (res.added, res.changed, res.unchanged, res.retired) == (0, 5000, 19900, 100)
            rows = [r[1:12] + r[13:] for r in content(store)]  # all but fid and the stamp
            got.append((rows, [r[1:] for r in tree(store)], store.asset_count()))
    assert got[0] == got[1]


def test_an_id_in_two_parts_is_refused_like_one_in_one_frame(tmp_path):
    frame = synthetic_assets(30000, seed=6)
    twice = frame.iloc[[5]].copy()
    with create_register(tmp_path / "r.gpkg") as store:
        with pytest.raises(ValidationError, match="appears twice in one batch"):
            store.write_batch(AssetChunks([frame.iloc[:20000], twice, frame.iloc[20000:]]), BATCH)
        assert store.asset_count() == 0
        assert not list(tmp_path.glob("*.stage*")) and len(list(tmp_path.iterdir())) <= 3


def test_parts_inside_an_open_transaction_or_empty_take_the_plain_path(tmp_path):
    frame = synthetic_assets(300, seed=7)
    with create_register(tmp_path / "r.gpkg") as store:
        empty = store.write_batch(AssetChunks([frame.iloc[:0]]), BATCH)
        assert empty.added == 0 and store.asset_count() == 0
        with store.atomic():
            res = store.write_batch(parts(frame, 100), BATCH)
        assert res.added == 300 and store.asset_count() == 300


def test_parts_join_for_backends_without_a_streamed_path():
    frame = synthetic_assets(50, seed=8)
    joined = parts(frame, 10, 30).frame()
    pd.testing.assert_frame_equal(pd.DataFrame(joined.drop(columns="geometry")),
                                  pd.DataFrame(frame.drop(columns="geometry")).reset_index(drop=True))
    assert shapely.equals_exact(np.asarray(joined.geometry.array),
                                np.asarray(frame.geometry.array), 0).all()
    with pytest.raises(ValidationError, match="at least one part"):
        AssetChunks([]).frame()


@pytest.mark.parametrize("n", [0, 1, 51, 52, 2602, 30000])
def test_tree_entries_read_from_the_nodes_equal_the_virtual_table(n):
    con = sqlite3.connect(":memory:", isolation_level=None)
    con.execute("CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx, miny, maxy)")
    rng = np.random.default_rng(n)
    x, y, w = rng.uniform(0, 1e5, n), rng.uniform(0, 1e5, n), rng.uniform(0, 20, n)
    ids = rng.permutation(10 * n + 1)[:n] + 1
    gpkg_rtree.bulk_load(con, "r", ids, np.stack([x, x + w, y, y + w], 1))
    con.executemany("INSERT INTO r VALUES (?, ?, ?, ?, ?)",  # and some the usual way
                    [(10 * n + 2 + i, 5.0 * i, 5.0 * i + 1, 3.0, 4.5) for i in range(60)])
    got_ids, got_boxes = gpkg_rtree.read_entries(con, "r")
    want = np.array(con.execute("SELECT id, minx, maxx, miny, maxy FROM r").fetchall(),
                    dtype=np.float64).reshape(-1, 5)
    order, want_order = np.argsort(got_ids), np.argsort(want[:, 0])
    assert np.array_equal(got_ids[order], want[want_order, 0].astype(np.int64))
    assert np.array_equal(got_boxes[order], want[want_order, 1:])


def _reference_blobs(ids: np.ndarray, boxes: np.ndarray, depth) -> list[bytes]:
    """Node blobs as SQLite's rtree lays them out, built the plain way (cells, then heads)."""
    per = gpkg_rtree.MAX_CELLS
    out = []
    for a in range(0, max(len(ids), 1), per):
        cells = np.zeros(per, dtype=gpkg_rtree.CELL)
        chunk = slice(a, min(len(ids), a + per))
        cells["id"][:chunk.stop - a] = ids[chunk]
        cells["box"][:chunk.stop - a] = boxes[chunk]
        head = (depth or 0).to_bytes(2, "big") + (chunk.stop - a).to_bytes(2, "big")
        out.append(head + cells.tobytes())
    return out


@pytest.mark.parametrize("n", [1, 50, 51, 52, 102, 2602])
def test_node_blobs_written_in_place_equal_the_plain_layout(n):
    rng = np.random.default_rng(n)
    ids = rng.permutation(10 * n)[:n] + 1
    boxes = gpkg_rtree.float32_outward(np.sort(rng.uniform(-1e5, 1e5, (n, 4)), axis=1))
    for depth in (None, 3):
        got = gpkg_rtree._blobs(ids, boxes, depth)
        assert got.shape == (-(-n // gpkg_rtree.MAX_CELLS), gpkg_rtree.NODE_SIZE)
        assert [row.tobytes() for row in got] == _reference_blobs(ids, boxes, depth)
        rows = list(gpkg_rtree._node_rows(np.arange(len(got)) + 7, got))
        assert rows == [(i + 7, b) for i, b in enumerate(_reference_blobs(ids, boxes, depth))]


def test_the_packing_gives_back_every_box_by_position():
    rng = np.random.default_rng(11)
    x, y, w = rng.uniform(0, 1e5, 5000), rng.uniform(0, 1e5, 5000), rng.uniform(0, 20, 5000)
    boxes = np.stack([x, x + w, y, y + w], 1)
    got = gpkg_rtree.Packing(boxes).boxes_by_position()
    assert np.array_equal(got, gpkg_rtree.float32_outward(boxes))
    # each box still holds its float64 box (rounded outward)
    assert (got[:, [0, 2]] <= boxes[:, [0, 2]]).all() and (got[:, [1, 3]] >= boxes[:, [1, 3]]).all()


def test_parts_repack_with_the_boxes_kept_by_the_packing_when_another_writer_came_first(
        tmp_path, monkeypatch):
    """The streamed stage keeps its boxes only in the packing; when the packed index cannot
    be used (another writer filled the index meanwhile) the repack takes them from there:
    the same index, rows and index entries as a one-frame batch written after the same
    other writer."""
    from asset_register.store import open_register

    staged = gpkg_bulk.StreamedStage.__init__
    frame = synthetic_assets(30000, seed=13)
    other = synthetic_assets(50, seed=9, owner="UKPN")

    def stage_then_other_writer(self, *args, **kwargs):
        staged(self, *args, **kwargs)
        assert self.packing is not None and self.boxes is None
        with open_register(self.store.path) as them:  # commits before our transaction
            them.write_batch(other, BATCH)

    got = []
    for name, batch in (("one", frame), ("parts", parts(frame, 9000, 20000))):
        path = tmp_path / f"{name}.gpkg"
        create_register(path).close()
        with monkeypatch.context() as m:
            if name == "parts":
                m.setattr(gpkg_bulk.StreamedStage, "__init__", stage_then_other_writer)
            else:
                with open_register(path) as them:
                    them.write_batch(other, BATCH)
            with open_register(path) as store:
                res = store.write_batch(batch, BATCH)
                assert res.added == 30000 and store.asset_count() == 30050
                got.append((content(store), tree(store), indexes(store)))
    assert got[0] == got[1]


@pytest.mark.parametrize("where", ["same part", "later part"])
def test_repeated_ids_are_refused_part_by_part_and_hash_collisions_are_not_repeats(
        tmp_path, monkeypatch, where):
    frame = synthetic_assets(30000, seed=18)
    twice = frame.copy()
    twice.loc[twice.index[25000 if where == "later part" else 5000], "asset_id"] = \
        twice["asset_id"].iloc[4000]
    with create_register(tmp_path / "r.gpkg") as store:
        with pytest.raises(ValidationError, match=repr(twice["asset_id"].iloc[4000])):
            store.write_batch(parts(twice, 10000, 20000), BATCH)
        assert store.asset_count() == 0
        assert not [p for p in tmp_path.iterdir() if "staging" in p.name]
        # every id given the same hash: each is compared with the others, none refused
        monkeypatch.setattr(gpkg_bulk.pd.util, "hash_array",
                            lambda values, categorize=False: np.zeros(len(values), np.uint64))
        small = frame.iloc[:300]
        assert store.write_batch(parts(small, 100, 200), BATCH).added == 300


def test_a_failure_in_the_ingest_thread_reaches_the_caller_and_leaves_nothing(
        tmp_path, monkeypatch):
    """Each part is ingested by a thread of its own: its failure (the third part's) is
    raised to the writer, the register keeps nothing, the staging files are gone and the
    thread has ended; the next batch is written as usual."""
    import threading

    real = gpkg_bulk._Ingest.__call__
    calls = []

    def failing(self, *args, **kwargs):
        calls.append(threading.current_thread().name)
        if len(calls) == 3:
            raise OSError("disk full (simulated)")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(gpkg_bulk._Ingest, "__call__", failing)
    frame = synthetic_assets(30000, seed=19)
    with create_register(tmp_path / "r.gpkg") as store:
        with pytest.raises(OSError, match="disk full"):
            store.write_batch(parts(frame, 10000, 20000, 25000), BATCH)
        assert set(calls) == {"stage-ingest"}
        assert store.asset_count() == 0
        assert not [p for p in tmp_path.iterdir() if "staging" in p.name]
        assert not [t for t in threading.enumerate() if t.name == "stage-ingest"]
        monkeypatch.undo()
        assert store.write_batch(parts(frame, 10000), BATCH).added == 30000
