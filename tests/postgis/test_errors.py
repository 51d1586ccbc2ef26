"""Bad URLs, unreachable servers, wrong passwords, missing PostGIS: errors that say what to do."""

from __future__ import annotations

import pytest

from asset_register.errors import (
    ConnectionError_,
    NotARegisterError,
    RegisterExistsError,
    RegisterNotFoundError,
    RegisterReadOnlyError,
    SchemaVersionError,
)
from asset_register.model import BatchInfo
from asset_register.store import create_register, open_register
from asset_register.store.postgis.roles import create_login
from asset_register.store.postgis.schema import MIGRATIONS, SCHEMA_VERSION
from tests.conftest import synthetic_assets
from tests.pg_server import free_port

pytestmark = pytest.mark.postgis


@pytest.mark.parametrize("url, match", [
    ("postgresql://host:notaport/db", "not a valid PostgreSQL URL"),
    ("postgresql://localhost:5432/", "names no database"),
    ("postgresql://localhost/db?schema=Bad-Name", "schema 'Bad-Name'"),
    ("postgresql://localhost/db?sslmode=sometimes", "not a valid PostgreSQL URL"),
])
def test_malformed_urls(url, match):
    with pytest.raises(ConnectionError_, match=match):
        open_register(url)


def test_server_down_says_check_the_server():
    url = f"postgresql://someone:pw@127.0.0.1:{free_port()}/registers"
    with pytest.raises(ConnectionError_, match="check that the server is running") as info:
        open_register(url)
    assert "pw" not in str(info.value)


def test_wrong_password_names_the_user_not_the_password(pg_server, pg_store):
    url = pg_server.url(password="not-the-password", schema=pg_store.schema)
    with pytest.raises(ConnectionError_, match="refused the credentials of user 'ar_admin'") as e:
        open_register(url)
    assert "not-the-password" not in str(e.value)


def test_unknown_database(pg_server):
    with pytest.raises(RegisterNotFoundError, match="database 'nothere' does not exist"):
        open_register(pg_server.url(db="nothere"))


def test_no_register_in_schema(pg_server):
    with pytest.raises(RegisterNotFoundError, match="asset-register init"):
        open_register(pg_server.url(schema="empty_schema"))


def test_missing_postgis_extension(pg_server, pg_store):
    pg_server.psql("DROP DATABASE IF EXISTS plain")
    pg_server.psql("CREATE DATABASE plain")
    with pytest.raises(NotARegisterError, match="CREATE EXTENSION postgis"):
        open_register(pg_server.url(db="plain"))
    # A login that may not create extensions gets the same advice when creating.
    create_login(pg_store, "no_ext_user", "editor", password="pw")
    pg_server.psql("GRANT CREATE ON DATABASE plain TO no_ext_user")
    with pytest.raises(NotARegisterError, match="CREATE EXTENSION postgis"):
        create_register(pg_server.url(db="plain", user="no_ext_user", password="pw"))


def test_creating_twice_is_refused(pg_store):
    with pytest.raises(RegisterExistsError, match="already holds an asset register"):
        create_register(pg_store.url_text)


def test_read_only_store_refuses_writes(pg_store):
    with open_register(pg_store.url_text, read_only=True) as ro:
        assert ro.asset_count() == 0
        with pytest.raises(RegisterReadOnlyError):
            ro.write_batch(synthetic_assets(3), BatchInfo("x.gpkg"))
        with pytest.raises(RegisterReadOnlyError):
            ro.set_setting("authority_name", "x")


def test_newer_schema_is_refused(pg_store, pg_server):
    pg_server.psql(f"INSERT INTO {pg_store.schema}.schema_migrations VALUES (99, 'future', 'x')",
                   db="registers")
    with pytest.raises(SchemaVersionError, match="update the application"):
        open_register(pg_store.url_text)


def test_migrations_are_recorded(pg_store):
    assert pg_store.schema_version == SCHEMA_VERSION
    applied = [m[:2] for m in pg_store.applied_migrations()]
    assert applied[:7] == [
        (1, "create_register"), (2, "register_state"), (3, "pressure_voltage_values"),
        (4, "rules_in_register"), (5, "audit_chain"), (6, "server_guards"),
        (7, "deviation_reports")]
    assert applied == [(v, name) for v, name, _ in MIGRATIONS]


def test_an_older_register_is_upgraded_by_its_owner_only(pg_server, pg_store):
    create_login(pg_store, "old_reader", "planner", password="pw")
    pg_store.write_batch(synthetic_assets(5), BatchInfo("x.gpkg"))
    s = pg_store.schema
    pg_server.psql(f"DROP TABLE {s}.register_state; ALTER TABLE {s}.assets DROP COLUMN "
                   f"pressure_bar CASCADE, DROP COLUMN voltage_v; DELETE FROM "
                   f"{s}.schema_migrations WHERE version BETWEEN 2 AND 4",
                   db="registers")  # as if migrations 2-4 had come after the server guards
    planner_url = pg_server.url(user="old_reader", password="pw", schema=s)
    with pytest.raises(SchemaVersionError, match="only its owner may apply"):
        open_register(planner_url)
    with open_register(pg_store.url_text) as owner:
        assert owner.schema_version == SCHEMA_VERSION and owner.asset_count() == 5
        assert owner.data_version() == 0
    with open_register(planner_url) as planner:  # grants were re-applied to the new table
        assert planner.schema_version == SCHEMA_VERSION and planner.data_version() == 0
