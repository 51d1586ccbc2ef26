"""A read-only command leaves a signed extract's folder as it found it, also when the
extract's file is in WAL mode (a GIS program that opened it may leave it so; the header is
not part of the seal) and cannot be written (a sealed file's permission bits are off).
SQLite would make a -wal and -shm beside it for every read and could not remove them.

The extract stays intact, the checks give the same answers as on the extract as issued,
and a WAL another connection has open is left alone."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat

import pytest
import shapely

from asset_register.check import Checker, DigSite
from asset_register.cli.main import main
from asset_register.store import open_register
from asset_register.store.gpkg import connect as gpkg_connect
from asset_register.store.gpkg import seal
from tests.core.test_signed_extract import extract, source  # noqa: F401  (fixtures)

READS = [["info", "{x}"], ["info", "{x}", "--json"], ["audit", "verify", "{x}"],
         ["check", "{x}", "--wkt", "POINT (530500 180500)", "--radius", "2"],
         ["rejects", "{x}"], ["quality", "{x}"], ["deviation", "list", "{x}"]]


def _to_wal(path):
    mode = path.stat().st_mode
    path.chmod(mode | stat.S_IWUSR)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
    con.close()
    path.chmod(mode)
    assert not any(p.exists() for p in gpkg_connect.side_files(path))


@pytest.fixture
def unwritable(monkeypatch):
    """This process cannot write the extract's file (its bits are off; as root too)."""
    real = os.access

    def access(path, how, *args, **kw):
        if how & os.W_OK and str(path).endswith("contractor.gpkg"):
            return False
        return real(path, how, *args, **kw)

    monkeypatch.setattr(gpkg_connect.os, "access", access)


@pytest.fixture
def wal_extract(extract, tmp_path):  # noqa: F811
    """(the extract in WAL mode, a copy of it as issued)"""
    issued = tmp_path / "issued" / "contractor.gpkg"
    issued.parent.mkdir()
    shutil.copy2(extract, issued)
    _to_wal(extract)
    return extract, issued


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", READS, ids=lambda c: " ".join(c[:2]))
def test_a_read_only_command_leaves_a_sealed_extract_in_wal_mode_as_it_was(
        wal_extract, unwritable, command, capsys):
    path, _ = wal_extract
    before, files = _digest(path), sorted(os.listdir(path.parent))
    assert main([a.format(x=path) for a in command]) == 0
    capsys.readouterr()
    assert sorted(os.listdir(path.parent)) == files
    assert _digest(path) == before
    assert seal.verify(path).ok
    assert sorted(os.listdir(path.parent)) == files


def test_the_extract_in_wal_mode_checks_as_the_extract_as_issued(wal_extract, unwritable):
    path, issued = wal_extract
    sites = [DigSite(footprint=shapely.Point(x, y).buffer(r))
             for x, y, r in ((530500, 180500, 2), (530200, 180900, 40), (531000, 181000, 300),
                             (529100, 179100, 5))]
    answers = []
    for p in (path, issued):
        with open_register(str(p), read_only=True) as ex, Checker(ex) as checker:
            assert ex.sealed
            answers.append([{k: v for k, v in r.to_dict().items() if k != "seconds"}
                            for r in checker.check_many(sites)])
    assert answers[0] == answers[1]
    assert any(a["conflicts"] for a in answers[0])
    for p in (path, issued):  # the store's reads above, the R*Tree reader on the issued file
        with open_register(str(p), read_only=True) as ex:
            assert type(ex.reader()).__name__ == ("RTreeReader" if p == issued else "AssetReader")
    assert sorted(os.listdir(path.parent)) == ["contractor.gpkg", "issued", "register.gpkg"]


def test_a_wal_another_connection_has_open_is_left_alone(wal_extract, unwritable, capsys):
    path, _ = wal_extract
    other = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert other.execute("SELECT count(*) FROM assets").fetchone()[0] > 0
        assert all(p.exists() for p in gpkg_connect.side_files(path))  # the other's WAL
        assert main(["info", str(path)]) == 0
        assert "intact" in capsys.readouterr().out
        assert all(p.exists() for p in gpkg_connect.side_files(path))
        assert other.execute("SELECT count(*) FROM assets").fetchone()[0] > 0
    finally:
        other.close()


def test_an_ordinary_register_in_wal_mode_is_never_read_immutable(source):  # noqa: F811
    """Only a sealed file is read without locks: a register may be written at any moment."""
    path, _ = source
    assert seal._wal_header(path)
    assert "immutable" not in seal.read_uri(path)
