"""The Settings dialog is built from the registry of settings: one field per setting that can
be set, its widget chosen by type; values are checked by the registry before anything is
saved, and rules picked from a file are stored in the register by content."""

from __future__ import annotations

from importlib.resources import files

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox

from asset_register import settings as reg
from asset_register.store import create_register

WIDGET = {reg.TEXT: QLineEdit, reg.CODE: QLineEdit, reg.SWA: QLineEdit, reg.CRS: QLineEdit,
          reg.WHOLE: QSpinBox, reg.CHOICE: QComboBox, reg.FLAG: QCheckBox, reg.RULES: QLineEdit,
          reg.COUNTRY: QLineEdit}


@pytest.fixture
def register(tmp_path):
    store = create_register(tmp_path / "r.gpkg")
    yield store
    store.close()


def _dialog(qtbot, store):
    from ui.dialogs.settings_dialog import SettingsDialog
    from ui.settings import AppSettings

    dialog = SettingsDialog(AppSettings(), store)
    qtbot.addWidget(dialog)
    return dialog


def test_a_field_per_editable_setting_with_the_widget_of_its_type(qtbot, register):
    dialog = _dialog(qtbot, register)
    expected = {(s.scope, s.key) for s in reg.SETTINGS if s.editable}
    assert set(dialog.fields) == expected
    for (scope, key), field in dialog.fields.items():
        s = reg.setting(key, scope)
        assert isinstance(field.edit, WIDGET[s.kind]), key
        assert s.doc in field.widget.toolTip()
    days = dialog.field("notice_validity_working_days").edit
    assert (days.minimum(), days.maximum(), days.value()) == (1, 260, 20)  # registry's default
    choices = dialog.field("colour_scheme").edit
    assert [choices.itemData(i) for i in range(choices.count())] == ["njug", "apwa"]
    assert dialog.field("display_cache", reg.MACHINE).edit.isChecked()
    assert dialog.field("working_crs", reg.MACHINE).edit.text() == "EPSG:27700"
    assert dialog.rules_in_force.text() == "default"


def test_bad_values_are_refused_by_the_registry_and_nothing_is_saved(qtbot, register):
    from asset_register.errors import SettingError

    dialog = _dialog(qtbot, register)
    dialog.field("notice_prefix").edit.setText("ABCDEFGHIJK")
    with pytest.raises(SettingError, match="'notice_prefix'.*1 to 8 letters"):
        dialog.validate()
    dialog.accept()  # shows the error and keeps the dialog open
    assert register.get_setting("notice_prefix") is None


def test_saved_values_reach_the_register_and_rules_by_content(qtbot, register, tmp_path):
    rules = tmp_path / "authority.toml"
    text = (files("asset_register.check") / "default_rules.toml").read_text("utf-8")
    rules.write_text(text.replace('version = "', 'version = "RBX-', 1), "utf-8")
    dialog = _dialog(qtbot, register)
    dialog.field("notice_prefix").edit.setText("rb-x")
    dialog.field("notice_validity_working_days").edit.setValue(12)
    dialog.field("authority_swa_code").edit.setText("5990")
    dialog.field("rules").edit.setText(str(rules))
    dialog.field("display_cache", reg.MACHINE).edit.setChecked(False)
    dialog.accept()
    assert register.get_setting("notice_prefix") == "RBX"
    assert register.get_setting("notice_validity_working_days") == "12"
    assert register.get_setting("authority_swa_code") == "5990"
    assert register.get_setting("rules_source") == "authority.toml"
    assert register.get_setting("rules_toml") == rules.read_text("utf-8")
    assert register.get_setting("promoter_name") is None  # untouched fields are not written
    again = _dialog(qtbot, register)
    assert again.field("notice_prefix").edit.text() == "RBX"
    assert again.field("notice_validity_working_days").edit.value() == 12
    assert again.rules_in_force.text().startswith("authority.toml (sha256 ")
    assert not again.field("display_cache", reg.MACHINE).edit.isChecked()
    assert again.app_settings.value("display_cache") is False


def test_without_a_register_its_fields_are_disabled(qtbot):
    dialog = _dialog(qtbot, None)
    assert not dialog.field("authority_name").widget.isEnabled()
    assert dialog.field("working_crs", reg.MACHINE).widget.isEnabled()
