"""A writer that finds another one committing waits (bounded, said once), then writes; after
the bound it ends in a one-line error saying what to do, having changed nothing."""

from __future__ import annotations

import sqlite3

import pytest

from asset_register import waits
from asset_register.cli.main import main
from asset_register.errors import CancelledError, RegisterLockedError
from asset_register.store import open_register


@pytest.fixture
def held(gpkg_store_factory):
    """(register path, connection holding its write lock as a committing import does)."""
    store = gpkg_store_factory()
    path = store.path
    store.close()
    other = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO settings (key, value) VALUES ('other_writer', 'yes')")
    yield path, other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


def test_a_writer_waits_for_another_to_commit_and_says_so(held):
    path, other = held
    heard: list[str] = []

    def on_wait(message):  # the other writer commits once the wait has been announced
        heard.append(message)
        other.execute("COMMIT")

    unlisten = waits.listen(on_wait)
    try:
        with open_register(path) as store:
            store.set_setting("notice_prefix", "ABC")
            assert store.get_setting("notice_prefix") == "ABC"
            assert store.get_setting("other_writer") == "yes"  # both writes kept
    finally:
        unlisten()
    assert len(heard) == 1
    assert heard[0].startswith("waiting for another program to finish writing to ")
    assert heard[0].endswith(f"(up to {waits.DEFAULT_WRITE_WAIT_S:g} s)")


def test_after_the_bound_a_one_line_error_and_nothing_written(held, monkeypatch, capsys):
    path, other = held
    monkeypatch.setenv("ASSET_REGISTER_WRITE_WAIT_S", "0.5")
    assert main(["notice-settings", str(path), "--prefix", "ABC"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0] == (f"asset-register: waiting for another program to finish writing to "
                      f"{str(path)!r}… (up to 0.5 s)")
    assert len(err) == 2 and err[1].startswith("asset-register: error: register ")
    assert "still busy after 0.5 s" in err[1] and "try again when it has finished" in err[1]
    other.execute("ROLLBACK")
    with open_register(path, read_only=True) as store:
        assert store.get_setting("notice_prefix") is None


def test_a_cancel_ends_the_wait(held):
    path, _ = held
    with open_register(path) as store:
        unlisten = waits.listen(lambda message: store.interrupt())
        try:
            with pytest.raises(CancelledError, match="nothing was changed"):
                store.set_setting("notice_prefix", "ABC")
        finally:
            unlisten()
        assert store.get_setting("notice_prefix") is None


def test_a_wait_bound_of_zero_fails_at_once_with_the_same_error(held, monkeypatch):
    path, _ = held
    monkeypatch.setenv("ASSET_REGISTER_WRITE_WAIT_S", "0")
    with open_register(path) as store, pytest.raises(RegisterLockedError, match="still busy"):
        store.set_setting("notice_prefix", "ABC")


def test_readers_do_not_wait_and_never_see_the_uncommitted_write(held):
    path, _ = held
    with open_register(path, read_only=True) as store:
        assert store.get_setting("other_writer") is None
