"""A PostGIS register's password never reaches the window title, layer names, tooltips or the
saved settings (the recent-files list is a plain-text file other users may read)."""

from __future__ import annotations

from pathlib import Path

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
