"""Rules stored in the register by content (text, source file name, SHA-256), on GeoPackage
and PostGIS: every PC of a register checks with the same rules, whatever files it has; an
older register's path setting is upgraded by a named, recorded migration, and a file missing
at the upgrade leaves the shipped rules with a warning every check repeats."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from importlib.resources import files

import pytest

from asset_register import settings as reg
from asset_register.check import Checker, rules_for
from asset_register.check.programme import single_site
from asset_register.check.rules import default_rules, store_rules
from asset_register.cli.main import main
from asset_register.model import BatchInfo
from asset_register.store import open_register
from tests.audit_helpers import GPKG_UNCHAIN, PG_UNCHAIN
from tests.conftest import synthetic_assets

DEFAULT_TEXT = (files("asset_register.check") / "default_rules.toml").read_text("utf-8")
DIG = "POLYGON ((530400 180400, 530420 180400, 530420 180410, 530400 180410, 530400 180400))"
MIGRATION = {"gpkg": (3, "rules_in_register"), "postgis": (4, "rules_in_register")}


def _authority_rules(folder, tag: str = "WSX"):
    path = folder / f"{tag.lower()}-rules.toml"
    path.write_text(DEFAULT_TEXT.replace('version = "', f'version = "{tag}-', 1), "utf-8")
    return path


def _backend(store) -> str:
    return "postgis" if hasattr(store, "schema") else "gpkg"


def _reopen(store):
    return open_register(getattr(store, "url_text", store.location))


def test_rules_set_from_a_file_are_stored_by_content_for_every_pc(store, tmp_path, capsys):
    path = _authority_rules(tmp_path)
    location = getattr(store, "url_text", store.location)
    store.close()
    assert main(["settings", location, "rules", str(path)]) == 0
    assert "wsx-rules.toml (sha256 " in capsys.readouterr().out
    text = path.read_text("utf-8")
    path.unlink()  # another PC has no such file: the register carries the rules
    with open_register(location, read_only=True) as other_pc:
        assert other_pc.get_setting("rules_toml") == text
        assert other_pc.get_setting("rules_source") == "wsx-rules.toml"
        assert other_pc.get_setting("rules_sha256") == hashlib.sha256(text.encode()).hexdigest()
        rules = rules_for(other_pc)
        assert rules.version.startswith("WSX-") and rules.warnings == ()
        assert "wsx-rules.toml stored in the register" in rules.source
    assert main(["settings", location, "rules", "default"]) == 0
    with open_register(location, read_only=True) as s:
        assert rules_for(s).version == default_rules().version
        assert reg.describe_rules(s) == "default" and s.get_setting("rules_toml") == ""


def test_bad_rules_are_refused_and_the_stored_ones_kept(store, tmp_path, capsys):
    good = _authority_rules(tmp_path)
    store_rules(store, str(good))
    bad = tmp_path / "bad.toml"
    bad.write_text(DEFAULT_TEXT.replace("[[classes]]", "[[klasses]]", 1), "utf-8")
    before = reg.register_values(store)
    with pytest.raises(Exception, match="bad.toml"):
        store_rules(store, str(bad))
    assert reg.register_values(store) == before and rules_for(store).version.startswith("WSX-")


def _make_old(store, rules_file: str) -> str:
    """Turn ``store`` into a register of the schema before rules by content, naming
    ``rules_file`` (as every register made before did); returns its location."""
    version = MIGRATION[_backend(store)][0]
    location = getattr(store, "url_text", store.location)
    if _backend(store) == "gpkg":
        store.close()
        con = sqlite3.connect(location)
        for stmt in GPKG_UNCHAIN:  # and from before the audit chain, which came later
            con.execute(stmt)
        con.execute("DELETE FROM schema_migrations WHERE version = ?", (version,))
        con.execute("INSERT INTO settings (key, value) VALUES ('rules_file', ?)", (rules_file,))
        con.commit()
        con.close()
    else:
        s = store.schema
        with store.atomic() as conn:
            for stmt in PG_UNCHAIN:  # and from before the audit chain, which came later
                conn.execute(stmt)
            conn.execute(f"DELETE FROM {s}.schema_migrations WHERE version = %s", (version,))
            conn.execute(f"INSERT INTO {s}.settings VALUES ('rules_file', %s)", (rules_file,))
        store.close()
    return location


def test_an_old_register_naming_a_rules_file_is_upgraded_to_its_content(store, tmp_path):
    path = _authority_rules(tmp_path, "OLD")
    location = _make_old(store, str(path))
    if _backend(store) == "gpkg":  # read-only, a GeoPackage is read as it is: not upgraded
        with open_register(location, read_only=True) as before_upgrade:
            assert before_upgrade.get_setting("rules_file") == str(path)
            assert rules_for(before_upgrade).version.startswith("OLD-")
    with open_register(location) as s:
        assert MIGRATION[_backend(s)] in [m[:2] for m in s.applied_migrations()]
        assert s.get_setting("rules_file") is None
        assert s.get_setting("rules_toml") == path.read_text("utf-8")
        assert s.get_setting("rules_source") == "old-rules.toml"
        log = s.audit_log()  # the upgrade's entry, then the chain's start (issue 16)
        assert list(log["action"].iloc[-2:]) == ["rules_in_register", "audit_chain_started"]
        entry = log.iloc[-2]
        assert entry["action"] == "rules_in_register" and str(path) in entry["detail"]
    path.unlink()
    with open_register(location, read_only=True) as s:
        assert rules_for(s).version.startswith("OLD-") and rules_for(s).warnings == ()


def test_an_old_register_whose_rules_file_is_missing_says_so_in_every_check(store, tmp_path):
    store.write_batch(synthetic_assets(40, y0=180000.0), BatchInfo("a.gpkg", owner="WSX"))
    missing = str(tmp_path / "gone" / "authority.toml")
    location = _make_old(store, missing)
    with open_register(location) as s:
        assert MIGRATION[_backend(s)] in [m[:2] for m in s.applied_migrations()]
        assert s.get_setting("rules_toml") == "" and s.get_setting("rules_file") is None
        assert missing in s.get_setting("rules_warning")
        assert "was missing when the register was upgraded" in s.get_setting("rules_warning")
    with open_register(location, read_only=True) as s:
        rules = rules_for(s)
        assert rules.version == default_rules().version
        assert len(rules.warnings) == 1 and missing in rules.warnings[0]
        with Checker(s, rules) as checker:
            result = checker.check(single_site(s, wkt=DIG, rules=rules))
        assert any(missing in w and "shipped default rules" in w for w in result.warnings)
    authority = _authority_rules(tmp_path)
    with open_register(location) as s:  # setting the rules again ends the warning
        store_rules(s, str(authority))
        assert s.get_setting("rules_warning") == ""
        assert rules_for(s).warnings == () and rules_for(s).version.startswith("WSX-")


def test_a_copied_register_keeps_its_rules(gpkg_store_factory, tmp_path):
    store = gpkg_store_factory()
    store_rules(store, str(_authority_rules(tmp_path)))
    store.close()
    other = tmp_path / "elsewhere"
    other.mkdir()
    shutil.copy(store.location, other / "copy.gpkg")
    (tmp_path / "wsx-rules.toml").unlink()
    with open_register(other / "copy.gpkg", read_only=True) as s:
        assert rules_for(s).version.startswith("WSX-")


def test_an_old_register_read_only_names_a_file_missing_here(gpkg_store_factory, tmp_path):
    missing = str(tmp_path / "authority.toml")
    location = _make_old(gpkg_store_factory(), missing)
    with open_register(location, read_only=True) as s:  # not upgraded: said, not hidden
        rules = rules_for(s)
        assert rules.version == default_rules().version
        assert rules.warnings and missing in rules.warnings[0] and "on this computer" in rules.warnings[0]


def test_an_offline_extract_carries_the_stored_rules_with_their_provenance(
        gpkg_store_factory, tmp_path):
    import shapely

    from asset_register.extract import make_extract

    store = gpkg_store_factory()
    store.write_batch(synthetic_assets(40), BatchInfo("a.gpkg", owner="WSX"))
    store_rules(store, str(_authority_rules(tmp_path)))
    source = {k: store.get_setting(k) for k in ("rules_toml", "rules_source", "rules_sha256")}
    store.close()
    area = shapely.box(530000, 180000, 530500, 180500)
    make_extract(store.location, area, tmp_path / "field.gpkg", days=7)
    with open_register(tmp_path / "field.gpkg", read_only=True) as ex:
        assert {k: ex.get_setting(k) for k in source} == source
        assert rules_for(ex).version.startswith("WSX-")
