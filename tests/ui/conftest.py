"""UI fixtures: the sample town register (built once per session) and an isolated
settings store so tests never touch the user's settings."""

from __future__ import annotations

import os
import shutil

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def sample_register_master(tmp_path_factory):
    from importers.sample import build_sample

    path = tmp_path_factory.mktemp("sample") / "town.gpkg"
    build_sample(path)
    return path


@pytest.fixture
def sample_register(sample_register_master, tmp_path):
    """A private copy of the sample town register (tests may write to it)."""
    path = tmp_path / "town.gpkg"
    shutil.copy(sample_register_master, path)
    return path


@pytest.fixture
def big_register(tmp_path):
    """Enough assets for an R*Tree of two levels, in two areas (one dense, one sparse)."""
    from asset_register.model import BatchInfo
    from asset_register.store import create_register
    from tests.conftest import synthetic_assets

    with create_register(tmp_path / "r.gpkg") as store:
        store.write_batch(synthetic_assets(4000, seed=3, size=2000.0),
                          BatchInfo(source_file="a.gpkg", owner="WSX"))
        store.write_batch(synthetic_assets(600, seed=4, owner="GAS", x0=534000.0, size=1500.0),
                          BatchInfo(source_file="b.gpkg", owner="GAS"))
    return tmp_path / "r.gpkg"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """QSettings and the app data folder under tmp_path; error dialogs only logged."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    try:
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication
    except ImportError:
        yield
        return
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    # Qt reads XDG_CONFIG_HOME once per process: every test sets the path itself, for the
    # format QSettings(org, app) uses (native) and for INI
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "config"))
    app = QApplication.instance()
    if app is not None:
        app.setProperty("suppress_error_dialogs", True)
    yield


@pytest.fixture
def window(qtbot, sample_register):
    from importers.sample import town_dir
    from PySide6.QtWidgets import QApplication
    from ui.main_window import MainWindow

    QApplication.instance().setProperty("suppress_error_dialogs", True)
    ref = str(town_dir() / "reference.gpkg")
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    w.open_register(sample_register, [(ref, "buildings"), (ref, "streets")])
    assert w.wait_until_idle(60), "the sample register did not load"
    yield w
    w.close()
