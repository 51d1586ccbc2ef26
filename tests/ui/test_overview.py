"""The register's first frame drawn from its index's leaf boxes before its assets are read:
the same extent and density as the full read's density view, replaced by the normal
rendering once the assets are in, and nothing left behind when the window closes first."""

from __future__ import annotations

import sqlite3
import threading

import numpy as np

from asset_register.model import BatchInfo
from asset_register.store import create_register, open_register
from asset_register.store.gpkg import rtree as gpkg_rtree
from tests.conftest import synthetic_assets
from ui.models.view import ViewState
from ui.render.overview import Overview, overview_counts


def test_leaf_nodes_hold_every_entry_of_the_tree(big_register, tmp_path):
    con = sqlite3.connect(big_register)
    ids, boxes = gpkg_rtree.read_entries(con, "rtree_assets_geom")
    leaves, counts = gpkg_rtree.leaf_nodes(con, "rtree_assets_geom")
    con.close()
    assert len(leaves) > 1 and counts.sum() == len(ids) == 4600
    # every entry lies in a leaf box; the leaves together span exactly the entries
    for k, f in ((0, np.min), (2, np.min), (1, np.max), (3, np.max)):
        assert f(leaves[:, k]) == f(boxes[:, k])
    with create_register(tmp_path / "small.gpkg") as store:  # the root is the only leaf
        store.write_batch(synthetic_assets(5, seed=1), BatchInfo(source_file="s.gpkg", owner="WSX"))
        found, n = store.index_boxes()
    assert n.tolist() == [5] and found.shape == (1, 4)
    with create_register(tmp_path / "empty.gpkg") as store:
        found, n = store.index_boxes()
    assert len(found) == len(n) == 0


def _full_density(register, view):
    from ui.render.loading import load_register
    from ui.render.painters import RenderSettings, new_image, render_register
    from ui.render.styles import Palette

    with open_register(register, read_only=True) as store:
        packed = load_register(store)
    img = new_image(view)
    lod = render_register(img, packed, RenderSettings(view), Palette.make())
    return packed, img, lod


def _alpha(img) -> np.ndarray:
    h, w = img.height(), img.width()
    return (np.frombuffer(bytes(img.constBits()), np.uint32).reshape(h, w) >> 24).astype(np.int64)


def test_the_overview_draws_the_extent_and_density_of_the_full_read(big_register, monkeypatch):
    from ui.render import painters
    from ui.render.painters import RenderSettings, new_image, render_overview

    monkeypatch.setattr(painters, "RASTER_VERTICES", 0)  # rasterised as a large register is

    with open_register(big_register, read_only=True) as store:
        overview = Overview(*store.index_boxes())
    view = ViewState(width=90, height=40).fitted(overview.total_bounds, margin=0.02)
    packed, full, lod = _full_density(big_register, view)
    assert lod == "density"
    assert overview.n_assets == packed.n_features == 4600
    np.testing.assert_allclose(overview.total_bounds, packed.total_bounds, atol=0.01)
    img = new_image(view)
    assert render_overview(img, overview, RenderSettings(view)) == "density"
    a, b = _alpha(img), _alpha(full)
    # the same extent: the covered pixels' bounding box, within a pixel
    for axis in (0, 1):
        ra, rb = np.flatnonzero(a.any(axis=axis)), np.flatnonzero(b.any(axis=axis))
        assert abs(ra[0] - rb[0]) <= 1 and abs(ra[-1] - rb[-1]) <= 1
    # the same density: blocks of 5 x 5 pixels rank alike (the dense area darker than the sparse)
    def blocks(x):
        return x.reshape(8, 5, 18, 5).sum(axis=(1, 3)).ravel()

    assert np.corrcoef(blocks(a), blocks(b))[0, 1] > 0.9
    counts = overview_counts(overview, view)  # every asset counted (three samples each)
    assert abs(counts.sum() - 3 * 4600) <= counts.size  # (rounded up per pixel)


def _open(qtbot, register, monkeypatch, release: threading.Event | None):
    """A window opening ``register``; its asset read waits for ``release`` when given."""
    from PySide6.QtWidgets import QApplication

    from ui import window_register
    from ui.main_window import MainWindow

    QApplication.instance().setProperty("suppress_error_dialogs", True)
    monkeypatch.setattr(window_register, "OVERVIEW_FROM", 1 if release else 10**12)
    if release is not None:
        real = window_register.read_register_layer

        def held(*args, **kwargs):
            assert release.wait(60)
            return real(*args, **kwargs)

        monkeypatch.setattr(window_register, "read_register_layer", held)
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(700, 500)
    w.show()
    w.open_register(str(register), [])
    return w


def test_first_frame_is_the_overview_then_the_same_image_as_without_it(qtbot, big_register, monkeypatch):
    release = threading.Event()
    w = _open(qtbot, big_register, monkeypatch, release)
    canvas = w.canvas
    layer = canvas.layers.register_layer()
    qtbot.waitUntil(lambda: canvas.cached_image(layer.id) is not None, timeout=30000)
    assert layer.data is None and canvas.lods[layer.id] == "density"  # before any asset is read
    release.set()
    assert w.wait_until_idle(60)
    assert layer.data is not None and canvas.lods[layer.id] != "overview"
    view, image = canvas.cached_image(layer.id)
    assert view == canvas.view.state  # drawn from the assets for the view shown
    shown = bytes(image.constBits())
    w.close()

    plain = _open(qtbot, big_register, monkeypatch, None)  # today's path: no overview
    assert plain.wait_until_idle(60)
    pview, pimage = plain.canvas.cached_image(plain.canvas.layers.register_layer().id)
    assert pview == view and bytes(pimage.constBits()) == shown
    plain.close()


def _snapshots(register) -> set[str]:
    import os

    from asset_register.store.gpkg import snapshot

    folder = snapshot._snapshot_dir(register)  # (this process's copies only: the folder is shared)
    return {n for n in os.listdir(folder) if f"{snapshot.MARK}{os.getpid()}-" in n}


def test_closing_while_the_assets_are_read_leaves_nothing_behind(qtbot, big_register, monkeypatch):
    from ui import workers

    before = {t.name for t in threading.enumerate()}
    release = threading.Event()
    w = _open(qtbot, big_register, monkeypatch, release)
    canvas = w.canvas
    layer = canvas.layers.register_layer()
    qtbot.waitUntil(lambda: canvas.cached_image(layer.id) is not None, timeout=30000)
    assert layer.data is None  # the overview is shown, the assets are still being read
    w.close_register()  # the user closes the register meanwhile
    release.set()
    qtbot.waitUntil(lambda: not workers._active, timeout=60000)  # the read ended and was dropped
    assert layer not in list(canvas.layers) and not canvas._overviews
    assert canvas.cached_image(layer.id) is None
    w.close()
    qtbot.waitUntil(lambda: not _snapshots(big_register), timeout=30000)  # its snapshot copy is gone
    pools = ("worker", "render")  # the app's own pools: their threads idle, they hold no work
    left = [t.name for t in threading.enumerate()
            if t.name not in before and t.is_alive() and not t.name.startswith(pools)]
    assert not left, left


def test_the_quality_report_waits_for_the_assets_then_comes(qtbot, big_register, monkeypatch):
    release = threading.Event()
    w = _open(qtbot, big_register, monkeypatch, release)
    dock, model = w.quality.dock, w.state.quality
    dock.show()
    model.set_scope("register")
    layer = w.canvas.layers.register_layer()
    qtbot.waitUntil(lambda: w.canvas.cached_image(layer.id) is not None, timeout=30000)
    w.quality.refresh()  # asked while the assets are still being read: not beside their read
    qtbot.wait(100)
    assert layer.data is None
    assert "Computing the data quality" not in w.state.loading.tasks and model.report is None
    release.set()
    qtbot.waitUntil(lambda: model.report is not None, timeout=60000)
    assert model.report["area"]["whole_register"]
    assert w.wait_until_idle(60)
    w.close()


def test_each_leaf_count_is_that_of_its_own_node(big_register):
    con = sqlite3.connect(big_register)
    leaves, counts = gpkg_rtree.leaf_nodes(con, "rtree_assets_geom")
    # walk the tree from the root in cell order, as leaf_nodes does, one node at a time
    nodes = {n: bytes(b) for n, b in con.execute('SELECT nodeno, data FROM "rtree_assets_geom_node"')}
    con.close()
    level, depth = [1], (nodes[1][0] << 8) | nodes[1][1]
    for _ in range(depth):
        level = [int(c) for n in level for c in np.frombuffer(
            nodes[n], dtype=gpkg_rtree.CELL, count=int.from_bytes(nodes[n][2:4], "big"), offset=4)["id"]]
    assert counts.tolist() == [int.from_bytes(nodes[n][2:4], "big") for n in level]
    assert len(set(counts.tolist())) > 1  # not all full: a mix-up between leaves would show
