"""PostGIS fixtures, imported by tests/conftest.py so every test area can use them.

``pg_server`` starts one throwaway PostgreSQL + PostGIS cluster per session
(skipped, with the reason, when the server binaries are not installed; CI
installs them). Each register gets its own schema, so tests never share data.
"""

from __future__ import annotations

import uuid

import pytest

from tests.pg_server import PgServer, missing_reason


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
def postgis_store_factory(pg_server):
    """make() -> a new, empty PostGIS register in a fresh schema (closed at teardown)."""
    from asset_register.store import create_register

    made = []

    def make(name: str = "register", crs: str = "EPSG:27700"):
        store = create_register(pg_server.url(schema=f"t_{uuid.uuid4().hex[:12]}"), crs=crs)
        made.append(store)
        return store

    yield make
    for s in made:
        s.close()


@pytest.fixture
def pg_store(postgis_store_factory):
    return postgis_store_factory()
