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
