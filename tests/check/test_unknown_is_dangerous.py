"""Unknown is dangerous (DESIGN §5): classes follow recorded values through the rules'
thresholds, gas of unknown pressure and electricity of unknown voltage are high risk by
default and reported as "class unknown". Every expected answer is worked out by hand."""

from __future__ import annotations

import json
import sqlite3

import pytest
import shapely

from asset_register.check import Checker, DigSite, load_rules
from asset_register.cli.check_cmd import render
from asset_register.model import ASSET_COLUMNS, BatchInfo
from asset_register.store import open_register
from tests.check.conftest import X0, Y0, asset

# A trench 1 m wide along y = Y0 .. Y0 + 1, 40 m long.
TRENCH = DigSite(shapely.box(X0, Y0, X0 + 40, Y0 + 1), reference="TRENCH")


def along(offset: float) -> shapely.LineString:
    """A line parallel to the trench, ``offset`` m north of its edge."""
    return shapely.LineString([(X0 - 10, Y0 + 1 + offset), (X0 + 50, Y0 + 1 + offset)])


def conflicts(store, rules=None) -> dict:
    """asset_id -> conflict row (both check paths must agree)."""
    with Checker(store, rules) as checker:
        single = checker.check(TRENCH)
        batch = checker.check_many([TRENCH])[0]
    a = single.conflicts.set_index("asset_id")
    b = batch.conflicts.set_index("asset_id")
    assert sorted(a.index) == sorted(b.index)
    assert (a["severity"] == b.loc[a.index, "severity"]).all()
    return {i: row for i, row in a.iterrows()}, single


def test_8_bar_406mm_gas_main_055m_from_a_trench_is_danger_with_contact(register):
    # the IMKL case: 8 bar transport main, accuracy class tot30cm, 0.55 m from the trench
    store = register([
        asset("GAS:main", along(0.55), owner="GAS", utility="gas", pressure="HP",
              pressure_bar=8.0, diameter_mm=406.0, h_accuracy_m=0.3),
        # the same main recorded with the value only (no class): same answer
        asset("GAS:value-only", along(0.6), owner="GAS", utility="gas", pressure_bar=8.0,
              diameter_mm=406.0, h_accuracy_m=0.3),
    ], owners=("GAS",))
    got, result = conflicts(store)
    for aid in ("GAS:main", "GAS:value-only"):
        c = got[aid]
        assert c["severity"] == "danger"
        assert c["risk_class"] == "gas_mp_plus"
        # 3 m high-risk clearance + 0.30 m accuracy + 0.203 m half diameter
        assert c["clearance_m"] == pytest.approx(3.0 + 0.3 + 0.203)
        assert bool(c["contact_owner"]) is True
        assert c["pressure"] == "HP" and c["pressure_bar"] == 8.0
        assert c["class_basis"] == "value"
    assert got["GAS:main"]["distance_m"] == pytest.approx(0.55)
    assert result.owners_affected[0]["owner"] == "GAS"
    assert result.owners_affected[0]["contact_required"] is True


def test_10_kv_cable_is_danger_and_230_v_cable_and_30_mbar_gas_are_caution(register):
    store = register([
        asset("E:10kv", along(0.4), owner="E", utility="electricity", asset_class="cable",
              voltage_v=10000.0),
        asset("E:230v", along(0.4), owner="E", utility="electricity", asset_class="cable",
              voltage_v=230.0),
        asset("G:30mbar", along(0.4), owner="G", utility="gas", pressure_bar=0.03),
        asset("E:33kv", along(2.9), owner="E", utility="electricity", asset_class="cable",
              voltage_v=33000.0),
    ], owners=("E", "G"))
    got, _ = conflicts(store)
    assert got["E:10kv"]["severity"] == "danger" and got["E:10kv"]["voltage"] == "HV"
    assert got["E:33kv"]["severity"] == "danger" and got["E:33kv"]["voltage"] == "EHV"
    assert got["E:230v"]["severity"] == "caution" and got["E:230v"]["voltage"] == "LV"
    assert got["E:230v"]["clearance_m"] == pytest.approx(0.5)
    assert got["G:30mbar"]["severity"] == "caution" and got["G:30mbar"]["pressure"] == "LP"
    assert {got[a]["class_basis"] for a in got} == {"value"}


def test_gas_without_pressure_and_electricity_without_voltage_are_danger_class_unknown(register):
    store = register([
        asset("G:unknown", along(2.0), owner="G", utility="gas"),
        asset("E:unknown", along(2.0), owner="E", utility="electricity", asset_class="cable"),
        asset("W:water", along(0.3), owner="W", utility="water"),  # not gas/electricity
    ], owners=("G", "E", "W"))
    got, result = conflicts(store)
    for aid, cls in (("G:unknown", "gas_mp_plus"), ("E:unknown", "hv_electricity")):
        c = got[aid]
        assert c["severity"] == "danger" and c["risk_class"] == cls
        assert c["class_basis"] == "unknown"
        assert "Class unknown" in c["precaution"]
        assert bool(c["contact_owner"])
    assert got["G:unknown"]["pressure"] == "HP" and got["E:unknown"]["voltage"] == "EHV"
    assert got["W:water"]["class_basis"] is None and got["W:water"]["severity"] == "caution"
    # shown to the planner: the CLI table and the JSON
    text = render(result, "r.gpkg")
    assert "gas_mp_plus (class unknown)" in text and "hv_electricity (class unknown)" in text
    assert "G:unknown: Class unknown: no pressure recorded, treated as HP" in text
    data = json.loads(result.to_json())
    by_id = {c["asset_id"]: c for c in data["conflicts"]}
    assert by_id["E:unknown"]["class_basis"] == "unknown"
    assert by_id["E:unknown"]["severity"] == "danger"


def _rules(tmp_path, extra: str):
    from importlib import resources

    text = resources.files("asset_register.check").joinpath("default_rules.toml").read_text()
    for table in ("[unknown]", "[thresholds]"):
        if table in extra:  # replace the shipped table by the test's
            head, tail = text.split(table, 1)
            text = head + tail.split("\n\n", 1)[1]
    path = tmp_path / "authority.toml"
    path.write_text(text + "\n" + extra)
    return load_rules(path)


def test_rules_can_treat_unknown_as_low_risk_and_still_say_class_unknown(register, tmp_path):
    store = register([
        asset("G:unknown", along(0.4), owner="G", utility="gas"),
        asset("E:unknown", along(0.4), owner="E", utility="electricity", asset_class="cable"),
        asset("G:far", along(2.0), owner="G", utility="gas"),
    ], owners=("G", "E"))
    rules = _rules(tmp_path, '[unknown]\ngas_pressure = "LP"\nelectricity_voltage = "LV"\n')
    got, _ = conflicts(store, rules)
    assert set(got) == {"G:unknown", "E:unknown"}  # 2 m is outside 0.5 m + 0 accuracy
    for c in got.values():
        assert c["severity"] == "caution" and c["class_basis"] == "unknown"
        assert "Class unknown" in c["precaution"]
    assert "treated as LP" in got["G:unknown"]["precaution"]


def test_rules_thresholds_decide_the_class_of_a_value(register, tmp_path):
    # 90 mbar: MP in the IGEM bands (the importer's stored class), LP for an authority
    # whose low-pressure limit is 100 mbar; a class the owner stated (HP) is never lowered
    store = register([
        asset("G:90mbar", along(0.4), owner="G", utility="gas", pressure="MP", pressure_bar=0.09),
        asset("G:stated", along(0.4), owner="G", utility="gas", pressure="HP", pressure_bar=0.03),
    ], owners=("G",))
    got, _ = conflicts(store)
    assert got["G:90mbar"]["severity"] == "danger"
    rules = _rules(tmp_path, "[thresholds]\npressure_bar = { LP = 0.1, MP = 2.0, IP = 7.0 }\n")
    got, _ = conflicts(store, rules)
    assert got["G:90mbar"]["severity"] == "caution" and got["G:90mbar"]["pressure"] == "LP"
    assert got["G:stated"]["severity"] == "danger" and got["G:stated"]["pressure"] == "HP"
    assert got["G:stated"]["class_basis"] == "recorded"


@pytest.mark.parametrize("extra, message", [
    ('[unknown]\ngas_pressure = "low"\n', "unknown.gas_pressure"),
    ('[unknown]\nvoltage = "LV"\n', "unknown key 'voltage'"),
    ("[thresholds]\npressure_bar = { LP = 2.0, MP = 0.075, IP = 7.0 }\n", "must rise"),
    ("[thresholds]\nvoltage_v = { LV = 1000.0 }\n", "no limit for 'HV'"),
    ("[thresholds]\nvoltage_v = { LV = 1000.0, HV = 30000.0, EHV = 1e6 }\n", "unknown key 'EHV'"),
])
def test_bad_unknown_and_threshold_settings_are_refused(tmp_path, extra, message):
    from asset_register.errors import RulesError

    with pytest.raises(RulesError, match=message):
        _rules(tmp_path, extra)


def test_a_register_from_before_the_values_is_checked_read_only_then_upgraded(register, tmp_path):
    store = register([asset("G:old", along(2.0), owner="G", utility="gas", pressure="LP"),
                      asset("G:none", along(2.0), owner="G", utility="gas")], owners=("G",))
    path = store.path
    store.close()
    con = sqlite3.connect(path)  # as a register of schema 1 was
    con.execute("ALTER TABLE assets DROP COLUMN pressure_bar")
    con.execute("ALTER TABLE assets DROP COLUMN voltage_v")
    con.execute("DELETE FROM schema_migrations WHERE version = 2")  # the values' migration only
    con.commit()
    con.close()
    with open_register(path, read_only=True) as old:
        got, _ = conflicts(old)
        assert set(got) == {"G:none"} and got["G:none"]["class_basis"] == "unknown"
        assert old.read_assets()["pressure_bar"].isna().all()
    with open_register(path) as upgraded:
        assert [m[0] for m in upgraded.applied_migrations()] == [1, 2, 3, 4, 5]
        frame = upgraded.read_assets()
        assert frame["pressure_bar"].isna().all()
        # re-writing the same assets: the content hash is unchanged, nothing new
        res = upgraded.write_batch(frame[[*ASSET_COLUMNS, "geometry"]], BatchInfo("again"))
        assert (res.added, res.changed, res.unchanged) == (0, 0, 2)
