"""The fast routes of a large batch into a GeoPackage register land exactly what the plain
route lands: a batch staged as whole records and copied by SQLite's record transfer, a first
load written with a rollback journal instead of the WAL. Same rows, hashes, versions,
retirements and R*Tree as the row-by-row write inside an enclosing transaction; and a first
load killed midway leaves the register as it was, with nothing to clean by hand."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import shapely

from asset_register.model import BatchInfo
from asset_register.store import create_register, open_register
from asset_register.store.gpkg import bulk as gpkg_bulk
from asset_register.store.gpkg import connect as gpkg_connect
from asset_register.store.gpkg import geom as gpkg_geom
from tests.conftest import synthetic_assets

ROOT = Path(__file__).resolve().parents[2]
BATCH = BatchInfo(source_file="x.gpkg", owner="WSX", transformation_accuracy_m=1.0)
OTHER = BatchInfo(source_file="y.gpkg", owner="UKPN")
# every stored column but the write times (valid_from, retired_at: when, not what)
COLUMNS = ("fid, asset_id, version, owner, utility, asset_class, status, depth_m, depth_source, "
           "diameter_mm, pressure, voltage, material, h_accuracy_m, v_accuracy_m, quality_level, "
           "captured_on, retired_at IS NULL, batch_id, delivery, crs_accuracy_m, content_hash, "
           "attrs, restricted, pressure_bar, voltage_v, hex(geom)")


def content(store) -> list[tuple]:
    return store._con.execute(f"SELECT {COLUMNS} FROM assets ORDER BY fid").fetchall()


def tree(store) -> list[int]:
    """The R*Tree's ids, once it is checked whole and each box holds its asset's geometry
    (the float32 boxes themselves may differ by a step or two between the bulk packing and
    SQLite's own rounding in the per-row triggers of the plain path)."""
    con = store._con
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT rtreecheck('rtree_assets_geom')").fetchone() == ("ok",)
    boxes = {r[0]: r[1:] for r in con.execute("SELECT id, minx, maxx, miny, maxy FROM rtree_assets_geom")}
    rows = con.execute("SELECT fid, geom FROM assets ORDER BY fid").fetchall()
    assert sorted(boxes) == [r[0] for r in rows]  # every version indexed, retired ones too
    b = shapely.bounds(gpkg_geom.decode([r[1] for r in rows]))
    box = np.array([boxes[r[0]] for r in rows])
    assert (box[:, 0] <= b[:, 0]).all() and (box[:, 1] >= b[:, 2]).all()
    assert (box[:, 2] <= b[:, 1]).all() and (box[:, 3] >= b[:, 3]).all()
    assert (box[:, 1] - box[:, 0] - (b[:, 2] - b[:, 0]) <= 1.0).all()  # a few float32 steps
    return sorted(boxes)


def batches(store) -> list[tuple]:
    return store._con.execute(
        "SELECT batch_id, state, rows_imported, added, changed, unchanged, retired "
        "FROM import_batches ORDER BY batch_id").fetchall()


def deliveries(store, plain: bool) -> list:
    """A first load, a re-delivery (changed, unchanged, withdrawn), another owner's large
    batch into the filled register, a small one, and withdrawn assets delivered again. With
    ``plain``, each inside an enclosing transaction: no staging, rows bound one by one."""
    first = synthetic_assets(25000, seed=4)
    again = first.iloc[100:].copy()
    again.loc[again.index[:5000], "material"] = "steel"
    other = synthetic_assets(30000, seed=5, owner="UKPN")
    small = other.iloc[:300].copy()
    small["depth_m"] = 2.5
    steps = [(first, BATCH, "WSX:all"), (again, BATCH, "WSX:all"), (other, OTHER, "UKPN:all"),
             (small, OTHER, None), (first.iloc[:100], BATCH, "WSX:b")]
    results = []
    for frame, info, delivery in steps:
        if plain:
            with store.atomic():
                res = store.write_batch(frame, info, delivery=delivery)
        else:
            res = store.write_batch(frame, info, delivery=delivery)
        results.append((res.added, res.changed, res.unchanged, res.retired))
    return results


def test_staged_records_and_the_first_load_journal_land_what_the_plain_path_lands(
        tmp_path, monkeypatch):
    monkeypatch.setattr(gpkg_bulk, "STAGE_PART_ROWS", 7000)  # several parts, one cut mid-way
    journals, copies = [], []
    real_journal, real_insert = gpkg_connect.bulk_journal, gpkg_bulk.Stage.insert
    monkeypatch.setattr(gpkg_connect, "bulk_journal",
                        lambda con: journals.append(real_journal(con)) or journals[-1])

    def insert(self, *args):
        n = real_insert(self, *args)
        copies.append((self.records, self.whole))
        return n

    monkeypatch.setattr(gpkg_bulk.Stage, "insert", insert)
    with create_register(tmp_path / "fast.gpkg") as fast, \
            create_register(tmp_path / "plain.gpkg") as plain:
        got = deliveries(fast, plain=False)
        assert journals == [True]  # the first load only, nobody else had the register open
        # whole records for both batches of new rows; the re-delivery column by column
        assert copies == [(True, True), (True, False), (True, True)]
        assert fast._con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert not Path(f"{fast.path}-journal").exists()
        want = deliveries(plain, plain=True)
        assert journals == [True] and len(copies) == 3  # (the plain path staged nothing)
        assert got == want == [(25000, 0, 0, 0), (0, 5000, 19900, 100), (30000, 0, 0, 0),
                               (0, 300, 0, 0), (100, 0, 0, 0)]
        assert content(fast) == content(plain)
        assert tree(fast) == tree(plain)
        assert batches(fast) == batches(plain)


def test_a_first_load_while_another_connection_has_the_register_open_stays_in_wal(tmp_path):
    path = tmp_path / "r.gpkg"
    create_register(path).close()
    with open_register(path, read_only=True) as reader, open_register(path) as store:
        assert reader.asset_count() == 0
        store.write_batch(synthetic_assets(25000, seed=8), BATCH)
        assert Path(f"{path}-wal").exists()  # written through the WAL as any other batch
        assert store._con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert reader.asset_count() == 25000


WRITER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from tests.conftest import synthetic_assets
    from asset_register.model import BatchInfo
    from asset_register.store import create_register
    store = create_register({path!r})
    store._con.execute("PRAGMA cache_size = {cache}")
    def progress(f, m):
        if m == "rebuilding indexes":  # every row copied, not committed
            print("MIDWAY", flush=True)
            time.sleep(60)
    store.write_batch(synthetic_assets(30000, seed=8), BatchInfo("big.gpkg"), progress=progress)
    print("DONE", flush=True)
    """
)


@pytest.mark.parametrize("cache", [-2000, -65536])  # rows spilled into the file, or not yet
def test_a_killed_first_load_leaves_the_register_as_it_was(tmp_path, cache):
    path = tmp_path / "r.gpkg"
    code = WRITER.format(root=str(ROOT), path=str(path), cache=cache)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "MIDWAY"
    finally:
        proc.kill()
        proc.wait()
    assert Path(f"{path}-journal").exists()  # it was being written with a rollback journal
    killed_size = path.stat().st_size
    assert (killed_size > 5_000_000) == (cache == -2000)  # a small cache: pages in the file
    with open_register(path, read_only=True) as reader:  # the next open undoes it
        assert reader.asset_count() == 0
        assert len(reader.batches()) == 0
    assert not Path(f"{path}-journal").exists()
    assert path.stat().st_size < 1_000_000  # the appended pages cut off again
    with open_register(path) as store:
        assert store._con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert store._con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert not list(tmp_path.glob(".r.gpkg.staging-*"))  # the stage swept
        res = store.write_batch(synthetic_assets(30000, seed=8), BatchInfo("big.gpkg"))
        assert res.added == store.asset_count() == 30000
        tree(store)


def test_a_cancelled_first_load_changes_nothing_and_the_register_is_in_wal_again(tmp_path):
    from asset_register.errors import CancelledError

    path = tmp_path / "r.gpkg"
    seen = []
    with create_register(path) as store:
        with pytest.raises(CancelledError):
            store.write_batch(synthetic_assets(25000, seed=8), BATCH,
                              progress=lambda f, m: seen.append(m),
                              cancel=lambda: "rebuilding indexes" in seen)
        assert store.asset_count() == 0 and len(store.batches()) == 0
        assert store._con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert not Path(f"{path}-journal").exists()
        store.write_batch(synthetic_assets(25000, seed=8), BATCH)  # then the load goes through
        assert store.asset_count() == 25000
        tree(store)


def test_wal_comes_back_at_the_next_write_if_it_could_not_at_once(tmp_path, monkeypatch):
    """Someone opening the register just after the first load commits can keep it from
    going back to WAL at once; the store's next write does it."""
    real = gpkg_connect.back_to_wal
    refused = []
    monkeypatch.setattr(gpkg_connect, "back_to_wal",
                        lambda con: real(con) if refused else refused.append(1) or False)
    with create_register(tmp_path / "r.gpkg") as store:
        store.write_batch(synthetic_assets(25000, seed=8), BATCH)
        assert store._con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        store.set_setting("authority_code", "X")
        assert store._con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert store.asset_count() == 25000
