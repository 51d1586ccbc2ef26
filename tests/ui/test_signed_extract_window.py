"""The desktop app says, in the window title, who signed a contractor's extract and whether it
is intact; it opens one read-only and writes nothing to it."""

from __future__ import annotations

import hashlib
import os
import sqlite3

import shapely

from asset_register.extract import make_extract


def _open(qtbot, path):
    from PySide6.QtWidgets import QApplication
    from ui.main_window import MainWindow

    QApplication.instance().setProperty("suppress_error_dialogs", True)
    w = MainWindow()
    qtbot.addWidget(w)
    w.open_register(path, [])
    assert w.wait_until_idle(60)
    return w


def test_title_names_the_issuer_and_says_whether_the_extract_is_intact(
        qtbot, sample_register, tmp_path, signing_key):
    out = tmp_path / "contractor.gpkg"
    make_extract(str(sample_register), shapely.box(529000, 179000, 533000, 183000), out,
                 restricted_free=True, signing_key=signing_key)
    before = hashlib.sha256(out.read_bytes()).hexdigest()
    w = _open(qtbot, out)
    assert "contractor.gpkg — signed extract of " in w.windowTitle()
    assert w.windowTitle().split(" — ")[1].endswith(", intact")
    assert w.session.store.read_only
    w.close()
    assert hashlib.sha256(out.read_bytes()).hexdigest() == before

    os.chmod(out, 0o644)
    con = sqlite3.connect(out)
    con.execute("DROP TRIGGER sealed_no_delete_owners")
    con.execute("DELETE FROM owners WHERE rowid = 1")
    con.commit()
    con.close()
    w = _open(qtbot, out)
    assert "NOT INTACT: do not rely on it" in w.windowTitle()
    w.close()
