"""Deliveries in the shapes of public samples (data/public/README.md says which): each test
is a defect found importing one of them through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asset_register.cli.main import main
from asset_register.errors import CRSError
from asset_register.store import create_register, open_register
from importers.crs import parse_crs
from importers.crs_checks import _area_name

DATA = Path(__file__).with_name("data") / "public"
SOSI = DATA / "sosi_airport_electric.gml"
NETINFO = DATA / "imkl_netinfo_nil.xml"


def test_a_crs_gdal_names_by_a_newer_epsg_code_is_read(tmp_path, capsys):
    """GDAL names EPSG:5972's horizontal CRS by the newer EPSG:11022, which pyproj's database
    does not hold: every layer was refused as 'not a known CRS'."""
    assert "UTM zone 32N" in parse_crs("EPSG:11022").name  # (EPSG:25832 where pyproj is older)
    with pytest.raises(CRSError, match="not a known CRS"):
        parse_crs("EPSG:999999")
    reg = tmp_path / "no.gpkg"
    create_register(reg, crs="EPSG:25832").close()
    assert main(["import", str(reg), str(SOSI), "--owner", "AVI", "--all-layers"]) == 0
    with open_register(reg) as store:
        live = store.read_assets().set_index("asset_id").sort_index()
    assert len(live) == 3
    assert live["utility"].to_dict() == {"AVI:_c1": "electricity", "AVI:_k1": "telecoms",
                                         "AVI:_k2": "telecoms"}  # from 'fagområde'
    assert live.loc["AVI:_k1", "diameter_mm"] == pytest.approx(440.0)  # metres, not 0.44 mm
    attrs = json.loads(live.loc["AVI:_k1", "attrs"])
    assert attrs["eier"] == "Avinor" and attrs["målemetode"] == 80
    x, y = live.geometry["AVI:_c1"].coords[0][:2]
    assert (round(x, 2), round(y, 2)) == (592109.83, 6905785.12)


def test_a_layer_outside_the_register_names_the_band_not_a_country(tmp_path, capsys):
    reg = tmp_path / "no33.gpkg"
    create_register(reg, crs="EPSG:25833").close()
    assert main(["import", str(reg), str(SOSI), "--owner", "AVI", "--all-layers"]) == 1
    err = capsys.readouterr().err
    assert "(Europe between 6°E and 12°E)" in err and "Austria" not in err
    assert _area_name(parse_crs("EPSG:27700")) == "United Kingdom (UK)"


def test_scandinavian_owner_column_is_never_lumped(tmp_path, capsys):
    text = SOSI.read_text(encoding="utf-8")
    two = text.replace("<app:eier>Avinor</app:eier>\n      <app:identifikasjon><app:Identifikasjon>"
                       "<app:lokalId>k2", "<app:eier>Statnett</app:eier>\n      "
                       "<app:identifikasjon><app:Identifikasjon><app:lokalId>k2")
    assert two != text
    path = tmp_path / "two_owners.gml"
    path.write_text(two, encoding="utf-8")
    reg = tmp_path / "no.gpkg"
    create_register(reg, crs="EPSG:25832").close()
    assert main(["import", str(reg), str(path), "--owner", "AVI", "--layer", "EL_Kum"]) == 1
    assert "its 'eier' column names 2 owners (Avinor, Statnett)" in capsys.readouterr().err
    with open_register(reg) as store:
        assert store.asset_count() == 0


def test_net_information_with_nil_values_and_no_operator_record(tmp_path, capsys):
    reg = tmp_path / "nl.gpkg"
    create_register(reg, crs="EPSG:28992").close()
    assert main(["import", str(reg), str(NETINFO)]) == 0
    out = capsys.readouterr().out
    assert "1 UtilityLink geometries are referenced by no cable" in out
    with open_register(reg) as store:
        live = store.read_assets().set_index("asset_id")
    pipe = live.loc["KL9999:KL9999.pipe1"]
    assert (pipe["utility"], pipe["pressure_bar"], pipe["pressure"]) == ("gas", 4.3, "IP")
    assert pd_isna(pipe["diameter_mm"])  # nil: unknown, never 0
    assert json.loads(pipe["attrs"])["pipeDiameter_nilReason"] == "missing"


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def _utility_network_export(path: Path, units=("M", "M", "I", "M"), diameters=(63, 90, 3, 125),
                            types=(11, 11, 11, 12)) -> Path:
    """A gas network exported from an ArcGIS utility network to GeoJSON, in the shape of a
    UK gas distributor's open data (coded ASSETGROUP / ASSETTYPE / LIFECYCLESTATUS, the
    diameter's unit column holding M for metric and I for imperial, depth of cover 0)."""
    features = []
    for i, (unit, diam, kind) in enumerate(zip(units, diameters, types, strict=True)):
        y = 55.7700 + i * 0.0002
        features.append({"type": "Feature", "properties": {
            "OBJECTID": 100 + i, "ASSETGROUP": 10, "ASSETTYPE": kind, "LIFECYCLESTATUS": 2,
            "PIPEID": f"BTMR*{i:08d}", "MATERIAL": "PE", "DIAMETER": float(diam),
            "UNITOFDIAMETER": unit, "DEPTHOFCOVER": 0.0, "OWNERSHIPID": "TM",
            "DESCRIPTION": "OS 1" + " " * 46},
            "geometry": {"type": "MultiLineString", "coordinates": [
                [[-2.0155, y, 0.0], [-2.0150, y + 0.0001, 0.0]]]}})
    path.write_text(json.dumps({"type": "FeatureCollection", "name": "live_mains", "crs": {
        "type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": features}), encoding="utf-8")
    return path


def test_coded_asset_types_take_their_geometrys_class_instead_of_rejecting_the_network(tmp_path):
    """Before: ASSETTYPE was taken as the class, its codes (11, 12) were in no value map and
    every main of the delivery was rejected; and '63' with unit 'M' was a 63 m wide main."""
    reg = tmp_path / "r.gpkg"
    create_register(reg, crs="EPSG:27700").close()
    src = _utility_network_export(tmp_path / "live_mains.geojson")
    assert main(["import", str(reg), str(src), "--owner", "NGN", "--utility", "gas"]) == 0
    with open_register(reg) as store:
        live = store.read_assets().set_index("asset_id").sort_index()
    assert len(live) == 4 and set(live["asset_class"]) == {"pipe"}
    assert live["diameter_mm"].tolist() == [63.0, 90.0, pytest.approx(76.2), 125.0]


def test_a_diameter_of_metres_no_main_has_is_unknown(tmp_path):
    reg = tmp_path / "r.gpkg"
    create_register(reg, crs="EPSG:27700").close()
    src = _utility_network_export(tmp_path / "live_mains.geojson", units=("m", "m", "mm", "m"),
                                  diameters=(0.063, 63, 90, 0.125))
    assert main(["import", str(reg), str(src), "--owner", "NGN", "--utility", "gas"]) == 0
    with open_register(reg) as store:
        live = store.read_assets().set_index("asset_id").sort_index()
    assert live["diameter_mm"].tolist()[::2] == [63.0, 90.0]
    assert pd_isna(live["diameter_mm"].iloc[1]) and live["diameter_mm"].iloc[3] == 125.0


def test_an_imkl2015_draft_namespace_keeps_its_operators_apart(tmp_path, capsys):
    """Before: the older IMKL namespace was taken for plain INSPIRE, which needs --owner, and
    both operators' pipes became that one owner's (a 40 bar gas main sent to the sewer
    owner)."""
    src = DATA / "imkl2015_v1_two_operators.xml"
    reg = tmp_path / "nl.gpkg"
    create_register(reg, crs="EPSG:28992").close()
    assert main(["import", str(reg), str(src), "--owner", "X"]) == 1
    assert "import it without --owner" in capsys.readouterr().err
    assert main(["import", str(reg), str(src)]) == 0
    with open_register(reg) as store:
        live = store.read_assets().set_index("asset_id")
    assert live["owner"].to_dict() == {"gasunie:gasunie.p2": "gasunie",
                                       "gembest:gembest.p1": "gembest"}
    assert live.loc["gasunie:gasunie.p2", "pressure"] == "HP"


def test_inspire_networks_of_several_operators_are_never_lumped(tmp_path, capsys):
    """INSPIRE files name each network's operator in its authorityRole: two operators under
    one --owner would send the water company's conflicts to the electricity company."""
    src = DATA / "inspire_un_two_operators.gml"
    reg = tmp_path / "de.gpkg"
    create_register(reg, crs="EPSG:25832").close()
    assert main(["import", str(reg), str(src), "--owner", "SBS"]) == 1
    err = capsys.readouterr().err
    assert "name 2 operators (Stromnetz Beispielstadt GmbH, Wasserwerke Beispielstadt)" in err
    one = tmp_path / "one_operator.gml"  # a person and a phone beside the one organisation
    one.write_text(src.read_text(encoding="utf-8").replace(
        "<base2:organisationName><gco:CharacterString>Wasserwerke Beispielstadt",
        "<base2:individualName><gco:CharacterString>A. Person</gco:CharacterString>"
        "</base2:individualName><base2:organisationName><gco:CharacterString>"
        "Stromnetz Beispielstadt GmbH"), encoding="utf-8")
    assert main(["import", str(reg), str(one), "--owner", "SBS"]) == 0
    with open_register(reg) as store:
        assert store.asset_count() == 2


def test_coded_asset_types_stay_mappable_by_hand(tmp_path):
    """The proposal keeps the code column as the class's source (each code the user maps
    gets that class; the rest their geometry's): dropping it left the wizard's user no way
    to map the codes, and every fitting of a delivery became 'other'."""
    from importers.automap import propose_profile
    from importers.profiles import BY_GEOMETRY

    src = _utility_network_export(tmp_path / "live_mains.geojson")
    rule = propose_profile(src, utility="gas").for_layer("live_mains")
    assert rule.fields["asset_class"].source == "ASSETTYPE"
    assert rule.constants["asset_class"] == BY_GEOMETRY
