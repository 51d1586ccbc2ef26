"""Restricted assets and the four roles, enforced by the server (PostGIS migration 6).

Every refusal here comes from PostgreSQL: raw SQL through psycopg with the role's own login.
"""

from __future__ import annotations

import uuid

import psycopg
import pytest
import shapely

from asset_register.check.checker import Checker
from asset_register.check.result import DigSite
from asset_register.errors import NotFoundError, PermissionDeniedError, ValidationError
from asset_register.extract import make_extract
from asset_register.model import BatchInfo, Owner
from asset_register.store import open_register
from asset_register.restricted import RESTRICTED_GRID_M, RESTRICTED_MARGIN_M
from tests.conftest import synthetic_assets

pytestmark = pytest.mark.postgis
RESTRICTED_COLUMNS = ["depth_m", "diameter_mm", "material", "h_accuracy_m", "quality_level",
                      "captured_on", "pressure_bar", "voltage_v"]


def _restricted(n=12):
    frame = synthetic_assets(n, seed=7, owner="MOD", x0=530200.0, y0=180200.0, size=300.0)
    frame["restricted"] = True
    return frame


@pytest.fixture
def secured(pg_server, pg_store):
    """A register with 60 open WSX assets and 12 restricted MOD assets, and one login of each
    kind: logins[kind] = (name, url)."""
    store = pg_store
    store.upsert_owner(Owner("WSX", "Wessex Water", phone="0345 600 4600"))
    store.upsert_owner(Owner("MOD", "Defence Infrastructure", phone="0800 123 4567"))
    open_assets = synthetic_assets(60)
    open_assets["restricted"] = False
    store.write_batch(open_assets, BatchInfo(source_file="w.gpkg", owner="WSX"))
    store.write_batch(_restricted(), BatchInfo(source_file="m.gpkg", owner="MOD"))
    tag = uuid.uuid4().hex[:8]
    logins = {}
    for kind, extra in (("viewer", {}), ("planner", {}), ("editor", {"owners": ["WSX"]}),
                        ("admin", {}), ("cleared", {"cleared": True}),
                        ("planner2", {})):
        name = f"{kind}_{tag}"
        role = "viewer" if kind == "cleared" else "planner" if kind == "planner2" else kind
        store.create_login(name, role, "pw " + kind, **extra)
        logins[kind] = (name, pg_server.url(user=name, password="pw " + kind,
                                            schema=store.schema))
    return store, logins


def _sql(store, url):
    conn = psycopg.connect(url.split("?")[0], autocommit=True)
    conn.execute(f"SET search_path TO {store.schema}, public")
    return conn


def _true_geometries(store):
    frame = store.read_assets()
    return dict(zip(frame["asset_id"], frame.geometry))


def _assert_masked(frame, truth):
    """MOD rows present, but only as owner, utility and a box around the true geometry."""
    mod = frame[frame["owner"] == "MOD"]
    assert len(mod) > 0
    assert not set(frame["asset_id"]) & {a for a in truth if a.startswith("MOD:")}
    assert mod["asset_id"].str.startswith("restricted:MOD:").all()
    assert (mod["asset_class"] == "other").all() and mod["restricted"].all()
    for col in set(RESTRICTED_COLUMNS) & set(mod.columns):
        assert mod[col].isna().all(), col
    real = shapely.union_all([g for a, g in truth.items() if a.startswith("MOD:")])
    boxes = shapely.union_all(mod.geometry.array)
    assert boxes.geom_type in ("Polygon", "MultiPolygon")
    assert boxes.area > real.area  # coarse: no vertex of a real pipe or chamber comes back
    corners = shapely.get_coordinates(mod.geometry.array)
    assert (corners % RESTRICTED_GRID_M == 0).all()  # on the grid: the extent is not given away
    assert not set(shapely.get_coordinates(mod.geometry.array).round(3).ravel()) \
        & set(shapely.get_coordinates(real).round(3).ravel())
    assert not frame.loc[frame["owner"] == "WSX", "asset_id"].str.startswith("restricted").any()


def test_uncleared_login_sees_restricted_assets_only_masked_on_every_read(secured, tmp_path):
    store, logins = secured
    truth = _true_geometries(store)
    assert sum(a.startswith("MOD:") for a in truth) == 12
    whole = (529000, 179000, 532000, 182000)
    with open_register(logins["planner"][1]) as planner:
        assert planner.asset_count() == 72  # it exists: counted, never hidden
        _assert_masked(planner.read_assets(), truth)
        _assert_masked(planner.query_bbox(whole), truth)
        _assert_masked(planner.query_dwithin(shapely.box(*whole), 10), truth)
        meta, table = planner.read_arrow(["asset_id", "owner", "asset_class", "depth_m"])
        arrow = dict(zip(table.column("asset_id").to_pylist(), table.column("depth_m").to_pylist()))
        assert len(arrow) == 72 and not set(arrow) & {a for a in truth if a.startswith("MOD:")}
        assert all(d is None for a, d in arrow.items() if a.startswith("restricted:"))
        boxes = shapely.from_wkb(table.column(meta["geometry_name"]).to_pylist())
        assert all(shapely.get_type_id(boxes[i]) == 3 for i, a in enumerate(arrow)
                   if a.startswith("restricted:"))
        cols, geoms = planner.candidate_arrays(whole, ["asset_id", "owner", "material"])
        assert len(geoms) == 72
        mod = cols["owner"] == "MOD"
        assert mod.sum() == 12 and all(v is None for v in cols["material"][mod])
        assert all(str(v).startswith("restricted:") for v in cols["asset_id"][mod])
        real_id = next(a for a in truth if a.startswith("MOD:"))
        with pytest.raises(NotFoundError):  # not findable by its real id
            planner.get_asset(real_id)
        masked = planner.get_asset(cols["asset_id"][mod][0])
        assert masked["owner"] == "MOD" and masked["depth_m"] is None
        assert planner.stats()["by_owner"] == {"MOD": 12, "WSX": 60}
    # an extract made by that login carries the same masked rows, never the detail
    s = make_extract(logins["planner"][1], shapely.box(*whole), tmp_path / "site.gpkg")
    assert s.assets == 72
    with open_register(str(tmp_path / "site.gpkg")) as extract:
        _assert_masked(extract.read_assets(), truth)


def test_raw_sql_of_an_uncleared_login_never_returns_restricted_detail(secured):
    store, logins = secured
    with _sql(store, logins["viewer"][1]) as conn:
        owners = [r[0] for r in conn.execute("SELECT owner FROM assets")]
        assert owners.count("MOD") == 0 and owners.count("WSX") == 60
        rows = conn.execute("SELECT asset_id, depth_m, ST_AsText(geom) FROM asset_view "
                            "WHERE owner = 'MOD'").fetchall()
        assert len(rows) == 12
        assert all(r[0].startswith("restricted:") and r[1] is None for r in rows)
        # a restricted row cannot be found by its hidden values either
        assert conn.execute("SELECT count(*) FROM asset_view WHERE material = 'PE' "
                            "AND owner = 'MOD'").fetchone()[0] == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"SET ROLE {store.schema}_restricted")


def test_cleared_logins_see_restricted_assets_in_full(secured):
    store, logins = secured
    truth = _true_geometries(store)
    for kind in ("cleared", "admin"):
        with open_register(logins[kind][1]) as reader:
            frame = reader.read_assets()
            mod = frame[frame["owner"] == "MOD"]
            assert sorted(mod["asset_id"]) == sorted(a for a in truth if a.startswith("MOD:"))
            assert mod["material"].eq("PE").all()
            assert all(g.equals(truth[a]) for a, g in zip(mod["asset_id"], mod.geometry))


def test_dig_check_of_an_uncleared_planner_still_flags_the_restricted_asset(secured):
    store, logins = secured
    real = store.read_assets()
    target = real[real["owner"] == "MOD"].iloc[0]
    site = DigSite(footprint=target.geometry.centroid.buffer(0.5), depth_m=1.0)
    with open_register(logins["planner"][1]) as planner:
        result = Checker(planner).check(site)
    hits = result.conflicts[result.conflicts["owner"] == "MOD"]
    assert len(hits) >= 1
    assert hits["asset_id"].str.startswith("restricted:MOD:").all()
    assert (hits["severity"] == "strike").any()
    assert hits["precaution"].str.startswith("Restricted asset of MOD: contact them").all()
    assert hits["contact_owner"].all()
    assert "MOD" in [o["owner"] if "owner" in o else o.get("code") for o in
                     result.owners_affected]
    assert (hits.geometry.distance(target.geometry) == 0).all()
    assert RESTRICTED_MARGIN_M > 0


def test_editor_imports_only_for_its_owners_and_only_through_an_import(secured):
    store, logins = secured
    name, url = logins["editor"]
    with open_register(url) as editor:
        res = editor.write_batch(synthetic_assets(5, seed=11).assign(restricted=False), BatchInfo(source_file="x",
                                                                        owner="WSX"))
        assert res.added == 5
        with pytest.raises(PermissionDeniedError, match="owner.s. MOD: an editor imports only"):
            editor.write_batch(_restricted(3), BatchInfo(source_file="y", owner="MOD"))
        with pytest.raises(PermissionDeniedError, match="settings are the administrators'"):
            editor.set_setting("authority_name", "Forged")
    before = store.read_assets()
    with _sql(store, url) as conn:
        for statement in ("UPDATE assets SET geom = ST_Translate(geom, 5, 0)",
                          "UPDATE assets SET owner = 'MOD'",
                          "UPDATE import_batches SET source_file = 'forged'",
                          "DELETE FROM assets",
                          "INSERT INTO assets (geom, asset_id, owner, utility, asset_class, "
                          "batch_id) VALUES (ST_GeomFromText('POINT(1 1)', 27700), 'X:1', 'WSX', "
                          "'gas', 'pipe', 1)",
                          "INSERT INTO import_batches (state, started_at, owner) VALUES "
                          "('committed', 'x', 'WSX')",
                          "INSERT INTO editor_owners (login, owner, granted_at) VALUES "
                          f"('{name}', 'MOD', 'x')",
                          "INSERT INTO settings VALUES ('authority_name', 'Forged') ON CONFLICT "
                          "(key) DO UPDATE SET value = excluded.value",
                          "INSERT INTO rejects (batch_id, reason) VALUES (1, 'forged')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        # without an open batch of its own, retiring finds no row it may touch
        assert conn.execute("UPDATE assets SET retired_at = 'x' WHERE retired_at IS NULL"
                            ).rowcount == 0
        # a batch may not be left open to write through later
        with pytest.raises(psycopg.errors.CheckViolation):
            with conn.transaction():
                conn.execute("INSERT INTO import_batches (state, started_at, owner) VALUES "
                             "('writing', 'x', 'WSX')")
    after = store.read_assets()
    assert len(after) == len(before) == 77
    assert all(g.equals(h) for g, h in zip(before.sort_values("asset_id").geometry,
                                            after.sort_values("asset_id").geometry))
    assert store.get_setting("authority_name") != "Forged"
    assert len(store.batches()) == 3


def test_only_admins_change_settings_and_grant_owners(secured):
    store, logins = secured
    with open_register(logins["admin"][1]) as admin:
        admin.set_setting("authority_name", "North Council")
        admin.write_batch(_restricted(2), BatchInfo(source_file="z", owner="MOD"))
    assert store.get_setting("authority_name") == "North Council"
    with _sql(store, logins["planner"][1]) as conn:
        for statement in ("UPDATE settings SET value = 'x'",
                          "INSERT INTO editor_owners (login, owner, granted_at) VALUES "
                          "('x', '*', 'x')",
                          f"GRANT {store.schema}_admin TO CURRENT_USER"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    assert store.get_setting("authority_name") == "North Council"


def _issue(planner, number_year=2026):
    n = planner.next_notice_sequence("AR", number_year)
    ref = f"AR-{number_year}-{n:05d}"
    planner.record_notice({"reference": ref, "status": "draft"})
    planner.update_notice(ref, 1, status="issued")
    return ref


def test_notice_records_are_kept_consistent_by_the_server(secured):
    store, logins = secured
    with open_register(logins["planner"][1]) as planner:
        ref = _issue(planner)
        assert ref == "AR-2026-00001"
        # a notice numbered before any was reserved that year (legacy, or brought back offline)
        planner.record_notice({"reference": "AR-2025-00002", "status": "draft"})
    with _sql(store, logins["planner2"][1]) as conn:
        refused = {
            "UPDATE notice_sequences SET last = 2147483647": psycopg.errors.InsufficientPrivilege,
            "INSERT INTO notice_sequences VALUES ('AR', 2027, 5)":
                psycopg.errors.InsufficientPrivilege,
            f"UPDATE notices SET description = 'rewritten' WHERE reference = '{ref}'":
                psycopg.errors.InsufficientPrivilege,
            f"UPDATE notices SET status = 'cancelled' WHERE reference = '{ref}'":
                psycopg.errors.InsufficientPrivilege,
            f"DELETE FROM notices WHERE reference = '{ref}'":
                psycopg.errors.InsufficientPrivilege,
            "INSERT INTO notice_responses (reference, owner, status, recorded_at) VALUES "
            "('AR-2025-00002', 'WSX', 'no_assets_affected', 'x')":  # a draft, not issued
                psycopg.errors.CheckViolation,
            "INSERT INTO notice_responses (reference, owner, status, recorded_at) VALUES "
            "('AR-2026-00099', 'WSX', 'no_assets_affected', 'x')": psycopg.errors.CheckViolation,
            "INSERT INTO notice_responses (reference, owner, status, recorded_at) VALUES "
            f"('{ref}', 'WSX', 'anything', 'x')": psycopg.errors.CheckViolation,
            "INSERT INTO notices (reference, status, created_at) VALUES "
            "('AR-2026-00050', 'issued', 'x')": psycopg.errors.CheckViolation,  # not reserved
            "INSERT INTO notices (reference, status, created_at, detail) VALUES "
            "('X1', 'issued', 'x', '{broken')": psycopg.errors.CheckViolation,
            "INSERT INTO notices (reference, version, status, created_at) VALUES "
            "('X2', -5, 'issued', 'x')": psycopg.errors.CheckViolation,
            "INSERT INTO notices (reference, status, created_at) VALUES "
            "('X3''; --', 'issued', 'x')": psycopg.errors.CheckViolation,
        }
        for statement, error in refused.items():
            with pytest.raises(error):
                conn.execute(statement)
    with open_register(logins["planner2"][1]) as other:
        assert other.next_notice_sequence("AR", 2026) == 2
        assert other.next_notice_sequence("AR", 2025) == 1
        assert other.next_notice_sequence("AR", 2025) == 3  # 2 is taken by a notice
        with pytest.raises(ValidationError, match="no issued notice"):
            other.record_response("AR-2025-00002", "WSX", "no_assets_affected")
        with pytest.raises(PermissionDeniedError, match="recorded by"):
            other.update_notice(ref, 1, description="rewritten")
        other.record_response(ref, "WSX", "no_assets_affected")
        notices = other.notices()
    assert sorted(notices["reference"]) == ["AR-2025-00002", "AR-2026-00001"]
    assert list(store.notices(ref)["status"]) == ["issued"]
    assert list(store.responses(ref)["owner"]) == ["WSX"]


def test_a_re_issue_by_a_colleague_may_supersede_the_earlier_version(secured):
    store, logins = secured
    with open_register(logins["planner"][1]) as planner:
        ref = _issue(planner)
    with open_register(logins["planner2"][1]) as other:
        other.record_notice({"reference": ref, "version": 2, "status": "issued"})
        other.update_notice(ref, 1, status="superseded")
        with pytest.raises(PermissionDeniedError):
            other.update_notice(ref, 1, status="issued", description="back")
    assert list(store.notices(ref)["status"]) == ["superseded", "issued"]


def test_an_exhausted_sequence_is_a_one_line_error(secured):
    store, logins = secured
    with store.atomic() as conn:  # the owner may; the numbers run out, never overflow
        conn.execute("INSERT INTO notice_sequences VALUES ('AR', 2026, 99999999)")
    with open_register(logins["planner"][1]) as planner:
        with pytest.raises(ValidationError, match="used up: set another notice_prefix"):
            planner.next_notice_sequence("AR", 2026)
        assert planner.next_notice_sequence("AR", 2027) == 1


def test_roles_command_grants_owners_and_clearance(secured, capsys):
    from asset_register.cli.main import main

    store, logins = secured
    url = store.url_text
    name = f"gis_{uuid.uuid4().hex[:8]}"
    assert main(["roles", url, "--create-editor", name, "--owner", "MOD", "--restricted",
                 "--password", "pw-9"]) == 0
    out = capsys.readouterr().out
    assert f"editor login {name} for owners MOD, cleared for restricted assets" in out
    assert "pw-9" not in out
    assert main(["roles", url, "--list"]) == 0
    listed = capsys.readouterr().out
    assert f"{name}" in listed and "editor+restricted" in listed
    assert f"{logins['admin'][0]}" in listed
    with store.atomic() as conn:
        granted = conn.execute("SELECT owner FROM editor_owners WHERE login = %s",
                               (name,)).fetchall()
    assert granted == [("MOD",)]
    assert main(["roles", url, "--create-viewer", name, "--owner", "MOD"]) != 0
    assert "--owner grants owners to editors" in capsys.readouterr().err


def test_a_register_from_before_the_guards_is_upgraded_and_masks_at_once(
        pg_server, postgis_store_factory, monkeypatch):
    from asset_register.store.postgis import schema, store as store_module

    older = schema.MIGRATIONS[:5]  # up to the audit chain (this code's audit writes need it)
    monkeypatch.setattr(schema, "MIGRATIONS", older)
    monkeypatch.setattr(store_module, "MIGRATIONS", older)
    old = postgis_store_factory()
    old.write_batch(_restricted(4), BatchInfo(source_file="m.gpkg", owner="MOD"))
    name = f"old_{uuid.uuid4().hex[:8]}"
    old.create_login(name, "planner", "pw")
    assert old.schema_version == 5
    url = old.url_text
    old.close()
    monkeypatch.undo()
    with open_register(url) as owner:  # the owner's first open applies migration 6
        assert (6, "server_guards") in [m[:2] for m in owner.applied_migrations()]
        truth = _true_geometries(owner)
    with open_register(pg_server.url(user=name, password="pw", schema=owner.schema)) as planner:
        _assert_masked(planner.read_assets(), truth)
        assert planner.next_notice_sequence("AR", 2026) == 1
    with _sql(owner, pg_server.url(user=name, password="pw", schema=owner.schema)) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE notice_sequences SET last = 2147483647")


def test_even_inside_an_open_batch_an_editor_only_adds_and_retires_its_owners(secured):
    store, logins = secured
    before = store.read_assets()
    with _sql(store, logins["editor"][1]) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with conn.transaction():
                conn.execute("INSERT INTO import_batches (state, started_at, owner) VALUES "
                             "('writing', 'x', 'WSX')")
                conn.execute("UPDATE assets SET geom = ST_Translate(geom, 5, 0)")
        with pytest.raises(psycopg.errors.CheckViolation):  # refused at commit: left open
            with conn.transaction():
                conn.execute("INSERT INTO import_batches (state, started_at, owner) VALUES "
                             "('writing', 'x', 'WSX')")
                retired = conn.execute("UPDATE assets SET retired_at = 'x' WHERE owner = 'MOD' "
                                       "AND retired_at IS NULL").rowcount
                assert retired == 0  # not its owner: no row to touch
    after = store.read_assets()
    assert len(after) == len(before) and after["retired_at"].isna().all()


def test_a_viewer_records_nothing_and_an_author_cannot_rewrite_a_notice_identity(secured):
    store, logins = secured
    with _sql(store, logins["viewer"][1]) as conn:
        for statement in ("INSERT INTO notices (reference, status, created_at) VALUES "
                          "('X1', 'draft', 'x')",
                          "INSERT INTO audit_log (at, action) VALUES ('x', 'forged')",
                          "SELECT next_notice_number('AR', 2026)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    with open_register(logins["planner"][1]) as planner:
        ref = _issue(planner)
    with _sql(store, logins["planner"][1]) as conn:
        for change in ("reference = 'AR-2026-00077'", "version = 9",
                       "footprint_wkt = 'POINT (0 0)'", "login = 'someone_else'"):
            with pytest.raises(psycopg.errors.CheckViolation, match="never change"):
                conn.execute(f"UPDATE notices SET {change} WHERE reference = '{ref}'")
    assert list(store.notices()["reference"]) == [ref]


def test_a_notice_pack_of_an_uncleared_planner_names_the_owner_not_the_asset(secured, tmp_path,
                                                                              capsys):
    from asset_register.cli.main import main

    store, logins = secured
    real = store.read_assets()
    mod = real[real["owner"] == "MOD"]
    dig = shapely.to_wkt(mod.geometry.iloc[0].centroid.buffer(0.5), 2)
    out = tmp_path / "pack"
    assert main(["notice", logins["planner"][1], "--wkt", dig, "--out", str(out),
                 "--promoter", "Acme Works", "--start", "2030-03-04", "--end", "2030-03-08",
                 "--accept-short-notice"]) == 0, capsys.readouterr().err
    texts = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    csv = texts["conflicts.csv"].decode("utf-8")
    assert "restricted:MOD:" in csv and "Restricted asset of MOD" in csv
    for name, data in texts.items():  # no real id or attribute of MOD in any file written
        for asset_id in mod["asset_id"]:
            assert asset_id.encode() not in data, (name, asset_id)
