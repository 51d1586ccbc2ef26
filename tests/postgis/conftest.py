"""Fixtures for PostGIS tests: one throwaway server per session, one fresh register schema per test."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pg_server import PgServer, missing_reason  # noqa: E402

pytestmark = pytest.mark.postgis


@pytest.fixture(scope="session")
def pg_server():
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    server = PgServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server):
    """URL of a register schema that does not exist yet (unique per test)."""
    return pg_server.url(schema=f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def pg_store(pg_url):
    from asset_register.store import create_register

    store = create_register(pg_url, crs="EPSG:27700")
    yield store
    store.close()
