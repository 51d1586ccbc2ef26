"""The map's backdrop (streets and buildings of the register's reference layers, street names
on top) and location inset; country-aware defaults: OS grid references, England & Wales bank
holidays and HSG47 wording only for British authorities."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import geopandas as gpd
import pyproj
import pytest
import shapely
from pypdf import PdfReader

from asset_register.cli.main import main
from asset_register.notices import write_notice_pack
from asset_register.notices.pdfbackdrop import read_backdrop
from asset_register.notices.reference import country_of, read_settings
from asset_register.notices.sitelayers import SETTING, layer_entries
from asset_register.notices.workdays import add_working_days

from .analytic import FOOTPRINT, X0, Y0, make_result

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def words(path) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(path).pages))


@pytest.fixture
def with_reference(register, tmp_path):
    """Heol y Bont 8 m north of the dig, Ffordd Ŵyn 900 m away, two buildings."""
    path = tmp_path / "reference.gpkg"
    gpd.GeoDataFrame({"name": ["Heol y Bont", "Ffordd Ŵyn"], "usrn": ["20700102", "20700109"]},
                     geometry=[shapely.LineString([(X0 - 150, Y0 + 12), (X0 + 150, Y0 + 12)]),
                               shapely.LineString([(X0 - 50, Y0 + 900), (X0 + 50, Y0 + 900)])],
                     crs=27700).to_file(path, layer="streets")
    gpd.GeoDataFrame({"uprn": [1, 2]}, geometry=[shapely.box(X0 - 20, Y0 + 20, X0 - 8, Y0 + 30),
                                                 shapely.box(X0 + 2000, Y0, X0 + 2010, Y0 + 9)],
                     crs=27700).to_file(path, layer="buildings")
    register.set_setting(SETTING, json.dumps(layer_entries(path)))
    return register


def test_backdrop_reads_the_reference_layers_near_the_site(with_reference):
    b = read_backdrop(with_reference, FOOTPRINT, radius_m=450)
    assert list(b.names) == ["Heol y Bont"]  # Ffordd Ŵyn is 900 m away
    assert len(b.buildings) == 1 and b.buildings[0].equals(
        shapely.box(X0 - 20, Y0 + 20, X0 - 8, Y0 + 30))
    assert read_backdrop(with_reference, FOOTPRINT, radius_m=1000).names.tolist() == [
        "Heol y Bont", "Ffordd Ŵyn"]


def test_map_has_street_names_and_a_location_inset(with_reference, tmp_path):
    pack = write_notice_pack(with_reference, make_result(usrn="20700102"), tmp_path,
                             promoter="Acme", now=NOW)
    summary = PdfReader(pack.folder / "summary.pdf").pages[0].extract_text()
    assert "Heol y Bont" in summary and "Location · 600 m across" in summary
    owner = PdfReader(pack.folder / "notice-TW.pdf").pages[0].extract_text()
    assert "Heol y Bont" in owner  # the owner's copy shows the street too


def test_no_reference_layers_no_backdrop(register, tmp_path):
    assert read_backdrop(register, FOOTPRINT) is None
    pack = write_notice_pack(register, make_result(), tmp_path, promoter="Acme", now=NOW)
    assert "Location ·" not in PdfReader(pack.folder / "summary.pdf").pages[0].extract_text()


@pytest.mark.parametrize("epsg, country", [(27700, "GB"), (28992, "NL"), (2157, "IE"),
                                           (4326, None), (3857, None)])
def test_country_from_the_register_crs(epsg, country):
    assert country_of(pyproj.CRS.from_epsg(epsg)) == country


def test_british_authority_gets_grid_reference_holidays_and_hsg47(register, tmp_path):
    assert read_settings(register).country == "GB"
    pack = write_notice_pack(register, make_result(start=date(2027, 1, 4),
                                                   end=date(2027, 1, 8)), tmp_path,
                             promoter="Acme", now=datetime(2026, 12, 22, 9, 0, tzinfo=UTC))
    text = words(pack.folder / "summary.pdf")
    assert "Location (OS grid) TQ 30105 80102" in text and "HSE HSG47" in text
    assert "England & Wales bank holidays excluded" in text
    # 3 working days from Tue 22 Dec 2026: Christmas (Fri 25) and Boxing Day (substitute,
    # Mon 28) skipped: Wed 23, Thu 24, Tue 29
    assert pack.respond_by == date(2026, 12, 29)


def test_other_countries_get_neither(register, tmp_path, capsys):
    assert main(["notice-settings", str(register.location), "--country", "nl"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["country"], shown["working_days"]) == ("NL", "weekends")
    pack = write_notice_pack(register, make_result(start=date(2027, 1, 4),
                                                   end=date(2027, 1, 8)), tmp_path,
                             promoter="Acme", now=datetime(2026, 12, 22, 9, 0, tzinfo=UTC))
    text = words(pack.folder / "summary.pdf")
    assert "OS grid" not in text and "HSE HSG47" not in text and "bank holidays" not in text
    assert "weekends excluded" in text and "CROW 500" in text  # the Dutch guidance
    assert pack.respond_by == date(2026, 12, 25)  # weekends only: Wed 23, Thu 24, Fri 25
    assert pack.valid_until == add_working_days(date(2026, 12, 22), 20, "weekends")
    manifest = json.loads((pack.folder / "manifest.json").read_text())
    assert manifest["grid_reference"] is None
    assert main(["notice-settings", str(register.location), "--country", "Holland"]) == 1
    assert "two-letter ISO country code" in capsys.readouterr().err
