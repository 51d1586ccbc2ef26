"""Deviation reports from the desktop: the map's right-click opens the report dialog on an
asset, picking a point or digitising a line on the map fills it, saving records the report
through the core (read back from the register), the map draws it until it is resolved, the
deviations dock lists, acknowledges, resolves and exports; the conflicts dock shows the
check's confidence grade with its reasons."""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from asset_register.deviations import reports
from asset_register.store import open_register
from ui.render.deviations import DEVIATION

# an electricity cable of the sample town along Queen's Avenue
ASSET = "MPN:E00099"


def _screen(window, x, y) -> QPoint:
    sx, sy = window.canvas.view.state.to_screen(x, y)
    return QPoint(int(round(float(sx))), int(round(float(sy))))


def _asset_point(register, asset_id=ASSET):
    with open_register(register, read_only=True) as store:
        geom = store.get_asset(asset_id)["geometry"]
    p = shapely.line_interpolate_point(geom, 0.5, normalized=True)
    return p.x, p.y


def _open_dialog_on_asset(window, register):
    x, y = _asset_point(register)
    window.canvas.view.centre_on(x, y, resolution=0.05)
    assert window.wait_until_idle(30)
    actions = window.deviations.context_actions(x, y, 0.3)
    texts = [t for t, _ in actions]
    mine = [slot for t, slot in actions if ASSET in t]
    assert mine, texts
    assert any("not recorded" in t for t in texts)
    mine[0]()
    dialog = window.deviations.dialog
    assert dialog is not None and dialog.draft.asset_id == ASSET
    return dialog, (x, y)


def _saved(qtbot, window, dialog):
    window.deviations.confirm = lambda draft: True
    before = window.deviations.last_saved
    dialog.save()
    qtbot.waitUntil(lambda: window.deviations.last_saved != before, timeout=20000)
    assert window.wait_until_idle(30)
    return window.deviations.last_saved


def _layer_item(window):
    tree = window.layers_dock.tree
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    return next(i for i in items if i.text(0).startswith("Deviation reports"))


def _magenta_count(image, box) -> int:
    """Deviation-magenta pixels of ``image`` inside a screen box."""
    (x0, y0), (x1, y1) = box
    n = 0
    for px in range(max(0, x0), min(image.width(), x1), 2):
        for py in range(max(0, y0), min(image.height(), y1), 2):
            c = QColor(image.pixel(px, py))
            if abs(c.red() - DEVIATION.red()) < 40 and c.green() < 80 and abs(c.blue() - DEVIATION.blue()) < 60:
                n += 1
    return n


def _magenta_pixels(window, box) -> int:
    """Deviation-magenta pixels of the deviations layer's image inside a screen box."""
    layer = window.deviations.layer
    assert layer is not None
    cached = window.canvas.cached_image(layer.id)
    assert cached is not None
    return _magenta_count(cached[1], box)


def test_a_line_digitised_on_the_map_is_saved_read_back_and_drawn_until_resolved(
        qtbot, window, sample_register):
    # a register without open reports has no deviations layer: nothing for the canvas to render
    assert window.state.deviations.frame is not None and window.state.deviations.open_count() == 0
    assert window.deviations.layer is None and all(lay.kind != "deviations" for lay in window.state.layers)
    dialog, (x, y) = _open_dialog_on_asset(window, sample_register)
    assert dialog.kind.currentData() == "elsewhere"
    canvas = window.canvas
    dialog.pick_line.click()
    assert canvas.tool is window.deviations.pick_tool
    line = [(x - 4.0, y + 3.0), (x + 4.0, y + 3.2), (x + 6.0, y + 8.0)]
    for px, py in line:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=_screen(window, px, py))
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)  # the third vertex was a slip
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    geom = dialog.draft.geometry
    assert geom is not None and geom.geom_type == "LineString"
    assert np.allclose(shapely.get_coordinates(geom), line[:2], atol=0.06)
    assert "line of 2 vertices" in dialog.position_label.text()
    assert canvas.tool is not window.deviations.pick_tool  # the previous tool is back
    # the picked line is on the map (an overlay) before it is saved, and no layer yet
    a, b = _screen(window, *line[0]), _screen(window, *line[1])
    box = ((min(a.x(), b.x()), min(a.y(), b.y()) - 6), (max(a.x(), b.x()), max(a.y(), b.y()) + 6))
    assert _magenta_count(canvas.grab().toImage(), box) > 20 and window.deviations.layer is None
    dialog.accuracy.setValue(0.25)
    dialog.notes.setPlainText("main 3 m north of the record, trial hole TH2")
    new_id = _saved(qtbot, window, dialog)
    assert window.deviations.dialog is None
    with open_register(sample_register, read_only=True) as store:
        row = reports(store).set_index("deviation_id").loc[new_id]
    assert row["kind"] == "elsewhere" and row["asset_id"] == ASSET and row["status"] == "new"
    assert row["accuracy_m"] == 0.25 and "TH2" in row["notes"]
    assert np.allclose(shapely.get_coordinates(shapely.from_wkt(row["geometry_wkt"])), line[:2], atol=0.06)
    # drawn: the layer is in the list, its image has the magenta line where it was digitised
    layer = window.deviations.layer
    assert layer is not None and layer in list(window.state.layers)
    assert int(layer.data.ids[0]) == new_id
    assert _magenta_pixels(window, box) > 20
    # the dock lists it; resolving it takes it off the map
    dock = window.deviations.dock
    assert dock.table_model.rowCount() == 1 and dock.selected_id() == new_id
    dock.resolve("owner re-surveyed the main")
    qtbot.waitUntil(lambda: window.state.deviations.open_count() == 0, timeout=20000)
    assert window.wait_until_idle(30)
    assert window.deviations.layer is None
    assert all(lay.kind != "deviations" for lay in window.state.layers)
    assert dock.table_model.rowCount() == 0  # resolved reports listed only when asked for
    dock.show_resolved.setChecked(True)
    assert dock.table_model.rowCount() == 1
    with open_register(sample_register, read_only=True) as store:
        row = reports(store).set_index("deviation_id").loc[new_id]
    assert row["status"] == "resolved" and row["resolution"] == "owner re-surveyed the main"


def test_esc_gives_up_a_pick_and_a_refused_report_records_nothing(qtbot, window, sample_register):
    dialog, (x, y) = _open_dialog_on_asset(window, sample_register)
    canvas = window.canvas
    dialog.pick_point.click()
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert canvas.tool is not window.deviations.pick_tool and dialog.draft.geometry is None
    # found elsewhere with no measured position: the core refuses, in one line, in GUI words
    window.deviations.confirm = lambda draft: True
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.saving, timeout=20000)
    text = dialog.error.text()
    assert "measured position" in text and "--" not in text and "\n" not in text
    with open_register(sample_register, read_only=True) as store:
        assert reports(store).empty
    # a line finished with a double-click: its second press adds no vertex of its own
    dialog.pick_line.click()
    line = [(x + 1.0, y + 2.0), (x + 6.0, y + 2.5), (x + 9.0, y + 6.0)]
    for px, py in line[:2]:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=_screen(window, px, py))
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=_screen(window, *line[2]))
    qtbot.mouseDClick(canvas, Qt.MouseButton.LeftButton, pos=_screen(window, *line[2]))
    assert np.allclose(shapely.get_coordinates(dialog.draft.geometry), line, atol=0.06)
    # a point picked, but the accuracy left 'not measured': refused too
    dialog.pick_point.click()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=_screen(window, x + 2, y + 2))
    assert dialog.draft.geometry.geom_type == "Point"
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.saving, timeout=20000)
    assert "accuracy" in dialog.error.text().lower()
    # a photo that is not a photo is refused when added
    assert not dialog.add_photos([str(sample_register)])
    assert "is not a photo" in dialog.error.text() and dialog.photos.count() == 0
    # declining the confirmation records nothing
    dialog.accuracy.setValue(0.1)
    window.deviations.confirm = lambda draft: False
    dialog.save()
    assert "Not recorded" in dialog.error.text()
    with open_register(sample_register, read_only=True) as store:
        assert reports(store).empty
    dialog.reject()


def test_unrecorded_and_attribute_reports_and_the_dock_walks_and_acknowledges(
        qtbot, window, sample_register, tmp_path):
    x, y = _asset_point(sample_register)
    window.canvas.view.centre_on(x, y, resolution=0.05)
    assert window.wait_until_idle(30)
    # the menu action: an asset found but not recorded, no asset needed
    window.act["deviation"].trigger()
    dialog = window.deviations.dialog
    assert dialog.kind.currentData() == "unrecorded"
    dialog.pick_point.click()
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=_screen(window, x + 5, y - 5))
    dialog.accuracy.setValue(0.5)
    dialog.utility.setCurrentText("telecoms")
    photo = tmp_path / "duct.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert dialog.add_photos([str(photo)])
    first = _saved(qtbot, window, dialog)
    # an attributes report on the asset, through the identify dock's button
    window.identify_dock.show_assets([window.session.store.get_asset(ASSET)])
    window.identify_dock.report_button.click()
    dialog = window.deviations.dialog
    dialog.kind.setCurrentIndex(dialog.kind.findData("attributes"))
    dialog.found["depth_m"].setText("1.35")
    second = _saved(qtbot, window, dialog)
    with open_register(sample_register, read_only=True) as store:
        frame = reports(store).set_index("deviation_id")
    assert frame.loc[first, "kind"] == "unrecorded" and frame.loc[first, "utility"] == "telecoms"
    assert frame.loc[first, "photos"][0]["name"] == "duct.png"
    assert frame.loc[second, "found"] == {"depth_m": 1.35}
    # the dock: newest first, Up/Down walk and zoom the map to each report
    dock = window.deviations.dock
    assert [int(dock.table_model.row(i)["deviation_id"]) for i in range(2)] == [second, first]
    dock.table.setFocus()
    dock.table.selectRow(0)
    qtbot.keyClick(dock.table, Qt.Key.Key_Down)
    assert dock.selected_id() == first
    cx, cy = window.canvas.view.state.cx, window.canvas.view.state.cy
    assert abs(cx - (x + 5)) < 1 and abs(cy - (y - 5)) < 1  # zoomed to the unrecorded asset
    # identify on the drawn report shows its details
    assert window.wait_until_idle(30)
    ids = window.deviations.identify_at(x + 5, y - 5, 0.5)
    assert ids and ids[0] == first
    tops = [window.identify_dock.tree.topLevelItem(i).text(0)
            for i in range(window.identify_dock.tree.topLevelItemCount())]
    assert f"Deviation {first}" in tops
    # the layers dock's tick hides the reports: not drawn, not identified
    _layer_item(window).setCheckState(0, Qt.CheckState.Unchecked)
    assert not window.deviations.layer.visible
    assert window.deviations.identify_at(x + 5, y - 5, 0.5) == []
    _layer_item(window).setCheckState(0, Qt.CheckState.Checked)
    assert window.deviations.layer.visible
    # the owner filter lists one owner's reports
    owner = window.state.deviations.row(second)["owner"]
    dock.owner.setCurrentIndex(dock.owner.findData(owner))
    assert [int(dock.table_model.row(i)["deviation_id"]) for i in range(dock.table_model.rowCount())] == [second]
    dock.owner.setCurrentIndex(dock.owner.findData("unknown"))
    assert [int(dock.table_model.row(i)["deviation_id"]) for i in range(dock.table_model.rowCount())] == [first]
    dock.owner.setCurrentIndex(0)
    assert dock.table_model.rowCount() == 2
    dock.select_report(second)
    dock.acknowledge()
    qtbot.waitUntil(lambda: window.state.deviations.row(second)["status"] == "acknowledged", timeout=20000)
    # exporting the owner's files goes through the core's export and marks new ones sent
    owner = window.state.deviations.row(second)["owner"]
    assert window.wait_until_idle(30)
    dock.select_report(second)
    window.deviations.export(owner, str(tmp_path / "out"))
    qtbot.waitUntil(lambda: "written to" in dock.message.text(), timeout=30000)
    assert window.wait_until_idle(30)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [f"deviations-{owner}.geojson", f"deviations-{owner}.pdf",
                     f"deviations-{owner}.working-crs.geojson"]
    # the acknowledged report was sent again (none of the owner's was new), and stays acknowledged
    assert window.state.deviations.row(second)["status"] == "acknowledged"


def test_the_conflicts_dock_shows_the_checks_grade_and_follows_the_dig_and_its_reports(
        qtbot, window, sample_register):
    x, y = _asset_point(sample_register)
    window.canvas.view.centre_on(x, y, resolution=0.05)
    window.dig.set_geometry(shapely.Point(x, y).buffer(1.5))  # a pit over the cable
    assert window.wait_until_idle(30)
    result = window.dig.result
    assert result is not None and result.confidence is not None
    assert ASSET in set(result.conflicts["asset_id"])
    badge = window.conflicts_dock.grade
    first = result.confidence
    assert badge.isVisible() and badge.letter.text() == first["grade"]
    summary = window.conflicts_dock.summary.text()
    assert f"Confidence {first['grade']}" in summary and first["reasons"][0].split(": ", 1)[1] in summary
    for reason in first["reasons"]:
        assert reason in badge.toolTip()
    assert not any("deviation" in r for r in first["reasons"])
    # the cable is reported not found where recorded: the dig is checked again, the grade says so
    dialog = window.deviations.new_report(asset=window.session.store.get_asset(ASSET), kind="not_found")
    assert dialog.kind.currentData() == "not_found"
    _saved(qtbot, window, dialog)
    qtbot.waitUntil(lambda: window.dig.confidence is not None and window.dig.confidence != first,
                    timeout=20000)
    second = window.dig.confidence
    assert second["grade"] >= "C" and badge.letter.text() == second["grade"]
    assert any("open deviation reports" in r for r in second["reasons"])
    if len(second["reasons"]) > 1:
        badge.why.click()
        assert badge.reasons.isVisible()
        assert len(badge.reasons.text().split("<br>")) == len(second["reasons"])
    # the report is drawn with the record crossed out, and the dig cleared takes the grade away
    assert window.deviations.layer is not None
    assert window.deviations.layer.data.kind.tolist() == ["not_found"]
    window.dig.clear()
    assert window.dig.confidence is None and not badge.isVisible()


def test_a_render_job_draws_the_reports_of_its_snapshot_and_stops_when_cancelled(qapp):
    import pandas as pd
    import pytest

    from ui.models.deviations import deviation_marks
    from ui.models.view import ViewState
    from ui.render.deviations import render_deviations
    from ui.render.painters import RenderCancelled, RenderSettings, new_image

    frame = pd.DataFrame([{"deviation_id": 7, "kind": "elsewhere", "status": "new", "asset_id": "A:1",
                           "geometry_wkt": "LINESTRING (-20 5, 20 5)",
                           "recorded": {"geometry_wkt": "LINESTRING (-20 0, 20 0)"}}])
    settings = RenderSettings(view=ViewState(cx=0.0, cy=0.0, resolution=0.1, width=400, height=300))
    image = new_image(settings.view)
    assert render_deviations(image, deviation_marks(frame), settings) == "deviations: 1 shown"
    row = [QColor(image.pixel(px, 150 - 50)) for px in range(0, 400, 3)]  # y = 5 m: the reported line
    assert sum(c.alpha() > 0 and c.red() > 180 and c.green() < 80 for c in row) > 30
    empty = new_image(settings.view)
    assert render_deviations(empty, None, settings) == "deviations: none"
    assert all(empty.pixel(px, 100) == 0 for px in range(0, 400, 7))
    with pytest.raises(RenderCancelled):
        render_deviations(new_image(settings.view), deviation_marks(frame), settings, cancel=lambda: True)


def test_the_report_takes_the_reference_of_the_planned_work_the_dig_lies_on(qtbot, window):
    works = window.state.works
    work = works[works["reference"] == "RBC-2026-0001"].iloc[0]
    inside = work.geometry.representative_point()
    window.dig.set_geometry(inside.buffer(0.5))
    assert window.wait_until_idle(30)
    hits = works[works.geometry.intersects(window.dig.polygon)]
    assert hits["reference"].tolist() == ["RBC-2026-0001"]
    dialog = window.deviations.new_report(kind="unrecorded", geometry=inside)
    assert dialog.reference.text() == "RBC-2026-0001"
    assert dialog.draft.geometry.equals(inside) and "point E" in dialog.position_label.text()
    dialog.reject()
    window.dig.clear()
    dialog = window.deviations.new_report()
    assert dialog.reference.text() == "" and dialog.kind.currentData() == "unrecorded"
    dialog.reject()


def test_a_gnss_position_typed_in_wgs84_is_recorded_in_the_working_crs(qtbot, window, sample_register):
    import pyproj

    x, y = _asset_point(sample_register)
    crs = window.session.store.crs
    lon, lat = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x + 2.0, y)
    dialog = window.deviations.new_report(asset=window.session.store.get_asset(ASSET))
    dialog.choose_coordinates()
    typed = dialog.coordinates_dialog
    combo = typed.findChild(type(dialog.kind))
    text = typed.findChild(type(dialog.notes))
    combo.setCurrentIndex(1)  # WGS 84
    text.setPlainText(f"{lat:.8f} {lon:.8f}")  # latitude first: refused, in one line
    typed.findChild(type(dialog.box)).accepted.emit()
    assert typed.isVisible() and dialog.draft.geometry is None
    errors = [w.text() for w in typed.findChildren(type(dialog.error)) if "km from" in w.text()]
    assert errors and "'longitude latitude'" in errors[0] and "\n" not in errors[0]
    text.setPlainText(f"{lon:.8f} {lat:.8f}")
    typed.findChild(type(dialog.box)).accepted.emit()
    assert not typed.isVisible()
    assert "(WGS 84)" in dialog.position_label.text() and dialog.draft.crs == "EPSG:4326"
    dialog.accuracy.setValue(0.05)
    new_id = _saved(qtbot, window, dialog)
    with open_register(sample_register, read_only=True) as store:
        row = reports(store).set_index("deviation_id").loc[new_id]
    point = shapely.from_wkt(row["geometry_wkt"])
    assert abs(point.x - (x + 2.0)) < 0.01 and abs(point.y - y) < 0.01  # the core's transformation


def test_screenshot_options_show_a_report_and_the_dialog_or_fail_in_one_line(sample_register, tmp_path, capsys):
    from asset_register.deviations import add_report
    from ui.app import main

    x, y = _asset_point(sample_register)
    with open_register(sample_register) as store:
        add_report(store, "elsewhere", asset_id=ASSET, position=f"LINESTRING ({x - 5} {y + 3}, {x + 5} {y + 3})",
                   accuracy_m=0.1)
    out = tmp_path / "dialog.png"
    assert main([str(sample_register), "--show-deviation", "1", "--report-deviation", ASSET,
                 "--screenshot", str(out), "--size", "1200x800"]) == 0
    from PySide6.QtGui import QImage

    # the picture: the window with the map's magenta report, and the dialog over it
    image = QImage(str(out)).convertToFormat(QImage.Format.Format_RGB32)
    assert (image.width(), image.height()) == (1200, 800)
    bgr = np.frombuffer(image.constBits(), np.uint8).reshape(800, 1200, 4)[..., :3].astype(int)
    magenta = (np.abs(bgr[..., ::-1] - [DEVIATION.red(), DEVIATION.green(), DEVIATION.blue()]).sum(axis=-1) < 60)
    assert magenta.sum() > 150
    missing = tmp_path / "missing.png"
    assert main([str(sample_register), "--show-deviation", "9", "--screenshot", str(missing),
                 "--size", "800x600"]) == 1
    assert not missing.exists()
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("asset-register-gui:")]
    assert err == ["asset-register-gui: error: no screenshot taken: no open deviation report 9 in the register"]


def test_the_maps_right_click_offers_reports_only_with_the_pan_and_identify_tools(
        qtbot, window, sample_register):
    shown = []
    window.deviations.show_menu = lambda menu, at: shown.append([act.text() for act in menu.actions()])
    x, y = _asset_point(sample_register)
    window.canvas.view.centre_on(x, y, resolution=0.05)
    assert window.wait_until_idle(30)
    pos = _screen(window, x, y)
    for tool in ("pan", "identify", "dig_trench", "measure"):
        window.set_tool(tool)
        window.deviations._context_menu(pos)
    assert len(shown) == 2  # the dig and measure tools keep the right button for themselves
    assert any(ASSET in t for t in shown[0]) and any("not recorded" in t for t in shown[0])


def test_text_from_owners_and_users_is_shown_as_text_never_as_markup(qtbot, window):
    from ui.docks.frame_model import plain_tip

    assert plain_tip("<img src='x'> & <b>") == ("<p style='white-space:pre-wrap'>&lt;img src='x'&gt; "
                                                 "&amp; &lt;b&gt;</p>")
    asset = dict(window.session.store.get_asset(ASSET), material="<b>PE</b>")
    dialog = window.deviations.new_report(asset=asset)
    assert dialog.asset_label.textFormat() == Qt.TextFormat.PlainText
    assert "<b>PE</b>" in dialog.asset_label.text() and dialog.error.textFormat() == Qt.TextFormat.PlainText
    dialog.reject()
