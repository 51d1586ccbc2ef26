"""A cancelled import aborts the query the server is running and changes nothing."""

from __future__ import annotations

import threading
import time

import psycopg
import pyogrio
import pytest

from asset_register.errors import CancelledError
from asset_register.store.postgis import write as postgis_write
from importers import ImportJob
from tests.importers.conftest import canonical_lines, gas_profile


def test_cancel_aborts_a_running_server_query_and_rolls_back(tmp_path, pg_store, monkeypatch):
    path = tmp_path / "v1.gpkg"
    pyogrio.write_dataframe(canonical_lines(), path, layer="mains")
    ImportJob(pg_store, path, owner="GAS", profile=gas_profile()).run()
    before = (pg_store.asset_count(), len(pg_store.batches()))
    inside = threading.Event()
    real = postgis_write._write_rejects

    def write_rejects(cur, *args):  # one query that only a cancel ends
        inside.set()
        cur.execute("SELECT pg_sleep(600)")
        return real(cur, *args)

    monkeypatch.setattr(postgis_write, "_write_rejects", write_rejects)
    v2 = canonical_lines()
    v2["DIAM_IN"] = 40
    pyogrio.write_dataframe(v2, tmp_path / "v2.gpkg", layer="mains")
    job = ImportJob(pg_store, tmp_path / "v2.gpkg", owner="GAS", profile=gas_profile())

    def cancel_once_the_server_sleeps():
        # A cancel only aborts a query the server is running: wait (bounded) until the
        # server shows the sleep, so a loaded machine cannot send it a moment too early.
        if not inside.wait(120):
            return
        with psycopg.connect(pg_store.url.conninfo, autocommit=True) as watcher:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(600)' "
                    "AND state = 'active'").fetchone()[0]:
                time.sleep(0.05)
        job.cancel()

    canceller = threading.Thread(target=cancel_once_the_server_sleeps, daemon=True)
    canceller.start()
    with pytest.raises(CancelledError, match="register is unchanged"):
        job.run()
    canceller.join(10)
    assert (pg_store.asset_count(), len(pg_store.batches())) == before
    assert pg_store.get_asset("GAS:P000")["version"] == 1
