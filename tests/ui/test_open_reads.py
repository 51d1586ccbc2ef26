"""The reads of a register's opening: the asset read stops when the register is closed or
another one is opened (nothing of it reaches the next register), and the reads that follow
the first frame (label fields, the search box's ids, the quality report) run one after
another, never beside each other."""

from __future__ import annotations

import threading
import time

import pytest

from asset_register.model import BatchInfo
from asset_register.store import create_register
from asset_register.store.gpkg import display as gpkg_display
from tests.conftest import synthetic_assets


@pytest.fixture
def registers(big_register, tmp_path):
    """A register of 4,600 assets (``big_register``) and a second, small one."""
    with create_register(tmp_path / "small.gpkg") as store:
        store.write_batch(synthetic_assets(70, seed=8, owner="BT"),
                          BatchInfo(source_file="c.gpkg", owner="BT"))
    return big_register, tmp_path / "small.gpkg"


def _window(qtbot):
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    QApplication.instance().setProperty("suppress_error_dialogs", True)
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(700, 500)
    w.show()
    return w


def _open_with_quality_report(qtbot, path):
    """A window that opens ``path`` with the register's quality report shown, once the
    search box's ids and the report are in and nothing is loading."""
    w = _window(qtbot)
    w.quality.dock.show()
    w.state.quality.set_scope("register")
    w.open_register(str(path), [])
    qtbot.waitUntil(lambda: w.search_dock._ids is not None and w.state.quality.report is not None
                    and not w.state.loading.busy, timeout=60000)
    return w


@pytest.mark.parametrize("how", ["close", "open another"])
def test_the_asset_read_stops_when_the_register_is_closed(qtbot, registers, monkeypatch, how):
    from ui import errors, workers
    from ui.render import loading

    big, small = registers
    monkeypatch.setattr(gpkg_display, "MIN_SLICE_ROWS", 100)  # 4,600 assets in 16 slices
    monkeypatch.setattr(gpkg_display, "default_slices", lambda: 16)
    release, started, packed = threading.Event(), threading.Event(), []
    real = loading._pack_slice

    def held(meta, table):  # the slices being read when the register is closed wait here
        started.set()
        assert release.wait(60)
        packed.append(table.num_rows)
        return real(meta, table)

    monkeypatch.setattr(loading, "_pack_slice", held)
    shown = len(errors.shown)
    w = _window(qtbot)
    w.open_register(str(big), [])
    old = w.canvas.layers.register_layer()
    assert started.wait(30)
    if how == "close":
        w.close_register()
    else:
        monkeypatch.setattr(loading, "_pack_slice", real)  # the next register reads at once
        w.open_register(str(small), [])
    release.set()
    qtbot.waitUntil(lambda: not workers._active and not w.state.loading.busy, timeout=60000)
    # the slices under way finished; the others were never read
    assert 0 < len(packed) <= gpkg_display.workers() < 16
    assert old.data is None and old not in list(w.canvas.layers)
    assert len(errors.shown) == shown  # a stopped read is no error
    if how == "open another":
        assert w.wait_until_idle(60)
        layer = w.canvas.layers.register_layer()
        assert layer is not old and layer.data.n_features == 70  # the new register's own
        assert "material" in layer.data.codes  # its labels too, not the stopped read's
    else:
        assert w.canvas.layers.register_layer() is None
    w.close()


def test_an_early_read_stops_when_it_is_dropped(registers, monkeypatch, tmp_path):
    from ui import preload
    from ui.render import loading

    big, _ = registers
    monkeypatch.setattr(gpkg_display, "MIN_SLICE_ROWS", 100)
    monkeypatch.setattr(gpkg_display, "default_slices", lambda: 16)
    release, started, packed = threading.Event(), threading.Event(), []
    real = loading._pack_slice

    def held(meta, table):
        started.set()
        assert release.wait(60)
        packed.append(table.num_rows)
        return real(meta, table)

    monkeypatch.setattr(loading, "_pack_slice", held)
    preload.start(str(big), None)
    future = preload._pending["future"]
    assert started.wait(30)
    preload.discard()  # another register is opened instead
    release.set()
    assert future.result(60) is None  # stopped (the read's store closed with it)
    assert 0 < len(packed) < 16


def test_the_reads_after_the_first_frame_run_one_after_another(qtbot, registers, monkeypatch):
    from asset_register import quality
    from ui import window_register
    from ui.docks import search_dock

    big, _ = registers
    lock, running, seen, most = threading.Lock(), [], [], [0]

    def one_at_a_time(name, fn):
        def wrapped(*args, **kwargs):
            with lock:
                running.append(name)
                seen.append(name)
                most[0] = max(most[0], len(running))
            try:
                time.sleep(0.05)  # long enough for another read to start beside it, if it could
                return fn(*args, **kwargs)
            finally:
                with lock:
                    running.remove(name)
        return wrapped

    monkeypatch.setattr(window_register, "complete_register",
                        one_at_a_time("labels", window_register.complete_register))
    monkeypatch.setattr(search_dock, "read_asset_ids", one_at_a_time("ids", search_dock.read_asset_ids))
    monkeypatch.setattr(quality, "quality_report", one_at_a_time("quality", quality.quality_report))
    w = _open_with_quality_report(qtbot, big)
    assert sorted(set(seen)) == ["ids", "labels", "quality"]
    assert most[0] == 1, seen
    layer = w.canvas.layers.register_layer()
    assert "material" in layer.data.codes and len(w.search_dock._ids) == 4600
    assert w.state.quality.report["assets"] == 4600
    w.close()


def test_the_reads_after_the_first_frame_share_one_snapshot_copy(qtbot, registers, monkeypatch):
    """The asset read copies the register once; the label fields, the search box's ids and
    the quality report read that same copy, which is deleted once no read waits."""
    import os

    from asset_register.store.gpkg import snapshot

    big, _ = registers
    copies = []
    real = snapshot._copy
    monkeypatch.setattr(snapshot, "_copy", lambda con, register: copies.append(1) or real(con, register))
    w = _open_with_quality_report(qtbot, big)
    assert w.state.quality.report["assets"] == 4600 and len(w.search_dock._ids) == 4600
    assert len(copies) == 1
    folder = snapshot._snapshot_dir(big)
    mine = f"{snapshot.MARK}{os.getpid()}-"
    qtbot.waitUntil(lambda: not [n for n in os.listdir(folder) if mine in n], timeout=30000)
    assert w.session is not None  # the register is still open: only the copy went
    w.close()
