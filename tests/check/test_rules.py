"""Rules file: defaults as DESIGN §5, strict validation, vectorised classification."""

from __future__ import annotations

from importlib.resources import files

import pandas as pd
import pytest

from asset_register.check.clearance import classify
from asset_register.check.rules import default_rules, load_rules, parse_rules
from asset_register.errors import RulesError


def test_defaults_are_design_section_5():
    r = default_rules()
    assert r.version == "default-2026.3"
    by = {c.name: c for c in r.classes}
    assert by["buried_service"].clearance_m == 0.5 and not by["buried_service"].match
    for name in ("hv_electricity", "gas_mp_plus", "hazardous_pipeline"):
        assert by[name].clearance_m == 3.0 and by[name].high_risk and by[name].contact_owner
    assert by["precaution_zone"].clearance_m == 0.0 and not by["precaution_zone"].add_uncertainty
    assert r.unknown_uncertainty_m == 1.0
    assert r.quality_level_m["D"] == 1.0 and r.quality_level_m["A"] == 0.05
    assert r.coordination_m == 50.0
    assert r.crs_unknown_m == 0.0


def _doc(**over):
    doc = {"version": "t1", "classes": [{"name": "all", "clearance_m": 0.5, "precaution": "p"}]}
    doc.update(over)
    return doc


@pytest.mark.parametrize(
    "doc, words",
    [
        (_doc(colour="red"), ["'colour'", "valid keys", "classes", "version"]),
        (_doc(classes=[{"name": "a", "clearance_m": 1, "precaution": "p", "clearence_m": 2}]),
         ["classes[0]", "'clearence_m'", "clearance_m"]),
        (_doc(classes=[{"name": "a", "clearance_m": -1, "precaution": "p"}]), ["clearance_m", "-1"]),
        (_doc(classes=[{"name": "a", "clearance_m": "3", "precaution": "p"}]), ["number"]),
        (_doc(classes=[{"name": "hv", "match": {"voltage": ["HV"]}, "clearance_m": 3, "precaution": "p"}]),
         ["last class", "catch-all"]),
        (_doc(classes=[{"name": "a", "clearance_m": 1, "precaution": "p"},
                       {"name": "b", "clearance_m": 1, "precaution": "p"}]), ["never match", "'b'"]),
        (_doc(classes=[{"name": "x", "match": {"voltage": ["11kV"]}, "clearance_m": 3, "precaution": "p"},
                       {"name": "a", "clearance_m": 1, "precaution": "p"}]), ["'11kV'", "HV"]),
        (_doc(classes=[{"name": "x", "match": {"colour": ["red"]}, "clearance_m": 3, "precaution": "p"},
                       {"name": "a", "clearance_m": 1, "precaution": "p"}]), ["'colour'", "voltage"]),
        (_doc(uncertainty={"quality_level": {"Z": 1}}), ["'Z'", "B4"]),
        (_doc(uncertainty={"unknown_m": -0.1}), ["unknown_m"]),
        (_doc(methods={"blasting": {}}), ["'blasting'", "trenchless"]),
        (_doc(coordination={"distance": 50}), ["'distance'", "distance_m"]),
        (_doc(owners={"expected_utilities": ["gas", "steam"]}), ["expected_utilities"]),
        ({"classes": _doc()["classes"]}, ["'version'"]),
    ],
)
def test_bad_rules_are_refused_with_a_clear_message(doc, words):
    with pytest.raises(RulesError) as err:
        parse_rules(doc, "authority.toml")
    msg = str(err.value)
    assert "authority.toml" in msg
    for w in words:
        assert w in msg, msg


def test_rules_file_errors(tmp_path):
    with pytest.raises(RulesError, match="does not exist"):
        load_rules(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("version = \n")
    with pytest.raises(RulesError, match="not valid TOML"):
        load_rules(bad)
    good = tmp_path / "good.toml"
    good.write_text('version = 7\n[[classes]]\nname="all"\nclearance_m=1.5\nprecaution="dig by hand"\n')
    r = load_rules(good)
    assert r.version == "7" and r.classes[0].clearance_m == 1.5 and r.source == str(good)


def test_classify_every_risk_class_first_match_wins():
    r = default_rules()
    frame = pd.DataFrame({
        "utility": ["electricity", "electricity", "electricity", "electricity", "gas", "gas", "gas",
                    "gas", "gas", "hazardous_pipeline", "water", "electricity"],
        "asset_class": ["cable"] * 11 + ["precaution_zone"],
        "voltage": ["HV", "EHV", "LV", None, None, None, None, None, None, None, None, "HV"],
        "pressure": [None, None, None, None, "LP", "MP", "IP", "HP", None, None, None, None],
        "status": "in_service", "owner": "X",
    })
    names = [r.classes[i].name for i in classify(frame, r)]
    # unknown is dangerous: electricity without a voltage and gas without a pressure are
    # matched as EHV / HP (rules [unknown])
    assert names == ["hv_electricity", "hv_electricity", "buried_service", "hv_electricity",
                     "buried_service", "gas_mp_plus", "gas_mp_plus", "gas_mp_plus",
                     "gas_mp_plus", "hazardous_pipeline", "buried_service", "precaution_zone"]


def test_null_match_value_catches_unknown_voltage():
    doc = _doc(classes=[
        {"name": "elec_unknown", "match": {"utility": ["electricity"], "voltage": ["HV", "null"]},
         "clearance_m": 3, "precaution": "p"},
        {"name": "all", "clearance_m": 0.5, "precaution": "p"}])
    r = parse_rules(doc)
    frame = pd.DataFrame({"utility": ["electricity", "electricity", "electricity"],
                          "voltage": [None, "LV", "HV"]})
    assert [r.classes[i].name for i in classify(frame, r)] == ["elec_unknown", "all", "elec_unknown"]


def test_the_register_rules_setting_is_used_by_cli_and_app_alike(tmp_path, gpkg_store_factory):
    from asset_register.check import rules_for
    from asset_register.cli.main import main

    store = gpkg_store_factory()
    assert rules_for(store).version == default_rules().version
    custom = tmp_path / "authority.toml"
    text = (files("asset_register.check") / "default_rules.toml").read_text("utf-8")
    custom.write_text(text.replace('version = "', 'version = "WSX-', 1), "utf-8")
    store.close()
    assert main(["notice-settings", store.location, "--rules", str(custom)]) == 0
    from asset_register.store import open_register

    custom.unlink()  # the rules live in the register by content, not in the file
    with open_register(store.location) as s:
        assert rules_for(s).version.startswith("WSX-")
        assert rules_for(s, None).version == rules_for(s).version
        assert s.get_setting("rules_source") == "authority.toml"
        # rules text changed behind the application's back no longer matches its SHA-256
        s.set_setting("rules_toml", text.replace('version = "', 'version = "CARRIED-', 1))
        with pytest.raises(RulesError, match="SHA-256"):
            rules_for(s)
