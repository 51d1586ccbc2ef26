"""The wizard's mapping table keeps what the auto-mapper drafted from real deliveries when a
row is edited: each feature's class from its geometry (a layer of points, lines and
polygons) and each row's own unit (a GML ``uom``, a UK gas record's M / I)."""

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
