"""A contractor's extract is signed by the authority and read-only: it says who issued it and
whether it is intact, every kind of tampering is caught, every write is refused in one line
with the file unchanged, and restricted assets are not in the file at all."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3

import pandas as pd
import pytest
import shapely

from asset_register import settings as reg
from asset_register.check.checker import Checker
from asset_register.check.result import DigSite
from asset_register.cli.main import main
from asset_register.errors import RulesError, RegisterReadOnlyError, ValidationError
from asset_register.extract import make_extract
from asset_register.model import BatchInfo, Owner
from asset_register.signing import new_key
from asset_register.store import open_register
from tests.conftest import synthetic_assets

AREA = shapely.box(529000, 179000, 532000, 182000)


@pytest.fixture
def source(gpkg_store_factory):
    """A register with 44 WSX assets, 4 of them restricted (ids SECRETPIPE-n, a secret
    attribute), and a rejected row of a restricted asset."""
    src = gpkg_store_factory()
    src.upsert_owner(Owner("WSX", "Wessex Water", phone="0345 600 4600"))
    reg.write(src, "authority_name", "Wessex Streetworks")
    assets = synthetic_assets(44)
    secret = assets["restricted"].to_numpy()
    assets.loc[secret, "asset_id"] = [f"SECRETPIPE-{i}" for i in range(secret.sum())]
    assets.loc[secret, "attrs"] = json.dumps({"site": "SECRET-DEPOT"})
    rejects = pd.DataFrame([{"row": 45, "reason": "no geometry",
                             "attrs": json.dumps({"restricted": "yes", "site": "SECRET-GATE"})}])
    src.write_batch(assets, BatchInfo(source_file="w.gpkg", owner="WSX"), rejects=rejects)
    path = src.path
    src.close()
    return path, assets


@pytest.fixture
def extract(source, tmp_path, signing_key, fixed_clock):
    path, _ = source
    out = tmp_path / "contractor.gpkg"
    assert main(["extract", str(path), "--area", shapely.to_wkt(AREA), "--out", str(out),
                 "--contractor"]) == 0
    return out


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_signed_extract_names_its_issuer_and_is_intact(extract, signing_key, capsys):
    capsys.readouterr()
    assert main(["info", str(extract)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith(f"{extract} is a signed, read-only extract issued by Wessex "
                           f"Streetworks (AR) (key {signing_key.key_id}) on 2026-11-23")
    assert last.endswith(": intact")
    assert main(["info", str(extract), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)["signed_extract"]
    assert info["intact"] and info["key_id"] == signing_key.key_id
    assert main(["audit", "verify", str(extract)]) == 0
    assert "intact" in capsys.readouterr().out
    assert not os.access(extract, os.W_OK) or os.geteuid() == 0
    assert extract.stat().st_mode & 0o222 == 0  # the file's write bits are off
    assert not any(p.name.endswith(("-wal", "-shm")) for p in extract.parent.iterdir())


def test_restricted_assets_and_rejects_are_not_in_the_file(extract, source):
    data = extract.read_bytes()
    for secret in (b"SECRETPIPE", b"SECRET-DEPOT", b"SECRET-GATE"):
        assert secret not in data
    _, assets = source
    with open_register(str(extract)) as ex:
        got = ex.read_assets()
        assert got["restricted"].sum() == 4 and len(got) == 44
        assert got.loc[got["restricted"], "asset_id"].str.startswith("restricted:WSX:").all()
        assert len(ex.rejects()) == 0
        target = assets.loc[assets["restricted"], "geometry"].iloc[0]
        result = Checker(ex).check(DigSite(footprint=target.centroid.buffer(0.3), depth_m=1.0))
    assert (result.conflicts["asset_id"].str.startswith("restricted:WSX:")
            & (result.conflicts["severity"] == "strike")).any()


def _edit(path, *statements):
    """What the holder of the file can do with any SQLite tool: drop the triggers that
    stand in the way, change the content, put the triggers back as they were."""
    from asset_register.store.gpkg.geom import register_functions

    os.chmod(path, 0o644)
    con = sqlite3.connect(path)
    register_functions(con)  # the GeoPackage functions its own triggers call, as GDAL has
    triggers = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                           "AND name LIKE 'sealed_no_%'").fetchall()
    for name, _ in triggers:
        con.execute(f'DROP TRIGGER "{name}"')
    for statement in statements:
        if not statement.startswith("DROP TRIGGER"):  # (that one is dropped already)
            con.execute(statement)
    for name, sql in triggers:
        if f"DROP TRIGGER {name}" not in statements:
            con.execute(sql)
    con.commit()
    con.close()


TAMPERING = {
    "an asset moved": ("UPDATE assets SET depth_m = 9.9 WHERE fid = 3", "content was changed"),
    "an asset deleted": ("DELETE FROM assets WHERE fid = 5", "content was changed"),
    "an asset hidden from the spatial index": (
        "DELETE FROM rtree_assets_geom WHERE id = 7", "content was changed"),
    "an owner's phone changed": ("UPDATE owners SET phone = '0000'", "content was changed"),
    "the rules changed": ("UPDATE settings SET value = value || ' ' WHERE key = 'rules_toml'",
                          "content was changed"),
    "the expiry moved": ("UPDATE settings SET value = '2099-01-01' "
                         "WHERE key = 'extract_expires'", "content was changed"),
    "a trigger dropped": ("DROP TRIGGER sealed_no_update_assets", "content was changed"),
    "the issuer renamed": ("UPDATE extract_signature SET issuer = 'Someone Else'",
                           "signature does not match"),
    "the signature removed": ("DELETE FROM extract_signature", "holds 0 rows"),
}


@pytest.mark.parametrize("what", sorted(TAMPERING))
def test_tampering_is_reported_in_one_line(extract, what, capsys):
    statement, problem = TAMPERING[what]
    _edit(extract, statement)
    capsys.readouterr()
    assert main(["info", str(extract)]) == 3
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert f"{extract} is NOT intact: " in last and problem in last
    assert main(["info", str(extract), "--json"]) == 3
    assert json.loads(capsys.readouterr().out)["signed_extract"]["intact"] is False
    assert main(["audit", "verify", str(extract)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "NOT intact" in err and problem in err
    with open_register(str(extract)) as ex:  # the dig check says so on every check
        if what == "the rules changed":  # the register's rules no longer match their hash:
            with pytest.raises(RulesError, match="do not match their recorded SHA-256"):
                Checker(ex)  # refused, as by every way into the check (rules_for)
            return
        result = Checker(ex).check(DigSite(footprint=shapely.Point(530500, 180500).buffer(2)))
    assert any("NOT intact" in w for w in result.warnings)


def test_re_signing_with_another_key_shows_that_key(extract, signing_key, tmp_path, capsys):
    """Whoever re-signs a changed extract with a key of their own gets 'intact' — under their
    key id, which is not the one the authority publishes (`keys show`)."""
    from asset_register.store import seal_extract

    from asset_register.store.gpkg.geom import register_functions

    os.chmod(extract, 0o644)
    con = sqlite3.connect(extract)
    register_functions(con)
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                               "AND name LIKE 'sealed_no_%'").fetchall():
        con.execute(f'DROP TRIGGER "{name}"')
    con.execute("UPDATE assets SET depth_m = 9.9 WHERE fid = 3")
    con.execute("DROP TABLE extract_signature")
    con.commit()
    con.close()
    forger = new_key(tmp_path / "forger-key")
    seal_extract(extract, forger, "Wessex Streetworks (AR)", "2026-11-23T10:00:00+00:00")
    capsys.readouterr()
    assert main(["info", str(extract)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert forger.key_id in last and signing_key.key_id not in last
    # checked against the id the authority published, it is refused in one line
    assert main(["audit", "verify", str(extract), "--key-id", signing_key.key_id]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"is not signed with key {signing_key.key_id}" in err
    assert f"it is signed with key {forger.key_id}" in err
    assert main(["audit", "verify", str(extract), "--key-id", forger.key_id]) == 0


WRITES = {
    "settings": ["settings", "{x}", "authority_name", "Someone"],
    "import": ["import", "{x}", "{delivery}", "--owner", "WSX", "--utility", "water"],
    "works import": ["works", "import", "{x}", "{works}"],
    "notice": ["notice", "{x}", "--wkt", "POINT (530500 180500)", "--radius", "2", "--promoter", "Acme",
               "--out", "{out}"],
    "respond": ["respond", "{x}", "AR-2026-00001", "WSX", "affected"],
    "deviation add": ["deviation", "add", "{x}", "unrecorded", "--at", "POINT (530500 180500)",
                      "--utility", "water", "--owner", "WSX"],
    "sync": ["sync", "{x}", "{source}"],
}


@pytest.mark.parametrize("command", sorted(WRITES))
def test_every_write_is_refused_and_the_file_unchanged(extract, source, command, tmp_path,
                                                       capsys):
    delivery = tmp_path / "delivery.geojson"
    delivery.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"id": "N1", "type": "water"},
        "geometry": {"type": "Point", "coordinates": [530500, 180500]}}],
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}}))
    works = tmp_path / "works.csv"
    works.write_text("reference,wkt\nW1,POINT (530500 180500)\n")
    before, files = _digest(extract), sorted(p.name for p in extract.parent.iterdir())
    args = [a.format(x=extract, delivery=delivery, works=works, out=tmp_path / "n",
                     source=source[0]) for a in WRITES[command]]
    capsys.readouterr()
    code = main(args)
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1 and str(extract) in err
    assert "signed, read-only" in err
    assert _digest(extract) == before
    assert sorted(p.name for p in extract.parent.iterdir()) == files


def test_the_store_refuses_writes_and_records_no_use(extract):
    before = _digest(extract)
    with open_register(str(extract)) as ex:  # asked writable: read-only all the same
        assert ex.sealed and ex.read_only
        assert ex._con.execute("PRAGMA query_only").fetchone()[0] == 1
        with pytest.raises(RegisterReadOnlyError, match="signed, read-only extract issued by "
                                                        "Wessex Streetworks"):
            ex.set_setting("authority_name", "x")
        with pytest.raises(RegisterReadOnlyError):
            ex.audit("forged", {})
        assert ex.record_use("check", {"purpose": "x"}) is False
        Checker(ex).check(DigSite(footprint=shapely.Point(530500, 180500).buffer(2)))
    assert _digest(extract) == before


def test_a_plain_sqlite_edit_is_refused_by_the_file_itself(extract):
    from asset_register.store.gpkg.geom import register_functions

    os.chmod(extract, 0o644)  # past the permission bits too
    con = sqlite3.connect(extract)
    register_functions(con)  # as GDAL would have them
    for statement in ("UPDATE assets SET depth_m = 1", "DELETE FROM owners",
                      "INSERT INTO audit_log (action) VALUES ('x')",
                      "DELETE FROM rtree_assets_geom WHERE id = 1",
                      "UPDATE extract_signature SET issuer = 'x'"):
        with pytest.raises(sqlite3.DatabaseError):
            con.execute(statement)
    con.close()
    with open_register(str(extract)) as ex:
        assert ex.seal_verdict().ok


def test_a_contractor_extract_needs_the_key_and_writes_nothing_without_it(
        source, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ASSET_REGISTER_SIGNING_KEY", str(tmp_path / "none"))
    out = tmp_path / "c.gpkg"
    assert main(["extract", str(source[0]), "--area", shapely.to_wkt(AREA), "--out", str(out),
                 "--contractor"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no signing key at" in err and "keys new" in err
    assert not out.exists()
    with pytest.raises(ValidationError, match="signed"):
        make_extract(str(source[0]), AREA, out, restricted_free=True)
    assert not out.exists()
