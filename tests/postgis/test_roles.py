"""Planner and editor roles: grants enforced by the server, not by the application."""

from __future__ import annotations

import uuid

import psycopg
import pytest
import shapely

from asset_register.errors import PermissionDeniedError
from asset_register.model import BatchInfo, Owner
from asset_register.store import open_register
from asset_register.store.postgis.roles import create_login, list_logins
from tests.conftest import synthetic_assets

pytestmark = pytest.mark.postgis
BATCH = BatchInfo(source_file="mains.gpkg", layer="mains", owner="WSX")


def _login_url(pg_server, admin_store, name, password):
    return pg_server.url(user=name, password=password, schema=admin_store.schema)


@pytest.fixture
def register_with_logins(pg_server, pg_store):
    tag = uuid.uuid4().hex[:8]
    pg_store.upsert_owner(Owner("WSX", "Wessex Water"))
    pg_store.write_batch(synthetic_assets(100), BATCH)
    planner, editor = f"pl_{tag}", f"ed_{tag}"
    pw_p = create_login(pg_store, planner, "planner", password="planner pw")
    pw_e = create_login(pg_store, editor, "editor")  # generated password
    assert pw_p == "planner pw" and pw_e and len(pw_e) >= 16
    return (pg_store, _login_url(pg_server, pg_store, planner, pw_p),
            _login_url(pg_server, pg_store, editor, pw_e), planner, editor)


def test_logins_are_listed_by_kind(register_with_logins):
    store, _, _, planner, editor = register_with_logins
    assert list_logins(store) == sorted([(planner, "planner"), (editor, "editor")])


def test_planner_checks_and_issues_notices_but_cannot_import(register_with_logins):
    store, planner_url, _, _, _ = register_with_logins
    with open_register(planner_url) as planner:
        assert planner.asset_count() == 100
        hits = planner.query_dwithin(shapely.box(530000, 180000, 531000, 181000), 5)
        assert len(hits) == 100
        assert planner.next_notice_sequence("AR", 2026) == 1
        planner.record_notice({"reference": "AR-2026-000001", "status": "draft"})
        planner.update_notice("AR-2026-000001", 1, status="issued")
        planner.record_response("AR-2026-000001", "WSX", "no_assets_affected")
        with pytest.raises(PermissionDeniedError, match="planner"):
            planner.write_batch(synthetic_assets(5, seed=3), BATCH)
        with pytest.raises(PermissionDeniedError):
            planner.set_setting("authority_name", "x")
        with pytest.raises(PermissionDeniedError):
            planner.upsert_owner(Owner("NEW", "New owner"))
    assert store.asset_count() == 100
    assert len(store.batches()) == 1
    assert list(store.notices()["status"]) == ["issued"]
    log = store.audit_log()
    planner_name = register_with_logins[3]
    assert (log["user"].str.endswith("@" + planner_name)
            & log["action"].eq("record_notice")).any()  # OS user @ server login


@pytest.mark.parametrize("statement", [
    "UPDATE assets SET status = 'abandoned'",
    "UPDATE assets SET retired_at = 'now' WHERE retired_at IS NULL",
    "DELETE FROM assets",
    "TRUNCATE assets",
    "INSERT INTO assets (geom, asset_id, owner, utility, asset_class, batch_id) VALUES "
    "(ST_GeomFromText('POINT(1 1)', 27700), 'X:1', 'X', 'gas', 'pipe', 1)",
    "DELETE FROM notices",
    "DELETE FROM audit_log",
    "UPDATE audit_log SET action = 'nothing'",
    "UPDATE settings SET value = 'x'",
    "ALTER TABLE assets DISABLE TRIGGER ALL",
    "DROP TABLE assets",
])
def test_planner_cannot_change_assets_even_with_sql(register_with_logins, statement):
    store, planner_url, _, _, _ = register_with_logins
    conninfo = planner_url.split("?")[0]
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"SET search_path TO {store.schema}, public")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"SET ROLE {store.schema}_editor")
    assert store.asset_count() == 100
    assert set(store.read_assets()["status"]) <= {"in_service", "abandoned"}
    assert store.read_assets()["retired_at"].isna().all()


def test_editor_imports_but_never_deletes(register_with_logins):
    store, _, editor_url, _, _ = register_with_logins
    with open_register(editor_url) as editor:
        res = editor.write_batch(synthetic_assets(20, seed=4), BATCH, delivery="WSX:mains")
        assert res.added == 20
        editor.set_owner_coverage("WSX", shapely.box(0, 0, 1, 1))
    conninfo = editor_url.split("?")[0]
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"SET search_path TO {store.schema}, public")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM assets")
    assert store.asset_count() == 120


def test_only_a_role_administrator_creates_logins(register_with_logins):
    _, _, editor_url, _, _ = register_with_logins
    with open_register(editor_url) as editor:
        with pytest.raises(PermissionDeniedError, match="CREATEROLE"):
            create_login(editor, f"x_{uuid.uuid4().hex[:8]}", "planner")


def test_making_an_editor_a_planner_removes_import_rights(register_with_logins, pg_server):
    store, _, editor_url, _, editor = register_with_logins
    create_login(store, editor, "planner")
    with open_register(editor_url) as demoted:
        with pytest.raises(PermissionDeniedError):
            demoted.write_batch(synthetic_assets(5, seed=8), BATCH)


def test_planner_cannot_forge_or_rewrite_the_audit_log(register_with_logins):
    """The server numbers, times, names and chains entries: a planner's back-dated entry under
    another name lands at the end of the chain, stamped with the planner's login."""
    from asset_register.store.audit_chain import verify

    store, planner_url, _, planner_name, _ = register_with_logins
    conninfo = planner_url.split("?")[0]
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"SET search_path TO {store.schema}, public")
        conn.execute('INSERT INTO audit_log (id, at, "user", action, detail, prev_hash, hash) '
                     "VALUES (-5, '2020-01-01T00:00:00', 'boss', 'check', '{}', 'x', 'y')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # a stale snapshot
            conn.execute("INSERT INTO audit_log (action) VALUES ('fork')")  # would fork the chain
        for statement in ("UPDATE audit_log SET detail = '{}'", "DELETE FROM audit_log",
                          "TRUNCATE audit_log", "ALTER TABLE audit_log DISABLE TRIGGER USER"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    log = store.audit_log()
    forged = log.iloc[-1]
    assert forged["action"] == "check" and forged["id"] > 0 and -5 not in set(log["id"])
    assert forged["user"] == f"boss@{planner_name}"
    assert not forged["at"].startswith("2020") and forged["hash"] != "y"
    assert verify(log).ok


def test_planner_reports_deviations_from_site(register_with_logins):
    """The people digging report what they found: a planner adds, exports and resolves
    deviation reports (and the check sees them) but still cannot change assets."""
    from asset_register.check import Checker, DigSite
    from asset_register.deviations import add_report

    store, planner_url, _, _, _ = register_with_logins
    with open_register(planner_url) as planner, Checker(planner) as checker:
        visible = planner.read_assets(columns=["asset_id"])["asset_id"]  # not a masked one
        asset_id = sorted(a for a in visible if not a.startswith("restricted:"))[0]
        before = planner.data_version()
        new_id = add_report(planner, "unrecorded", utility="gas", position="POINT (530500 180500)")
        add_report(planner, "not_found", asset_id=asset_id)
        assert planner.data_version() > before  # a checker re-reads the reports
        site = DigSite(shapely.box(530499, 180499, 530501, 180501))
        assert checker.check(site).conflicts["asset_id"].tolist() == [f"unrecorded:{new_id}"]
        assert planner.set_deviation_status([new_id], "resolved", resolution="traced: a drain") == 1
    assert store.deviations()["status"].tolist() == ["resolved", "new"]
