"""Which clock dates what on a shared (PostGIS) register.

- Every record the product writes (versions, batches, responses, a login's owner grants,
  the schema migrations) carries the server's clock, in the GeoPackage store's format, so
  many desktops agree; or the product's pinned clock (``ASSET_REGISTER_NOW``) when a run is
  pinned to be reproducible.
- The audit log is always dated by the server's trigger, pinned or not: it is the register's
  trustworthy record, and no client may date an entry.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from asset_register.model import Owner
from asset_register.store.postgis.roles import create_login

pytestmark = pytest.mark.postgis
PINNED = "2026-11-23T09:30:00+00:00"
AS_STORED = "2026-11-23T09:30:00.000+00:00"
SERVER_FORMAT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00")
TO_THE_SECOND = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")  # (as a GeoPackage's)


def _dates(store, login):
    granted = store._query("SELECT granted_at FROM editor_owners WHERE login = %s",
                           (login,))["granted_at"].tolist()
    applied = store._query("SELECT * FROM schema_migrations").iloc[:, 2].tolist()
    return granted, applied


def _server_now(store) -> datetime:
    return store._query("SELECT clock_timestamp() AS t").iloc[0, 0].astimezone(UTC)


def test_a_pinned_run_dates_the_records_by_the_pinned_clock_and_the_audit_by_the_server(
        postgis_store_factory, monkeypatch):
    monkeypatch.setenv("ASSET_REGISTER_NOW", PINNED)
    store = postgis_store_factory()
    store.upsert_owner(Owner("WSX", "Wessex Water"))
    login = "ed_pinned_clock"
    create_login(store, login, "editor", password="editor pw", owners=["WSX"])
    granted, applied = _dates(store, login)
    assert granted == [AS_STORED]
    assert applied and set(applied) == {PINNED}  # schema_migrations: to the second
    store.audit("clock_probe", {"n": 1})
    at = store._query("SELECT at FROM audit_log WHERE action = 'clock_probe'")["at"].iloc[0]
    assert SERVER_FORMAT.fullmatch(at) and at != AS_STORED
    assert abs((datetime.fromisoformat(at) - _server_now(store)).total_seconds()) < 600


def test_an_unpinned_run_dates_every_record_by_the_server_in_one_format(postgis_store_factory,
                                                                          monkeypatch):
    monkeypatch.delenv("ASSET_REGISTER_NOW", raising=False)
    store = postgis_store_factory()
    store.upsert_owner(Owner("WSX", "Wessex Water"))
    login = "ed_server_clock"
    create_login(store, login, "editor", password="editor pw", owners=["WSX"])
    granted, applied = _dates(store, login)
    now = _server_now(store)
    assert granted and applied
    for at in granted + applied:
        assert (SERVER_FORMAT if at in granted else TO_THE_SECOND).fullmatch(at), at
        assert abs((datetime.fromisoformat(at) - now).total_seconds()) < 600
