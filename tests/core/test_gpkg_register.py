"""GeoPackage-specific behaviour: validity, safe opening, WAL concurrency, crash safety."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from asset_register.errors import (
    NotARegisterError,
    RegisterExistsError,
    RegisterLockedError,
    RegisterNotFoundError,
    RegisterReadOnlyError,
    SchemaVersionError,
)
from asset_register.model import BatchInfo
from asset_register.store import create_register, open_register
from asset_register.store.gpkg import geom as gpkg_geom
from asset_register.store.gpkg import schema as gpkg_schema
from tests.conftest import ROOT, synthetic_assets

BATCH = BatchInfo(source_file="x.gpkg", owner="WSX")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def validator() -> Path:
    try:
        import osgeo_utils.samples as samples
    except ImportError:
        pytest.skip("gdal-utils is not installed (pip install --no-deps gdal-utils)")
    return Path(samples.__path__[0]) / "validate_gpkg.py"


def test_new_and_loaded_registers_pass_the_geopackage_validator(tmp_path):
    path = tmp_path / "r.gpkg"
    with create_register(path) as store:
        store.write_batch(synthetic_assets(30000), BATCH)  # bulk-built R*Tree
        store.write_batch(synthetic_assets(100, seed=3), BATCH)
    out = subprocess.run([sys.executable, str(validator()), str(path)], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    con = sqlite3.connect(path)
    assert con.execute("SELECT rtreecheck('rtree_assets_geom')").fetchone() == ("ok",)
    assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    style = con.execute("SELECT styleQML FROM layer_styles WHERE f_table_name='assets'").fetchone()
    assert "categorizedSymbol" in style[0] and 'attr="utility"' in style[0]


def test_gdal_reads_the_register(tmp_path):
    path = tmp_path / "r.gpkg"
    with create_register(path) as store:
        store.write_batch(synthetic_assets(500), BATCH)
    layers = dict(pyogrio.list_layers(path))
    assert {"assets", "works", "owner_coverage"} <= set(layers)
    frame = pyogrio.read_dataframe(path, layer="assets", bbox=(530000, 180000, 530300, 180300))
    full = synthetic_assets(500)
    expect = shapely.intersects(full.geometry.array, shapely.box(530000, 180000, 530300, 180300))
    assert set(frame["asset_id"]) == set(full["asset_id"][expect])


def test_reopen_keeps_everything(tmp_path):
    path = tmp_path / "r.gpkg"
    with create_register(path, crs="EPSG:3857") as store:
        store.set_setting("authority_code", "WSX")
        store.write_batch(synthetic_assets(50).to_crs(3857), BATCH)
    with open_register(path) as store:
        assert store.crs.to_epsg() == 3857
        assert store.asset_count() == 50 and store.get_setting("authority_code") == "WSX"
        assert [m[1] for m in store.applied_migrations()] == [
            "create_register", "pressure_voltage_values", "rules_in_register", "audit_chain",
            "deviation_reports"]


def test_migrations_are_applied_in_order_and_recorded(tmp_path, monkeypatch):
    path = tmp_path / "r.gpkg"
    create_register(path).close()

    def add_column(con, crs):
        con.execute("ALTER TABLE owners ADD COLUMN website TEXT")

    monkeypatch.setattr(gpkg_schema, "MIGRATIONS", [*gpkg_schema.MIGRATIONS,
                                                    (6, "owner_website", add_column)])
    monkeypatch.setattr(gpkg_schema, "SCHEMA_VERSION", 6)
    from asset_register.store.gpkg import connect as gpkg_connect

    monkeypatch.setattr(gpkg_connect, "SCHEMA_VERSION", 6)
    with open_register(path) as store:
        assert [(v, n) for v, n, _ in store.applied_migrations()] == [
            (1, "create_register"), (2, "pressure_voltage_values"), (3, "rules_in_register"),
            (4, "audit_chain"), (5, "deviation_reports"), (6, "owner_website")]
        cols = [r[1] for r in store._con.execute("PRAGMA table_info(owners)")]
        assert "website" in cols


def test_opening_things_that_are_not_registers_changes_nothing(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(NotARegisterError, match="not a GeoPackage"):
        open_register(text)
    other = tmp_path / "someone_elses.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(1, 2)], crs=27700).to_file(other)
    before = sha(other)
    with pytest.raises(NotARegisterError, match="not an asset register"):
        open_register(other)
    assert sha(other) == before
    assert not Path(str(other) + "-wal").exists()
    with pytest.raises(RegisterNotFoundError):
        open_register(tmp_path / "missing.gpkg")
    with pytest.raises(RegisterExistsError):
        create_register(other)
    assert sha(other) == before


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "r.gpkg"
    create_register(path).close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO schema_migrations VALUES (99, 'future', '2030-01-01')")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = sha(path)
    with pytest.raises(SchemaVersionError, match="99"):
        open_register(path)
    assert sha(path) == before


def test_read_only_file_is_refused_for_writing(tmp_path, monkeypatch):
    path = tmp_path / "r.gpkg"
    create_register(path).close()
    path.chmod(0o444)
    if os.geteuid() == 0:  # root ignores permissions: make the permission check see them
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK and
                            Path(p) == path else real(p, mode))
    before = sha(path)
    with pytest.raises(RegisterReadOnlyError, match="read-only"):
        open_register(path)
    assert sha(path) == before


def test_read_only_mode_never_writes(tmp_path):
    path = tmp_path / "r.gpkg"
    with create_register(path) as s:
        s.write_batch(synthetic_assets(20), BATCH)
    with open_register(path, read_only=True) as store:
        assert store.asset_count() == 20
        with pytest.raises(RegisterReadOnlyError):
            store.set_setting("authority_code", "X")


def test_locked_register_gives_a_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "r.gpkg"
    create_register(path).close()
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    monkeypatch.setenv("ASSET_REGISTER_WRITE_WAIT_S", "0")  # (the wait: test_writer_wait.py)
    try:
        with open_register(path) as store:
            with pytest.raises(RegisterLockedError, match="another program"):
                store.set_setting("authority_code", "X")
    finally:
        locker.execute("ROLLBACK")
        locker.close()


WRITER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from tests.conftest import synthetic_assets
    from asset_register.model import BatchInfo
    from asset_register.store import open_register
    store = open_register({path!r})
    seen = []
    def progress(f, m):
        if f > 0.3 and not seen:
            seen.append(f)
            print("MIDWAY", flush=True)
            time.sleep({sleep})
    store.write_batch(synthetic_assets(60000, seed=8), BatchInfo("big.gpkg"), progress=progress)
    print("DONE", flush=True)
    """
)


def _start_writer(path: Path, sleep: float) -> subprocess.Popen:
    code = WRITER.format(root=str(ROOT), path=str(path), sleep=sleep)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)


def test_reader_queries_while_another_process_writes(tmp_path):
    path = tmp_path / "r.gpkg"
    with create_register(path) as s:
        s.write_batch(synthetic_assets(100), BATCH)
    proc = _start_writer(path, sleep=3)
    try:
        assert proc.stdout.readline().strip() == "MIDWAY"
        with open_register(path, read_only=True) as reader:
            got = reader.query_dwithin(shapely.Point(530500, 180500), 200.0)
            assert reader.asset_count() == 100  # the half-written batch is invisible
            assert len(got) > 0
            assert proc.poll() is None  # answered while the writer was still mid-batch
        assert proc.stdout.readline().strip() == "DONE"
    finally:
        proc.wait(timeout=60)
    with open_register(path) as s:
        assert s.asset_count() == 60100


def test_killed_import_leaves_register_as_it_was(tmp_path):
    path = tmp_path / "r.gpkg"
    with create_register(path) as s:
        s.write_batch(synthetic_assets(100), BATCH)
    proc = _start_writer(path, sleep=30)
    assert proc.stdout.readline().strip() == "MIDWAY"
    proc.kill()
    proc.wait()
    with open_register(path) as s:
        assert s.asset_count() == 100
        assert len(s.batches()) == 1
        assert s._con.execute("SELECT rtreecheck('rtree_assets_geom')").fetchone() == ("ok",)
        got = s.query_bbox((530000, 180000, 531000, 181000), columns=["asset_id"])
        assert len(got) == 100


def test_bulk_rtree_matches_brute_force(tmp_path):
    from asset_register.store.gpkg.rtree import bulk_load

    con = sqlite3.connect(":memory:", isolation_level=None)
    con.execute("CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx, miny, maxy)")
    rng = np.random.default_rng(3)
    for n in (0, 1, 51, 52, 2602, 30000):
        x, y = rng.uniform(0, 1e4, n), rng.uniform(0, 1e4, n)
        w = rng.uniform(0, 20, n)
        boxes = np.stack([x, x + w, y, y + w], 1)
        ids = rng.permutation(10 * n + 1)[:n] + 1
        con.execute("BEGIN")
        bulk_load(con, "r", ids, boxes)
        con.execute("COMMIT")
        assert con.execute("SELECT rtreecheck('r')").fetchone() == ("ok",)
        assert con.execute("SELECT COUNT(*) FROM r").fetchone()[0] == n
        q = (2000.0, 3000.0, 4000.0, 4500.0)
        got = {r[0] for r in con.execute(
            "SELECT id FROM r WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?", q)}
        hit = (boxes[:, 1] >= q[0]) & (boxes[:, 0] <= q[1]) & (boxes[:, 3] >= q[2]) & (
            boxes[:, 2] <= q[3]) if n else np.array([], bool)
        assert got == set(ids[hit].tolist())


def test_bulk_reads_see_every_committed_batch(tmp_path):
    """read_assets goes through GDAL, which must not miss batches still in the WAL."""
    with create_register(tmp_path / "r.gpkg") as store:
        frame = synthetic_assets(10)
        for stop in (1, 2, 5, 10):
            store.write_batch(frame.iloc[stop - 1 if stop == 1 else 0:stop], BATCH)
            assert len(store.read_assets()) == store.asset_count() == stop
            # GDAL never touched the live file: its WAL is still ours
            assert Path(str(store.path) + "-wal").exists()
            assert Path(str(store.path) + "-shm").exists()


@pytest.mark.parametrize("stager,n_changed", [("adbc", 10), ("gdal", 10), ("adbc", 5000)])
def test_bulk_redelivery_versions_and_keeps_the_index_whole(tmp_path, monkeypatch, stager,
                                                            n_changed):
    """10 changed rows take the incremental path (indexes and R*Tree triggers kept); 5,000
    take the bulk one (indexes rebuilt, tree repacked). Both must leave the same register."""
    from asset_register.store.gpkg import bulk as gpkg_bulk

    if stager == "gdal":  # the fallback when the ADBC driver is not installed
        def no_adbc(self, *args):
            raise OSError("libadbc_driver_sqlite.so: cannot open shared object file")
        monkeypatch.setattr(gpkg_bulk.Stage, "_ingest_records", no_adbc)
    frame = synthetic_assets(25000, seed=4)
    with create_register(tmp_path / "r.gpkg") as store:
        store.write_batch(frame, BATCH, delivery="WSX:all")
        again = frame.iloc[100:].copy()
        again.loc[again.index[:n_changed], "material"] = "steel"
        repacks = []
        bulk_load = gpkg_bulk.gpkg_rtree.bulk_load
        monkeypatch.setattr(gpkg_bulk.gpkg_rtree, "bulk_load",
                            lambda *a: repacks.append(1) or bulk_load(*a))
        res = store.write_batch(again, BATCH, delivery="WSX:all")
        assert len(repacks) == (0 if n_changed * gpkg_bulk.INCREMENTAL_SHARE < 25000 else 1)
        assert (res.added, res.changed, res.unchanged, res.retired) == (
            0, n_changed, 24900 - n_changed, 100)
        assert store.asset_count() == 24900
        _rtree_matches_assets(store)
        indexes = {r[0] for r in store._con.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name='assets'")}
        assert {"assets_asset_version", "assets_delivery", "rtree_assets_geom_insert"} <= indexes
        assert store._con.execute(  # the planner still finds an asset's versions by index
            "EXPLAIN QUERY PLAN SELECT * FROM assets WHERE asset_id = 'x' AND version = 1"
        ).fetchall()[0][-1].startswith("SEARCH assets USING INDEX assets_asset_version")
        kinds = store._con.execute(
            "SELECT DISTINCT typeof(content_hash), length(content_hash), typeof(geom), "
            "typeof(valid_from), typeof(delivery) FROM assets").fetchall()
        assert kinds == [("text", 16, "blob", "text", "text")]
        n_index = store._con.execute("SELECT COUNT(*) FROM rtree_assets_geom").fetchone()[0]
        assert n_index == 25000 + n_changed  # every version stays indexed, retired ones too
        assert store.get_asset(again["asset_id"].iloc[0])["material"] == "steel"
        assert store.get_asset(again["asset_id"].iloc[0])["version"] == 2
        box = (530200.0, 180200.0, 530500.0, 180600.0)
        live = store.read_assets(columns=["asset_id"])
        expect = set(live["asset_id"][shapely.intersects(live.geometry.array, shapely.box(*box))])
        assert set(store.query_bbox(box, columns=["asset_id"])["asset_id"]) == expect


def test_bulk_reads_share_a_snapshot_until_the_register_changes(tmp_path):
    with create_register(tmp_path / "r.gpkg") as store:
        store.write_batch(synthetic_assets(20), BATCH)
        _, first = store.read_arrow(["utility"])
        snap = store._snapshots.path
        _, labels = store.read_arrow(["diameter_mm"], read_geometry=False)
        assert store._snapshots.path == snap and first.num_rows == labels.num_rows == 20
        store.write_batch(synthetic_assets(5, seed=9), BATCH)
        _, after = store.read_arrow(["utility"])
        assert after.num_rows == 25 and store._snapshots.path != snap
        assert not Path(snap).exists()
        last = store._snapshots.path
    assert not Path(last).exists()  # closing the register removes its snapshot


def _rtree_matches_assets(store) -> None:
    con = store._con
    assert con.execute("SELECT rtreecheck('rtree_assets_geom')").fetchone() == ("ok",)
    tree = {r[0]: r[1:] for r in con.execute("SELECT id, minx, maxx, miny, maxy FROM rtree_assets_geom")}
    rows = con.execute("SELECT fid, geom FROM assets").fetchall()
    assert sorted(tree) == sorted(r[0] for r in rows)
    geoms = gpkg_geom.decode([r[1] for r in rows])
    b = shapely.bounds(geoms)
    box = np.array([tree[r[0]] for r in rows])
    # float32 boxes that contain the float64 ones, as SQLite stores them
    assert (box[:, 0] <= b[:, 0]).all() and (box[:, 1] >= b[:, 2]).all()
    assert (box[:, 2] <= b[:, 1]).all() and (box[:, 3] >= b[:, 3]).all()
    assert (box[:, 1] - box[:, 0] - (b[:, 2] - b[:, 0]) <= 0.125).all()  # two float32 steps


def test_bulk_load_into_an_empty_register_indexes_every_asset(tmp_path):
    frame = synthetic_assets(25000, seed=8)
    with create_register(tmp_path / "r.gpkg") as store:
        store.write_batch(frame, BATCH)
        _rtree_matches_assets(store)
        got = store.query_bbox((530200, 180200, 530300, 180300))
        want = frame[frame.intersects(shapely.box(530200, 180200, 530300, 180300))]
        assert sorted(got["asset_id"]) == sorted(want["asset_id"])


def test_bulk_load_repacks_when_another_writer_came_first(tmp_path, monkeypatch):
    """The index packed before the transaction is only used if the index is still empty."""
    from asset_register.store.gpkg import bulk as gpkg_bulk

    path = tmp_path / "r.gpkg"
    create_register(path).close()
    staged = gpkg_bulk.Stage.__init__

    def stage_then_other_writer(self, *args, **kwargs):
        staged(self, *args, **kwargs)
        assert self.packing is not None
        with open_register(path) as other:  # commits between staging and the transaction
            other.write_batch(synthetic_assets(50, seed=9, owner="UKPN"), BATCH)

    monkeypatch.setattr(gpkg_bulk.Stage, "__init__", stage_then_other_writer)
    with open_register(path) as store:
        store.write_batch(synthetic_assets(25000, seed=8), BATCH)
        assert store.asset_count() == 25050
        _rtree_matches_assets(store)


def test_withdrawn_asset_delivered_again_among_new_ones_continues_its_versions(tmp_path):
    frame = synthetic_assets(6, seed=12)
    with create_register(tmp_path / "r.gpkg") as store:
        store.write_batch(frame.iloc[:3], BATCH, delivery="WSX:a")
        store.write_batch(frame.iloc[:2], BATCH, delivery="WSX:a")  # the third is withdrawn
        back = store.write_batch(frame.iloc[2:], BATCH, delivery="WSX:b")  # all ids new here
        assert (back.added, back.changed) == (4, 0)
        versions = dict(store._con.execute(
            "SELECT asset_id, version FROM assets WHERE retired_at IS NULL"))
        assert versions[frame["asset_id"].iloc[2]] == 2
        assert [versions[i] for i in frame["asset_id"].iloc[3:]] == [1, 1, 1]


@pytest.mark.parametrize("n", [1, 51, 52, 2601, 20_000])
def test_bulk_rtree_rowid_table_is_the_leaves_own_ids_whatever_the_slice(n, monkeypatch):
    """The ``_rowid`` table is written a slice of ``LEAF_ROWS`` at a time: with slices of
    any size the tree is the same byte for byte, SQLite's ``rtreecheck`` passes, and each
    id's row names the leaf whose blob holds it (read straight from the node blobs)."""
    from asset_register.store.gpkg import rtree

    rng = np.random.default_rng(n)
    xy = rng.uniform(0, 1e5, (n, 2))
    wh = rng.uniform(0, 50, (n, 2))
    boxes = np.column_stack([xy[:, 0], xy[:, 0] + wh[:, 0], xy[:, 1], xy[:, 1] + wh[:, 1]])
    ids = rng.permutation(np.arange(1, 3 * n + 1))[:n]

    def written(leaf_rows: int) -> tuple[sqlite3.Connection, dict]:
        monkeypatch.setattr(rtree, "LEAF_ROWS", leaf_rows)
        con = sqlite3.connect(":memory:", isolation_level=None)
        con.execute("CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx, miny, maxy)")
        con.execute("BEGIN")
        rtree.bulk_load(con, "r", ids, boxes)
        con.execute("COMMIT")
        return con, {t: con.execute(f"SELECT * FROM r_{t} ORDER BY 1").fetchall()
                     for t in ("node", "rowid", "parent")}

    con, whole = written(1 << 20)
    for leaf_rows in (1, 7, 1000):
        assert written(leaf_rows)[1] == whole
    assert con.execute("SELECT rtreecheck('r')").fetchone() == ("ok",)
    inner = {p for _, p in whole["parent"]}
    leaves = [(no, blob) for no, blob in whole["node"] if no not in inner]
    expected = sorted(
        (int(i), no) for no, blob in leaves
        for i in np.frombuffer(blob, dtype=rtree.CELL, count=int.from_bytes(blob[2:4], "big"),
                               offset=4)["id"])
    assert whole["rowid"] == expected
    assert sorted(i for i, _ in expected) == sorted(ids.tolist())
