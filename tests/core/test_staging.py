"""Staging files of a killed import are swept at the next open; a live import's never are."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from asset_register.store import open_register
from asset_register.store.gpkg import staging
from tests.conftest import ROOT

# A process that stages like an import (lock first, then the files) and waits.
STAGER = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from asset_register.store.gpkg import staging
stem = staging.new_stem(Path(sys.argv[1]))
lock = staging.take_lock(stem)
for suffix in (".gpkg", ".geo.sqlite", ".geo.sqlite-journal"):
    Path(f"{stem}{suffix}").write_bytes(b"x" * 1000)
print(stem.name, flush=True)
time.sleep(120)
"""


def _stager(register: Path):
    proc = subprocess.Popen([sys.executable, "-c", STAGER, str(register), str(ROOT)],
                            stdout=subprocess.PIPE, text=True)
    name = proc.stdout.readline().strip()  # the files exist once it has printed
    assert name, "the staging process did not start"
    return proc, name


def _stages(register: Path) -> set[str]:
    """Stage ids with files beside ``register``."""
    return set(staging.staging_files(register))


def _id(register: Path, name: str) -> str:
    return name[len(staging.prefix(register)):].split(".")[0]


def test_a_killed_imports_staging_is_swept_and_a_live_ones_kept(gpkg_store_factory):
    store = gpkg_store_factory()
    register = store.path
    store.close()
    dead, dead_name = _stager(register)
    live, live_name = _stager(register)
    try:
        os.kill(dead.pid, signal.SIGKILL)
        dead.wait(timeout=30)
        assert _stages(register) == {_id(register, dead_name), _id(register, live_name)}
        mine = staging.take_lock(staging.new_stem(register))  # a stage of this process
        try:
            with open_register(register, read_only=True):
                pass
            assert len(_stages(register)) == 3  # a read-only open changes nothing
            with open_register(register):
                pass  # a writable open sweeps
            assert _stages(register) == {_id(register, live_name),
                                         _id(register, mine.path.name)}
            assert {p.name for p in register.parent.iterdir()
                    if p.name.startswith(f".{dead_name}")} == set()
        finally:
            mine.release()
        assert _stages(register) == {_id(register, live_name)}
    finally:
        live.kill()
        live.wait(timeout=30)
        live.stdout.close()
        dead.stdout.close()
    assert staging.sweep(register) == 1  # its process gone, the live one's files go too
    assert _stages(register) == set()


def test_unlocked_staging_files_go_only_when_old_and_the_sweep_is_bounded(tmp_path,
                                                                         monkeypatch):
    register = tmp_path / "r.gpkg"
    old = [tmp_path / f".r.gpkg.staging-old{i}.gpkg" for i in range(3)]
    new = tmp_path / ".r.gpkg.staging-new.gpkg"
    other = tmp_path / ".other.gpkg.staging-old0.gpkg"  # another register's: never touched
    for f in [*old, new, other]:
        f.write_bytes(b"x")
    for f in [*old, other]:
        os.utime(f, (1_000_000, 1_000_000))  # a fixed time long ago (no clock in the test)
    monkeypatch.setattr(staging, "SWEEP_MAX", 2)
    assert staging.sweep(register) == 2
    assert staging.sweep(register) == 1
    assert staging.sweep(register) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([new.name, other.name])


def test_staging_files_are_written_without_a_journal_and_hold_every_row(tmp_path):
    """A staging file is scratch (removed after its batch, swept after a crash): it is
    written with no rollback journal and no sync, and still holds every ingested row."""
    import sqlite3

    import pyarrow as pa

    from asset_register.store.gpkg import bulk

    path = tmp_path / "stage.sqlite"
    bulk._ingest(path, "batch", pa.table({"row_no": list(range(5))}))
    ingest = bulk._Ingest()
    ingest(path, "more", pa.table({"row_no": [1, 2]}), "create")
    ingest(path, "more", pa.table({"row_no": [3]}), "append")
    assert not list(tmp_path.glob("*-journal")) and not list(tmp_path.glob("*-wal"))
    ingest.commit()
    with sqlite3.connect(path) as con:
        assert [r[0] for r in con.execute("SELECT row_no FROM batch ORDER BY rowid")] == [0, 1, 2, 3, 4]
        assert [r[0] for r in con.execute("SELECT row_no FROM more ORDER BY rowid")] == [1, 2, 3]
        assert con.execute("PRAGMA journal_mode").fetchone()[0] != "wal"
