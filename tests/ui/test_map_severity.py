"""The map's severity channel and labels: severity by halo pattern and marker shape (never a
utility colour), markers numbered as the conflicts table, labels that never overlap, rings
that say which clearance they are, hatched precaution zones, street names over the assets and
coincident services drawn side by side."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtGui import QColor, QImage

from asset_register import colours
from ui.models.view import ViewState
from ui.render import severity
from ui.render.placement import Placer, offset_polylines

from .test_main_window import _draw_polygon

# A dig beside High Street that strikes one service, is within the clearance of another
# (danger) and near more (caution).
MIXED = [(530562.0, 180343.5), (530570.0, 180343.5), (530570.0, 180346.5), (530562.0, 180346.5)]


def _overlaps(boxes) -> bool:
    b = np.asarray(boxes, float)
    for i in range(len(b)):
        for j in range(i + 1, len(b)):
            if b[i, 0] < b[j, 2] and b[j, 0] < b[i, 2] and b[i, 1] < b[j, 3] and b[j, 1] < b[i, 3]:
                return True
    return False


def test_placer_never_overlaps_and_marks_moved_labels():
    placer = Placer(400, 300)
    placer.block([(0, 0, 60, 60)])  # a legend
    # ten labels on the same spot, one under the legend
    ax, ay = np.r_[np.full(10, 200.0), 50.0], np.r_[np.full(10, 150.0), 50.0]
    placed = placer.place(ax, ay, np.full(11, 24.0), np.full(11, 24.0), gap=2)
    boxes = [(p.cx - 12, p.cy - 12, p.cx + 12, p.cy + 12) for p in placed]
    assert len(placed) == 11 and not _overlaps(boxes + [(0, 0, 60, 60)])
    assert not placed[0].moved and all(p.moved for p in placed[1:10])
    assert placed[10].moved  # pushed out from under the legend
    # no room at all: left out, unless every one must be shown (conflict markers)
    full = Placer(30, 30)
    assert len(full.place([15, 15], [15, 15], [24, 24], [24, 24])) == 1
    assert len(Placer(30, 30).place([15, 15], [15, 15], [24, 24], [24, 24], keep_all=True)) == 2


def test_offset_polylines_moves_sideways_by_the_given_pixels():
    sx, sy = np.array([0.0, 10.0, 20.0, 0.0, 0.0]), np.array([0.0, 0.0, 0.0, 0.0, 10.0])
    starts = np.array([True, False, False, True, False])
    ox, oy = offset_polylines(sx, sy, starts, 2.0)
    assert np.allclose(ox[:3], sx[:3]) and np.allclose(oy[:3], 2.0)  # left of eastward = +y
    assert np.allclose(ox[3:], -2.0) and np.allclose(oy[3:], sy[3:])  # left of +y = -x


def test_severity_marks_are_achromatic_shapes():
    utility = {QColor(c).name() for s in colours.SCHEMES for _, c in colours.legend(s)}
    shapes = set()
    for shape, fill, edge, ink, _ in severity.MARKERS.values():
        shapes.add(shape)
        for c in (fill, edge, ink):
            assert c.hsvSaturation() == 0  # no hue: nothing to confuse with a utility colour
            assert c.name() not in utility or c.name() == "#ffffff"
    assert len(shapes) == 4
    patterns = {sev: severity.HALO[sev][1] is None and "solid" or tuple(severity.HALO[sev][1])
                for sev in severity.HALO}
    assert len(set(patterns.values())) == 3


@pytest.mark.parametrize("scheme", ["njug", "apwa"])
def test_conflict_markers_numbered_as_the_table_and_labels_apart(qtbot, window, scheme):
    window.state.set_scheme(scheme)
    window.canvas.view.centre_on(530566, 180345, resolution=0.05)
    assert window.wait_until_idle(30)
    _draw_polygon(qtbot, window, MIXED)
    model = window.conflicts_dock.model
    table = {model.data(model.index(i, 0)): str(model.row(i)["severity"]) for i in range(model.rowCount())}
    assert set(table.values()) == {"strike", "danger", "caution"}
    window.canvas.view.centre_on(530566, 180345, resolution=0.08)
    assert window.wait_until_idle(30)
    window.canvas.grab()
    overlay = window.dig_overlay
    markers = {t: box for kind, t, box in overlay.placed if kind == "marker"}
    assert set(markers) == set(table)  # every conflict has its marker, numbered as its row
    marks = overlay.marks()
    assert [str(s) for s in marks.severity] == [table[str(n)] for n in marks.number]
    rings = [t for kind, t, _ in overlay.placed if kind == "ring"]
    assert rings and all("m clearance: " in t for t in rings)
    assert any("HV electricity cable" in t for t in rings)
    labels = [box for _, _, box in overlay.placed]
    assert not _overlaps(labels)
    # street names keep clear of the dig and its labels
    for text, x, y, _ in window.street_labels.drawn:
        for box in overlay.screen_boxes(window.canvas.view.state):
            assert not (box[0] <= x <= box[2] and box[1] <= y <= box[3]), text


def test_street_names_are_drawn_over_the_assets(qtbot, window):
    from ui.render.street_labels import INK

    window.canvas.view.centre_on(530600, 180350, resolution=0.1)
    assert window.wait_until_idle(30)
    img = window.canvas.grab().toImage()
    drawn = window.street_labels.drawn
    assert [t for t, *_ in drawn] == ["High Street"]
    _, x, y, _ = drawn[0]
    box = (int(x) - 30, int(y) - 6, 60, 12)
    assets = window.canvas.cached_image(window.canvas.layers.register_layer().id)[1].copy(*box)
    a = np.frombuffer(assets.constBits(), np.uint8).reshape(assets.height(), assets.bytesPerLine() // 4, 4)
    assert (a[..., 3] > 200).sum() > 50  # services run under the label…
    shown = img.copy(*box).convertToFormat(QImage.Format.Format_ARGB32)
    assert _count(shown, INK.name(), tol=60) > 20  # …and the name is drawn over them


def _render(geoms, utilities, view, asset_class=None):
    from ui.render.packed import pack_geometries
    from ui.render.painters import RenderSettings, new_image, render_register
    from ui.render.styles import Palette, feature_style_keys

    frame = gpd.GeoDataFrame({"utility": utilities, "asset_class": asset_class or ["pipe"] * len(geoms),
                              "status": ["in_service"] * len(geoms), "voltage": [None] * len(geoms)},
                             geometry=geoms, crs="EPSG:27700")
    packed = pack_geometries(frame.geometry.array, frame)
    packed.codes["style"] = feature_style_keys(packed)
    img = new_image(view)
    render_register(img, packed, RenderSettings(view, labels=False), Palette.make("njug"))
    return img


def _count(img: QImage, hex_colour: str, tol: int = 30) -> int:
    target = QColor(hex_colour)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.width(), 4).astype(int)
    d = np.abs(arr[..., 2] - target.red()) + np.abs(arr[..., 1] - target.green()) + np.abs(arr[..., 0] - target.blue())
    return int(((d < tol) & (arr[..., 3] > 200)).sum())


def test_coincident_services_are_drawn_side_by_side():
    line = shapely.LineString([(0, 0), (40, 0)])
    view = ViewState(cx=20, cy=0, resolution=0.1, width=500, height=100)
    gas = colours.colour_for("gas")
    alone = _count(_render([line], ["gas"], view), gas)
    under = _count(_render([line, line], ["gas", "electricity"], view), gas)
    assert alone > 500
    assert under > 0.6 * alone  # the gas line stays visible beside the LV cable drawn over it
    far = ViewState(cx=20, cy=0, resolution=1.0, width=500, height=100)  # no offset when zoomed out
    hidden = _count(_render([line, line], ["gas", "electricity"], far), gas)
    assert hidden < 0.3 * _count(_render([line], ["gas"], far), gas)


def test_precaution_zones_are_hatched_at_every_scale():
    zone = shapely.box(0, 0, 100, 60)
    for res in (0.2, 2.0):
        view = ViewState(cx=50, cy=30, resolution=res, width=400, height=300)
        img = _render([zone], ["hazardous_pipeline"], view, ["precaution_zone"])
        x0, y0 = (int(v) for v in view.to_screen(30, 40))
        x1, y1 = (int(v) for v in view.to_screen(70, 20))
        inside = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.width(), 4)[y0:y1, x0:x1, 3]
        assert inside.size and 0.05 < (inside > 0).mean() < 0.7  # hatched, never a solid area


def test_a_very_dense_full_extent_reads_as_density_until_zoomed_in():
    from ui.render import raster
    from ui.render.packed import pack_geometries
    from ui.render.painters import RenderSettings, new_image, render_register
    from ui.render.styles import Palette, feature_style_keys

    rng = np.random.default_rng(7)
    n = 60_000
    x, y = rng.uniform(0, 4000, n), rng.uniform(0, 3000, n)
    lines = shapely.linestrings(np.stack([np.column_stack([x, y]), np.column_stack([x + 5, y + 3])], 1))
    util = np.where(np.arange(n) % 3 == 0, "gas", "water").astype(object)
    volt = np.full(n, None, dtype=object)
    util[:200], volt[:200] = "electricity", "HV"
    frame = gpd.GeoDataFrame({"utility": util, "asset_class": "pipe", "status": "in_service", "voltage": volt},
                             geometry=lines, crs="EPSG:27700")
    packed = pack_geometries(frame.geometry.array, frame)
    packed.codes["style"] = feature_style_keys(packed)
    packed.index_segments(packed.codes["style"])
    pal = Palette.make("njug")
    full = ViewState(cx=2000, cy=1500, resolution=10, width=400, height=300)
    assert raster.is_dense(n, 400, 300)
    img = new_image(full)
    assert render_register(img, packed, RenderSettings(full, labels=False), pal) == "density"
    gas, water, hv = colours.colour_for("gas"), colours.colour_for("water"), colours.colour_for("electricity", "HV")
    assert _count(img, gas) == 0 and _count(img, water) == 0 and _count(img, hv) == 0  # no mat of colours
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(300, 400, 4).astype(int)
    covered = arr[..., 3] > 0
    assert covered.mean() > 0.5  # the density covers the register…
    alpha = arr[..., 3][covered]
    assert alpha.max() - alpha.min() > 60  # …lighter where sparse, darker where dense
    assert np.allclose(arr[..., 2][covered] / arr[..., 3][covered], 38 / 255, atol=0.03)  # one neutral hue
    zoomed = ViewState(cx=2000, cy=1500, resolution=1, width=400, height=300)
    img = new_image(zoomed)
    assert render_register(img, packed, RenderSettings(zoomed, labels=False), pal) in ("raster", "vector")
    assert _count(img, gas) > 50 and _count(img, water) > 50


def test_asset_labels_never_overlap(window, monkeypatch):
    from ui.render import painters
    from ui.render.painters import RenderSettings, new_image, render_register
    from ui.render.styles import Palette

    packed = window.canvas.layers.register_layer().data
    view = ViewState(cx=530550, cy=180350, resolution=0.12, width=900, height=600)
    got = []
    monkeypatch.setattr(painters, "_draw_labels", lambda p, t, x, y, a, *rest, **kw: got.append((t, x, y, a)))
    assert render_register(new_image(view), packed, RenderSettings(view), Palette.make()) == "vector"
    texts, x, y, ang = got[0]
    assert len(texts) > 8
    a = np.radians(np.asarray(ang, float))
    w = np.array([6.5 * len(t) + 8 for t in texts])
    cx, cy = x + 7 * np.sin(a), y - 7 * np.cos(a)
    bw = np.abs(np.cos(a)) * w + np.abs(np.sin(a)) * 14
    bh = np.abs(np.sin(a)) * w + np.abs(np.cos(a)) * 14
    boxes = np.column_stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2])
    assert not _overlaps(boxes)


def test_the_canvas_says_when_it_shows_a_density_view(qtbot, monkeypatch):
    from ui.canvas.canvas import MapCanvas
    from ui.models.layers import REGISTER, Layer
    from ui.render import raster
    from ui.render.packed import pack_geometries
    from ui.render.styles import feature_style_keys

    lines = shapely.linestrings(np.stack([np.column_stack([np.arange(500.0), np.zeros(500)]),
                                          np.column_stack([np.arange(500.0), np.full(500, 50.0)])], 1))
    frame = gpd.GeoDataFrame({"utility": ["gas"] * 500}, geometry=lines, crs="EPSG:27700")
    packed = pack_geometries(frame.geometry.array, frame)
    packed.codes["style"] = feature_style_keys(packed)
    packed.index_segments(packed.codes["style"])
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(300, 200)
    canvas.show()
    layer = Layer("register", REGISTER)
    canvas.layers.add(layer)
    canvas.layers.update(layer, data=packed)
    canvas.zoom_to(packed.total_bounds)
    monkeypatch.setattr(raster, "DENSITY_PER_PIXEL", 0.001)  # 500 lines are "dense" here
    monkeypatch.setattr("ui.render.painters.RASTER_VERTICES", 10)
    canvas.refresh_layer(layer)
    qtbot.waitUntil(lambda: canvas.is_idle() and layer.id in canvas.lods, timeout=30_000)
    assert canvas.lods[layer.id] == "density"
    captions = []
    monkeypatch.setattr(MapCanvas, "_paint_caption", lambda self, p, text: captions.append(text))
    canvas.grab()
    assert captions and "zoom in" in captions[0]
