"""Dig safety in the window: the "no records here" warning of an expected utility reaches the
conflicts panel, and the dig (geometry, parameters, undo history) survives an import's reload
with the toolbar always showing the parameters of the dig that was checked."""

from __future__ import annotations

from importlib import resources

import shapely

from asset_register.store import open_register

DIG = [(530540.0, 180346.0), (530552.0, 180346.0), (530552.0, 180354.0), (530540.0, 180354.0)]


def _rules_expecting(tmp_path, utilities) -> str:
    text = resources.files("asset_register.check").joinpath("default_rules.toml").read_text()
    listed = ", ".join(f'"{u}"' for u in utilities)
    assert "expected_utilities = []" in text
    path = tmp_path / "rules.toml"
    path.write_text(text.replace("expected_utilities = []", f"expected_utilities = [{listed}]"))
    return str(path)


def test_expected_utility_without_records_is_shown_in_the_conflicts_panel(window, sample_register, tmp_path):
    with open_register(sample_register, read_only=True) as store:
        present = set(store.read_assets(columns=["utility"])["utility"].astype(str))
    assert "other" not in present and "gas" in present
    # as the Settings dialog does when the authority picks a rules file
    window.checks.set_rules(_rules_expecting(tmp_path, ["other", "gas"]))
    window.dig.set_geometry(shapely.Polygon(DIG), "Enter coordinates")
    assert window.wait_until_idle(30)
    result = window.dig.result
    assert result is not None and not window.dig.checking
    missing = [o for o in result.owners_no_data if o.get("owner") is None]
    assert [o["utility"] for o in missing] == ["other"]
    text = window.conflicts_dock.summary.text()
    assert "Checking" not in text
    assert "No records here from:" in text and "other (no owner)" in text
    owners = window.conflicts_dock.owners_model
    rows = [owners.row(i) for i in range(owners.rowCount())]
    listed = [r for r in rows if r["status"] == "NO DATA HERE" and r["owner"] == "other (no owner)"]
    assert len(listed) == 1
    assert "no owner in the register has other data" in str(listed[0]["reason"])
    window.new_notice()  # the notice preview lists it among the owners with no records too
    preview = window.dialogs.notice_dialog.preview.toPlainText()
    window.dialogs.notice_dialog.close()
    assert "Owners with no records here" in preview and "other (no owner)" in preview


TRENCH = [(530540.0, 180350.0), (530552.0, 180350.0)]


def _controls(window) -> tuple:
    bar = window.dig_bar
    return (bar.width_spin.value(), bar.depth_spin.value(), bar.method_box.currentText())


def _checked(window) -> tuple:
    """Width, depth and method of the dig the last check ran on."""
    result = window.dig.result
    assert result is not None and not window.dig.checking
    site = result.site
    return (window.dig.state.width_m, site.depth_m, site.method)


def _trench_with_parameter_edits(window):
    """A 1.0 m wide, 1.0 m deep mechanical trench, then 2.5 m / 2.0 m / hand set in the toolbar
    (three edits on the undo stack)."""
    window.dig_bar.width_spin.setValue(1.0)
    window.dig_bar.depth_spin.setValue(1.0)
    window.dig_bar.method_box.setCurrentText("mechanical")
    window.dig.set_geometry(shapely.LineString(TRENCH), "Enter coordinates", width_m=1.0)
    assert window.wait_until_idle(30)
    assert _checked(window) == (1.0, 1.0, "mechanical")
    window.dig_bar.width_spin.setValue(2.5)
    window.dig_bar.depth_spin.setValue(2.0)
    window.dig_bar.method_box.setCurrentText("hand")
    assert window.wait_until_idle(30)
    assert _checked(window) == (2.5, 2.0, "hand") == _controls(window)


def test_toolbar_shows_the_checked_dig_after_undo_and_redo(window):
    _trench_with_parameter_edits(window)
    for _ in range(3):
        window.act["undo"].trigger()
    assert window.wait_until_idle(30)
    assert _checked(window) == (1.0, 1.0, "mechanical")
    assert _controls(window) == (1.0, 1.0, "mechanical")
    assert window.dig.history.index == 1  # only the drawing is left; showing it made no edit
    window.act["redo"].trigger()
    assert window.wait_until_idle(30)
    assert _checked(window) == (2.5, 1.0, "mechanical") == _controls(window)


def _import_telecoms_duct(register, tmp_path) -> str:
    """A new owner's duct across the trench, imported into the register as the wizard's
    import process does."""
    import geopandas as gpd

    from importers.job import ImportJob

    path = tmp_path / "duct.geojson"
    duct = shapely.LineString([(530546.0, 180340.0), (530546.0, 180360.0)])
    gpd.GeoDataFrame({"asset_id": ["NTL-D1"], "asset_class": ["duct"]}, geometry=[duct],
                     crs="EPSG:27700").to_file(path, driver="GeoJSON")
    with open_register(register) as store:
        reports = ImportJob(store, path, owner="NTL", owner_name="New Telecoms Ltd",
                            utility="telecoms").run()
    assert [r.status for r in reports] == ["imported"] and reports[0].imported == 1
    return "NTL:NTL-D1"  # asset ids are kept per owner


def test_the_dig_survives_the_reload_after_an_import(window, sample_register, tmp_path):
    _trench_with_parameter_edits(window)
    dig, before = window.dig, window.dig.state
    drawn = window.dig.polygon
    assert window.dig.history.count == 4
    ids_before = set(window.dig.result.conflicts["asset_id"].astype(str))
    new_id = _import_telecoms_duct(sample_register, tmp_path)
    assert new_id not in ids_before
    window.import_data([])
    wizard = window.dialogs.wizard
    wizard.imported.emit()  # what the wizard says once its import succeeded: the register reopens
    wizard.close()
    assert window.wait_until_idle(60)
    assert window.dig is dig and window.dig.state == before
    assert shapely.equals(window.dig.polygon, drawn)
    assert window.dig_overlay in window.canvas.overlays
    # checked again, against the reopened register: the imported duct is in conflict
    ids = set(window.dig.result.conflicts["asset_id"].astype(str))
    assert ids == ids_before | {new_id}
    assert _checked(window) == (2.5, 2.0, "hand") == _controls(window)
    assert new_id in [str(window.conflicts_dock.model.row(i)["asset_id"])
                      for i in range(window.conflicts_dock.model.rowCount())]
    # the undo history is intact and undo still re-checks
    assert window.dig.history.count == 4 and window.dig.history.can_undo
    window.act["undo"].trigger()
    assert window.wait_until_idle(30)
    assert _checked(window) == (2.5, 2.0, "mechanical") == _controls(window)
    window.act["undo"].trigger()
    window.act["undo"].trigger()
    window.act["undo"].trigger()
    assert window.wait_until_idle(30)
    assert window.dig.state.is_empty and window.dig.result is None
    assert not window.act["undo"].isEnabled() and window.act["redo"].isEnabled()
    window.act["redo"].trigger()
    assert window.wait_until_idle(30)
    assert window.dig.state.vertices == before.vertices
    assert _checked(window) == (1.0, 1.0, "mechanical") == _controls(window)


def test_the_dig_survives_a_change_of_rules(window, tmp_path):
    _trench_with_parameter_edits(window)
    dig, before = window.dig, window.dig.state
    assert "other" not in [o.get("utility") for o in dig.result.owners_no_data]
    window.checks.set_rules(_rules_expecting(tmp_path, ["other"]))  # what the Settings dialog does
    assert window.wait_until_idle(30)
    assert window.dig is dig and dig.state == before and dig.history.count == 4
    assert "other" in [o.get("utility") for o in dig.result.owners_no_data]  # checked with the new rules
    assert _checked(window) == (2.5, 2.0, "hand") == _controls(window)


def _footprint_line(preview: str) -> str:
    return next(line for line in preview.splitlines() if "Footprint:" in line)


def test_the_notice_preview_after_undo_uses_the_checked_depth_and_method(window):
    _trench_with_parameter_edits(window)
    for _ in range(3):
        window.act["undo"].trigger()
    assert window.wait_until_idle(30)
    window.new_notice()
    dialog = window.dialogs.notice_dialog
    line = _footprint_line(dialog.preview.toPlainText())
    dialog.close()
    assert "depth 1.0 m" in line and "mechanical" in line and "hand" not in line
    assert dialog.dig.result.site.depth_m == 1.0 == window.dig_bar.depth_spin.value()


def test_the_notice_dates_are_the_digs(window):
    from datetime import date

    from PySide6.QtCore import QDate

    window.dig.set_geometry(shapely.LineString(TRENCH), "Enter coordinates", width_m=1.0)
    assert window.wait_until_idle(30)
    steps = window.dig.history.count
    window.new_notice()
    dialog = window.dialogs.notice_dialog
    dialog.start.setDate(QDate(2027, 3, 1))
    dialog.end.setDate(QDate(2027, 3, 5))
    assert window.wait_until_idle(30)
    # one undo step for the two dates; the dig is checked again with them, and the preview follows
    assert window.dig.history.count == steps + 1 and window.dig.history.undo_text == "Change dates"
    site = window.dig.result.site
    assert (site.start, site.end) == (date(2027, 3, 1), date(2027, 3, 5))
    assert "2027-03-01 to 2027-03-05" in dialog.preview.toPlainText()
    assert "Footprint:" in dialog.preview.toPlainText()
    dialog.close()
    window.new_notice()  # opened again: the dates are the dig's, not today's defaults
    again = window.dialogs.notice_dialog
    assert (again.start.date(), again.end.date()) == (QDate(2027, 3, 1), QDate(2027, 3, 5))
    again.close()
    window.act["undo"].trigger()
    assert window.wait_until_idle(30)
    assert window.dig.state.start is None and window.dig.result.site.start is None
