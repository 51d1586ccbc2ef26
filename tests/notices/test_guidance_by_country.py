"""The safe-digging guidance cited where the register is: HSE HSG47 on a British register,
CROW 500 and the WIBON on a Dutch one (RD New / KLIC), neutral words elsewhere; never a
British citation on a register outside Great Britain. The numbers of the shipped rules are
the same everywhere: only their wording changes."""

from __future__ import annotations

from datetime import UTC, datetime

import geopandas as gpd
import pytest
import shapely
from pypdf import PdfReader

from asset_register.check import Checker, DigSite, rules_for
from asset_register.check.rules import _WORDING, default_rules_text, load_rules
from asset_register.model import BatchInfo, validate_assets
from asset_register.notices import write_notice_pack

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
SITES = {"EPSG:27700": (530000.0, 180000.0), "EPSG:28992": (160000.0, 450000.0),
         "EPSG:32633": (500000.0, 5500000.0)}  # London, Utrecht, UTM 33N (Austria)


def _words(rules) -> str:
    return " ".join([rules.description, *(c.precaution for c in rules.classes),
                     *rules.method_advice.values()])


def test_every_phrase_reworded_is_in_the_shipped_rules():
    text = default_rules_text("GB")
    for table in _WORDING.values():
        for phrase in table:
            assert phrase in text, phrase


@pytest.mark.parametrize(("crs", "cited", "not_cited"), [
    ("EPSG:27700", ["HSG47", "CAT and genny"], ["CROW", "WIBON"]),
    ("EPSG:28992", ["CROW 500", "WIBON"], ["HSG47", "CAT and genny"]),
    ("EPSG:32633", [], ["HSG47", "CAT and genny", "CROW", "WIBON"]),
])
def test_the_register_s_rules_cite_what_applies_where_it_is(gpkg_store_factory, crs, cited,
                                                           not_cited):
    rules = rules_for(gpkg_store_factory(crs=crs))
    words = _words(rules)
    for w in cited:
        assert w in words
    for w in not_cited:
        assert w not in words
    gb = load_rules(None)
    assert [(c.name, c.clearance_m) for c in rules.classes] == [
        (c.name, c.clearance_m) for c in gb.classes]
    assert rules.method_extra_m == gb.method_extra_m
    assert (rules.version == gb.version) == (crs == "EPSG:27700")


def test_the_authority_country_setting_wins_over_the_crs(gpkg_store_factory):
    store = gpkg_store_factory(crs="EPSG:28992")
    store.set_setting("authority_country", "GB")
    assert "HSG47" in _words(rules_for(store))


@pytest.mark.parametrize(("crs", "cited", "not_cited"), [
    ("EPSG:27700", "HSE HSG47", "CROW"),
    ("EPSG:28992", "CROW 500", "HSG47"),
    ("EPSG:32633", "national safe-digging guidance", "HSG47"),
])
def test_a_notice_cites_what_applies_where_the_register_is(gpkg_store_factory, tmp_path, crs,
                                                          cited, not_cited):
    store = gpkg_store_factory(crs=crs)
    x, y = SITES[crs]
    row = {"asset_id": "G1", "owner": "GAS", "utility": "gas", "asset_class": "pipe",
           "status": "in_service", "h_accuracy_m": 0.5,
           "geometry": shapely.LineString([(x - 20, y), (x + 20, y)])}
    store.write_batch(validate_assets(gpd.GeoDataFrame([row], geometry="geometry", crs=crs)),
                      BatchInfo(source_file="gas.gpkg", owner="GAS"), delivery="GAS")
    site = DigSite(shapely.box(x - 2, y - 1, x + 2, y + 1), depth_m=1.0, method="mechanical")
    with Checker(store, rules_for(store)) as checker:
        result = checker.check(site)
    assert len(result.conflicts) == 1
    pack = write_notice_pack(store, result, tmp_path / "out", promoter="Acme",
                             promoter_phone="1", now=NOW, accept_short_notice=True)
    text = " ".join(page.extract_text() for pdf in sorted(pack.folder.glob("*.pdf"))
                    for page in PdfReader(pdf).pages)
    text = " ".join(text.split())
    assert cited in text
    assert not_cited not in text
