"""Search on the sample town: names compared without case, accents, punctuation or
abbreviations; owners' ids with or without their prefix; USRNs; a results list walked from
the search box; the hit highlighted until cleared."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from ui.models.search import AssetIds, Street, normalise, search, usrn_strings


def test_normalise_folds_case_accents_punctuation_and_abbreviations():
    assert normalise("Queen's Avenue") == normalise("queens ave") == "queens avenue"
    assert normalise("VICTORIA Rd.") == "victoria road"
    assert normalise("Heol-y-Ŵyn") == "heol y wyn"
    assert normalise("Église St") == "eglise street"


def test_street_names_match_loosely_and_by_usrn():
    streets = [Street("Queen's Avenue", (0, 0, 10, 100), "20700202"),
               Street("Rue de l'Église", (50, 0, 60, 100), None),
               Street("Victoria Road", (100, 0, 110, 100), "20700204")]
    assert [h.label for h in search("queens avenue", streets=streets)] == ["Queen's Avenue"]
    assert [h.label for h in search("rue de l eglise", streets=streets)] == ["Rue de l'Église"]
    assert [h.label for h in search("20700204", streets=streets)] == ["Victoria Road"]
    assert search("20700204", streets=streets)[0].detail == "USRN 20700204"
    assert [h.label for h in search("vic rd", streets=streets)] == ["Victoria Road"]
    assert search("station road", streets=streets) == []


def test_usrns_read_as_text_however_the_file_stores_them():
    got = usrn_strings(np.array([20700101, 20700102.0, " 20700103 ", None, float("nan"), "", "AB12"], dtype=object))
    assert got.tolist() == ["20700101", "20700102", "20700103", None, None, None, "AB12"]


def test_asset_ids_with_or_without_prefix_and_zeros():
    ids = AssetIds(np.array(["SGD:G00014", "MPN:E00014", "SGD:G00140", "RVW:WS00014", None], dtype=object))
    assert ids.find("SGD:G00014") == ["SGD:G00014"]
    assert ids.find("g00014") == ["SGD:G00014"]
    assert ids.find("G 00014") == ["SGD:G00014"]
    assert sorted(ids.find("14")) == ["MPN:E00014", "RVW:WS00014", "SGD:G00014"]
    assert ids.find("0014") == ids.find("14")
    assert ids.find("15") == []


@pytest.fixture
def indexed(window, qtbot):
    qtbot.waitUntil(lambda: window.search_dock._ids is not None, timeout=30_000)
    return window


def _street_bounds(name):
    import geopandas as gpd
    from importers.sample import town_dir

    streets = gpd.read_file(town_dir() / "reference.gpkg", layer="streets")
    return tuple(streets[streets["name"] == name].total_bounds)


def _extent_contains(window, bounds):
    x0, y0, x1, y1 = window.canvas.view.state.extent
    return x0 <= bounds[0] and y0 <= bounds[1] and x1 >= bounds[2] and y1 >= bounds[3]


@pytest.mark.parametrize("text", ["queens avenue", "QUEEN'S AVE", "Queens Ave.", "20700202"])
def test_street_found_loosely_and_highlighted(window, text):
    hit = window.run_search(text)
    assert hit is not None and hit.kind == "street" and hit.label == "Queen's Avenue"
    assert hit.detail == "USRN 20700202"
    geoms = window.selection.geometries
    assert len(geoms) == 1 and geoms[0].length > 500  # the street's lines, highlighted
    assert geoms[0].bounds == pytest.approx(_street_bounds("Queen's Avenue"), abs=0.01)
    assert _extent_contains(window, geoms[0].bounds)


def test_victoria_rd(window):
    hit = window.run_search("Victoria Rd")
    assert (hit.kind, hit.label) == ("street", "Victoria Road")


@pytest.mark.parametrize("text", ["G00014", "g00014", "SGD:G00014", "sgd g00014"])
def test_owner_id_with_or_without_prefix(indexed, text):
    hit = indexed.run_search(text)
    assert (hit.kind, hit.key) == ("asset", "SGD:G00014")
    assert indexed.identify_dock.assets[0]["asset_id"] == "SGD:G00014"
    assert indexed.selection.geometries[0].equals(indexed.session.store.get_asset("SGD:G00014")["geometry"])


def test_bare_number_lists_every_owner_id(indexed):
    indexed.run_search("14")
    keys = [h.key for h in indexed.search_dock.hits]
    assert {"SGD:G00014", "MPN:E00014", "RVW:WS00014"} <= set(keys)
    assert indexed.search_dock.list.count() == len(keys)


def test_results_walked_with_up_down_and_enter(indexed, qtbot):
    w = indexed
    first = w.run_search("road")
    labels = [h.label for h in w.search_dock.hits]
    assert {"Station Road", "Park Road", "Victoria Road"} <= set(labels)
    assert w.search_dock.current == first
    box = w.search_box
    qtbot.keyClick(box, Qt.Key.Key_Down)
    second = w.search_dock.hits[1]
    assert w.search_dock.current == second and w.search_dock.list.currentRow() == 1
    assert w.selection.geometries[0].bounds != pytest.approx(
        w.search_dock.hits[0].bounds)  # the highlight moved to the second street
    assert _extent_contains(w, w.selection.geometries[0].bounds)
    assert f"2 of {len(labels)}" in w.message.text()
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert w.search_dock.current == first
    # Enter in the list zooms to the chosen one (the "(n more)" are reachable)
    last = w.search_dock.list.count() - 1
    w.search_dock.list.setCurrentRow(last)
    qtbot.keyClick(w.search_dock.list, Qt.Key.Key_Return)
    assert w.search_dock.current == w.search_dock.hits[last]


def test_highlight_cleared_by_esc_clear_button_and_new_search(window, qtbot):
    w = window
    w.search_box.setText("Mill Lane")
    qtbot.keyClick(w.search_box, Qt.Key.Key_Return)
    assert w.search_dock.current.label == "Mill Lane" and w.selection.geometries
    qtbot.keyClick(w.search_box, Qt.Key.Key_Escape)
    assert w.selection.geometries == [] and w.selection.marker is None
    assert w.search_dock.list.count() == 0 and w.search_box.text() == ""
    w.run_search("TQ 305 803")
    assert w.selection.marker is not None
    w.run_search("Mill Lane")  # a new search: no marker left from the grid reference
    assert w.selection.marker is None and len(w.selection.geometries) == 1
    assert w.run_search("no such place anywhere") is None
    assert w.selection.geometries == [] and w.search_dock.list.count() == 0  # nothing stale
    w.run_search("Mill Lane")
    w.search_box.setText("Mill Lane")
    w.search_box.clear()  # the box's clear button
    assert w.selection.geometries == []


# -- the search box's examples come from the register itself --------------------------------
def test_examples_on_a_british_register_come_from_its_extent():
    from ui.models.search import examples

    ex = examples((529000, 179000, 532000, 182000), bng=True, british=True)
    assert "TQ 305 805" in ex.placeholder and "530500 180500" in ex.placeholder
    assert "USRN" in ex.placeholder and "a USRN" in ex.hint
    assert "(530500 180500)" in ex.hint and "(TQ 305 805)" in ex.hint


def test_examples_on_a_dutch_register_are_dutch():
    from ui.models.search import examples

    ex = examples((154000, 462000, 156000, 464000), bng=False, british=False)  # Utrecht, RD New
    for text in (ex.placeholder, ex.hint):
        assert "TQ" not in text and "USRN" not in text and "530500" not in text
        assert "155000 463000" in text
    assert "grid reference" not in ex.hint


def test_examples_on_an_empty_register_name_no_place():
    from ui.models.search import examples

    ex = examples(None, bng=True, british=True)
    assert "coordinates in the register's CRS" in ex.hint and "TQ" not in ex.placeholder


def test_the_window_offers_the_open_register_s_examples(tmp_path, qtbot):
    import geopandas as gpd
    import shapely
    from PySide6.QtWidgets import QApplication

    from asset_register.model import BatchInfo, validate_assets
    from asset_register.store import create_register
    from ui.main_window import MainWindow

    store = create_register(tmp_path / "utrecht.gpkg", crs="EPSG:28992")
    row = {"asset_id": "W1", "owner": "VIT", "utility": "water", "asset_class": "pipe",
           "status": "in_service", "h_accuracy_m": 0.5,
           "geometry": shapely.LineString([(154900, 462900), (155100, 463100)])}
    store.write_batch(validate_assets(gpd.GeoDataFrame([row], geometry="geometry",
                                                       crs="EPSG:28992")),
                      BatchInfo(source_file="water.gpkg", owner="VIT"), delivery="VIT")
    store.close()
    QApplication.instance().setProperty("suppress_error_dialogs", True)
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    w.open_register(str(tmp_path / "utrecht.gpkg"), [])
    assert w.wait_until_idle(60)
    text = w.search_box.placeholderText()
    assert "155000 463000" in text and "TQ" not in text and "USRN" not in text
    assert w.search_dock.run("nothing like this") is None
    said = w.message.text()
    assert "Nothing found" in said and "155000 463000" in said and "TQ 305" not in said
    w.close()
