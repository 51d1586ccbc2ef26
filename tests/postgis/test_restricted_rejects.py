"""Rejected rows of restricted assets keep their original attributes: the server returns them
only to logins cleared for restricted assets and to the editors granted their owner (PostGIS
migration 8); an extract never carries rejects at all."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from asset_register.cli.main import main
from asset_register.extract import make_extract
from asset_register.model import BatchInfo
from asset_register.store import open_register
from tests.conftest import synthetic_assets
from tests.postgis.test_security import _restricted, _sql, secured  # noqa: F401

pytestmark = pytest.mark.postgis


def _rejects(*rows):
    return pd.DataFrame([{"row": i + 1, "reason": reason, "attrs": attrs}
                         for i, (reason, attrs) in enumerate(rows)])


@pytest.fixture
def with_rejects(secured):  # noqa: F811
    store, logins = secured
    more = _restricted(3)
    more["asset_id"] = more["asset_id"] + "-b"
    store.write_batch(more, BatchInfo(source_file="m2.gpkg", owner="MOD"), rejects=_rejects(
        ("no geometry", '{"site": "SECRET-DEPOT", "depth": "3.5"}')))
    extra = synthetic_assets(4, seed=3)
    extra["asset_id"] = extra["asset_id"] + "-x"
    extra["restricted"] = False
    store.write_batch(extra, BatchInfo(source_file="w2.gpkg", owner="WSX"), rejects=_rejects(
        ("bad status 'open'", '{"name": "OPEN-MAIN"}'),
        ("no geometry", '{"name": "SECRET-VALVE", "Sensitive": " Yes "}'),
        ("no geometry", "not json")))
    return store, logins


EXPECTED = {  # what each login reads of the four rejects
    "viewer": {"OPEN-MAIN"}, "planner": {"OPEN-MAIN"},
    "editor": {"OPEN-MAIN", "SECRET-VALVE", "not json"},  # WSX's editor: it delivered them
    "cleared": {"OPEN-MAIN", "SECRET-VALVE", "not json", "SECRET-DEPOT"},
    "admin": {"OPEN-MAIN", "SECRET-VALVE", "not json", "SECRET-DEPOT"},
}


def _markers(frame) -> set[str]:
    found = set()
    for attrs in frame["attrs"].dropna():
        hit = [m for m in ("OPEN-MAIN", "SECRET-VALVE", "SECRET-DEPOT") if m in attrs]
        found |= set(hit) if hit else {attrs}
    return found


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_login_reads_only_the_rejects_it_is_cleared_for(with_rejects, kind, capsys):
    store, logins = with_rejects
    name, url = logins[kind]
    with open_register(url, read_only=True) as mine:
        assert _markers(mine.rejects()) == EXPECTED[kind]
        assert mine.stats()["rejects"] == len(EXPECTED[kind])
    with _sql(store, url) as conn:  # raw SQL with the login's own password: the same rows
        rows = conn.execute("SELECT attrs FROM rejects").fetchall()
        assert _markers(pd.DataFrame(rows, columns=["attrs"])) == EXPECTED[kind]
    assert main(["rejects", url]) == 0
    out = capsys.readouterr().out
    for marker in {"SECRET-VALVE", "SECRET-DEPOT"} - EXPECTED[kind]:
        assert marker not in out


def test_the_owner_of_the_register_reads_every_reject(with_rejects):
    store, _ = with_rejects
    assert _markers(store.rejects()) == EXPECTED["admin"]


def test_an_extract_carries_no_rejects(with_rejects, tmp_path, signing_key):
    store, logins = with_rejects
    area = shapely.box(529000, 179000, 532000, 182000)
    for kind, contractor in (("admin", False), ("cleared", True)):
        out = tmp_path / f"{kind}.gpkg"
        make_extract(logins[kind][1], area, out, restricted_free=contractor,
                     signing_key=signing_key if contractor else None)
        data = out.read_bytes()
        for marker in (b"SECRET-VALVE", b"SECRET-DEPOT", b"OPEN-MAIN"):
            assert marker not in data, (kind, marker)
        with open_register(str(out), read_only=True) as ex:
            assert len(ex.rejects()) == 0


def test_a_viewer_check_is_recorded_and_a_viewer_writes_no_other_entry(with_rejects, capsys):
    store, logins = with_rejects
    name, url = logins["viewer"]
    assert main(["check", url, "--wkt", "POINT (530300 180300)", "--radius", "3",
                 "--purpose", "survey of the depot gate"]) == 0
    out = capsys.readouterr().out
    assert "restricted:MOD:" in out and "SECRET" not in out
    log = store.audit_log()
    mine = log[log["user"].str.endswith("@" + name)]
    assert list(mine["action"]) == ["check"]
    assert "survey of the depot gate" in mine["detail"].iloc[0]
    import psycopg

    with _sql(store, url) as conn:
        for action in ("notice_issued_forged", "sync_extract", "import_batch"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="only its own uses"):
                conn.execute("INSERT INTO audit_log (at, action) VALUES ('x', %s)", (action,))


def test_a_deviation_report_on_a_restricted_asset_is_read_only_by_the_cleared(with_rejects):
    """Where a restricted asset was really found is restricted detail too."""
    from asset_register.deviations.report import add_report

    store, logins = with_rejects
    mod_id = next(a for a in store.read_assets()["asset_id"] if a.startswith("MOD:"))
    with open_register(logins["admin"][1]) as cleared:  # a cleared login in the field
        add_report(cleared, "elsewhere", asset_id=mod_id, position="POINT (530333 180333)",
                   accuracy_m=0.5)
    with open_register(logins["planner"][1]) as planner:  # an open asset: seen by everyone
        add_report(planner, "not_found", asset_id="WSX:0-1")
    seen = {}
    for kind in ("viewer", "planner", "editor", "cleared", "admin"):
        with open_register(logins[kind][1], read_only=True) as mine:
            seen[kind] = sorted(mine.deviations()["asset_id"])
    assert seen["viewer"] == seen["planner"] == seen["editor"] == ["WSX:0-1"]
    assert seen["cleared"] == seen["admin"] == sorted([mod_id, "WSX:0-1"])
    with _sql(store, logins["viewer"][1]) as conn:
        rows = conn.execute("SELECT geometry_wkt FROM deviations").fetchall()
        # every login reads the audit log: it names the restricted asset by its masked id
        log = conn.execute("SELECT detail FROM audit_log WHERE action = 'add_deviation' "
                           "ORDER BY id").fetchall()
    assert "530333" not in str(rows)
    assert len(log) == 2 and mod_id not in str(log) and "restricted:MOD" in str(log[0])
    assert "WSX:0-1" in str(log[1])


def test_a_viewer_gets_no_restricted_detail_from_checks_exports_extracts_or_the_log(
        with_rejects, tmp_path, capsys):
    """After a cleared login opened a restricted asset's details, everything a viewer can
    take away — a check's JSON, the owners' use report, an extract — still holds no real id,
    attribute or exact extent of a restricted asset."""
    from asset_register.use_log import record_identify

    store, logins = with_rejects
    truth = store.read_assets()
    secret = truth[truth["owner"] == "MOD"]
    real_ids = set(secret["asset_id"])
    with open_register(logins["admin"][1]) as cleared:
        asset = cleared.get_asset(secret["asset_id"].iloc[0])
        assert record_identify(cleared, asset)
    url = logins["viewer"][1]
    target = secret.geometry.iloc[0].centroid
    assert main(["check", url, "--wkt", target.buffer(1).wkt, "--purpose", "p", "--json"]) == 0
    assert main(["audit", "export", url, "--out", str(tmp_path / "uses.json")]) == 0
    assert main(["audit", "export", url, "--owner", "MOD", "--out", str(tmp_path / "uses.csv")]) == 0
    assert main(["extract", url, "--area", shapely.box(529000, 179000, 532000, 182000).wkt,
                 "--out", str(tmp_path / "site.gpkg")]) == 0
    shown = capsys.readouterr().out
    texts = [shown, (tmp_path / "uses.json").read_text(), (tmp_path / "uses.csv").read_text(),
             (tmp_path / "site.gpkg").read_bytes().decode("latin-1")]
    exact = [f"{v:.1f}" for v in secret.geometry.iloc[0].bounds]  # the real extent, to 0.1 m
    for text in texts:
        assert not [a for a in real_ids if a in text]
        assert "SECRET" not in text
    uses = (tmp_path / "uses.json").read_text()
    assert "identify_restricted" in uses and not all(v in uses for v in exact)
