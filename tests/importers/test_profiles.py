"""Mapping profiles: TOML round trip, validation, value maps, units, per-layer rules, auto-mapper."""

from __future__ import annotations

import tomllib

import numpy as np
import pyarrow as pa
import pytest
import shapely

from asset_register.errors import ProfileError
from asset_register.model import validate_assets
from importers import bundled_profiles, dumps_profile, load_profile, propose_profile
from importers.mapping import map_layer
from importers.profiles import FieldRule, Profile, parse_profile


def _map(table: dict, profile: Profile, layer="mains", owner="OWN", **kw):
    t = pa.table(table)
    n = t.num_rows
    geoms = shapely.points(np.arange(n, dtype=float), np.zeros(n))
    return map_layer(t, np.arange(n), np.full(n, "", dtype=object), geoms, "EPSG:27700", profile,
                     owner=owner, layer=layer, **kw)


def test_every_bundled_profile_loads():
    names = bundled_profiles()
    assert len(names) >= 8
    for name in names:
        assert load_profile(name).name


def test_toml_round_trip(tmp_path):
    prof = Profile(
        name='Gas "mains"', description="with\nnewline", assume_crs="EPSG:27700", id_scope="layer",
        constants={"utility": "gas", "asset_class": "pipe"},
        fields={"diameter_mm": FieldRule(source="DIAM IN", unit="in"),
                "material": FieldRule(source="MAT", values={"MDPE": "PE", "cast iron": "CI", "ü": "x"})},
    )
    services = parse_profile({"layers": {"serv*": {"constants": {"status": "in_service"}}}})
    prof.layers = {"serv*": services.layers["serv*"]}
    text = dumps_profile(prof)
    back = parse_profile(tomllib.loads(text))
    assert back.name == prof.name and back.description == prof.description
    assert back.assume_crs == "EPSG:27700" and back.id_scope == "layer"
    assert back.constants == prof.constants
    assert back.fields["material"].values == prof.fields["material"].values
    assert back.fields["diameter_mm"].unit == "in" and back.fields["diameter_mm"].source == "DIAM IN"
    assert back.for_layer("services").constants["status"] == "in_service"
    assert "status" not in back.for_layer("mains").constants


@pytest.mark.parametrize("data, message", [
    ({"fields": {"colour": "C"}}, "not a canonical field"),
    ({"constants": {"utility": "gaz"}}, "not one of"),
    ({"fields": {"diameter_mm": {"source": "D", "unit": "furlong"}}}, "unit"),
    ({"fields": {"pressure": {"source": "P", "values": {"L": "low"}}}}, "not one of"),
    ({"fields": {"status": {"source": "S", "unmatched": "guess"}}}, "unmatched"),
    ({"colour": 1}, "unknown top-level"),
    ({"format": 9}, "format"),
])
def test_invalid_profiles_are_refused_with_the_key(data, message):
    with pytest.raises(ProfileError, match=message):
        parse_profile(data)


def test_units_value_maps_and_bands():
    prof = Profile(constants={"utility": "gas", "asset_class": "pipe"}, fields={
        "diameter_mm": FieldRule(source="D", unit="in"),
        "depth_m": FieldRule(source="C", unit="ft"),
        "pressure": FieldRule(source="P", unit="bar"),
        "material": FieldRule(source="M", values={"MDPE": "PE", "cast iron": "CI"}),
        "captured_on": FieldRule(source="T", date_format="%d/%m/%Y"),
        "status": FieldRule(source="S", values={"Live": "in_service"}),
    })
    m = _map({"D": [6, 1.25, None], "C": ["3", "x", "-9999"], "P": [0.03, 1.5, 70.0],
              "M": [" mdpe", "Cast Iron", "XX"], "T": ["31/12/1999", "bad", None],
              "S": ["Live", "ABANDONED", "???"]}, prof)
    a = m.assets
    np.testing.assert_allclose(a["diameter_mm"], [152.4, 31.75, np.nan])
    np.testing.assert_allclose(a["depth_m"], [0.9144, np.nan, np.nan])
    assert list(a["pressure"]) == ["LP", "MP", "HP"]
    assert list(a["material"]) == ["PE", "CI", "XX"]  # unknown material kept as given, and noted
    assert list(a["captured_on"].astype(object).where(a["captured_on"].notna(), None)) == ["1999-12-31", None, None]
    assert list(a["status"].astype(object).where(a["status"].notna(), None)) == ["in_service", "abandoned", None]
    text = " ".join(m.warnings)
    assert "'XX' is not in the value map" in text and "not a number: 'x'" in text
    assert "negative value '-9999'" in text and "'???' is not in the value map" in text
    validate_assets(a)  # the store's own check accepts the frame


def test_voltage_from_kilovolts():
    prof = Profile(constants={"utility": "electricity", "asset_class": "cable"},
                   fields={"voltage": FieldRule(source="KV", unit="kv")})
    assert list(_map({"KV": [0.415, 11, 33, 132]}, prof).assets["voltage"]) == ["LV", "HV", "EHV", "EHV"]


def test_required_fields_reject_rows_and_duplicates_keep_the_first():
    prof = Profile(constants={"utility": "water"}, fields={
        "asset_id": FieldRule(source="ID"),
        "asset_class": FieldRule(source="T", values={"M": "pipe", "V": "valve"}),
    })
    m = _map({"ID": ["a", "b", "a", "c", None], "T": ["M", "Q", "V", "V", "M"]}, prof)
    assert list(m.assets["asset_id"]) == ["OWN:a", "OWN:c", m.assets["asset_id"].iloc[2]]
    assert m.assets["asset_id"].iloc[2].startswith("OWN:mains/")  # generated for the empty id
    reasons = dict(zip(m.reject_pos, m.reject_reasons, strict=True))
    assert reasons[1] == "asset_class: 'Q' is not in the value map"
    assert reasons[2].startswith("duplicate asset id 'OWN:a' (also on source row 1)")


def test_missing_source_field_and_missing_utility_are_profile_errors():
    with pytest.raises(ProfileError, match="does not have"):
        _map({"A": [1]}, Profile(constants={"utility": "gas", "asset_class": "pipe"},
                                 fields={"material": FieldRule(source="MAT")}))
    with pytest.raises(ProfileError, match="gives no utility"):
        _map({"A": [1]}, Profile(constants={"asset_class": "pipe"}))


def test_constant_is_the_fallback_for_empty_values():
    prof = Profile(constants={"utility": "gas", "asset_class": "pipe"},
                   fields={"asset_class": FieldRule(source="T", values={"V": "valve"})})
    assert list(_map({"T": ["V", None]}, prof).assets["asset_class"]) == ["valve", "pipe"]


def test_auto_mapper_proposes_fields_units_and_value_maps(sample_town):
    prof = propose_profile(sample_town / "gas_sgd.zip", utility="gas")
    mains = prof.layers["gas_mains"]
    assert mains.fields["diameter_mm"].source == "DIAM_IN" and mains.fields["diameter_mm"].unit == "in"
    assert mains.fields["material"].values["MDPE"] == "PE"
    assert mains.fields["pressure"].values == {"MP": "MP", "LP": "LP", "HP": "HP"}
    assert mains.fields["asset_id"].source == "MAIN_ID"
    assert prof.layers["gas_services"].fields["asset_id"].source == "SVC_ID"
    assert prof.constants["utility"] == "gas" and mains.constants["asset_class"] == "pipe"
    assert any("'XX'" in n for n in prof.notes)  # unknown values are left for the user
    # the proposal is itself a valid profile
    assert parse_profile(tomllib.loads(dumps_profile(prof))).layers.keys() == prof.layers.keys()


def test_auto_mapper_reads_cad_layer_names(sample_town):
    prof = propose_profile(sample_town / "lighting_signals_rbc.dxf")
    assert prof.fields["utility"].values["SL-COLUMN"] == "street_lighting"
    assert prof.fields["asset_class"].values["TS-DUCT"] == "duct"
    assert any("no CRS" in n for n in prof.notes)


def test_depth_source_only_where_there_is_a_depth():
    prof = Profile(constants={"utility": "water", "asset_class": "pipe", "depth_source": "recorded"},
                   fields={"depth_m": FieldRule(source="D")})
    got = _map({"D": [1.2, None]}, prof).assets["depth_source"]
    assert got.iloc[0] == "recorded" and got.isna().iloc[1]
    no_depth = Profile(constants={"utility": "water", "asset_class": "pipe", "depth_source": "recorded"})
    assert _map({"X": [1]}, no_depth).assets["depth_source"].isna().all()
