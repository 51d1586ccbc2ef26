"""The quality dock and the quality map on a register whose figures are known
(tests/quality/conftest.py): the map's colours follow each asset's accuracy class and go back
to the utility colours, the legend counts the classes, the dock's tables hold the figures."""

from __future__ import annotations

import numpy as np
import pytest

from asset_register.store import create_register
from tests.quality.conftest import AREA, build_known_register


@pytest.fixture
def known_path(tmp_path):
    path = tmp_path / "known.gpkg"
    build_known_register(create_register(path)).close()
    return path


@pytest.fixture
def window(qtbot, known_path):
    from ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    w.open_register(known_path, [])
    assert w.wait_until_idle(60), "the register did not load"
    yield w
    w.close()


def _colours(window) -> set[int]:
    layer = window.state.layers.register_layer()
    _, image = window.canvas.cached_image(layer.id)
    ptr = image.constBits()
    argb = np.frombuffer(ptr, np.uint32, image.width() * image.height())
    return set(np.unique(argb[(argb >> 24) == 0xFF]).tolist())


def _argb(hex_colour: str) -> int:
    return 0xFF000000 | int(hex_colour[1:], 16)


def test_quality_map_shades_by_accuracy_and_back(window):
    from ui.render.quality_shading import COLOURS

    # close enough that the 5 m pipes G3-G7 are long lines whatever the window's style and
    # dock sizes leave of the map (a few pixels' line is all antialiased edge)
    x0, y0 = AREA.bounds[:2]
    window.canvas.zoom_to((x0 + 60, y0 + 470, x0 + 160, y0 + 530))
    assert window.wait_until_idle(30)
    gas_yellow = _argb(window.canvas.palette_.qcolors[7].name())  # STYLE_KEYS: gas
    assert gas_yellow in _colours(window)
    action = window.quality.toggle_action
    assert action.shortcut().toString() == "Ctrl+Shift+Q"
    action.trigger()
    assert window.state.quality.shading == "accuracy" and action.isChecked()
    assert window.wait_until_idle(30)
    shown = _colours(window)
    # G5 is the only record worse than ±1 m: its class colour is drawn; no utility colour is
    assert _argb(COLOURS["accuracy"][3]) in shown and gas_yellow not in shown
    # whole register: GAS 11 (G-out ±0.2 m), ELE 4 QL-D cables and a zone, TEL 2 ducts
    assert window.quality.shading.counts().tolist() == [4, 3, 1, 1, 5, 4]
    window.canvas.repaint()
    assert window.quality.legend.box is not None  # the legend was drawn
    action.trigger()
    assert window.state.quality.shading == "utility"
    assert window.wait_until_idle(30)
    assert gas_yellow in _colours(window)
    window.canvas.repaint()
    assert window.quality.legend.box is None


def test_age_shading_and_the_normal_mode_untouched(window):
    layer = window.state.layers.register_layer()
    palette = window.canvas.palette_
    assert window.canvas.shading.apply(layer.data, palette) == (layer.data, palette)
    window.state.quality.set_shading("age")
    assert window.wait_until_idle(30)
    data, shaded = window.canvas.shading.apply(layer.data, palette)
    assert shaded.scheme == "quality-age" and data is not layer.data
    assert data.coords is layer.data.coords  # the geometry is shared, not copied
    # GAS: 4 under 5 y, 2 of 5-10 y, 3 over 10 y (G-out 1990), 2 unknown; ELE 4 + 1 unknown;
    # TEL 2 unknown
    assert window.quality.shading.counts().tolist() == [8, 2, 3, 5]


def test_dock_tables_for_the_whole_register_and_the_dig(window, qtbot):
    dock, model = window.quality.dock, window.state.quality
    dock.show()
    dock.raise_()
    model.set_scope("register")
    qtbot.waitUntil(lambda: model.report is not None and model.report["area"]["whole_register"],
                    timeout=30000)
    assert window.wait_until_idle(30)
    assert [t for t in dock.tables] == ["Coverage", "Gaps", "Accuracy", "Age", "Missing",
                                        "Deviations"]
    rows = {dock.cell("Accuracy", r, 0): r for r in range(dock.tables["Accuracy"].rowCount())}
    assert dock.cell("Accuracy", rows["GAS"], 1) == "11"
    assert dock.cell("Accuracy", rows["GAS"], 2) == "90.9 %"
    assert dock.cell("Accuracy", rows["all"], 1) == "18"
    age = {dock.cell("Age", r, 0): r for r in range(dock.tables["Age"].rowCount())}
    assert dock.cell("Age", age["GAS"], 1) == "2025-05-05"
    assert "18 live assets" in dock.summary.text()
    model.set_scope("dig")  # no dig drawn: said, not computed
    qtbot.waitUntil(lambda: model.error is not None, timeout=10000)
    assert "draw a dig" in dock.summary.text()
    window.dig.set_geometry(AREA, "Footprint")
    qtbot.waitUntil(lambda: model.report is not None and model.report["assets"] == 17,
                    timeout=30000)


def test_the_view_scope_follows_the_map(window, qtbot):
    dock, model = window.quality.dock, window.state.quality
    dock.show()
    dock.raise_()
    window.canvas.zoom_to(tuple(AREA.bounds))
    assert window.wait_until_idle(30)
    qtbot.waitUntil(lambda: model.report is not None, timeout=30000)
    qtbot.waitUntil(lambda: not model.busy, timeout=30000)
    x0, y0, x1, y1 = window.canvas.view.state.extent
    assert model.report["area"]["km2"] == pytest.approx((x1 - x0) * (y1 - y0) / 1e6, rel=1e-6)


def test_the_notice_preview_gives_the_digs_confidence_grade(window):
    import shapely

    from tests.quality.conftest import X0, Y0

    window.dig.set_geometry(shapely.LineString([(X0 + 5, Y0 + 480), (X0 + 60, Y0 + 520)]),
                            "Enter coordinates", width_m=1.0)
    assert window.wait_until_idle(30)
    confidence = window.dig.result.confidence
    assert confidence["grade"] in "BCD" and confidence["reasons"]
    window.new_notice()
    dialog = window.dialogs.notice_dialog
    text = dialog.preview.toPlainText()
    dialog.close()
    assert f"Confidence in the records here: {confidence['grade']}" in text
    for reason in confidence["reasons"]:
        assert reason in text


def test_a_hidden_utility_hides_only_its_own_records_in_the_quality_map(qtbot):
    """A view dense enough for the flat-array rasteriser: hiding one utility must not hide
    another's records of the same quality class."""
    import geopandas as gpd
    import shapely

    from ui.models.view import ViewState
    from ui.render import styles
    from ui.render.loading import feature_style_keys
    from ui.render.packed import pack_geometries
    from ui.render.painters import RenderSettings, new_image, render_register
    from ui.render.quality_shading import Shading

    n = 80_000  # each utility's half alone is over the painters' RASTER_VERTICES
    x = np.arange(n) % 200 * 5.0
    y = np.arange(n) // 200 * 5.0
    lines = shapely.linestrings(np.stack([np.stack([x, y], 1), np.stack([x + 3, y], 1)], 1))
    # water the lower three quarters: with gas hidden most parts are still in view
    utility = np.where(np.arange(n) < 3 * n // 4, "water", "gas")
    frame = gpd.GeoDataFrame({"utility": utility}, geometry=lines)
    packed = pack_geometries(frame.geometry.array, frame)
    packed.codes["style"] = feature_style_keys(packed)
    packed.index_segments(packed.codes["style"])
    accuracy = np.where(utility == "water", 0, np.where(np.arange(n) % 2, 0, 3)).astype(np.int16)
    shading = Shading()
    shading.shading = "accuracy"
    shading.set_classes(packed, {"accuracy": accuracy, "age": accuracy})
    data, palette = shading.apply(packed, styles.Palette.make("njug"))
    view = ViewState(cx=500, cy=1000, resolution=2.0, width=1000, height=1000)

    def colours(hidden):
        image = new_image(view)
        lod = render_register(image, data, RenderSettings(view=view, hidden=frozenset(hidden)),
                              palette)
        assert lod == "raster"
        argb = np.frombuffer(image.constBits(), np.uint32, 1000 * 1000)
        return set(np.unique(argb[(argb >> 24) == 0xFF]).tolist())

    good, worse = int(palette.argb[0]), int(palette.argb[3])
    assert {good, worse} <= colours(())
    shown = colours(("gas",))
    assert good in shown and worse not in shown  # the water stays; gas's classes go


def test_the_map_classes_belong_to_the_right_records_on_both_backends(store):
    """Each drawn record gets its own class: on a GeoPackage in the drawn layer's order, on a
    store whose bulk reads promise no order (PostGIS) with a layer read together with them."""
    from datetime import date

    import shapely

    from tests.quality.conftest import elec_rows, gas_rows, tel_rows
    from ui.render.loading import load_register
    from ui.render.quality_shading import read_quality_classes

    if store.snapshot_reads:
        build_known_register(store)
    else:  # the stamps of the GeoPackage writer do not apply: plain deliveries
        import geopandas as gpd

        from asset_register.model import BatchInfo, Owner, validate_assets

        for owner, rows in (("GAS", gas_rows()), ("ELE", elec_rows()), ("TEL", tel_rows())):
            store.upsert_owner(Owner(owner, owner))
            frame = validate_assets(gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:27700"))
            store.write_batch(frame, BatchInfo(source_file=owner, owner=owner), delivery=owner)
    drawn = load_register(store)
    classes, layer = read_quality_classes(store, drawn.n_features, date(2026, 11, 23), drawn)
    layer = layer or drawn
    assert (layer is drawn) == store.snapshot_reads
    expected = {**{r["asset_id"]: r for r in gas_rows()}}
    counts = np.diff(layer.part_offsets)
    # (a compact layer's vertices are float32 offsets: within a millimetre of the records')
    lines = shapely.linestrings(layer.absolute(layer.coords),
                                indices=np.repeat(np.arange(len(counts)), counts))
    for asset_id, klass in (("G5", 3), ("G7", 4), ("G8", 0), ("G9", 5), ("G2", 1)):
        same = shapely.equals_exact(lines, expected[asset_id]["geometry"], tolerance=1e-3)
        feature = layer.part_feature[np.flatnonzero(same)]
        assert classes["accuracy"][feature].tolist() == [klass], asset_id
    assert np.bincount(classes["accuracy"], minlength=6).tolist() == [4, 3, 1, 1, 5, 4]


def test_classes_of_a_register_changed_since_it_was_drawn_are_refused(gpkg_store_factory):
    """As many live records as before, in another order: the map is not shaded wrongly."""
    from datetime import date

    import geopandas as gpd

    from asset_register.model import BatchInfo, validate_assets
    from tests.quality.conftest import gas_rows
    from ui.render.loading import load_register
    from ui.render.quality_shading import read_quality_classes

    store = build_known_register(gpkg_store_factory())
    drawn = load_register(store)
    rows = gas_rows()
    rows[0] = {**rows[0], "asset_id": "G-new"}  # G0 withdrawn, one more pipe at the end
    frame = validate_assets(gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:27700"))
    store.write_batch(frame, BatchInfo(source_file="gas-2", owner="GAS"), delivery="GAS")
    assert store.asset_count() == drawn.n_features
    assert read_quality_classes(store, drawn.n_features, date(2026, 11, 23), drawn) is None
    assert read_quality_classes(store, drawn.n_features, date(2026, 11, 23),
                                load_register(store)) is not None


def test_the_legend_counts_follow_new_classes_and_the_shading():
    from ui.render.quality_shading import Shading

    shading, drawn = Shading(), object()
    assert shading.counts() is None  # utility colours: no legend
    shading.set_classes(drawn, {"accuracy": np.array([0, 0, 5], np.int16),
                                "age": np.array([3, 1, 1], np.int16)})
    shading.shading = "accuracy"
    assert shading.counts().tolist() == [2, 0, 0, 0, 0, 1]
    shading.shading = "age"
    assert shading.counts().tolist() == [0, 2, 0, 1]
    shading.set_classes(drawn, {"accuracy": np.array([1], np.int16), "age": np.array([2], np.int16)})
    assert shading.counts().tolist() == [0, 0, 1, 0]  # counted again for the new classes
    shading.forget()
    assert shading.counts() is None
