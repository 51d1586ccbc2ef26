"""The window records its uses: each dig check with the toolbar's purpose, each search, and
the details of a restricted asset; on a shared register a check without a purpose asks once."""

from __future__ import annotations

import json

import shapely

from asset_register.errors import PurposeRequiredError
from asset_register.store import open_register
from asset_register.store.audit_chain import verify

DIG = [(530540.0, 180346.0), (530552.0, 180346.0), (530552.0, 180354.0), (530540.0, 180354.0)]


def _entries(path, action):
    with open_register(path, read_only=True) as store:
        log = store.audit_log()
    assert verify(log).ok
    return [json.loads(d) for d in log.loc[log["action"] == action, "detail"]]


def test_checks_searches_exports_and_restricted_identify_are_recorded(window, sample_register,
                                                                      tmp_path):
    bar = window.dig_bar
    bar.purpose_edit.setText("design enquiry ABC-9")
    bar.purpose_edit.editingFinished.emit()
    assert window.checks.purpose == "design enquiry ABC-9"
    window.dig.set_geometry(shapely.Polygon(DIG), "Enter coordinates")
    assert window.wait_until_idle(30)
    result = window.dig.result
    window.checks.service.flush()  # single checks' entries are written in groups
    checks = _entries(sample_register, "check")
    last = checks[-1]
    assert last["purpose"] == "design enquiry ABC-9" and last["via"] == "gui"
    assert shapely.from_wkt(last["footprint_wkt"]).equals(shapely.Polygon(DIG))
    assert last["summary"] == result.summary()
    rows = window.conflicts_dock.export_csv(tmp_path / "c.csv")
    (export,) = _entries(sample_register, "export")
    assert export["what"] == "conflicts assets table" and export["summary"] == {"rows": rows}
    assert export["out"] == str(tmp_path / "c.csv") and export["purpose"] == "design enquiry ABC-9"
    assert shapely.from_wkt(export["footprint_wkt"]).equals(shapely.Polygon(DIG))
    assert set(export["owners"]) == {o["owner"] for o in
                                     (*result.owners_affected, *result.owners_no_conflict)}

    with open_register(sample_register, read_only=True) as store:
        asset_id = str(store.read_assets(columns=["asset_id"])["asset_id"].iloc[0])
    window.search_dock.run(asset_id)
    search = _entries(sample_register, "search")[-1]
    assert search["query"] == asset_id and search["summary"]["hits"] >= 1
    assert search["purpose"] == "design enquiry ABC-9"
    assert _entries(sample_register, "identify_restricted") == []  # not restricted: no entry
    asset = dict(window.identify_dock.assets[0], restricted=True)
    window.identify_dock.show_assets([asset])
    (ident,) = _entries(sample_register, "identify_restricted")
    assert ident["asset_id"] == asset_id


def test_a_shared_register_asks_for_the_purpose_once(window):
    checks = window.checks
    asked = []
    checks._ask_purpose = lambda: asked.append(1) or "fault repair F-17"
    window.dig.set_geometry(shapely.Polygon(DIG), "Enter coordinates")
    assert window.wait_until_idle(30)
    token = window.dig._token
    window.dig.checking = True  # as while the refused check was running
    checks._failed(token, PurposeRequiredError("needs its purpose"), "")
    assert asked == [1] and checks.purpose == "fault repair F-17"
    assert window.dig_bar.purpose_edit.text() == "fault repair F-17"
    assert checks.service.purpose == "fault repair F-17"
    assert window.wait_until_idle(30)
    token = window.dig._token
    window.dig.checking = True
    checks._failed(token, PurposeRequiredError("needs its purpose"), "")
    assert asked == [1]  # once per session
