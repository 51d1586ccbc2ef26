"""Identify and the conflicts table on the sample town: nearest asset first, a table that
fills its dock, whole counts, explained columns and a CSV export safe for spreadsheets."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import shapely
from PySide6.QtCore import Qt

from ui.canvas.tools import IDENTIFY_TOLERANCE_PX
from ui.docks.frame_model import format_value
from ui.models.identify import nearest_first

from .test_main_window import DIG, _draw_polygon, _screen


def test_nearest_first_counts_a_point_from_its_symbol():
    valve = shapely.Point(0, 0)
    duct = shapely.LineString([(2, -10), (2, 10)])
    main = shapely.LineString([(-10, -0.7), (10, -0.7)])
    # a click on the valve's symbol, nearer the duct than the valve's centre
    order = nearest_first([duct, main, valve], 1.2, 0, tolerance=1.0, point_reach=1.5)
    assert order.tolist() == [2, 1, 0]
    # with no symbol reach the plain distance decides
    assert nearest_first([duct, valve], 1.2, 0, tolerance=1.0).tolist() == [0]
    assert nearest_first([], 0, 0, 1.0).tolist() == []


def test_identify_lists_the_clicked_valve_before_a_pipe_a_metre_away(qtbot, window):
    store = window.session.store
    valve = store.get_asset("RVW:WF00003")["geometry"]
    pipe = store.get_asset("SGD:G00038")["geometry"]
    assert abs(shapely.distance(valve, pipe) - 1.0) < 0.05
    res = 0.1  # 6 px = 0.6 m: the valve's symbol reaches about as far
    window.canvas.view.centre_on(valve.x, valve.y, resolution=res)
    assert window.wait_until_idle(30)
    # 0.55 m from the valve's centre towards the gas pipe (0.45 m from the pipe): on the symbol
    near = shapely.line_interpolate_point(shapely.shortest_line(valve, pipe), 0.55,
                                          normalized=True).coords[0]
    click = shapely.Point(near)
    assert shapely.distance(pipe, click) < shapely.distance(valve, click) < IDENTIFY_TOLERANCE_PX * res
    window.set_tool("identify")
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=_screen(window, *near))
    found = [a["asset_id"] for a in window.identify_dock.assets]
    assert found[0] == "RVW:WF00003"
    assert window.identify_dock.tree.topLevelItem(0).text(0) == "RVW:WF00003"
    assert "SGD:G00038" in found


def _checked(qtbot, window):
    window.canvas.view.centre_on(530546, 180350, resolution=0.05)
    assert window.wait_until_idle(30)
    _draw_polygon(qtbot, window, DIG)
    assert window.conflicts_dock.model.rowCount() > 6
    return window.conflicts_dock


def _rows_visible(table) -> float:
    return table.viewport().height() / table.verticalHeader().defaultSectionSize()


def test_conflict_table_fills_its_dock(qtbot, window):
    dock = _checked(qtbot, window)
    assert _rows_visible(dock.table) >= 7  # the first window shows well over the 4½ rows it once did
    window.resizeDocks([dock], [520], Qt.Orientation.Vertical)
    qtbot.wait(50)
    table = dock.table
    visible = table.viewport().height() / table.verticalHeader().defaultSectionSize()
    assert dock.height() >= 480
    assert visible >= min(12, dock.model.rowCount()), f"only {visible:.1f} rows visible"
    window.resizeDocks([dock], [300], Qt.Orientation.Vertical)
    qtbot.wait(50)
    smaller = table.viewport().height() / table.verticalHeader().defaultSectionSize()
    assert 4 < smaller < visible  # it follows the dock both ways


def test_counts_are_whole_numbers_and_columns_explained(qtbot, window):
    dock = _checked(qtbot, window)
    owners = dock.owners_model
    col = owners.column_names().index("conflicts")
    shown = [owners.data(owners.index(i, col)) for i in range(owners.rowCount())]
    affected = [s for s in shown if s]
    assert affected and all(s.isdigit() for s in affected), shown
    assert sum(int(s) for s in affected) == dock.model.rowCount()
    model = dock.model
    headers = {model.column_names()[i]: model.headerData(i, Qt.Orientation.Horizontal)
               for i in range(model.columnCount())}
    assert headers["uncertainty_m"] == "Uncertainty used ± m"
    assert headers["h_accuracy_m"] == "Recorded accuracy ± m"
    tips = {c: model.headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
            for i, c in enumerate(model.column_names())}
    assert "Recorded accuracy" in tips["uncertainty_m"] and "quality level" in tips["uncertainty_m"]
    assert "recorded" in tips["h_accuracy_m"]
    assert tips["number"] and "marker" in tips["number"]
    numbers = [model.data(model.index(i, 0)) for i in range(model.rowCount())]
    assert numbers == [str(i + 1) for i in range(model.rowCount())]
    icon = model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole)
    assert icon is not None and not icon.isNull()  # the map marker's shape beside its number
    assert format_value(np.int64(2)) == "2" and format_value(2.0) == "2.00"


def test_export_csv_writes_the_table_and_neutralises_formulas(qtbot, window, tmp_path):
    dock = _checked(qtbot, window)
    frame = dock.model.frame
    frame.loc[0, "asset_id"] = "=HYPERLINK(\"http://x\")"  # a hostile id from a delivery
    path = tmp_path / "conflicts.csv"
    assert dock.export_csv(path) == dock.model.rowCount()
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == dock.model.rowCount()
    assert rows[0]["Asset"].startswith("'=")
    assert rows[1]["Asset"] == frame.loc[1, "asset_id"]
    assert [r["#"] for r in rows] == [str(i + 1) for i in range(len(rows))]
    assert rows[0]["Uncertainty used ± m"] != ""
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert list(back.columns[:3]) == ["#", "Severity", "Asset"]
    assert dock.export_csv(tmp_path / "owners.csv", "owners") == dock.owners_model.rowCount()
    assert dock.export_button.isEnabled()


def test_a_self_intersecting_dig_offers_repair_not_a_cli_flag(qtbot, window):
    window.canvas.view.centre_on(530546, 180350, resolution=0.05)
    assert window.wait_until_idle(30)
    bowtie = [(530540.0, 180346.0), (530552.0, 180354.0), (530552.0, 180346.0), (530540.0, 180354.0)]
    _draw_polygon(qtbot, window, bowtie)
    dock = window.conflicts_dock
    text = dock.summary.text()
    assert "not a valid polygon" in text and "--" not in text and "Repair the dig polygon" in text
    assert dock.repair_button.isVisibleTo(dock) and not dock.export_button.isEnabled()
    drawn = shapely.Polygon(window.dig.state.vertices)
    qtbot.mouseClick(dock.repair_button, Qt.MouseButton.LeftButton)
    assert window.wait_until_idle(30)
    assert window.dig.result is not None and window.dig.polygon.is_valid
    # the repair never shrinks the dig: both triangles of the bow-tie are inside it
    assert window.dig.polygon.buffer(1e-6).covers(shapely.make_valid(drawn))
    assert not dock.repair_button.isVisibleTo(dock)
    window.dig.history.undo()  # the repair is one undoable step
    assert window.wait_until_idle(30)
    assert window.dig.result is None
