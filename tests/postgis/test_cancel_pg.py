"""A cancelled import aborts the query the server is running and changes nothing."""

from __future__ import annotations

import threading

import pyogrio
import pytest

from asset_register.errors import CancelledError
from asset_register.store import postgis_write
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
    canceller = threading.Thread(target=lambda: inside.wait(120) and job.cancel(), daemon=True)
    canceller.start()
    with pytest.raises(CancelledError, match="register is unchanged"):
        job.run()
    canceller.join(10)
    assert (pg_store.asset_count(), len(pg_store.batches())) == before
    assert pg_store.get_asset("GAS:P000")["version"] == 1
