"""The import wizard on real deliveries: the owner page takes the owner's name from the one
owner the delivery's own column names, and the mapping table keeps what the auto-mapper
drafted when a row is edited: each feature's class from its geometry (a layer of points,
lines and polygons) and each row's own unit (a GML ``uom``, a UK gas record's M / I)."""

from __future__ import annotations

from importers.profiles import BY_GEOMETRY, MAPPABLE, FieldRule, Profile


def _table(qtbot, profile: Profile, fields: list[str]):
    from ui.dialogs.mapping_table import MappingTable

    table = MappingTable()
    qtbot.addWidget(table)
    table.load(profile, "net", fields)
    return table


def test_by_geometry_is_shown_and_kept_when_the_class_row_is_edited(qtbot):
    profile = Profile(constants={"asset_class": BY_GEOMETRY},
                      fields={"asset_id": FieldRule(source="id")})
    table = _table(qtbot, profile, ["id", "kind"])
    row = MAPPABLE.index("asset_class")
    assert table.cellWidget(row, 2).currentText() == BY_GEOMETRY  # before: blank
    table.cellWidget(row, 4).setText("")
    table.cellWidget(row, 4).editingFinished.emit()  # an edit of the class row
    assert profile.constants["asset_class"] == BY_GEOMETRY


def test_a_rows_own_unit_stays_with_its_field_when_the_row_is_edited(qtbot):
    profile = Profile(constants={"utility": "gas", "asset_class": "pipe"}, fields={
        "diameter_mm": FieldRule(source="pipeDiameter", unit_source="pipeDiameter_uom")})
    table = _table(qtbot, profile, ["pipeDiameter", "pipeDiameter_uom", "PIPE"])
    row = MAPPABLE.index("diameter_mm")
    table.cellWidget(row, 4).setText("")
    table.cellWidget(row, 4).editingFinished.emit()
    assert profile.fields["diameter_mm"].unit_source == "pipeDiameter_uom"  # before: dropped
    table.cellWidget(row, 1).setCurrentText("PIPE")  # another field: its unit is not that one
    assert profile.fields["diameter_mm"].unit_source is None


def test_the_owner_page_takes_the_name_the_delivery_gives(qtbot, tmp_path):
    from asset_register.store import create_register
    from tests.importers.test_user_deliveries import _arcgis_kml
    from ui.dialogs.import_wizard import ImportWizard
    from ui.session import Session

    create_register(tmp_path / "r.gpkg").close()
    session = Session(tmp_path / "r.gpkg")
    wizard = ImportWizard(session, [str(_arcgis_kml(tmp_path))])
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.wait_until_ready(60)
    wizard.next()
    assert wizard.wait_until_ready(60)
    assert wizard.owner_page.name() == "Southern Gas & Co"  # from the descriptions' OWNER
    session.close()
