"""The auto-mapper and the mapping of pressure / voltage values, asserted on what the register
holds after an import without a hand-written profile (issue 13: canonical names, unique ids,
Dutch / IMKL / INSPIRE vocabularies, values with units, unknown is dangerous)."""

from __future__ import annotations

import tomllib

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import shapely

from asset_register.check import Checker, DigSite
from asset_register.errors import ProfileError
from importers import ImportJob, propose_profile
from importers.mapping import map_layer
from importers.measures import parse
from importers.profiles import FieldRule, Profile, dumps_profile, parse_profile

X0, Y0 = 85000.0, 446000.0  # Rotterdam, RD New


def lines(n: int, dy: float = 3.0) -> list:
    return [shapely.LineString([(X0, Y0 + i * dy), (X0 + 30, Y0 + i * dy)]) for i in range(n)]


def write(tmp_path, columns: dict, *, name="delivery.gpkg", layer="leidingen", crs="EPSG:28992",
          geoms=None):
    n = len(next(iter(columns.values())))
    frame = gpd.GeoDataFrame(columns, geometry=geoms or lines(n), crs=crs)
    path = tmp_path / name
    frame.to_file(path, layer=layer, driver="GPKG")
    return path


@pytest.fixture
def rd_register(tmp_path):
    from asset_register.store import create_register

    store = create_register(tmp_path / "register.gpkg", crs="EPSG:28992")
    yield store
    store.close()


def imported(store) -> pd.DataFrame:
    return store.read_assets().set_index("asset_id").sort_index()


def test_the_registers_own_field_names_map_to_themselves(tmp_path, rd_register):
    path = write(tmp_path, {
        "asset_id": ["A1", "A2"], "utility": ["gas", "electricity"],
        "asset_class": ["pipe", "cable"], "status": ["in_service", "disused"],
        "material": ["PE", "copper"], "pressure": ["HP", None], "pressure_bar": [8.0, None],
        "voltage": [None, "HV"], "voltage_v": [None, 10000.0], "depth_m": [1.2, 0.8],
        "diameter_mm": [406.0, 50.0], "h_accuracy_m": [0.3, 0.5], "v_accuracy_m": [0.2, 0.4],
        "quality_level": ["B2", "C"], "captured_on": ["2024-05-01", "2023-01-31"],
    })
    profile = propose_profile(path)
    assert {k: v.source for k, v in profile.fields.items()} == {
        k: k for k in ("asset_id", "utility", "asset_class", "status", "material", "pressure",
                       "pressure_bar", "voltage", "voltage_v", "depth_m", "diameter_mm",
                       "h_accuracy_m", "v_accuracy_m", "quality_level", "captured_on")}
    (report,) = ImportJob(rd_register, path, owner="OWN").run()
    assert report.imported == 2 and report.rejected == 0
    got = imported(rd_register)
    a1, a2 = got.loc["OWN:A1"], got.loc["OWN:A2"]
    assert (a1.utility, a1.asset_class, a1.status, a1.material) == ("gas", "pipe", "in_service", "PE")
    assert (a1.pressure, a1.pressure_bar, a1.depth_m, a1.diameter_mm) == ("HP", 8.0, 1.2, 406.0)
    assert (a1.h_accuracy_m, a1.v_accuracy_m, a1.quality_level) == (0.3, 0.2, "B2")
    assert a1.captured_on == "2024-05-01"
    assert (a2.voltage, a2.voltage_v, a2.status, a2.h_accuracy_m) == ("HV", 10000.0, "disused", 0.5)


def test_a_non_unique_id_column_is_never_proposed_and_no_asset_is_lost(tmp_path, rd_register):
    # 1,020 cable trenches; "id" repeats (478 rows share an id with another row), "objectid"
    # is unique only over the first 100 rows a sample would see
    n = 1020
    ids = [f"T{i % 542}" for i in range(n)]
    objectid = list(range(100)) + [7] * (n - 100)
    path = write(tmp_path, {"id": ids, "objectid": objectid, "thema": ["laagspanning"] * n},
                 layer="kabelsleuf", geoms=lines(n, dy=0.5))
    profile = propose_profile(path, sample=100)
    assert "asset_id" not in profile.fields
    note = " ".join(profile.notes)
    assert "'id' (478 of 1,020 values repeat another row's)" in note
    assert "'objectid' (920 of 1,020 values repeat another row's)" in note
    assert "generated" in note
    (report,) = ImportJob(rd_register, path, owner="RTM").run()
    assert report.rows_read == n and report.imported == n and report.rejected == 0
    assert any(w.startswith("auto-mapper: kabelsleuf: not used as asset id: 'id' (478 of 1,020")
               for w in report.warnings)  # the import summary says why ids were generated
    assert rd_register.asset_count() == n
    got = rd_register.read_assets()
    assert set(got["utility"]) == {"electricity"} and set(got["voltage"]) == {"LV"}


def test_a_unique_id_column_is_used(tmp_path, rd_register):
    path = write(tmp_path, {"id": ["X", "X", "Y"], "leiding_id": ["L1", "L2", "L3"],
                            "thema": ["water"] * 3})
    profile = propose_profile(path)
    assert profile.fields["asset_id"].source == "leiding_id"
    assert "'id' (1 of 3 values repeat another row's)" in " ".join(profile.notes)
    ImportJob(rd_register, path, owner="WB", profile=profile).run()
    assert list(imported(rd_register).index) == ["WB:L1", "WB:L2", "WB:L3"]


HTTP = "http://inspire.ec.europa.eu/codelist/ConditionOfFacilityValue/"
HTTPS = "https://inspire.ec.europa.eu/codelist/ConditionOfFacilityValue/"
ACC = "http://definities.geostandaarden.nl/imkl2015/id/waarde/NauwkeurigheidXYvalue/"
ACC_S = "https://definities.geostandaarden.nl/imkl2015/id/waarde/NauwkeurigheidXYvalue/"


def test_dutch_imkl_and_inspire_vocabularies(tmp_path, rd_register):
    path = write(tmp_path, {
        "lokaalID": [f"KL1.{i}" for i in range(8)],
        "thema": ["gasHogeDruk", "gasLageDruk", "middenspanning", "laagspanning",
                  "rioolVrijverval", "datatransport", "warmte", "buisleidingGevaarlijkeInhoud"],
        "objecttype": ["leiding", "afsluiter", "kabel", "kast", "put", "mantelbuis",
                       "leiding", "leiding"],
        "materiaal": ["staal", "nodulair gietijzer", "koper", "PVC", "gres", "glasvezel",
                      "asbestcement", "beton"],
        "status": [HTTP + "functional", HTTPS + "disused", HTTPS + "projected", "inGebruik",
                   "buitenGebruik", "gepland", HTTP + "underConstruction", "onbekend"],
        "geoNauwkeurigheidXY_href": [ACC + "tot30cm", ACC_S + "tot50cm", ACC + "tot100cm",
                                     ACC_S + "onbekend", None, ACC + "tot30cm", ACC + "tot50cm",
                                     ACC + "tot30cm"],
        "druk": ["8 bar", "30 mbar", None, None, None, None, None, "66 bar"],
        "spanning": [None, None, "10 kV", "400 V", None, None, None, None],
        "diepte": [1.5, 0.6, 1.0, 0.7, 2.5, 0.6, 1.0, 1.2],
        "diameter": [406, 110, None, None, 300, 40, 250, 600],
    })
    profile = propose_profile(path)
    f = profile.fields
    assert (f["asset_id"].source, f["utility"].source, f["asset_class"].source) == \
        ("lokaalID", "thema", "objecttype")
    assert (f["pressure"].source, f["voltage"].source, f["h_accuracy_m"].source) == \
        ("druk", "spanning", "geoNauwkeurigheidXY_href")
    # the draft as the officer saves and reloads it
    profile = parse_profile(tomllib.loads(dumps_profile(profile)))
    (report,) = ImportJob(rd_register, path, owner="KL1", profile=profile).run()
    assert report.imported == 8 and report.rejected == 0
    got = imported(rd_register)
    col = lambda c: [None if pd.isna(v) else v for v in got[c]]  # noqa: E731
    assert col("utility") == ["gas", "gas", "electricity", "electricity", "sewer", "telecoms",
                              "district_heating", "hazardous_pipeline"]
    assert col("asset_class") == ["pipe", "valve", "cable", "cabinet", "chamber", "duct",
                                  "pipe", "pipe"]
    assert col("material") == ["steel", "DI", "copper", "PVC", "clay", "fibre",
                               "asbestos cement", "concrete"]
    assert col("status") == ["in_service", "disused", "proposed", "in_service", "disused",
                             "proposed", "under_construction", "unknown"]
    assert col("h_accuracy_m") == [0.3, 0.5, 1.0, None, None, 0.3, 0.5, 0.3]
    assert col("pressure") == ["HP", "LP", None, None, None, None, None, "HP"]
    assert col("pressure_bar") == [8.0, 0.03, None, None, None, None, None, 66.0]
    assert col("voltage") == [None, None, "HV", "LV", None, None, None, None]
    assert col("voltage_v") == [None, None, 10000.0, 400.0, None, None, None, None]
    assert col("diameter_mm")[0] == 406.0 and col("depth_m")[4] == 2.5


def test_values_with_a_unit_column_and_imkl_zero_for_unknown(tmp_path, rd_register):
    # GDAL reads <pressure uom="urn:ogc:def:uom:OGC::bar">8</pressure> as pressure + pressure_uom
    path = write(tmp_path, {
        "gml_id": ["g1", "g2", "g3", "e1", "e2"],
        "thema": ["gasHogeDruk", "gasHogeDruk", "gasLageDruk", "middenspanning", "laagspanning"],
        "pressure": [8.0, 0.0, 100.0, None, None],
        "pressure_uom": ["urn:ogc:def:uom:OGC::bar", "urn:ogc:def:uom:OGC::bar",
                         "urn:ogc:def:uom:OGC::mbar", None, None],
        "operatingVoltage": [None, None, None, 10000.0, 0.0],
        "operatingVoltage_uom": [None, None, None, "urn:ogc:def:uom:OGC::V",
                                 "urn:ogc:def:uom:OGC::V"],
        "pipeDiameter": [40.6, 11.0, 16.0, None, None],
        "pipeDiameter_uom": ["urn:ogc:def:uom:OGC::cm"] * 3 + [None, None],
    })
    profile = propose_profile(path)
    assert profile.fields["pressure"].unit_source == "pressure_uom"
    assert profile.fields["voltage"].unit_source == "operatingVoltage_uom"
    assert profile.fields["diameter_mm"].unit_source == "pipeDiameter_uom"
    assert parse_profile(tomllib.loads(dumps_profile(profile))).fields[
        "pressure"].unit_source == "pressure_uom"  # round-trips through TOML
    (report,) = ImportJob(rd_register, path, owner="KL2", profile=profile).run()
    got = imported(rd_register)
    assert (got.loc["KL2:g1", "pressure"], got.loc["KL2:g1", "pressure_bar"]) == ("HP", 8.0)
    assert got.loc["KL2:g1", "diameter_mm"] == pytest.approx(406.0)
    # 0 bar and 0 V are how IMKL writes "not given": unknown, never LP / LV
    assert pd.isna(got.loc["KL2:g2", "pressure"]) and pd.isna(got.loc["KL2:g2", "pressure_bar"])
    assert pd.isna(got.loc["KL2:e2", "voltage"])
    assert got.loc["KL2:g3", "pressure"] == "MP" and got.loc["KL2:g3", "pressure_bar"] == 0.1
    assert got.loc["KL2:e1", "voltage"] == "HV"
    assert any("read as not given" in w for w in report.warnings)


def test_a_pressure_without_unit_stays_unknown_and_is_danger(tmp_path, rd_register):
    path = write(tmp_path, {"leiding_id": ["G1", "G2"], "druk": [8, 0.1],
                            "thema": ["gasHogeDruk", "gasHogeDruk"]},
                 geoms=[shapely.LineString([(X0, Y0 + 1.55), (X0 + 30, Y0 + 1.55)]),
                        shapely.LineString([(X0, Y0 + 40), (X0 + 30, Y0 + 40)])])
    profile = propose_profile(path)
    assert "druk' have no unit: they stay unknown" in " ".join(profile.notes)
    (report,) = ImportJob(rd_register, path, owner="GAS", profile=profile).run()
    got = imported(rd_register)
    assert got["pressure"].isna().all() and got["pressure_bar"].isna().all()
    assert any("no unit" in w for w in report.warnings)
    trench = DigSite(shapely.box(X0, Y0, X0 + 30, Y0 + 1))
    with Checker(rd_register) as checker:
        c = checker.check(trench).conflicts.set_index("asset_id")
    assert c.loc["GAS:G1", "severity"] == "danger" and c.loc["GAS:G1", "class_basis"] == "unknown"
    # the owner confirms bar: the same file now gives HP 8 bar and MP 0.1 bar
    profile.fields["pressure"].unit = "bar"
    ImportJob(rd_register, path, owner="GAS", profile=profile).run()
    got = imported(rd_register)
    assert list(got["pressure"]) == ["HP", "MP"] and list(got["pressure_bar"]) == [8.0, 0.1]


def test_the_imkl_8_bar_main_imported_is_danger_at_055_m(tmp_path, rd_register):
    """End to end: an 8 bar 406 mm gas transport main, accuracy tot30cm, 0.55 m from a
    trench: DANGER, 3 m + 0.3 m + 0.203 m clearance, owner contact — not CAUTION / 1.5 m."""
    main = shapely.LineString([(X0 - 20, Y0 + 1.55), (X0 + 50, Y0 + 1.55)])
    path = write(tmp_path, {
        "lokaalID": ["GU.1"], "thema": ["gasHogeDruk"], "pressure": [8.0],
        "pressure_uom": ["urn:ogc:def:uom:OGC::bar"], "pipeDiameter": [406.0],
        "pipeDiameter_uom": ["urn:ogc:def:uom:OGC::mm"],
        "geoNauwkeurigheidXY_href": [ACC + "tot30cm"], "materiaal": ["staal"],
    }, geoms=[main])
    ImportJob(rd_register, path, owner="GU").run()
    trench = DigSite(shapely.box(X0, Y0, X0 + 30, Y0 + 1))
    with Checker(rd_register) as checker:
        result = checker.check(trench)
    c = result.conflicts.set_index("asset_id").loc["GU:GU.1"]
    assert c["severity"] == "danger" and c["distance_m"] == pytest.approx(0.55)
    assert c["clearance_m"] == pytest.approx(3.0 + 0.3 + 0.203)
    assert c["pressure"] == "HP" and c["pressure_bar"] == 8.0 and bool(c["contact_owner"])
    assert result.owners_affected[0]["contact_required"] is True


def test_utility_and_voltage_from_the_layer_name_as_a_fallback(tmp_path, rd_register):
    path = write(tmp_path, {"kabel_id": ["K1", "K2"], "spanning": ["0 V", "230 V"]},
                 layer="Laagspanning_kabels")
    profile = propose_profile(path)
    assert profile.constants["utility"] == "electricity"
    assert profile.constants["voltage"] == "LV" and profile.constants["asset_class"] == "cable"
    ImportJob(rd_register, path, owner="STED", profile=profile).run()
    got = imported(rd_register)
    # K1's "0 V" is not a voltage: the theme of the layer fills the class, not the value
    assert list(got["voltage"]) == ["LV", "LV"]
    assert pd.isna(got.loc["STED:K1", "voltage_v"]) and got.loc["STED:K2", "voltage_v"] == 230.0


@pytest.mark.parametrize("text, unit, bar", [
    ("8 bar", None, 8.0), ("100 mbar", None, 0.1), ("0,1 bar", None, 0.1), ("4-8 bar", None, 8.0),
    (8, "bar", 8.0), ("8", "mbar", 0.008), ("70 psi", None, 70 * 0.0689476),
    ("200 kPa", None, 2.0), ("2 urn:ogc:def:uom:OGC::bar", None, 2.0),
])
def test_pressure_values_with_units(text, unit, bar):
    assert parse("pressure", text, unit)[0] == pytest.approx(bar)


@pytest.mark.parametrize("text, unit, volts", [
    ("10 kV", None, 10000.0), ("400 V", None, 400.0), ("11,000 V", None, 11000.0),
    (11, "kv", 11000.0), ("0.4kV", None, 400.0),
])
def test_voltage_values_with_units(text, unit, volts):
    assert parse("voltage", text, unit)[0] == pytest.approx(volts)


@pytest.mark.parametrize("text", ["8", "2 MV", "0 V", "abc"])
def test_values_that_are_never_guessed(text):
    assert parse("voltage", text, None)[0] is None


def test_profile_unit_source_is_validated():
    with pytest.raises(ProfileError, match="unit_source"):
        parse_profile({"fields": {"material": {"source": "M", "unit_source": "U"}}})
    prof = Profile(constants={"utility": "gas", "asset_class": "pipe"},
                   fields={"pressure": FieldRule(source="P", unit_source="NOPE")})
    with pytest.raises(ProfileError, match="NOPE"):
        map_layer(pa.table({"P": [1.0]}), np.array([0]), np.array([""]),
                  np.array([shapely.Point(0, 0)]), "EPSG:28992", prof, owner="X", layer="l")


def test_an_imkl_feature_type_layer_gives_utility_and_class(tmp_path, rd_register):
    path = write(tmp_path, {"localId": ["EK.1", "EK.2"], "operatingVoltage": [10000.0, 0.0],
                            "operatingVoltage_uom": ["urn:ogc:def:uom:OGC::V"] * 2},
                 layer="Elektriciteitskabel")
    ImportJob(rd_register, path, owner="LIA").run()
    got = imported(rd_register)
    assert set(got["utility"]) == {"electricity"} and set(got["asset_class"]) == {"cable"}
    assert got.loc["LIA:EK.1", "voltage"] == "HV" and got.loc["LIA:EK.1", "voltage_v"] == 10000.0
    assert pd.isna(got.loc["LIA:EK.2", "voltage"])  # 0 V: not given, unknown (high risk)


def test_pipe_sizes_in_each_rows_own_unit(tmp_path):
    """A UK sewer export gives nominal_diam as 6 or 9 in imperial rows and 150 in metric ones,
    with the unit in a separate column ("IN." / "mm."): every size lands in millimetres."""
    from asset_register.store import create_register

    bng = [shapely.LineString([(389600 + 10 * i, 263400), (389600 + 10 * i, 263450)])
           for i in range(4)]
    path = write(tmp_path, {
        "feature_id": ["s1", "s2", "s3", "s4"], "nominal_diam": [6, 9, 150, 225],
        "imperial_metric": ["IN.", "IN.", "mm.", "mm."], "material": ["VC", "VC", "PVC", "VC"],
    }, name="sewer.gpkg", layer="foul_sewer", crs="EPSG:27700", geoms=bng)
    rule = propose_profile(path).fields["diameter_mm"]
    assert (rule.source, rule.unit_source) == ("nominal_diam", "imperial_metric")
    store = create_register(tmp_path / "gb.gpkg", crs="EPSG:27700")
    try:
        (report,) = ImportJob(store, path, owner="SEW", utility="sewer").run()
        assert report.imported == 4 and report.rejected == 0
        got = imported(store)["diameter_mm"].round(1).to_dict()
        assert got == {"SEW:s1": 152.4, "SEW:s2": 228.6, "SEW:s3": 150.0, "SEW:s4": 225.0}
    finally:
        store.close()


def test_columns_named_with_their_unit_are_mapped_in_that_unit(tmp_path, rd_register):
    """Owners' exports name a measure with its unit: 'diepte_m', 'Cover [ft]', 'druk_bar',
    'Spanning [kV]', 'Diameter (in)'. They were left unmapped (depth, pressure and voltage
    lost: the gas main's 40 bar stayed unknown); each maps to its field in the unit it names."""
    path = write(tmp_path, {
        "leiding_id": ["G1", "E1"], "netwerk": ["gas", "elektriciteit"],
        "diepte_m": [0.8, 0.6], "druk_bar": [40.0, None],
        "Spanning [kV]": [None, 10.0], "Diameter (in)": [12.0, None],
    })
    profile = propose_profile(path)
    rules = {k: (v.source, v.unit) for k, v in profile.fields.items()}
    assert rules["depth_m"] == ("diepte_m", "m")
    assert rules["pressure"] == ("druk_bar", "bar")
    assert rules["voltage"] == ("Spanning [kV]", "kv")
    assert rules["diameter_mm"] == ("Diameter (in)", "in")
    (report,) = ImportJob(rd_register, path, owner="NET").run()
    assert report.imported == 2
    got = imported(rd_register)
    g1, e1 = got.loc["NET:G1"], got.loc["NET:E1"]
    assert (g1.pressure, g1.pressure_bar, g1.depth_m) == ("HP", 40.0, 0.8)
    assert g1.diameter_mm == pytest.approx(304.8)
    assert (e1.voltage, e1.voltage_v, e1.depth_m) == ("HV", 10000.0, 0.6)


def test_a_unit_suffix_is_never_read_off_a_name_that_is_not_a_measure(tmp_path):
    """Only a unit set apart from the name ('_m', ' (m)') is read: 'diam' and 'bedrijfsdruk'
    keep their own meaning, and a unit a field cannot have ('depth_bar') maps nothing."""
    path = write(tmp_path, {"diam": [110.0], "depth_bar": [1.0], "bedrijfsdruk": ["100 mbar"]})
    profile = propose_profile(path)
    rules = {k: (v.source, v.unit) for k, v in profile.fields.items()}
    assert rules["diameter_mm"] == ("diam", None)
    assert "depth_m" not in rules
    feet = write(tmp_path, {"depth_bar": [1.0], "Cover [ft]": [3.0]}, name="feet.gpkg")
    assert propose_profile(feet).fields["depth_m"].unit == "ft"
    assert rules["pressure"][0] == "bedrijfsdruk"


def test_a_csvs_empty_cells_are_not_named_as_values_to_map(tmp_path):
    """A CSV gives an empty cell as '' (not null): the draft said "pressure values not
    recognised (map them by hand): ''" — there is nothing to map; real values still are named."""
    path = tmp_path / "mains.csv"
    path.write_text("id;druk_bar;status;WKT\nG1;4,0;;POINT (1 2)\nG2;;weird;POINT (3 4)\n"
                    "G3;40;in gebruik;POINT (5 6)\n", encoding="utf-8")
    notes = " ".join(propose_profile(path).notes)
    assert "''" not in notes
    assert "status values not recognised (map them by hand): 'weird'" in notes


def test_a_csvs_wkt_lines_are_pipes_and_cables_not_other(tmp_path):
    """A CSV's WKT column declares no geometry type: the class drafted from its utility column
    was 'other' for every gas main and cable. The rows read are lines: pipes and cables."""
    path = tmp_path / "net.csv"
    path.write_text("id;netwerk;WKT\nG1;gas;LINESTRING (1 2, 3 4)\n"
                    "E1;elektriciteit;MULTILINESTRING ((1 5, 3 6))\nW1;water;LINESTRING (1 7, 3 8)\n",
                    encoding="utf-8")
    values = propose_profile(path).fields["asset_class"].values
    assert values == {"gas": "pipe", "elektriciteit": "cable", "water": "pipe"}
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("id;netwerk;WKT\nG1;gas;LINESTRING (1 2, 3 4)\nG2;gas;POINT (1 5)\n",
                     encoding="utf-8")
    drafted = propose_profile(mixed)  # a point and a line: each row's class from its own
    assert "asset_class" not in drafted.fields and drafted.constants["asset_class"] == "by_geometry"


OGC = "http://inspire.ec.europa.eu/codelist/OilGasChemicalsProductTypeValue/"


@pytest.mark.parametrize("layer, network", [("OilGasChemicalsPipe", None),
                                            ("pipes", "oilGasChemicals")])
def test_an_oil_or_fuel_pipe_is_never_classed_as_a_low_pressure_gas_main(
        tmp_path, rd_register, layer, network):
    """SAFETY. An INSPIRE oil/gas/chemicals network exported to a GeoPackage (its feature type
    as the layer name, or a utilityNetworkType column) carries its product in a column: crude
    oil and jet fuel at 50 mbar were imported as gas at LP, a 0.5 m buried service. What the
    pipe carries decides, as in the KLIC reader: oil, fuel and chemicals are hazardous
    pipelines (3 m, owner contacted); natural gas is gas; a pipe of no product stays gas."""
    columns = {"localId": ["P1", "P2", "P3", "P4"],
               "oilGasChemicalsProductType": [OGC + "crudeOil", OGC + "naturalGas",
                                              "jetFuel", None],
               "pressure": ["50 mbar"] * 4}
    if network:
        columns["utilityNetworkType"] = [network] * 4
    path = write(tmp_path, columns, layer=layer, crs="EPSG:28992")
    (report,) = ImportJob(rd_register, path, owner="PET").run()
    assert report.imported == 4 and report.rejected == 0
    got = imported(rd_register)
    assert list(got["utility"]) == ["hazardous_pipeline", "gas", "hazardous_pipeline", "gas"]
    trench = DigSite(shapely.box(X0, Y0 - 1, X0 + 30, Y0 - 0.5))  # 0.5 m from the oil pipe
    with Checker(rd_register) as checker:
        c = checker.check(trench).conflicts.set_index("asset_id")
    assert c.loc["PET:P1", "risk_class"] == "hazardous_pipeline"
    assert c.loc["PET:P1", "severity"] == "danger" and bool(c.loc["PET:P1", "contact_owner"])


def test_oil_fuel_and_chemicals_named_as_a_utility_are_hazardous_pipelines(tmp_path, rd_register):
    path = write(tmp_path, {"id": ["A", "B", "C", "D"],
                            "network": ["Oil", "Petroleum", "Chemicals", "aviation fuel"]})
    (report,) = ImportJob(rd_register, path, owner="PET").run()
    assert report.imported == 4
    assert set(imported(rd_register)["utility"]) == {"hazardous_pipeline"}


@pytest.mark.parametrize("layer, named", [
    ("HV cables", {"utility": "electricity", "voltage": "HV"}),
    ("11kV cables", {"utility": "electricity", "voltage": "HV"}),
    ("132 kV circuit", {"utility": "electricity", "voltage": "EHV"}),
    ("LV_Mains", {"utility": "electricity", "voltage": "LV"}),
    ("Sewers", {"utility": "sewer"}),
    ("Gas mains", {"utility": "gas"}),
    ("Cables", {}),
])
def test_voltage_and_plural_utilities_in_layer_names(layer, named):
    """KML folders and CAD-style layers say 'HV cables', '11kV cables', 'Sewers': no utility
    was drawn from them (the import stopped asking for --utility); the voltage they name is
    taken where a row gives none, and a name that says no utility still gives nothing."""
    from importers.automap import _from_layer_name

    assert _from_layer_name(layer) == named


def kml(path, dx=0.0):
    marks = "".join(
        f"<Placemark><name>GM-{i}</name><LineString><coordinates>{-0.1276 + dx},{51.5072 + i * 1e-4},0 "
        f"{-0.1270 + dx},{51.5072 + i * 1e-4},0</coordinates></LineString></Placemark>"
        for i in (1, 2))
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
                    f"<Document><Folder><name>Gas mains</name>{marks}</Folder></Document></kml>",
                    encoding="utf-8")
    return path


def test_a_kml_placemarks_name_is_its_id_so_a_redelivery_versions_it(tmp_path):
    """Google Earth exports name each Placemark ('GM-1') and leave the id empty: ids were made
    from each geometry, so a re-delivery moving a main by a metre retired it and added a new
    one. A filled, unique name is the id: the moved main is one asset, changed."""
    from asset_register.store import create_register

    store = create_register(tmp_path / "uk.gpkg")
    try:
        ImportJob(store, kml(tmp_path / "first.kml"), owner="SGN").run()
        assert sorted(store.read_assets()["asset_id"]) == ["SGN:GM-1", "SGN:GM-2"]
        (report,) = ImportJob(store, kml(tmp_path / "second.kml", dx=1e-5), owner="SGN").run()
        assert (report.changed, report.added, report.retired) == (2, 0, 0)
    finally:
        store.close()


def test_a_column_of_utility_names_under_another_name_gives_the_utility(tmp_path, rd_register):
    """A CSV's 'type' column holding 'gas' / 'water' was taken as the asset class (no value
    recognised) and the import stopped asking for --utility. A column whose every value names
    a utility is the utility; the class then follows the geometry."""
    path = tmp_path / "valves.csv"
    path.write_text("id;type;x;y\nV1;gas;85000,5;446000,25\nV2;Water;85003,5;446002,25\n"
                    "V3;;85006;446004\n", encoding="utf-8")
    profile = propose_profile(path)
    assert profile.fields["utility"].source == "type"
    (report,) = ImportJob(rd_register, path, owner="NET", assume_crs="EPSG:28992").run()
    assert (report.imported, report.rejected) == (2, 1)  # V3 names no utility: reported
    got = imported(rd_register)
    assert list(got["utility"]) == ["gas", "water"]
    assert list(got["asset_class"]) == ["other", "other"]


def test_a_mostly_empty_column_or_a_drawings_text_is_never_taken_as_the_utility(tmp_path):
    """The fallback above must not take a note on a few rows ('gas' on one of three) as every
    row's network: the other rows would be rejected for having none."""
    path = tmp_path / "notes.csv"
    path.write_text("id;remark;WKT\nA;gas;LINESTRING (1 2, 3 4)\nB;;LINESTRING (1 5, 3 6)\n"
                    "C;;LINESTRING (1 7, 3 8)\n", encoding="utf-8")
    assert "utility" not in propose_profile(path).fields
    from importers.automap import propose_for_table

    drawing = pa.table({"Layer": ["GAS-MAIN", "WATER-MAIN", "ANNO"], "Text": ["GAS", "WATER", None]})
    rule, _ = propose_for_table(drawing, "entities")
    assert rule.fields["utility"].source == "Layer"
