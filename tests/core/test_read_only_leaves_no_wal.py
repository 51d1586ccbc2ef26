"""A read-only command leaves the register's folder as it found it: no ``-wal`` or ``-shm``
beside a register that had none. A register the app holds open keeps its WAL (the app goes on
writing and reading), and the files go when the app closes it."""

from __future__ import annotations

import os
import sqlite3

import pytest

from asset_register.cli.main import main
from asset_register.store import create_register, open_register

CLOCK = "2026-11-23T09:30:00+00:00"
COMMANDS = [
    ["info"], ["rejects"], ["quality"], ["audit", "verify"], ["deviation", "list"],
    ["check", "--wkt", "POINT (530000 180000)", "--radius", "5"],
    ["audit", "export", "--out", "{out}"],
]


@pytest.fixture
def register(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSET_REGISTER_NOW", CLOCK)
    folder = tmp_path / "share"
    folder.mkdir()
    create_register(folder / "r.gpkg", crs="EPSG:27700").close()
    assert os.listdir(folder) == ["r.gpkg"]
    return folder / "r.gpkg"


def _args(cmd, path, tmp_path):
    out = [a.format(out=tmp_path / "audit.csv") for a in cmd]
    return [out[0], *([out[1]] if len(out) > 1 and out[0] in ("audit", "deviation") else []),
            str(path), *out[2 if out[0] in ("audit", "deviation") else 1:]]


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_read_only_command_leaves_the_folder_as_it_was(register, tmp_path, cmd, capsys):
    assert main(_args(cmd, register, tmp_path)) == 0, capsys.readouterr().err
    assert sorted(os.listdir(register.parent)) == ["r.gpkg"], cmd


def test_a_read_only_store_on_its_own(register):
    store = open_register(register, read_only=True)
    assert len(store.batches()) == 0
    assert (register.parent / "r.gpkg-shm").exists()  # while open: SQLite needs it
    store.close()
    assert sorted(os.listdir(register.parent)) == ["r.gpkg"]


def test_the_app_s_wal_is_kept_while_it_has_the_register_open(register, tmp_path, capsys):
    app = open_register(register)  # the desktop app, writing
    app.set_setting("authority_name", "Before")
    assert main(["info", str(register)]) == 0
    reader = open_register(register, read_only=True)
    assert reader.get_setting("authority_name") == "Before"
    reader.close()
    assert (register.parent / "r.gpkg-wal").exists()  # the app's: not removed under it
    app.set_setting("authority_name", "After")  # the app goes on writing…
    assert app.get_setting("authority_name") == "After"
    again = open_register(register, read_only=True)
    assert again.get_setting("authority_name") == "After"  # …and readers see it
    again.close()
    app.close()
    con = sqlite3.connect(f"file:{register}?mode=ro", uri=True)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_a_register_that_had_a_wal_keeps_it(register):
    app = open_register(register)
    app.set_setting("authority_name", "Open")
    store = open_register(register, read_only=True)
    store.close()
    assert (register.parent / "r.gpkg-wal").exists()
    app.close()
