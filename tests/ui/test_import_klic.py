"""The import wizard on a KLIC (IMKL) delivery as received — the delivery page instead of owner
and mapping, one owner per network operator, the dig polygon offered as the footprint to
check — and its delivery-scope and CRS-override controls for ordinary files."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pyogrio
import shapely

from asset_register.store import create_register, open_register
from importers.sample import town_dir

IMKL = Path(__file__).parents[1] / "importers" / "data" / "imkl"
AREA_A = IMKL / "GI_gebiedsinformatielevering_26G000101_1.xml"
SHOT = Path(__file__).parents[2] / "docs" / "img" / "import-klic.png"


def _levering(tmp_path) -> Path:
    """A KLIC delivery zip as received: the GI file, delivery info and its attachments."""
    path = tmp_path / "Levering_26G000101_1.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(AREA_A, AREA_A.name)
        zf.writestr("LI_26G000101_1.xml", "<Leveringsinformatie/>")
        zf.writestr("bronnen/KL1001/EV_26G000101_middenspanning.pdf", b"%PDF-1.4 fictitious")
    return path


def _rd_window(qtbot, path):
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    QApplication.instance().setProperty("suppress_error_dialogs", True)
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    w.open_register(path, [])
    assert w.wait_until_idle(60)
    return w


def test_wizard_imports_a_klic_delivery_and_checks_its_dig_area(qtbot, tmp_path):
    path = tmp_path / "nl.gpkg"
    create_register(path, crs="EPSG:28992").close()
    window = _rd_window(qtbot, path)
    window.import_data([str(_levering(tmp_path))])
    wizard = window.dialogs.wizard
    assert wizard.wait_until_ready(60)
    delivery = str(tmp_path / "Levering_26G000101_1.zip")
    assert wizard.klic_files() == [delivery] and wizard.mapped_layers() == {}
    assert wizard.source_page.isComplete()
    wizard.next()  # no owner, no mapping: the delivery page
    assert wizard.currentPage() is wizard.delivery_page
    assert wizard.wait_until_ready(60) and wizard.delivery_page.isComplete()
    page = wizard.delivery_page
    s = page.summaries[delivery]
    assert (s.reference, s.assets) == ("26G000101", 12)
    assert [(o.code, o.name, o.assets, o.precaution_zones) for o in s.operators] == [
        ("KL1001", "Voorbeeld Netbeheer B.V.", 9, 1), ("KL2002", "Voorbeeld Gas & Water N.V.", 3, 0)]
    assert s.operators[1].by_class == {"gas pipe": 2, "water pipe": 1}
    assert s.footprint.equals(shapely.box(155000, 463000, 155200, 463200))
    tops = [page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount())]
    assert [t.text(0) for t in tops] == ["Voorbeeld Netbeheer B.V. (KL1001)",
                                         "Voorbeeld Gas & Water N.V. (KL2002)"]
    assert "0800-100 1999" in tops[0].text(2) and "klic@voorbeeldnet.example" in tops[0].text(2)
    assert "KLIC 26G000101" in page.header.text() and "4.00 ha" in page.header.text()
    wizard.resize(1000, 700)  # docs/img/import-klic.png is this page: UPDATE_SCREENSHOTS=1 redraws it
    assert wizard.grab().save(str(SHOT if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path / "klic.png"))

    wizard.next()  # the import in its child process, then the result
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.finish_page, timeout=120_000)
    got = [(r.layer, r.status, r.imported, r.added, r.rejected) for r in wizard.reports]
    assert got == [("imkl:KL1001", "imported", 9, 9, 0), ("imkl:KL2002", "imported", 3, 3, 0)]
    assert wizard.finish_page.areas == ["26G000101"]
    assert wizard.finish_page.check_button.isVisibleTo(wizard)
    with open_register(path, read_only=True) as store:
        owners = {o.code: o for o in store.owners()}
        assets = store.read_assets()
    assert owners["KL2002"].name == "Voorbeeld Gas & Water N.V."
    assert owners["KL1001"].emergency_phone == "0800-100 1999"
    assert assets.groupby("owner").size().to_dict() == {"KL1001": 9, "KL2002": 3}

    wizard.finish_page.check_button.click()  # closes the wizard, the window checks the dig polygon
    assert window.wait_until_idle(60)
    assert window.dig.polygon.equals(shapely.box(155000, 463000, 155200, 463200))
    conflicts = window.dig.result.conflicts
    assert set(conflicts["owner"]) == {"KL1001", "KL2002"}
    assert (conflicts["severity"] == "strike").sum() == 11  # every line and point inside it
    assert "KL2002:KL2002.ghd_406" in set(conflicts["asset_id"])
    window.close()


def test_dig_menu_lists_the_registers_delivery_areas(qtbot, tmp_path):
    from importers.imkl import import_delivery

    path = tmp_path / "nl.gpkg"
    with create_register(path, crs="EPSG:28992") as store:
        import_delivery(store, AREA_A)
        import_delivery(store, IMKL / "GI_gebiedsinformatielevering_26G000202_1.xml")
    window = _rd_window(qtbot, path)
    window.dialogs.fill_delivery_menu(window.delivery_menu)
    entries = [a.text() for a in window.delivery_menu.actions()]
    assert entries == ["26G000202", "26G000101"]  # newest first
    window.delivery_menu.actions()[1].trigger()
    assert window.wait_until_idle(60)
    assert window.dig.polygon.equals(shapely.box(155000, 463000, 155200, 463200))
    assert set(window.dig.result.conflicts["owner"]) == {"KL1001", "KL2002"}
    window.close()


def test_scope_and_crs_override_reach_the_import(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.dialogs.import_wizard import ImportWizard
    from ui.session import Session

    import geopandas as gpd

    from importers import ImportJob

    path = tmp_path / "register.gpkg"
    source = town_dir() / "water_rvw.gpkg"
    layer = pyogrio.list_layers(source)[0][0]
    with create_register(path) as store:
        ImportJob(store, source, owner="RVW", layers=[layer], utility="water").run()
        before = store.read_assets().set_index("asset_id")
    full = pyogrio.read_dataframe(source, layer=layer)
    cut = tmp_path / "water_rvw.gpkg"  # the owner's layer with half its rows gone, and its
    # British National Grid coordinates mislabelled as Web Mercator: only the override fixes it
    pyogrio.write_dataframe(full.iloc[::2].set_crs("EPSG:3857", allow_override=True), cut,
                            layer=layer)
    b = before.total_bounds
    area = shapely.box(b[0], b[1], (b[0] + b[2]) / 2, b[3])  # the western half only
    area_file = tmp_path / "area.geojson"
    gpd.GeoDataFrame(geometry=[area], crs=before.crs).to_file(area_file)

    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    session = Session(path)
    wizard = ImportWizard(session, [str(cut)])
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.wait_until_ready(60)
    src = wizard.source_page
    src.force.setChecked(True)  # an override without the CRS to use cannot work
    assert not src.isComplete() and "Assume CRS" in src.problem.text()
    src.crs.setText(before.crs.to_string())
    assert src.isComplete() and src.problem.text() == ""
    wizard.next()
    owner = wizard.owner_page
    owner.owner.setCurrentText("RVW")
    owner.scope_box.set_scope("area")
    assert not owner.isComplete() and "needs its area" in owner.scope_box.note.text()
    owner.scope_box.load_area(str(tmp_path / "missing.geojson"))
    assert wizard.wait_until_ready(30)
    assert not owner.isComplete() and "does not exist" in owner.scope_box.note.text()
    owner.scope_box.load_area(str(area_file))
    assert wizard.wait_until_ready(30) and owner.isComplete()
    wizard.next()  # mapping
    assert wizard.wait_until_ready(60) and wizard.currentPage() is wizard.mapping_page
    wizard.next()  # import
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.finish_page, timeout=120_000)
    assert len(asked) == 1 and "of owner RVW's" in asked[0]  # a quarter of them: asked first
    opts = wizard.import_page.options
    assert (opts["scope"], opts["force_crs"], opts["area_source"]) == ("area", True, str(area_file))
    with open_register(path, read_only=True) as store:
        after = store.read_assets().set_index("asset_id")
    kept = after.index.intersection(before.index)  # read as BNG, as forced: where they were
    assert len(kept) and after.loc[kept].geometry.geom_equals_exact(
        before.loc[kept].geometry, tolerance=0.01).all()
    gone = before.index.difference(after.index)
    missing = before.loc[before.index.difference("RVW:" + full.iloc[::2].index.astype(str))]
    assert len(gone) and sum(r.retired for r in wizard.reports) == len(gone)
    # only assets inside the area went; those the file lacks outside it stay live
    assert before.loc[gone].intersects(area).all()
    assert (~missing.intersects(area)).any() and missing.index[~missing.intersects(area)].isin(after.index).all()
    session.close()


def test_a_klic_delivery_the_register_cannot_hold_is_refused_on_its_page(qtbot, tmp_path):
    from ui.dialogs.import_wizard import ImportWizard
    from ui.session import Session

    path = tmp_path / "uk.gpkg"  # British National Grid: a Dutch delivery does not fit
    create_register(path).close()
    session = Session(path)
    wizard = ImportWizard(session, [str(AREA_A)])
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.wait_until_ready(60)
    wizard.next()
    assert wizard.currentPage() is wizard.delivery_page and wizard.wait_until_ready(60)
    assert not wizard.delivery_page.isComplete()  # Next stays disabled, with the reason
    assert "cannot be imported" in wizard.delivery_page.header.text()
    assert "Netherlands" in wizard.delivery_page.header.text()
    with open_register(path, read_only=True) as store:
        assert store.asset_count() == 0 and list(store.owners()) == []
    session.close()


def test_an_inspire_un_file_takes_its_owner_and_no_mapping(qtbot, tmp_path):
    from ui.dialogs.import_wizard import ImportWizard
    from ui.session import Session

    path = tmp_path / "nl.gpkg"
    create_register(path, crs="EPSG:28992").close()
    session = Session(path)
    wizard = ImportWizard(session, [str(IMKL / "inspire_un_links.gml")])
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.wait_until_ready(60)
    wizard.next()
    assert wizard.currentPage() is wizard.owner_page
    wizard.owner_page.owner.setCurrentText("DENET")
    wizard.owner_page.owner_name.setText("Example grid operator")
    wizard.next()  # no mapping page: the delivery's own reader joins links and features
    assert wizard.currentPage() is wizard.import_page
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.finish_page, timeout=120_000)
    assert [(r.layer, r.status, r.imported) for r in wizard.reports] == [("inspire-un", "imported", 6)]
    with open_register(path, read_only=True) as store:
        assert {o.code: o.name for o in store.owners()} == {"DENET": "Example grid operator"}
        assert store.asset_count() == 6
    session.close()
