"""Bulk reads for drawing a GeoPackage register: fid slices of one snapshot, read at once."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pyarrow as pa
import pytest

from asset_register.model import BatchInfo
from asset_register.store import create_register
from asset_register.store.gpkg import display as gpkg_display
from tests.conftest import synthetic_assets

BATCH = BatchInfo(source_file="x.gpkg", owner="WSX")
COLUMNS = ["utility", "asset_class", "status", "voltage"]


@pytest.mark.parametrize("cuts", [[], [5], [0, 1, 2], [3, 40, 41, 99], [-5, 1000]])
def test_slice_filters_put_every_fid_in_exactly_one_slice(cuts):
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE t (fid INTEGER PRIMARY KEY)")
    con.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(-10, 120, 3)])
    filters = gpkg_display.slice_filters(cuts)
    assert len(filters) == len(cuts) + 1
    seen = []
    for f in filters:
        seen += [r[0] for r in con.execute(f"SELECT fid FROM t WHERE {f} ORDER BY fid")]
    assert seen == list(range(-10, 120, 3))  # all of them, once, in order


def test_fid_cuts_balance_spans_and_skip_small_tables(monkeypatch):
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE t (fid INTEGER PRIMARY KEY)")
    assert gpkg_display.fid_cuts(con, "t", 4) == []  # empty
    con.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1, 101)])
    assert gpkg_display.fid_cuts(con, "t", 4) == []  # fewer rows than one slice is worth
    monkeypatch.setattr(gpkg_display, "MIN_SLICE_ROWS", 10)
    assert gpkg_display.fid_cuts(con, "t", 4) == [25, 50, 75]
    assert gpkg_display.fid_cuts(con, "t", 1) == []


def _register_with_history(tmp_path):
    """25 live assets and 5 retired versions interleaved in fid order."""
    store = create_register(tmp_path / "r.gpkg")
    frame = synthetic_assets(20)
    store.write_batch(frame, BATCH, delivery="WSX:all")
    again = frame.iloc[5:].copy()
    again.loc[again.index[:3], "material"] = "steel"  # 3 new versions, 5 retired
    store.write_batch(again, BATCH, delivery="WSX:all")
    store.write_batch(synthetic_assets(10, seed=3, owner="GAS"), BatchInfo(source_file="g.gpkg", owner="GAS"))
    return store


def test_slices_concatenate_to_exactly_the_whole_read(tmp_path, monkeypatch):
    monkeypatch.setattr(gpkg_display, "MIN_SLICE_ROWS", 4)
    with _register_with_history(tmp_path) as store:
        _, whole = store.read_arrow(COLUMNS, return_fids=False)
        assert whole.num_rows == store.asset_count() == 25
        for slices in (1, 2, 3, 7):
            meta, tables = store.read_arrow_slices(COLUMNS, slices=slices)
            assert len(tables) == slices
            joined = pa.concat_tables(tables)
            assert joined.equals(whole)
            assert meta["geometry_name"]
        # the live file was never opened by GDAL: its WAL is still ours
        assert Path(str(store.path) + "-wal").exists()
        assert store._con.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_each_runs_on_every_slice_in_fid_order(tmp_path, monkeypatch):
    monkeypatch.setattr(gpkg_display, "MIN_SLICE_ROWS", 4)
    with _register_with_history(tmp_path) as store:
        _, ids = store.read_arrow_slices(["asset_id"], slices=3, read_geometry=False,
                                         each=lambda meta, table: table.column("asset_id").to_pylist())
        live = [r[0] for r in store._con.execute(
            "SELECT asset_id FROM assets WHERE retired_at IS NULL ORDER BY fid")]
        assert [a for part in ids for a in part] == live
        assert all(len(part) for part in ids)


def test_slices_share_the_snapshot_until_the_register_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(gpkg_display, "MIN_SLICE_ROWS", 4)
    with _register_with_history(tmp_path) as store:
        store.read_arrow_slices(COLUMNS, slices=2)
        snap = store._snapshots.path
        _, labels = store.read_arrow_slices(["material"], slices=2, read_geometry=False)
        assert store._snapshots.path == snap
        store.write_batch(synthetic_assets(4, seed=11, owner="TEL"),
                          BatchInfo(source_file="t.gpkg", owner="TEL"))
        _, after = store.read_arrow_slices(COLUMNS, slices=2)
        assert sum(t.num_rows for t in after) == 29 and store._snapshots.path != snap
        assert not Path(snap).exists()


def test_an_empty_register_reads_as_one_empty_slice(tmp_path):
    with create_register(tmp_path / "r.gpkg") as store:
        meta, tables = store.read_arrow_slices(COLUMNS, slices=4)
        assert len(tables) == 1 and tables[0].num_rows == 0


@pytest.mark.parametrize("mapped_up_to", [0, 1 << 40])
def test_a_large_register_is_copied_without_a_memory_map(tmp_path, monkeypatch, mapped_up_to):
    from asset_register.store.gpkg import snapshot as gpkg_snapshot

    monkeypatch.setattr(gpkg_display, "MIN_SLICE_ROWS", 4)
    monkeypatch.setattr(gpkg_snapshot, "MMAP_COPY_MAX", mapped_up_to)  # 0: every register is large
    seen = []
    real = gpkg_snapshot._backup

    def backup(con, dest, register):
        seen.append(con.execute("PRAGMA mmap_size").fetchone()[0])
        real(con, dest, register)

    monkeypatch.setattr(gpkg_snapshot, "_backup", backup)
    with _register_with_history(tmp_path) as store:
        before = store._con.execute("PRAGMA mmap_size").fetchone()[0]
        _, whole = store.read_arrow(COLUMNS, return_fids=False)
        assert whole.num_rows == store.asset_count() == 25  # the same copy either way
        if mapped_up_to:  # a small register: read through a map for the copy's duration
            assert seen[0] > before
        else:
            assert seen[0] == before
        assert store._con.execute("PRAGMA mmap_size").fetchone()[0] == before  # as it was


def test_the_snapshot_is_a_plain_file_in_memory_only_when_memory_is_plentiful(tmp_path, monkeypatch):
    from asset_register.store.gpkg import snapshot as gpkg_snapshot

    with _register_with_history(tmp_path) as store:
        store.read_arrow_slices(COLUMNS, slices=2)
        snap = Path(store._snapshots.path)
        # rollback journal, not WAL: GDAL's readers open it without creating -wal/-shm
        assert snap.read_bytes()[18:20] == b"\x01\x01"
        assert not Path(str(snap) + "-wal").exists() and not Path(str(snap) + "-shm").exists()
        size = store.path.stat().st_size
        monkeypatch.setattr(gpkg_snapshot, "RAM_DIR", str(tmp_path))
        monkeypatch.setattr(gpkg_snapshot, "_available_memory", lambda: size * 4)
        assert gpkg_snapshot._snapshot_dir(store.path) == str(tmp_path)
        monkeypatch.setattr(gpkg_snapshot, "_available_memory", lambda: size * 4 - 1)
        assert gpkg_snapshot._snapshot_dir(store.path) != str(tmp_path)
        monkeypatch.setattr(gpkg_snapshot, "RAM_DIR", str(tmp_path / "missing"))
        monkeypatch.setattr(gpkg_snapshot, "_available_memory", lambda: size * 100)
        assert gpkg_snapshot._snapshot_dir(store.path) != str(tmp_path / "missing")


def test_snapshots_of_dead_processes_are_swept_and_ours_removed_at_exit(tmp_path, monkeypatch):
    import subprocess
    import sys

    from asset_register.store.gpkg import snapshot as gpkg_snapshot

    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = int(done.stdout)
    folder = tmp_path / "shm"
    folder.mkdir()
    stale = folder / f".r{gpkg_snapshot.MARK}{dead}-abc.gpkg"
    live = folder / f".r{gpkg_snapshot.MARK}{os.getppid()}-abc.gpkg"
    other = folder / "notes.gpkg"
    for f in (stale, live, other):
        f.write_bytes(b"x")
    monkeypatch.setattr(gpkg_snapshot, "_snapshot_dir", lambda register: str(folder))
    with _register_with_history(tmp_path) as store:
        store.read_arrow_slices(COLUMNS, slices=1)
        snap = Path(store._snapshots.path)
        assert snap.parent == folder and f"{gpkg_snapshot.MARK}{os.getpid()}-" in snap.name
        assert not stale.exists() and live.exists() and other.exists()
        store._snapshots = None  # dropped without closing: the finalizer removes the file
        import gc

        gc.collect()
        assert not snap.exists()
