"""The one registry of settings (asset_register.settings): types, defaults, patterns and
one-line errors; and `asset-register settings`, which lists, shows and sets through it."""

from __future__ import annotations

import json

import pytest

from asset_register import settings as reg
from asset_register.cli.main import build_parser, main
from asset_register.errors import SettingError
from asset_register.store import create_register, open_register


def test_every_setting_is_declared_once_per_scope_with_a_doc():
    seen = set()
    for s in reg.SETTINGS:
        assert (s.scope, s.key) not in seen, s.key
        seen.add((s.scope, s.key))
        assert s.scope in (reg.REGISTER, reg.MACHINE) and s.doc.endswith(".")
        if s.default:  # a default must itself be a value the setting accepts
            assert s.kind == reg.JSON or s.parse(s.default) == s.default, s.key
    assert {s.key for s in reg.settings_of(reg.REGISTER, editable=True)} == {
        "authority_name", "authority_code", "notice_prefix", "notice_validity_working_days",
        "authority_swa_code", "promoter_swa_code", "promoter_name", "colour_scheme", "rules",
        "authority_country"}


@pytest.mark.parametrize("key, given, stored", [
    ("notice_prefix", " lb-x ", "LBX"),
    ("authority_code", "rbc", "RBC"),
    ("notice_validity_working_days", "015", "15"),
    ("colour_scheme", "APWA", "apwa"),
    ("authority_swa_code", "5990", "5990"),
    ("authority_name", "  Royal Borough  ", "Royal Borough"),
    ("notice_prefix", "", ""),  # empty: back to the default
    ("extract_expires", "2026-02-03", "2026-02-03"),
    ("authority_country", " nl ", "NL"),
])
def test_values_are_normalised_by_type(key, given, stored):
    assert reg.setting(key).parse(given) == stored


@pytest.mark.parametrize("key, given, accepted", [
    ("notice_validity_working_days", "0", "whole number from 1 to 260"),
    ("notice_validity_working_days", "twenty", "whole number from 1 to 260"),
    ("notice_prefix", "ABCDEFGHIJ", "1 to 8 letters or digits"),
    ("notice_prefix", "--", "1 to 8 letters or digits"),
    ("colour_scheme", "rainbow", "one of njug, apwa"),
    ("authority_swa_code", "59901", "1 to 4 letters or digits"),
    ("extract_expires", "3 Feb", "YYYY-MM-DD"),
    ("delivery_areas", "{not json", "JSON"),
])
def test_bad_values_are_refused_in_one_line_naming_key_and_what_fits(key, given, accepted):
    with pytest.raises(SettingError) as err:
        reg.setting(key).parse(given)
    text = str(err.value)
    assert "\n" not in text and f"'{key}'" in text and repr(given) in text and accepted in text


def test_crs_values_must_be_projected_and_are_stored_as_epsg_codes():
    s = reg.setting("working_crs", reg.MACHINE)
    assert s.parse("27700") == "EPSG:27700" and s.parse("epsg:3857") == "EPSG:3857"
    for bad in ("EPSG:4326", "not-a-crs"):  # degrees; unknown
        with pytest.raises(SettingError, match="projected CRS in metres"):
            s.parse(bad)


def test_defaults_and_types_of_values_read():
    assert reg.setting("notice_validity_working_days").typed(None) == 20
    assert reg.setting("notice_validity_working_days").typed("15") == 15
    assert reg.setting("display_cache", reg.MACHINE).typed(None) is True
    assert reg.setting("display_cache", reg.MACHINE).typed("false") is False
    assert reg.setting("display_cache", reg.MACHINE).typed(False) is False  # QSettings' bool
    assert reg.setting("delivery_areas").typed(None) == []
    assert reg.setting("working_crs").typed("") == "EPSG:27700"


def test_patterns_match_their_keys_only():
    area = reg.setting("delivery_area:17G000041")
    assert area.key == "delivery_area:<reference>" and area.is_pattern
    assert reg.setting("delivery_areas").key == "delivery_areas"  # not the pattern
    assert reg.setting("notice/promoter", reg.MACHINE).key == "notice/<field>"
    for key in ("delivery_area:", "delivery_area", "notice/"):
        with pytest.raises(SettingError):
            reg.setting(key, reg.MACHINE if key.startswith("notice") else reg.REGISTER)


def test_unknown_keys_are_refused_with_the_known_ones():
    with pytest.raises(SettingError) as err:
        reg.setting("notice_prefx")
    text = str(err.value)
    assert "'notice_prefx'" in text and "notice_prefix" in text and "authority_name" in text
    assert "window/state" not in text  # the machine's are another scope
    with pytest.raises(SettingError, match="known machine settings are .*display_cache"):
        reg.setting("authority_name", reg.MACHINE)


def test_read_and_write_go_through_the_types(tmp_path):
    with create_register(tmp_path / "r.gpkg") as store:
        assert reg.read(store, "notice_validity_working_days") == 20  # default, not stored
        assert reg.write(store, "notice_validity_working_days", " 12 ") == "12"
        assert store.get_setting("notice_validity_working_days") == "12"
        assert reg.read(store, "notice_validity_working_days") == 12
        with pytest.raises(SettingError):
            reg.write(store, "notice_validity_working_days", "300")
        assert store.get_setting("notice_validity_working_days") == "12"
        with pytest.raises(SettingError, match="kept by the register itself"):
            reg.write(store, "working_crs", "EPSG:3857", by_user=True)
        with pytest.raises(SettingError, match="unknown setting"):
            reg.write(store, "no_such_key", "x")


@pytest.fixture
def town(tmp_path):
    path = tmp_path / "town.gpkg"
    assert main(["init", str(path), "--authority-name", "Wessex", "--authority-code", "wsx"]) == 0
    return path


def test_cli_lists_shows_and_sets_settings(town, capsys):
    capsys.readouterr()
    assert main(["settings", str(town), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed == {"authority_name": "Wessex", "authority_code": "WSX", "notice_prefix": "",
                      "notice_validity_working_days": "20", "authority_swa_code": "",
                      "promoter_swa_code": "", "promoter_name": "", "colour_scheme": "njug",
                      "rules": "default", "authority_country": ""}
    assert main(["settings", str(town)]) == 0  # an empty country: the one in force, in words
    assert "authority_country             (GB, from the register's CRS)" in capsys.readouterr().out
    assert main(["settings", str(town), "notice_prefix", "lb-x"]) == 0
    assert capsys.readouterr().out.split() == ["notice_prefix", "LBX"]
    assert main(["settings", str(town), "notice_prefix"]) == 0
    assert capsys.readouterr().out == "LBX\n"
    assert main(["settings", str(town), "--all", "--json"]) == 0
    everything = json.loads(capsys.readouterr().out)
    assert everything["working_crs"] == "EPSG:27700" and everything["notice_prefix"] == "LBX"
    with open_register(town, read_only=True) as store:
        assert store.get_setting("notice_prefix") == "LBX"


def test_cli_refuses_unknown_keys_bad_values_and_kept_settings(town, capsys):
    with open_register(town, read_only=True) as store:
        before = reg.register_values(store)
    capsys.readouterr()
    for argv, words in (
        (["settings", str(town), "validity", "10"], ["unknown setting 'validity'",
                                                     "notice_validity_working_days"]),
        (["settings", str(town), "notice_validity_working_days", "999"],
         ["'notice_validity_working_days'", "'999'", "from 1 to 260"]),
        (["settings", str(town), "working_crs", "EPSG:3857"], ["kept by the register itself"]),
        (["settings", str(town), "rules", str(town.parent / "missing.toml")],
         ["'rules'", "missing.toml", "cannot be read"]),
    ):
        assert main(argv) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and all(w in err[0] for w in words), err
    with open_register(town, read_only=True) as store:
        assert reg.register_values(store) == before


def test_cli_help_is_written_from_the_registry():
    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    text = sub.choices["settings"].format_help()
    for s in reg.settings_of(reg.REGISTER, editable=True):
        assert f"  {s.key}\n" in text
    assert "a whole number from 1 to 260; default 20." in " ".join(text.split())
    assert "delivery_area:<reference>" in text  # patterns listed among the kept ones
