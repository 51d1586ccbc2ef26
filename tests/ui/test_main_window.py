"""The main window on the sample town: loading, drawing a dig with the mouse, live conflicts,
identify, search, undo and the conflict table driving the map."""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QPoint, Qt

from asset_register.store import open_register

# A 12 × 8 m dig over the crossing of Queen's Avenue and High Street in the sample town.
DIG = [(530540.0, 180346.0), (530552.0, 180346.0), (530552.0, 180354.0), (530540.0, 180354.0)]


def _screen(window, x, y) -> QPoint:
    sx, sy = window.canvas.view.state.to_screen(x, y)
    return QPoint(int(round(float(sx))), int(round(float(sy))))


def _draw_polygon(qtbot, window, vertices):
    window.set_tool("dig_polygon")
    canvas = window.canvas
    for x, y in vertices:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=_screen(window, x, y))
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert window.wait_until_idle(30)


def _table_ids(window) -> list[str]:
    model = window.conflicts_dock.model
    return [str(model.row(i)["asset_id"]) for i in range(model.rowCount())]


def test_register_loads_all_live_assets(window, sample_register):
    layer = window.canvas.layers.register_layer()
    with open_register(sample_register, read_only=True) as store:
        assert layer.data.n_features == store.asset_count()
    assert window.canvas.cached_image(layer.id) is not None


def test_draw_a_dig_with_the_mouse_shows_its_conflicts(qtbot, window, sample_register):
    window.canvas.view.centre_on(530546, 180350, resolution=0.05)
    assert window.wait_until_idle(30)
    _draw_polygon(qtbot, window, DIG)
    state = window.dig.state
    assert state.kind == "polygon" and len(state.vertices) == 4
    # the clicks land within a pixel (0.05 m) of the intended corners
    assert np.allclose(state.vertices, DIG, atol=0.06)
    ids = _table_ids(window)
    severities = [str(window.conflicts_dock.model.row(i)["severity"]) for i in range(len(ids))]
    # independent answer: every live asset that crosses the dig polygon is a strike,
    # every one within the minimum 0.5 m clearance is listed
    poly = shapely.Polygon(state.vertices)
    with open_register(sample_register, read_only=True) as store:
        assets = store.read_assets(columns=["asset_id"])
    dist = shapely.distance(assets.geometry.array, poly)
    crossing = set(assets.loc[dist == 0, "asset_id"])
    near = set(assets.loc[dist <= 0.5, "asset_id"])
    assert crossing, "the dig should cross the street's services"
    assert near <= set(ids)
    assert all(sev == "strike" for i, sev in zip(ids, severities) if i in crossing)
    assert {i for i, sev in zip(ids, severities) if sev == "strike"} == crossing
    # the severity order: strikes first
    order = {"strike": 0, "danger": 1, "caution": 2}
    assert [order[s] for s in severities] == sorted(order[s] for s in severities)


def test_undo_redo_and_vertex_drag_recheck(qtbot, window):
    window.canvas.view.centre_on(530546, 180350, resolution=0.05)
    assert window.wait_until_idle(30)
    _draw_polygon(qtbot, window, DIG)
    first = len(_table_ids(window))
    # drag the north-east corner 30 m north-east: far more services in reach
    window.set_tool("dig_edit")
    canvas = window.canvas
    start = _screen(window, *DIG[2])
    window.canvas.view.centre_on(530546, 180350, resolution=0.2)
    assert window.wait_until_idle(30)
    start = _screen(window, *window.dig.state.vertices[2])
    end = _screen(window, DIG[2][0] + 30, DIG[2][1] + 30)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, pos=end)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)
    assert window.wait_until_idle(30)
    moved = window.dig.state.vertices[2]
    assert abs(moved[0] - (DIG[2][0] + 30)) < 0.3 and abs(moved[1] - (DIG[2][1] + 30)) < 0.3
    assert len(_table_ids(window)) > first
    window.act["undo"].trigger()
    assert window.wait_until_idle(30)
    assert np.allclose(window.dig.state.vertices[2], DIG[2], atol=0.06)
    assert len(_table_ids(window)) == first
    window.act["redo"].trigger()
    assert window.wait_until_idle(30)
    assert len(_table_ids(window)) > first


def test_selecting_a_conflict_highlights_and_zooms(qtbot, window):
    window.canvas.view.centre_on(530546, 180350, resolution=0.05)
    _draw_polygon(qtbot, window, DIG)
    window.canvas.view.centre_on(531000, 180900, resolution=2.0)  # look elsewhere
    window.conflicts_dock.select_row(0)
    row = window.conflicts_dock.model.row(0)
    assert window.dig_overlay.selected_conflict is not None
    x0, y0, x1, y1 = window.canvas.view.state.extent
    cx, cy = shapely.centroid(window.dig.polygon).coords[0]
    assert x0 < cx < x1 and y0 < cy < y1  # the dig and the asset are in view again
    assert row["asset_id"]


def test_identify_shows_canonical_fields_attributes_and_source(qtbot, window, sample_register):
    with open_register(sample_register, read_only=True) as store:
        assets = store.read_assets(columns=["asset_id", "asset_class"])
    target = assets[assets["asset_class"] == "valve"].iloc[0]
    x, y = target.geometry.x, target.geometry.y
    window.canvas.view.centre_on(x, y, resolution=0.05)
    assert window.wait_until_idle(30)
    window.set_tool("identify")
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=_screen(window, x, y))
    found = [a["asset_id"] for a in window.identify_dock.assets]
    assert target["asset_id"] in found
    tree = window.identify_dock.tree
    top = tree.topLevelItem(found.index(target["asset_id"]))
    groups = [top.child(i).text(0) for i in range(top.childCount())]
    assert groups == ["Asset", "Accuracy", "Source batch", "Original attributes"]
    source = {top.child(2).child(i).text(0): top.child(2).child(i).text(1)
              for i in range(top.child(2).childCount())}
    assert source["source_file"].endswith(("gpkg", "geojson", "zip", "csv", "gml", "dxf", "kml", "fgb"))
    assert window.selection.geometries


def test_search_street_gridref_and_asset(window):
    hit = window.run_search("Queen's Avenue")
    assert hit is not None and hit.kind == "street"
    hit = window.run_search("TQ 305 803")
    assert hit.kind == "grid reference"
    x0, y0, x1, y1 = window.canvas.view.state.extent
    assert x0 < 530550 < x1 and y0 < 180350 < y1
    assert window.run_search("no such place anywhere") is None


def test_hiding_a_utility_rerenders_without_it(window):
    layer = window.canvas.layers.register_layer()
    window.canvas.layers.set_utility_visible(layer, "gas", False)
    assert window.wait_until_idle(30)
    assert layer.hidden_utilities == {"gas"}
    image = window.canvas.cached_image(layer.id)[1]
    gas = (0xF2, 0xC3, 0x00)
    arr = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.width(), 4)
    assert not ((arr[..., 2] == gas[0]) & (arr[..., 1] == gas[1]) & (arr[..., 0] == gas[2])).any()


def test_reopening_uses_the_display_cache_until_the_register_changes(qtbot, window, sample_register):
    from asset_register.store import open_register as open_store
    from ui.render import display_cache

    first = window.canvas.layers.register_layer().data
    qtbot.waitUntil(lambda: any(window.register.display_cache_dir().glob("*.npz")), timeout=30_000)
    with open_store(sample_register, read_only=True) as store:
        key = display_cache.cache_key(store)
    cached = display_cache.load(key, window.register.display_cache_dir(), str(sample_register))
    assert cached is not None
    for name in ("coords", "part_offsets", "part_feature", "points", "point_feature", "segments"):
        assert np.array_equal(getattr(cached, name), getattr(first, name))
    assert cached.categories == first.categories
    for col, codes in first.codes.items():
        assert np.array_equal(cached.codes[col], codes)
    ext = (530400, 180300, 530700, 180500)
    assert np.array_equal(cached.visible_parts(ext), first.visible_parts(ext))
    # a new import batch changes the key: the stale cache is not used
    with open_store(sample_register) as store:
        from importers.job import ImportJob
        from importers.sample import town_dir

        ImportJob(store, town_dir() / "heat_rhn.fgb", owner="RHX", utility="district_heating").run()
        assert display_cache.cache_key(store) != key
        assert display_cache.load(display_cache.cache_key(store), window.register.display_cache_dir(),
                                  str(sample_register)) is None


def test_window_state_is_remembered(qtbot, window):
    from ui.main_window import MainWindow

    window.resize(640, 480)
    window.works_dock.hide()
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (640, 480)
    assert again.works_dock.isHidden()
    again.close()


def test_navigation_and_measure_with_mouse_and_keys(qtbot, window):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent

    canvas = window.canvas
    canvas.view.centre_on(530546, 180350, resolution=0.5)
    state = canvas.view.state
    # wheel: zooms in about the cursor, the map point under it stays put
    pos = QPointF(200, 150)
    under = state.to_map(200, 150)
    ev = QWheelEvent(pos, canvas.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
                     Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    canvas.wheelEvent(ev)
    assert canvas.view.state.resolution < state.resolution
    assert np.allclose(canvas.view.state.to_map(200, 150), under)
    # arrow key pans
    before = canvas.view.state.cx
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.view.state.cx > before
    # zoom box: the dragged box fills the view
    window.set_tool("zoom")
    a, b = _screen(window, 530500, 180400), _screen(window, 530600, 180300)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(canvas, pos=b)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=b)
    x0, y0, x1, y1 = canvas.view.state.extent
    assert x0 <= 530501 and x1 >= 530599 and y0 <= 180301 and y1 >= 180399
    assert min(x1 - x0, y1 - y0) < 160  # zoomed in to about the box
    # measure: two clicks 30 m apart
    window.set_tool("measure")
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=_screen(window, 530520, 180350))
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=_screen(window, 530550, 180350))
    tool = window.tools["measure"]
    assert abs(tool.total(with_hover=False) - 30.0) < 2 * canvas.view.state.resolution


def test_a_failing_render_is_reported_and_does_not_hang_the_canvas(window, monkeypatch):
    from ui.render import jobs

    layer = window.canvas.layers.register_layer()
    before = window.canvas.cached_image(layer.id)

    def broken(*args, **kwargs):
        raise RuntimeError("simulated painter failure")

    monkeypatch.setattr(jobs, "render_register", broken)
    seen = []
    window.canvas.rendered.connect(lambda lid, lod, s: seen.append(lod))
    window.canvas.refresh_layer(layer)
    assert window.wait_until_idle(10)  # the failed job does not stay pending
    assert any(lod.startswith("error: simulated") for lod in seen)
    assert window.canvas.cached_image(layer.id) is before  # the last good image stays
