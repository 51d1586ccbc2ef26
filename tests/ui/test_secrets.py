"""A PostGIS register's password never reaches the window title, layer names, tooltips or the
saved settings (the recent-files list is a plain-text file other users may read)."""

from __future__ import annotations

from pathlib import Path

import pytest

PASSWORD = "Xq9/s3cr@t"
URL = f"postgresql://editor:{PASSWORD}@db.council.local:5432/registers?schema=north"


def test_window_on_a_register_url_never_shows_or_saves_the_password(qtbot, sample_register, tmp_path,
                                                                    monkeypatch):
    import ui.session
    from asset_register.store import open_register
    from PySide6.QtWidgets import QApplication
    from ui.main_window import MainWindow

    opened = []

    def fake_open(location, read_only=False):
        # no server here: the URL's store is the sample town GeoPackage
        opened.append(location)
        return open_register(sample_register, read_only=read_only)

    monkeypatch.setattr(ui.session, "open_register", fake_open)
    QApplication.instance().setProperty("suppress_error_dialogs", True)
    w = MainWindow()
    qtbot.addWidget(w)
    w.open_register(URL, [])
    assert w.wait_until_idle(60)
    assert opened and opened[0] == URL  # the connection itself still gets the password
    shown = [w.windowTitle(), *[lay.name for lay in w.canvas.layers], *[lay.source for lay in w.canvas.layers]]
    assert "editor:***@db.council.local:5432/registers?schema=north — Underground Asset Register" in shown[0]
    assert any("Register: postgresql://editor:***@db.council.local" in s for s in shown)
    assert w.app_settings.recent_registers()[0] == \
        "postgresql://editor@db.council.local:5432/registers?schema=north"
    w.register.remember_references()
    w.close()
    w.app_settings.q.sync()
    saved = "\n".join(p.read_text(errors="replace") for p in Path(tmp_path / "config").rglob("*") if p.is_file())
    assert "db.council.local" in saved  # the settings file was written, with the register
    for text in (saved, *shown):
        assert PASSWORD not in text and "s3cr" not in text


def test_recent_entries_saved_with_a_password_are_rewritten_without_it():
    from ui.settings import AppSettings

    settings = AppSettings()
    settings.set("recent_registers", [URL, "/data/town.gpkg"])
    settings.add_recent("/data/other.gpkg")
    assert settings.recent_registers() == [
        "/data/other.gpkg", "postgresql://editor@db.council.local:5432/registers?schema=north",
        "/data/town.gpkg"]


@pytest.mark.postgis
def test_window_on_a_real_password_protected_register_shows_and_saves_no_password(
        qtbot, pg_server, tmp_path):
    """The same, against a real PostGIS register whose login has a password with '/', '@', '%'
    and ':' in it: the title, the layers, the saved settings and the app's data folders."""
    import uuid
    from urllib.parse import quote

    from PySide6.QtWidgets import QApplication

    from asset_register.model import BatchInfo
    from asset_register.store import create_register
    from tests.conftest import synthetic_assets
    from ui.main_window import MainWindow

    password = "Tr0ub/4@d%or:x"
    login = f"gui_{uuid.uuid4().hex[:8]}"
    pg_server.psql(f"CREATE ROLE {login} LOGIN PASSWORD '{password}'; "
                   f"GRANT CREATE ON DATABASE registers TO {login}")
    url = pg_server.url(user=login, password=password, schema=f"g_{uuid.uuid4().hex[:10]}")
    with create_register(url) as store:
        store.write_batch(synthetic_assets(20), BatchInfo(source_file="w.gpkg", owner="WSX"))
    QApplication.instance().setProperty("suppress_error_dialogs", True)
    w = MainWindow()
    qtbot.addWidget(w)
    w.open_register(url, [])
    assert w.wait_until_idle(60)
    shown = [w.windowTitle(), *[lay.name for lay in w.canvas.layers],
             *[lay.source for lay in w.canvas.layers], w.statusBar().currentMessage()]
    assert f"{login}:***@127.0.0.1" in shown[0]
    w.register.remember_references()
    w.close()
    w.app_settings.q.sync()
    saved = [p for p in tmp_path.rglob("*") if p.is_file() and "config" in p.parts]
    assert saved and any(login in p.read_text(errors="replace") for p in saved)
    needles = [password, quote(password, safe=""), "Tr0ub"]
    for path in (p for p in tmp_path.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("latin-1")
        assert not [n for n in needles if n in text], path
    for text in shown:
        assert not [n for n in needles if n in text], text
