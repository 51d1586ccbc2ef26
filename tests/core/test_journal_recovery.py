"""A register's unfinished rollback-journal write (a first load killed, or the power lost)
undone at the next open (``store/gpkg/connect.py`` ``_recover``), case by case as SQLite
describes hot journals (https://sqlite.org/atomiccommit.html, lockingv3.html):

* a hot journal is rolled back by any open, a read-only one too: every row committed
  before the interrupted write is there, none of that write's, the file whole;
* a journal that is not hot (its header never synced: nothing of it reached the file) is
  removed, the register unchanged, and opening never fails for it, even where the file or
  folder cannot be written;
* the journal of a writer still at work is never touched: the open says the register is
  being written;
* two programs opening the register at once both see it as it was before the write;
* a register opened through a symbolic link has its journal beside the real file;
* a journal left beside a deleted register is not played into a new one made there;
* a first load commits durably: its journal's removal (the commit) is synced.

The interrupted state is made by copying a register and its journal while a write is
half-way, its cache so small that pages reached the file: what a kill or a power cut
leaves."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from asset_register.errors import RegisterLockedError, RegisterReadOnlyError
from asset_register.model import BatchInfo, Owner
from asset_register.store import create_register, open_register
from asset_register.store.gpkg import connect as gpkg_connect
from tests.conftest import synthetic_assets

ROOT = Path(__file__).resolve().parents[2]

# A write half-way in a rollback journal (as a first load is written), copied as a kill
# or a power cut would leave it: pages of the write in the file, the journal synced.
HALF_WAY = textwrap.dedent(
    """
    import os, shutil, sqlite3, sys
    src, dst, synced = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
    con = sqlite3.connect(src, isolation_level=None)
    con.execute("PRAGMA journal_mode = DELETE")
    con.execute("PRAGMA synchronous = FULL")
    con.execute("PRAGMA cache_size = 8")  # pages spill into the file during the write
    con.execute("BEGIN IMMEDIATE")
    con.execute("DELETE FROM assets")
    con.execute("DELETE FROM owners")
    con.execute("CREATE TABLE half_way (x BLOB)")
    con.executemany("INSERT INTO half_way VALUES (randomblob(3000))", [()] * 400)
    if not synced:  # the journal as SQLite leaves it before its first sync: header zeros
        with open(src + "-journal", "rb") as fh:
            journal = fh.read()
        with open(dst + "-journal", "wb") as fh:
            fh.write(bytes(28) + journal[28:])
        with open(dst, "wb") as fh, open(src + ".before", "rb") as before:
            fh.write(before.read())  # nothing reached the file before that sync
    else:
        shutil.copyfile(src + "-journal", dst + "-journal")
        shutil.copyfile(src, dst)
    os._exit(0)
    """
)


def _content(path: Path) -> list:
    """Every row of every table (read-only, so nothing is undone by reading)."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'rtree_%' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return [(t, con.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall()) for t in tables]
    finally:
        con.close()


@pytest.fixture(scope="module")
def committed(tmp_path_factory) -> tuple[Path, list]:
    """A register with committed assets and owners, back in the rollback-journal mode of a
    first load (a write in it is journaled), and its content."""
    path = tmp_path_factory.mktemp("committed") / "r.gpkg"
    with create_register(path) as store:
        store.upsert_owner(Owner("WSX", "Wessex Water", phone="0345 600 4600"))
        store.write_batch(synthetic_assets(400, seed=4), BatchInfo("w.gpkg", owner="WSX"))
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    shutil.copyfile(path, f"{path}.before")
    return path, _content(path)


def _interrupted(committed, dst: Path, *, synced: bool = True) -> Path:
    src, _ = committed
    work = dst.parent / "src.gpkg"
    shutil.copyfile(src, work)
    shutil.copyfile(f"{src}.before", f"{work}.before")
    subprocess.run([sys.executable, "-c", HALF_WAY, str(work), str(dst), "1" if synced else "0"],
                   check=True, timeout=120)
    journal = Path(f"{dst}-journal")
    assert journal.exists() and journal.stat().st_size > 0
    assert (journal.read_bytes()[0] != 0) == synced  # hot, or not
    return dst


def _whole(path: Path) -> bool:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        con.close()


@pytest.mark.parametrize("read_only", [True, False])
def test_a_hot_journal_is_rolled_back_and_every_committed_row_kept(committed, tmp_path,
                                                                   read_only):
    path = _interrupted(committed, tmp_path / "r.gpkg")
    with open_register(path, read_only=read_only) as store:
        assert store.asset_count() == 400
        assert [o.code for o in store.owners()] == ["WSX"]
    assert not Path(f"{path}-journal").exists()
    assert _content(path) == committed[1] and _whole(path)


def test_a_journal_that_is_not_hot_is_removed_and_nothing_undone(committed, tmp_path):
    path = _interrupted(committed, tmp_path / "r.gpkg", synced=False)
    with open_register(path, read_only=True) as store:
        assert store.asset_count() == 400
    assert not Path(f"{path}-journal").exists()
    assert _content(path) == committed[1] and _whole(path)


@pytest.fixture
def immutable(tmp_path):
    """Mark files and folders unchangeable (``chattr +i``: even root cannot write or remove
    them), as a read-only share or medium is; undone after the test."""
    marked: list[Path] = []

    def mark(*paths: Path) -> None:
        for p in paths:
            if subprocess.run(["chattr", "+i", str(p)], capture_output=True).returncode:
                pytest.skip("chattr +i is not available here")
            marked.append(p)

    yield mark
    for p in reversed(marked):
        subprocess.run(["chattr", "-i", str(p)], check=True)


@pytest.mark.parametrize("where", ["folder", "folder and file"])
def test_a_journal_that_is_not_hot_never_stops_a_read_where_nothing_can_be_written(
        committed, tmp_path, immutable, where):
    """SQLite reads past a journal that is not hot; so must we, where it cannot be removed
    (the folder), or the register cannot be written at all (the file too)."""
    folder = tmp_path / "share"
    folder.mkdir()
    path = _interrupted(committed, folder / "r.gpkg", synced=False)
    immutable(*([path] if where != "folder" else []), folder)
    with open_register(path, read_only=True) as store:
        assert store.asset_count() == 400
    assert _content(path) == committed[1]


def test_a_hot_journal_where_nothing_can_be_written_is_refused_in_one_line(
        committed, tmp_path, immutable):
    folder = tmp_path / "share"
    folder.mkdir()
    path = _interrupted(committed, folder / "r.gpkg")
    before = path.read_bytes()
    immutable(path, folder)
    with pytest.raises(RegisterReadOnlyError, match="unfinished write to undo") as err:
        open_register(path, read_only=True)
    assert "\n" not in str(err.value)
    assert path.read_bytes() == before and Path(f"{path}-journal").exists()


WRITER = textwrap.dedent(
    """
    import sqlite3, sys
    con = sqlite3.connect(sys.argv[1], isolation_level=None)
    con.execute("PRAGMA journal_mode = DELETE")
    con.execute("BEGIN IMMEDIATE")
    con.execute("UPDATE owners SET name = 'Wessex Water plc'")
    print("WRITING", flush=True)
    sys.stdin.readline()
    con.execute("COMMIT")
    print("COMMITTED", flush=True)
    """
)


def test_the_journal_of_a_writer_at_work_is_left_alone(committed, tmp_path):
    path = tmp_path / "r.gpkg"
    shutil.copyfile(committed[0], path)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "WRITING"
        journal = Path(f"{path}-journal")
        assert journal.exists()
        with pytest.raises(RegisterLockedError, match="being written by another program"):
            open_register(path, read_only=True)
        assert journal.exists()  # still the writer's
        writer.stdin.write("\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "COMMITTED"
    finally:
        writer.kill()
        writer.wait()
    with open_register(path, read_only=True) as store:
        assert [o.name for o in store.owners()] == ["Wessex Water plc"]  # committed, kept
    assert _whole(path)


OPENER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from asset_register.store import open_register
    while time.time() < {start}:
        time.sleep(0.001)
    with open_register({path!r}, read_only=True) as store:
        print(store.asset_count(), sorted(o.code for o in store.owners()), flush=True)
    """
)


def test_two_programs_opening_at_once_both_see_the_register_as_it_was(committed, tmp_path):
    path = _interrupted(committed, tmp_path / "r.gpkg")
    code = OPENER.format(root=str(ROOT), path=str(path), start=time.time() + 1.5)
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [o.strip() for o, _ in outs] == ["400 ['WSX']"] * 2, outs
    assert not Path(f"{path}-journal").exists()
    assert _content(path) == committed[1] and _whole(path)


def test_a_register_opened_through_a_link_has_its_journal_undone(committed, tmp_path):
    """SQLite keeps the journal beside the file a link points to, not beside the link."""
    real = tmp_path / "store"
    real.mkdir()
    path = _interrupted(committed, real / "r.gpkg")
    link = tmp_path / "register.gpkg"
    link.symlink_to(path)
    with open_register(link, read_only=True) as store:
        assert store.asset_count() == 400
    assert not Path(f"{path}-journal").exists()
    assert _content(path) == committed[1] and _whole(path)


def test_a_journal_beside_a_deleted_register_is_not_played_into_a_new_one(committed, tmp_path):
    path = _interrupted(committed, tmp_path / "r.gpkg")
    path.unlink()  # the register deleted, its hot journal left behind
    with create_register(path) as store:
        store.write_batch(synthetic_assets(30, seed=9), BatchInfo("n.gpkg", owner="UKPN"))
    with open_register(path, read_only=True) as store:
        assert store.asset_count() == 30
        assert store.owners() == [] or all(o.code != "WSX" for o in store.owners())
    assert not Path(f"{path}-journal").exists() and _whole(path)


def test_a_first_load_s_commit_is_synced_to_survive_a_power_cut(tmp_path):
    """In a rollback journal the commit is the journal's removal: SQLite syncs the folder
    after it only at ``synchronous = EXTRA``; at FULL a power cut just after the commit can
    bring the journal back and undo the load. WAL again afterwards (NORMAL)."""
    path = tmp_path / "r.gpkg"
    create_register(path).close()
    con = gpkg_connect.connect(path, read_only=False)
    try:
        assert gpkg_connect.bulk_journal(con)
        assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert con.execute("PRAGMA synchronous").fetchone() == (3,)  # EXTRA
        assert gpkg_connect.back_to_wal(con)
        assert con.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
    finally:
        con.close()
    os.sync()
