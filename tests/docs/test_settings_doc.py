"""docs/settings.md is the page the registry of settings writes: the committed page equals
``python -m asset_register.settings_doc`` (after a registry change: ``--write``)."""

from __future__ import annotations

import subprocess
import sys

from asset_register import settings as reg

from .runner import REPO


def test_docs_settings_page_is_the_registrys():
    from asset_register.settings_doc import PAGE, page

    assert PAGE == REPO / "docs" / "settings.md"
    assert PAGE.read_text("utf-8") == page(), (
        "docs/settings.md is out of date: run python -m asset_register.settings_doc --write")
    for s in reg.SETTINGS:
        assert f"`{s.key}`" in page()


def test_docs_generator_prints_the_page():
    out = subprocess.run([sys.executable, "-m", "asset_register.settings_doc"], cwd=REPO,
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.startswith("# Settings\n") and "`notice_validity_working_days`" in out
