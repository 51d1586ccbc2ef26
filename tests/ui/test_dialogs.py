"""Dialogs end to end on the sample town: the import wizard on a sample delivery, a notice pack
exported from the dialog, settings persisted, and the one error dialog path."""

from __future__ import annotations

import json
from datetime import date

import pyogrio
import pytest
import shapely

from asset_register.store import create_register, open_register
from importers.sample import town_dir

DIG = "POLYGON ((530540 180346, 530552 180346, 530552 180354, 530540 180354, 530540 180346))"


def test_import_wizard_imports_a_sample_delivery(qtbot, tmp_path):
    from ui.dialogs.import_wizard import ImportWizard
    from ui.session import Session

    path = tmp_path / "empty.gpkg"
    create_register(path).close()
    session = Session(path)
    delivery = town_dir() / "water_rvw.gpkg"
    wizard = ImportWizard(session, [str(delivery)])
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.wait_until_ready(60)
    layers = wizard.selected_layers()[str(delivery)]
    assert set(layers) == {name for name, _ in pyogrio.list_layers(delivery)}
    wizard.next()  # owner page: guessed from the file name
    assert wizard.owner == "RVW" and wizard.utility == "water"
    wizard.owner_page.owner_name.setText("River Valley Water")
    wizard.next()  # mapping page: the auto-mapper's proposal and a preview
    assert wizard.wait_until_ready(60)
    page = wizard.mapping_page
    assert page.preview_model.rowCount() > 0
    # the owner's fitting codes are not known to the auto-mapper: map them as a user would
    page.which.setCurrentIndex(page.which.findText("water_rvw.gpkg › water_fittings"))
    assert wizard.wait_until_ready(60)
    assert "would be rejected" in page.info.text()
    from importers.profiles import MAPPABLE

    values = page.table.cellWidget(MAPPABLE.index("asset_class"), 4)
    values.setText("SV=valve; FH=hydrant")
    values.editingFinished.emit()
    qtbot.wait(500)
    assert wizard.wait_until_ready(60)
    assert page.preview_model.rowCount() > 0
    assert set(page.preview_model.frame["asset_class"]) <= {"valve", "hydrant"}
    wizard.next()  # import runs in a worker and moves on to the result by itself
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.finish_page, timeout=60_000)
    reports = wizard.reports
    read = {name: pyogrio.read_info(delivery, layer=name)["features"] for name in layers}
    for r in reports:
        assert r.status == "imported"
        assert r.rows_read == read[r.layer]
        assert r.imported + r.rejected == r.rows_read  # nothing silently lost
    with open_register(path, read_only=True) as store:
        assert store.asset_count() == sum(r.imported for r in reports)
        assert store.owner("RVW").name == "River Valley Water"
        assert set(store.read_assets(columns=["utility"])["utility"]) == {"water"}
    assert wizard.finish_page.model.rowCount() == len(reports)
    session.close()


def test_import_wizard_reports_an_unreadable_file(qtbot, tmp_path):
    from ui.dialogs.import_wizard import ImportWizard
    from ui.errors import shown
    from ui.session import Session

    path = tmp_path / "empty.gpkg"
    create_register(path).close()
    bad = tmp_path / "broken.geojson"
    bad.write_text("{ this is not json")
    session = Session(path)
    wizard = ImportWizard(session, [str(bad)])
    qtbot.addWidget(wizard)
    before = len(shown)
    assert wizard.wait_until_ready(30)
    assert not wizard.source_page.isComplete()
    assert len(shown) == before  # shown in the page, not as a crash
    item = wizard.source_page.tree.topLevelItem(0)
    assert item.text(4)  # the reason is shown next to the file
    session.close()


def test_notice_pack_exported_from_the_dialog(qtbot, window, tmp_path, fixed_clock):
    from ui.dialogs.notice_dialog import NoticeDialog

    window.dig.set_geometry(shapely.from_wkt(DIG))
    assert window.wait_until_idle(30)
    result = window.dig.result
    assert result is not None and len(result.conflicts)
    dialog = NoticeDialog(window.session, window.dig, window)
    qtbot.addWidget(dialog)
    dialog.promoter.setText("River Valley Water")
    dialog.description.setPlainText("Renew a water service at the High Street crossing")
    dialog.usrn.setText("20700102")
    dialog.folder.setText(str(tmp_path / "packs"))
    assert "River Valley Water" in dialog.preview.toPlainText()
    # the preview's validity is the pack's: 20 working days from the (fixed) day of issue
    assert "about 2026-12-21 (20 working days from issue)" in dialog.preview.toPlainText()
    dialog.export()
    assert dialog.wait_until_done(120)
    pack = dialog.pack
    assert pack is not None, dialog.message.text()
    assert pack.valid_until == date(2026, 12, 21) and "-2026-" in pack.reference
    assert pack.folder.is_dir() and all(p.exists() for p in pack.paths)
    assert dialog.open_button.isEnabled()
    geojson = next(p for p in pack.paths if p.suffix == ".geojson")
    data = json.loads(geojson.read_text())
    ids = {f["properties"].get("asset_id") for f in data["features"]}
    assert set(result.conflicts["asset_id"]) <= ids
    with open_register(window.session.location, read_only=True) as store:
        notices = store.notices(pack.reference)
    assert len(notices) == 1 and notices.iloc[0]["usrn"] == "20700102"
    affected = {o["owner"] for o in result.owners_affected}
    assert affected <= set(pack.owner_files)


def test_notice_dialog_short_notice_needs_the_box(qtbot, window, tmp_path, fixed_clock):
    from PySide6.QtCore import QDate
    from pypdf import PdfReader

    from ui.dialogs.notice_dialog import NoticeDialog
    from ui.errors import shown

    window.dig.set_geometry(shapely.from_wkt(DIG))
    assert window.wait_until_idle(30)
    dialog = NoticeDialog(window.session, window.dig, window)
    qtbot.addWidget(dialog)
    assert dialog.start.date() == QDate(2026, 12, 7)  # 14 days after the (fixed) day of issue
    assert "Owners respond by 2026-11-26" in dialog.preview.toPlainText()
    dialog.promoter.setText("River Valley Water")
    dialog.folder.setText(str(tmp_path / "packs"))
    dialog.start.setDate(QDate(2026, 11, 25))
    dialog.end.setDate(QDate(2026, 11, 26))
    # the dates are the dig's: it is checked again, then the preview judges the new dates
    qtbot.waitUntil(lambda: "Checking the dig" not in dialog.preview.toPlainText(), timeout=30_000)
    preview = dialog.preview.toPlainText()
    assert "Cannot be issued" in preview and "on or after 2026-11-30" in preview
    before = len(shown)
    dialog.export()
    assert dialog.wait_until_done(120) and dialog.pack is None
    assert "2 working days after" in shown[before]
    dialog.short_notice.setChecked(True)
    qtbot.waitUntil(lambda: "Short notice accepted" in dialog.preview.toPlainText(), timeout=30_000)
    dialog.export()
    assert dialog.wait_until_done(120) and dialog.pack is not None, dialog.message.text()
    assert dialog.pack.respond_by == date(2026, 11, 24)
    text = "".join(p.extract_text() for p in PdfReader(dialog.pack.folder / "summary.pdf").pages)
    assert "Short notice accepted" in text


def test_notice_dialog_checks_and_suggests_the_usrn(qtbot, window, tmp_path, fixed_clock):
    from ui.dialogs.notice_dialog import NoticeDialog
    from ui.errors import shown

    window.dig.set_geometry(shapely.from_wkt(DIG))  # in High Street (USRN 20700102)
    assert window.wait_until_idle(30)
    dialog = NoticeDialog(window.session, window.dig, window)
    qtbot.addWidget(dialog)
    assert dialog.suggested_usrn == "20700102" and not dialog.use_usrn.isHidden()
    assert "High Street (USRN 20700102" in dialog.usrn_hint.text()
    dialog.usrn.setText("20700101")  # Station Road, across town
    hint = dialog.usrn_hint.text()
    assert "USRN 20700101 is Station Road" in hint and "High Street (USRN 20700102" in hint
    dialog.promoter.setText("River Valley Water")
    dialog.folder.setText(str(tmp_path / "packs"))
    before = len(shown)
    dialog.export()
    assert dialog.wait_until_done(120) and dialog.pack is None
    assert "USRN 20700101 is Station Road" in shown[before]
    dialog.use_usrn.click()
    assert dialog.usrn.text() == "20700102" and "is at the site" in dialog.usrn_hint.text()


def test_notice_pack_from_the_dialog_is_a_valid_street_manager_request(qtbot, window, tmp_path,
                                                                      fixed_clock, shared_data):
    import jsonschema

    from tests.notices.test_street_manager import _openapi_to_jsonschema
    from ui.dialogs.notice_dialog import NoticeDialog

    spec = json.loads((shared_data / "street-manager" / "V3.6-work-swagger.json").read_text())
    schemas = _openapi_to_jsonschema(spec["components"]["schemas"])
    schema = {**schemas["WorkCreateRequest"], "components": {"schemas": schemas}}
    with open_register(window.session.location) as store:  # the register's defaults
        store.set_setting("authority_swa_code", "5990")
    window.dig.set_geometry(shapely.from_wkt(DIG))
    assert window.wait_until_idle(30)
    dialog = NoticeDialog(window.session, window.dig, window)
    qtbot.addWidget(dialog)
    box = dialog.street_manager
    assert box.authority_swa.text() == "5990" and box.promoter_swa.text() == ""
    assert "incomplete" in dialog.preview.toPlainText()
    dialog.promoter.setText("River Valley Water")
    dialog.phone.setText("0800 555 0101")
    dialog.use_usrn.click()
    box.promoter_swa.setText("7001")
    box.combos["traffic_management_type"].setCurrentIndex(
        box.combos["traffic_management_type"].findData("two_way_signals"))
    box.set_locations(["footway", "carriageway"])
    assert "Street Manager works record: complete." in dialog.preview.toPlainText()
    dialog.folder.setText(str(tmp_path / "packs"))
    dialog.export()
    assert dialog.wait_until_done(120) and dialog.pack is not None, dialog.message.text()
    req = json.loads((dialog.pack.folder / "street-manager-work.json").read_text())
    errors = list(jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.FormatChecker()).iter_errors(req))
    assert errors == [], [e.message for e in errors]
    assert (req["promoter_swa_code"], req["highway_authority_swa_code"]) == ("7001", "5990")
    assert req["usrn"] == 20700102 and req["traffic_management_type"] == "two_way_signals"
    assert req["location_types"] == ["footway", "carriageway"]
    assert not any("defaults used" in w for w in dialog.pack.warnings)  # every choice explicit
    box.promoter_swa.setText("70012")  # maxLength keeps 4; a bad code typed is refused
    assert box.promoter_swa.text() == "7001"
    box.promoter_swa.setText("7-1")
    from ui.errors import shown

    before = len(shown)
    dialog.export()
    assert "promoter SWA code '7-1'" in shown[before]


def test_notice_dialog_refuses_a_missing_promoter(qtbot, window, tmp_path):
    from ui.dialogs.notice_dialog import NoticeDialog
    from ui.errors import shown

    window.dig.set_geometry(shapely.from_wkt(DIG))
    assert window.wait_until_idle(30)
    dialog = NoticeDialog(window.session, window.dig, window)
    qtbot.addWidget(dialog)
    dialog.promoter.setText("")
    dialog.folder.setText(str(tmp_path / "packs"))
    before = len(shown)
    dialog.export()
    assert dialog.pack is None and dialog.task is None
    assert "promoter" in shown[before]


def test_settings_persist_in_register_and_user_settings(qtbot, window):
    from ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.app_settings, window.session.store, window)
    qtbot.addWidget(dialog)
    dialog.field("authority_name").edit.setText("Riverton Borough Council")
    dialog.field("authority_code").edit.setText("rbc")
    scheme = dialog.field("colour_scheme").edit
    scheme.setCurrentIndex(scheme.findData("apwa"))
    dialog.accept()
    store = window.session.store
    assert store.get_setting("authority_name") == "Riverton Borough Council"
    assert store.get_setting("authority_code") == "RBC"
    assert window.app_settings.scheme == "apwa"
    bad = SettingsDialog(window.app_settings, store, window)
    qtbot.addWidget(bad)
    bad.field("working_crs", "machine").edit.setText("EPSG:not-a-code")
    with pytest.raises(Exception, match="'working_crs'.*projected CRS"):
        bad.validate()


def test_uncaught_exceptions_reach_the_error_dialog():
    import sys

    from asset_register.errors import FootprintError
    from ui.errors import install_excepthook, shown, user_message

    old = sys.excepthook
    install_excepthook()
    try:
        before = len(shown)
        try:
            raise FootprintError("the dig polygon crosses itself")
        except FootprintError:
            sys.excepthook(*sys.exc_info())
        assert shown[before] == "the dig polygon crosses itself"
        assert "unexpected" in user_message(KeyError("x"))
    finally:
        sys.excepthook = old


def _wizard_at_import(qtbot, session, delivery):
    """The import wizard on ``delivery``, its proposals accepted, at the last page before
    the import."""
    from ui.dialogs.import_wizard import ImportWizard

    wizard = ImportWizard(session, [str(delivery)])
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.wait_until_ready(60)
    wizard.next()
    wizard.next()
    assert wizard.wait_until_ready(60)
    return wizard


def test_cancelling_an_import_leaves_the_register_unchanged(qtbot, tmp_path):
    from ui.session import Session

    path = tmp_path / "empty.gpkg"
    create_register(path).close()
    session = Session(path)
    wizard = _wizard_at_import(qtbot, session, town_dir() / "water_rvw.gpkg")
    wizard.next()  # starts the import in its own process…
    wizard.import_page.cancel()  # …and the user cancels at once
    qtbot.waitUntil(lambda: wizard.import_page.finished, timeout=60_000)
    assert "cancelled" in wizard.import_page.message.text()
    assert wizard.currentPage() is wizard.import_page and not wizard.import_page.isComplete()
    with open_register(path, read_only=True) as store:
        assert store.asset_count() == 0
    session.close()


def test_footprint_from_a_file_in_another_crs(window, tmp_path):
    import geopandas as gpd

    from ui.dialogs.coords_dialog import parse_coordinates, read_footprint_file

    poly = shapely.from_wkt(DIG)
    wgs84 = gpd.GeoSeries([poly], crs="EPSG:27700").to_crs("EPSG:4326")
    path = tmp_path / "dig.geojson"
    gpd.GeoDataFrame(geometry=wgs84).to_file(path)
    geom = read_footprint_file(str(path), window.session.crs)
    assert geom.symmetric_difference(poly).area < 0.5  # back in BNG within the transform's accuracy
    window.dig.set_geometry(geom, "Load footprint")
    assert window.wait_until_idle(30)
    assert window.dig.result is not None and len(window.dig.result.conflicts)
    assert parse_coordinates("530540 180346\n530552, 180346\n\n530552;180354") == [
        (530540.0, 180346.0), (530552.0, 180346.0), (530552.0, 180354.0)]
    with pytest.raises(Exception, match="line 2"):
        parse_coordinates("530540 180346\nnot a coordinate")


def test_the_import_wizard_asks_before_retiring_most_of_an_owners_assets(qtbot, tmp_path,
                                                                          monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from importers import ImportJob
    from ui.session import Session

    path = tmp_path / "register.gpkg"
    source = town_dir() / "water_rvw.gpkg"
    with create_register(path) as store:
        ImportJob(store, source, owner="RVW", all_layers=True, utility="water").run()
        before = store.asset_count()
    cut = tmp_path / "water_rvw.gpkg"  # the same owner's layers, most rows gone
    for name, _ in pyogrio.list_layers(source):
        pyogrio.write_dataframe(pyogrio.read_dataframe(source, layer=name).iloc[:3], cut,
                                layer=name)
    asked = []

    def question(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    session = Session(path)
    wizard = _wizard_at_import(qtbot, session, cut)
    wizard.next()  # refused unconfirmed, asked, run again confirmed
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.finish_page, timeout=120_000)
    assert len(asked) == 1 and "of owner RVW's" in asked[0] and "live assets" in asked[0]
    retired = sum(r.retired for r in wizard.reports)
    with open_register(path, read_only=True) as store:
        assert retired > 0.1 * before
        assert store.asset_count() == before - retired + sum(r.added for r in wizard.reports)
    session.close()
