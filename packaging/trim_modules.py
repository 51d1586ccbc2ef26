"""Python modules the bundle leaves out, and the checks that the app's code does not need them.

``excludes(app_source, ui_source)`` gives PyInstaller's ``excludes`` list from
``EXCLUDED`` (groups of modules, one reason each) after checking the app's own source:
a left-out module the code starts to use stops the build (``BuildStop``) instead of
producing a bundle that fails at run time. ``stale_metadata`` compares the installed
package metadata with pyproject.toml (the bundled CLI finds its commands through it).
tests/packaging/test_trim_modules.py feeds them small source texts.
"""

from __future__ import annotations

import re

from toc import BuildStop

# Qt modules the app never uses (only their Python bindings go; their Qt libraries stay
# when a kept module links them: QtPdf links libQt6Network, QtGui libQt6DBus).
UNUSED_QT = [
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtBluetooth", "QtCharts", "QtDataVisualization", "QtDesigner", "QtGraphs",
    "QtGraphsWidgets", "QtHelp", "QtHttpServer", "QtLocation", "QtMultimedia",
    "QtMultimediaWidgets", "QtNetworkAuth", "QtNfc", "QtPositioning", "QtQml", "QtQuick",
    "QtQuick3D", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets", "QtRemoteObjects",
    "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort", "QtSpatialAudio", "QtSql",
    "QtStateMachine", "QtTest", "QtTextToSpeech", "QtUiTools", "QtWebChannel",
    "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets", "QtWebView",
    "QtAxContainer", "QtCanvasPainter", "QtNetwork", "QtDBus",
]

# (modules, why the bundle does without them)
EXCLUDED: list[tuple[list[str], str]] = [
    ([f"PySide6.{m}" for m in UNUSED_QT], "Qt modules ui/ never imports (checked against its source)"),
    (["pytest", "_pytest", "pytestqt", "hypothesis", "IPython", "jedi", "pygments", "docutils",
      "setuptools", "pip", "pyflakes", "importlinter", "grimp"], "test and development tools"),
    (["pandas.tests", "numpy.tests", "shapely.tests", "pyogrio.tests", "geopandas.tests", "pyproj.tests",
      "reportlab.graphics.testshapes"], "the libraries' own tests"),
    (["numpy.f2py", "numpy.distutils", "pydoc_data"], "development tools inside runtime packages: "
     "Fortran wrapper generator, help() texts"),
    (["numpy.fft"], "numpy loads its FFT only when numpy.fft is used; the app does not use it"),
    (["tkinter", "_tkinter", "matplotlib", "PyQt5", "PyQt6", "PySide2"], "GUI toolkits and plotting other than Qt"),
    (["PIL._avif", "PIL.AvifImagePlugin", "PIL._webp", "PIL.WebPImagePlugin", "PIL._imagingcms", "PIL.ImageCms",
      "PIL._imagingtk", "PIL.ImageTk", "PIL.ImageQt"],
     "Pillow serves reportlab for PNG/JPEG/GIF only: not AVIF, WebP, colour management or other toolkits"),
    (["fiona"], "an optional fallback reader with a second GDAL (~50 MB); all vector I/O goes through pyogrio"),
    (["ssl", "_ssl", "_hashlib"], "Python's TLS and OpenSSL hashes (5.4 MB with libssl/libcrypto): no network "
     "from Python (PostgreSQL TLS is libpq's own OpenSSL); hashlib falls back to its built-in digests"),
    (["readline"], "the interactive line editor, which a GUI and a command-line tool never use"),
]

_IMPORTS_FIONA = re.compile(r"^\s*(import|from)\s+fiona\b", re.M)
_NEEDS_OPENSSL = re.compile(r"^\s*(import|from)\s+(ssl|urllib\.request|http\.client)\b"
                            r"|hashlib\.(pbkdf2_hmac|scrypt|new)\b", re.M)
_NEEDS_FFT = re.compile(r"\b(np|numpy)\.fft\b|from\s+numpy\s+import\s+.*\bfft\b")
# pyarrow modules hooks/hook-pyarrow.py leaves out, and ADBC helpers that need pyarrow.dataset
_NEEDS_ARROW_EXTRAS = re.compile(
    r"pyarrow\.(dataset|parquet|acero|substrait|fs|json)\b"
    r"|from\s+pyarrow\s+import\s+.*\b(dataset|parquet|acero|substrait|fs|json)\b"
    r"|\.(group_by|join_asof)\(|\bpc\.field\(|\b(fetch_arrow_table|fetch_record_batch|fetch_df|fetch_polars"
    r"|fetchallarrow|adbc_read_partition|adbc_execute_partitions)\b")


def qt_modules_used(ui_source: str) -> set[str]:
    return set(re.findall(r"\b(Qt[0-9A-Za-z]+)\b", ui_source))


def excludes(app_source: str, ui_source: str) -> list[str]:
    """PyInstaller's ``excludes``: every ``EXCLUDED`` module the app's source (asset_register,
    importers, ui) allows; fiona stays in if the app imports it."""
    clash = sorted(set(UNUSED_QT) & qt_modules_used(ui_source))
    if clash:
        raise BuildStop(f"ui/ uses {clash}, which UNUSED_QT excludes; remove them from UNUSED_QT")
    for pattern, what in ((_NEEDS_OPENSSL, "which needs Python's OpenSSL modules; remove ssl/_ssl/_hashlib from "
                                           "EXCLUDED"),
                          (_NEEDS_FFT, "remove numpy.fft from EXCLUDED"),
                          (_NEEDS_ARROW_EXTRAS, "put the pyarrow modules it needs back (packaging/hooks/"
                                                "hook-pyarrow.py UNUSED, trim_libs.ARROW_OVERLINKED)")):
        found = pattern.search(app_source)
        if found:
            raise BuildStop(f"the app now uses {found.group(0)!r}; {what}")
    out = [m for modules, _why in EXCLUDED for m in modules]
    if _IMPORTS_FIONA.search(app_source):
        out.remove("fiona")
    return out


def stale_metadata(wanted: dict[str, str], version: str, installed: dict[str, str],
                   installed_version: str) -> str | None:
    """Why the installed asset-register metadata does not match pyproject.toml (None when it does).

    The bundled CLI finds its sub-commands through the distribution's entry points, so
    stale metadata would make commands silently go missing.
    """
    if installed == wanted and installed_version == version:
        return None
    return (f"the installed asset-register metadata is stale (installed {installed_version} {sorted(installed)}, "
            f"pyproject {version} {sorted(wanted)}); run `pip install -e . --no-deps` or packaging/build.sh, "
            "which does it")
