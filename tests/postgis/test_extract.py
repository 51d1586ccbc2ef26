"""Offline extracts (from GeoPackage and PostGIS registers) and syncing notices back."""

from __future__ import annotations

import json
from datetime import date

import geopandas as gpd
import pytest
import shapely

from asset_register.cli.main import main
from asset_register.errors import FootprintError, NotARegisterError, ValidationError
from asset_register.expiry import expiry_warning
from asset_register.check.rules import default_rules_text
from asset_register.extract import make_extract, read_area, sync_extract
from asset_register.model import BatchInfo, Owner
from asset_register.store import open_register
from tests.conftest import synthetic_assets

AREA = shapely.box(530200, 180200, 530600, 180600)
BUFFER = 10.0
DIG = "POLYGON ((530390 180390, 530410 180390, 530410 180394, 530390 180394, 530390 180390))"


def _loc(store) -> str:
    """Where to reopen a register (a PostGIS store shows its URL with the password masked)."""
    return getattr(store, "url_text", store.location)


def _batch(owner, name, sha):
    return BatchInfo(source_file=name, layer="assets", sha256=sha, source_crs="EPSG:27700",
                     transformation="none", transformation_accuracy_m=0.0, owner=owner,
                     rows_read=100)


@pytest.fixture(params=["gpkg", "postgis"])
def source(request, tmp_path):
    """A register with two owners, a re-delivery, coverage, works and authority settings."""
    store = request.getfixturevalue(f"{request.param}_store_factory")("source.gpkg")
    store.set_setting("authority_name", "Wessex County Council")
    store.set_setting("authority_code", "LBX")
    store.upsert_owner(Owner("WSX", "Wessex Water", "0345 600 4600", "0345 600 4601"))
    store.upsert_owner(Owner("UKPN", "UK Power Networks", "0800 31 63 105"))
    water = synthetic_assets(1500, owner="WSX", seed=1)
    store.write_batch(water, _batch("WSX", "water-2025.gpkg", "a" * 64), delivery="WSX:mains")
    water2 = water.copy()
    water2["status"] = "disused"
    store.write_batch(water2, _batch("WSX", "water-2026.gpkg", "b" * 64), delivery="WSX:mains")
    power = synthetic_assets(1500, owner="UKPN", seed=2)
    store.write_batch(power, _batch("UKPN", "hv.gpkg", "c" * 64), delivery="UKPN:hv")
    store.set_owner_coverage("WSX", shapely.box(530000, 180000, 531000, 181000))
    store.set_owner_coverage("UKPN", shapely.box(530500, 180000, 531000, 181000))
    store.set_owner_coverage("BT", shapely.box(540000, 190000, 541000, 191000))
    works = gpd.GeoDataFrame(
        {"reference": ["IN", "OUT"], "promoter": ["Gas Co", "Council"],
         "start_date": ["2026-12-01", "2026-12-01"], "end_date": ["2026-12-20", "2026-12-20"]},
        geometry=[shapely.box(530395, 180395, 530420, 180400), shapely.box(535000, 185000,
                                                                        535010, 185010)],
        crs="EPSG:27700")
    store.add_works(works)
    return store


def _extract(source, tmp_path, **kw):
    area = read_area(shapely.to_wkt(AREA), source.crs, BUFFER)
    return make_extract(_loc(source), area, tmp_path / "field.gpkg", **kw)


def test_extract_holds_exactly_the_assets_in_the_area_with_provenance(source, tmp_path, fixed_clock):
    s = _extract(source, tmp_path)
    live = source.query_bbox((520000, 170000, 550000, 200000))  # every live asset
    assert len(live) == source.asset_count()
    area = AREA.buffer(BUFFER)
    expected = live[shapely.intersects(live.geometry.array, area)].set_index("asset_id")
    assert 0 < len(expected) < len(live)
    with open_register(s.path, read_only=True) as ex:
        got = ex.read_assets().set_index("asset_id").loc[expected.index]
        assert ex.asset_count() == len(expected) == s.assets
        assert shapely.equals_exact(got.geometry.array, expected.geometry.array, 0).all()
        assert (got["version"].to_numpy() == expected["version"].to_numpy()).all()
        assert (got["valid_from"] == expected["valid_from"]).all()
        assert set(got.loc[got["owner"] == "WSX", "status"]) == {"disused"}
        one = ex.get_asset(expected.index[0])
        assert one["source_file"] in {"water-2026.gpkg", "hv.gpkg"}
        assert one["source_sha256"] in {"b" * 64, "c" * 64}
        # Data currency per owner reads the same as in the source.
        src_age = source.stats()["data_age"]
        ex_age = ex.stats()["data_age"]
        for owner in ("WSX", "UKPN"):
            assert ex_age[owner]["latest_delivery"] == src_age[owner]["latest_delivery"]
        assert {o.code: o for o in ex.owners()} == {o.code: o for o in source.owners()}
        cov = ex.owner_coverage().set_index("owner")
        assert set(cov.index) == {"WSX", "UKPN"}  # BT covers somewhere else entirely
        assert cov.geometry["WSX"].symmetric_difference(area).area < 1e-6
        assert abs(cov.geometry["UKPN"].area - shapely.box(530500, 180000, 531000, 181000)
                   .intersection(area).area) < 1e-6
        assert list(ex.works()["reference"]) == ["IN"]
        assert ex.get_setting("authority_name") == "Wessex County Council"
        prefix = ex.get_setting("notice_prefix")
        assert prefix.startswith("LBX") and len(prefix) == 6 and prefix == s.notice_prefix
        assert ex.get_setting("extract_expires") == "2026-12-21"  # 28 days after the fixed clock's day
        assert ex.get_setting("extract_created_at") == "2026-11-23T09:30:00+00:00"
        assert ex.get_setting("rules_toml") == default_rules_text()
    log = source.audit_log()
    assert json.loads(log[log["action"] == "extract"]["detail"].iloc[-1])["notice_prefix"] == prefix


def test_expiry_warning(tmp_path, gpkg_store_factory):
    store = gpkg_store_factory()
    assert expiry_warning(store) is None  # not an extract
    store.set_setting("extract_expires", "2026-03-01")
    assert "expired on 2026-03-01" in expiry_warning(store, today=date(2026, 3, 2))
    assert "expires on 2026-03-01" in expiry_warning(store, today=date(2026, 2, 27))
    assert expiry_warning(store, today=date(2026, 2, 1)) is None


def _notice(register, out):
    assert main(["notice", register, "--wkt", DIG, "--out", str(out), "--promoter", "Gas Co",
                 "--start", "2026-12-01", "--end", "2026-12-05",
                 "--description", "new gas service"]) == 0
    return sorted(p.name for p in out.iterdir())


def test_offline_notices_come_back_without_duplicate_references(source, tmp_path, capsys,
                                                                fixed_clock):
    s = _extract(source, tmp_path)
    online = _notice(_loc(source), tmp_path / "online")
    offline = _notice(s.path, tmp_path / "offline")
    offline += _notice(s.path, tmp_path / "offline2")
    assert len(online) == 1 and len(offline) == 2
    assert all(r.startswith(s.notice_prefix + "-") for r in offline)
    with open_register(s.path, read_only=True) as ex:
        detail = json.loads(ex.notices(offline[0])["detail"].iloc[0])
        owner = (detail.get("owners_affected") or detail.get("owners_no_conflict"))[0]
    assert main(["respond", s.path, offline[0], owner, "affected", "--note", "plans sent"]) == 0
    assert main(["sync", s.path, _loc(source)]) == 0
    notices = source.notices()
    assert sorted(notices["reference"]) == sorted(online + offline)
    assert not notices.duplicated(["reference", "version"]).any()
    resp = source.responses(offline[0])
    assert list(resp["owner"]) == [owner] and list(resp["note"]) == ["plans sent"]
    with open_register(s.path, read_only=True) as ex:
        assert resp["recorded_at"].iloc[0] == ex.responses(offline[0])["recorded_at"].iloc[0]
    log = source.audit_log()
    synced = log[log["detail"].str.contains('"synced_from"')]
    with open_register(s.path, read_only=True) as ex:
        ex_log, extract_id = ex.audit_log(), ex.get_setting("extract_id")
    offline_issued = ex_log[ex_log["action"] == "notice_issued"]
    assert len(offline_issued) == 2
    # Appended as new entries of the target's chain: new ids and times, the extract named.
    mine = synced[synced["action"] == "notice_issued"]
    origins = [json.loads(d)["synced_from"] for d in mine["detail"]]
    assert [o["at"] for o in origins] == list(offline_issued["at"])
    assert {o["extract_id"] for o in origins} == {extract_id}
    assert (mine["id"] > log.loc[log["action"] == "extract", "id"].max()).all()
    from asset_register.store.audit_chain import verify
    assert verify(log).ok
    # Syncing again copies nothing twice.
    before = (len(source.notices()), len(source.responses()), len(source.audit_log()))
    again = sync_extract(s.path, _loc(source))
    assert (again.notices_added, again.responses_added, again.audit_added) == (0, 0, 0)
    assert again.notices_already == 2
    assert (len(source.notices()), len(source.responses())) == before[:2]
    # The source keeps numbering its own references after the sync.
    more = _notice(_loc(source), tmp_path / "online2")
    assert more[0] not in offline and more[0] != online[0]


def test_a_reference_clash_stops_the_whole_sync(source, tmp_path):
    s = _extract(source, tmp_path)
    with open_register(s.path) as ex:
        # The good notice comes first, so a partial sync would have copied it.
        ex.record_notice({"reference": f"{s.notice_prefix}-2026-00001", "status": "issued"})
        ex.record_notice({"reference": "LBX-2026-00001", "status": "issued", "promoter": "A"})
    source.record_notice({"reference": "LBX-2026-00001", "status": "issued", "promoter": "B"})
    with pytest.raises(ValidationError, match="LBX-2026-00001.*not numbered under its prefix "
                                              ".*nothing was synced"):
        sync_extract(s.path, _loc(source))
    assert list(source.notices()["reference"]) == ["LBX-2026-00001"]


def test_sync_refuses_other_registers_and_non_extracts(source, tmp_path, gpkg_store_factory):
    s = _extract(source, tmp_path)
    other = gpkg_store_factory("other.gpkg")
    with pytest.raises(ValidationError, match="not the register this extract was made from"):
        sync_extract(s.path, _loc(other))
    assert sync_extract(s.path, _loc(other), allow_other_target=True).notices_added == 0
    with pytest.raises(NotARegisterError, match="not an offline extract"):
        sync_extract(_loc(other), _loc(source))


def test_area_from_a_file_in_another_crs(tmp_path, gpkg_store_factory):
    store = gpkg_store_factory()
    path = tmp_path / "area.geojson"
    gpd.GeoDataFrame(geometry=[AREA], crs="EPSG:27700").to_crs(4326).to_file(path)
    area = read_area(str(path), store.crs, 0)
    assert shapely.hausdorff_distance(area, AREA) < 0.05  # GeoJSON keeps ~1 cm in degrees
    with pytest.raises(FootprintError, match="neither an existing file nor WKT"):
        read_area("POLYGON ((1 2", store.crs)
    with pytest.raises(FootprintError, match="no polygon"):
        read_area("LINESTRING (0 0, 1 1)", store.crs)
    with pytest.raises(FootprintError, match="negative"):
        read_area(shapely.to_wkt(AREA), store.crs, -1)


def test_extract_cli_from_a_shared_register(pg_store, tmp_path, capsys, fixed_clock):
    pg_store.upsert_owner(Owner("WSX", "Wessex Water"))
    pg_store.write_batch(synthetic_assets(300), _batch("WSX", "w.gpkg", "d" * 64))
    out = tmp_path / "site.gpkg"
    assert main(["extract", pg_store.url_text, "--area", shapely.to_wkt(AREA), "--buffer", "5",
                 "--out", str(out), "--days", "7"]) == 0
    text = capsys.readouterr().out
    assert "expires" in text and "asset-register sync" in text
    with open_register(str(out), read_only=True) as ex:
        assert ex.get_setting("extract_expires") == "2026-11-30"  # 7 days after the fixed clock's day
        assert ex.get_setting("rules_toml") == default_rules_text()
    assert main(["extract", pg_store.url_text, "--area", shapely.to_wkt(AREA),
                 "--out", str(out)]) != 0  # never overwrites a file


def test_a_planner_login_extracts_and_syncs(pg_server, pg_store, tmp_path):
    import uuid

    from asset_register.store.postgis.roles import create_login

    pg_store.upsert_owner(Owner("WSX", "Wessex Water"))
    pg_store.write_batch(synthetic_assets(300), _batch("WSX", "w.gpkg", "e" * 64))
    name = f"field_{uuid.uuid4().hex[:6]}"
    create_login(pg_store, name, "planner", password="pw")
    planner = pg_server.url(user=name, password="pw", schema=pg_store.schema)
    s = make_extract(planner, read_area(shapely.to_wkt(AREA), pg_store.crs), tmp_path / "f.gpkg")
    assert s.assets > 0
    with open_register(s.path) as ex:
        ex.record_notice({"reference": f"{s.notice_prefix}-2026-00001", "status": "issued"})
    assert sync_extract(s.path, planner).notices_added == 1
    assert list(pg_store.notices()["reference"]) == [f"{s.notice_prefix}-2026-00001"]
    log = pg_store.audit_log()
    assert (log["action"] == "extract").any() and (log["action"] == "sync_extract").any()


def test_an_extract_with_a_tampered_audit_log_is_not_synced(source, tmp_path):
    """Back-dated entries slipped into an extract's log break its chain: nothing is synced."""
    import sqlite3

    s = _extract(source, tmp_path)
    with open_register(s.path) as ex:
        ex.audit("check", {"purpose": "field"})
    con = sqlite3.connect(s.path, isolation_level=None)
    con.execute("INSERT INTO audit_log (id, at, user, action, detail, prev_hash, hash) VALUES "
                "(-5, '2020-01-01T00:00:00.000+00:00', 'boss', 'check', '{}', ?, ?)",
                ("0" * 64, "f" * 64))
    con.close()
    before = len(source.audit_log())
    with pytest.raises(ValidationError, match="tampered with.*entry -5.*nothing was synced"):
        sync_extract(s.path, _loc(source))
    assert len(source.audit_log()) == before
