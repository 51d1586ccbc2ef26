"""packaging/trim_modules.py: the modules build.spec leaves out, judged against the app's source."""

from __future__ import annotations

import pytest

from tests.packaging.tinylibs import ROOT

import toc
import trim_modules

UI = "from PySide6.QtWidgets import QMainWindow\nfrom PySide6.QtPdf import QPdfDocument\n"
APP = "import hashlib\nimport pyarrow.compute as pc\nhashlib.sha256(b'x')\npc.value_counts(t)\n"


def _source(*packages: str) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for pkg in packages for p in sorted((ROOT / pkg).rglob("*.py")))


def test_the_excludes_of_an_app_that_needs_none_of_them():
    out = trim_modules.excludes(APP, UI)
    assert len(out) == len(set(out))
    for module in ("PySide6.QtNetwork", "PySide6.QtQuick", "fiona", "ssl", "_hashlib", "numpy.fft", "pytest",
                   "PIL._avif", "readline", "tkinter"):
        assert module in out
    for module in ("PySide6.QtWidgets", "PySide6.QtPdf", "PySide6.QtGui", "pyarrow", "hashlib", "PIL"):
        assert module not in out


def test_fiona_comes_back_when_the_app_imports_it():
    assert "fiona" not in trim_modules.excludes(APP + "\nfrom fiona import open as fopen\n", UI)
    assert "fiona" in trim_modules.excludes(APP + "\n# fiona is not used\n", UI)


@pytest.mark.parametrize("ui", ["from PySide6.QtNetwork import QNetworkAccessManager\n",
                                "from PySide6 import QtSql\n", "w = QtQuickWidgets.QQuickWidget()\n"])
def test_ui_using_an_excluded_qt_module_stops_the_build(ui):
    with pytest.raises(toc.BuildStop, match="which UNUSED_QT excludes"):
        trim_modules.excludes(APP, UI + ui)


@pytest.mark.parametrize("code, needs", [
    ("import ssl\n", "import ssl"),
    ("from urllib.request import urlopen\n", "urllib.request"),
    ("key = hashlib.pbkdf2_hmac('sha256', p, s, 1)\n", "hashlib.pbkdf2_hmac"),
    ("h = hashlib.new('sha3_256')\n", "hashlib.new"),
    ("spectrum = np.fft.rfft(x)\n", "np.fft"),
    ("import pyarrow.parquet as pq\n", "pyarrow.parquet"),
    ("from pyarrow import dataset\n", "dataset"),
    ("table = cur.fetch_arrow_table()\n", "fetch_arrow_table"),
    ("t.group_by('owner').aggregate([])\n", ".group_by("),
])
def test_the_app_needing_a_left_out_module_stops_the_build(code, needs):
    with pytest.raises(toc.BuildStop, match="the app now uses") as err:
        trim_modules.excludes(APP + code, UI)
    assert needs in str(err.value)


def test_the_app_as_it_is_builds():
    """The checks the build runs, on this tree: a change that trips one fails here, not at build time."""
    out = trim_modules.excludes(_source("asset_register", "importers", "ui"), _source("ui"))
    assert "fiona" in out and "ssl" in out


def test_stale_metadata():
    wanted = {"check": "asset_register.cli.check_cmd:register"}
    assert trim_modules.stale_metadata(wanted, "1.2.0", dict(wanted), "1.2.0") is None
    assert "installed 1.1.0" in trim_modules.stale_metadata(wanted, "1.2.0", dict(wanted), "1.1.0")
    assert "['check']" in trim_modules.stale_metadata(wanted, "1.2.0", {}, "1.2.0")
