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
    window.check_service.set_rules(_rules_expecting(tmp_path, ["other", "gas"]))
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
    preview = window.notice_dialog.preview.toPlainText()
    window.notice_dialog.close()
    assert "Owners with no records here" in preview and "other (no owner)" in preview
