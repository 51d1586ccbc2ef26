"""Which collected files the bundle leaves out, decided from their names and links.

- ``unused_files``: Qt plugins, translations and Arrow libraries the app never uses,
  matched on the name inside the bundle (``UNUSED_FILES``, one rule and reason each);
- ``host_libs``: the desktop session's client libraries (X11/xcb, xkbcommon, fontconfig,
  freetype, D-Bus), taken from the machine as PyInstaller already does for libxcb and libGL;
- ``orphans``: shared libraries nothing kept links, once the steps before have dropped
  the plugins and modules that pulled them in;
- ``shared_proj_data``: one PROJ database for pyproj and GDAL;
- ``raster_only_gdal_data``: GDAL support files only raster drivers read (GRIB, NITF,
  ECW/ERS), after checking those drivers read no vector data in the bundled GDAL;
- ``check_grids``: the PROJ grids the register ships are collected (never trimmed).

Each returns a ``toc.Trim`` (or raises ``toc.BuildStop``); tests/packaging/test_trim_files.py
runs them on synthetic TOCs, trees and libraries.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

import elf
from toc import BuildStop, Entry, Trim, keep_where

_SEP = r"[/\\]"
_UNUSED_ARROW = "Arrow Flight, S3 and Parquet encryption: their modules are left out (hooks/hook-pyarrow.py)"
# (pattern searched in the name inside the bundle, why the app does not need the file)
UNUSED_FILES: list[tuple[re.Pattern, str]] = [(re.compile(p.replace("/", _SEP)), why) for p, why in [
    (r"plugins/(egldeviceintegrations|generic|networkinformation)/",
     "Qt plugins for embedded displays, evdev input and network status; the app runs on a desktop, offline"),
    (r"plugins/platforms/(lib)?q(eglfs|linuxfb|minimalegl|vnc|vkkhrdisplay)",
     "Qt platform plugins for embedded displays and VNC (xcb, wayland and offscreen stay)"),
    (r"plugins/platforminputcontexts/(lib)?qtvirtualkeyboard",
     "Qt's virtual keyboard: it pulls in QML and Quick"),
    (r"plugins/platformthemes/(lib)?qgtk3",
     "the GTK3 theme pulls in the build machine's GTK, cairo and pango; the app sets its own Fusion style"),
    (r"plugins/imageformats/(lib)?q(pdf|tiff|webp|icns|tga|wbmp)",
     "image formats the app never reads: it loads its PNG icon (no plugin needed) and writes PNG"),
    (r"plugins/tls/", "Qt's TLS backends: nothing in the app opens a network connection through Qt"),
    (r"Qt/translations/", "Qt's translations: the app's own text is English only"),
    (r"pyarrow/(lib)?arrow_(flight|s3)", _UNUSED_ARROW),
    (r"pyarrow/(lib)?arrow_python_(flight|parquet_encryption)", _UNUSED_ARROW),
    (r"pyarrow/libarrow_python\.so(\.\d+\.\d+\.\d+)?$",
     "the wheel's unversioned duplicates of libarrow_python.so.<N>, which is the one the modules link"),
]]


def unused_files(toc: list[Entry]) -> Trim:
    """Leave out what ``UNUSED_FILES`` names, each with its rule's reason."""
    def reason(entry: Entry) -> str | None:
        return next((why for pattern, why in UNUSED_FILES if pattern.search(entry[0])), None)
    return keep_where(toc, reason)


# The desktop session's own client libraries come from the machine, not the bundle (as
# PyInstaller already does for libxcb, libGL and libwayland-*): X11/xcb and xkbcommon must
# match the host's libxcb; a bundled fontconfig can fail to read a newer host's
# /etc/fonts; D-Bus pulls in libsystemd, libgcrypt, lz4, libcap (~7 MB). Qt's own Linux
# requirements list them, every desktop distribution installs them and docs/installing.md
# names them for minimal installations.
HOST_LIBS = re.compile(r"^lib(X11(-xcb)?|xcb-[\w-]+|xkbcommon(-x11)?|fontconfig|freetype|dbus-1)\.so(\.\d+)*$")
SYSTEM_LIB_DIRS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/")
HOST_REASON = "a desktop client library: comes from the host system (docs/installing.md)"


def host_libs(toc: list[Entry], system_dirs: Iterable[str] = SYSTEM_LIB_DIRS) -> Trim:
    """Leave the ``HOST_LIBS`` copies of the build machine's system to the host.

    Only copies the system provides: a package's own copy of one of them (a wheel's
    vendored freetype, say) may differ from the host's, so it stops the build.
    """
    system_dirs = tuple(system_dirs)
    host = [(d, s) for d, s, _k in toc if HOST_LIBS.match(d)]
    foreign = [d for d, s in host if not os.path.realpath(s).startswith(system_dirs)]
    if foreign:
        raise BuildStop(f"{foreign} come from a package, not the system; keep them (narrow HOST_LIBS)")
    trim = keep_where(toc, lambda e: HOST_REASON if HOST_LIBS.match(e[0]) else None)
    if host:
        trim.notes.append(f"left to the host system: {', '.join(sorted(d for d, _s in host))}")
    return trim


# Libraries nothing links but that are loaded by name at run time (dlopen / ctypes).
DLOPENED = re.compile(r"(^|[/\\])lib(python3|spatialindex|adbc_driver_sqlite)[^/\\]*$")
ORPHAN_REASON = "no kept extension module, Qt plugin or library links it"


def _needed(path: str) -> list[str]:
    return elf.dynamic_entries(path)["NEEDED"]


def orphans(toc: list[Entry], needed: Callable[[str], list[str]] = _needed) -> Trim:
    """Leave out shared libraries that no kept extension, plugin or library links.

    Dropping a plugin or a module does not drop the libraries PyInstaller collected for
    it (the virtual keyboard's QML/Quick, the GTK theme's GTK stack, Parquet once nothing
    names it): they are found by walking direct link-time dependencies (``DT_NEEDED``,
    not ldd's closure: what a library left to the host needs comes from the host with it)
    from every Python extension, every Qt plugin and every library loaded by name.
    """
    by_name: dict[str, Entry] = {}
    for entry in toc:
        by_name.setdefault(os.path.basename(entry[0]), entry)
    reached = {e for e in toc if e[2] == "EXTENSION" or "plugins" in Path(e[0]).parts or DLOPENED.search(e[0])}
    todo = list(reached)
    while todo:
        _dest, src, _kind = todo.pop()
        for name in needed(src):
            dep = by_name.get(name)
            if dep and dep not in reached:
                reached.add(dep)
                todo.append(dep)
    return keep_where(toc, lambda e: None if e in reached else ORPHAN_REASON)


# One PROJ database for pyproj and GDAL: pyogrio's GDAL carries a newer PROJ than pyproj,
# and PROJ accepts any proj.db with its layout's major version and at least its minor
# version. pyproj's copy goes; pyproj finds the database through PROJ_DATA, which the
# runtime hook points at pyogrio's (9.3 MB saved).
KEPT_PROJ_DB = re.compile(r"^pyogrio[/\\]proj_data[/\\]proj\.db$")
PYPROJ_DATA = re.compile(r"^pyproj[/\\]proj_dir[/\\]share[/\\]proj[/\\]")
PROJ_REASON = "pyproj's PROJ data: pyproj reads pyogrio's newer proj.db (PROJ_DATA, set by the runtime hook)"


def proj_db_layout(db: str | Path) -> tuple[int, int]:
    """(major, minor) layout version of a PROJ database."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = dict(con.execute("SELECT key, value FROM metadata WHERE key LIKE 'DATABASE.LAYOUT.VERSION.%'"))
    return int(rows["DATABASE.LAYOUT.VERSION.MAJOR"]), int(rows["DATABASE.LAYOUT.VERSION.MINOR"])


def shared_proj_data(datas: list[Entry]) -> Trim:
    """Leave out pyproj's PROJ data when pyogrio's proj.db can serve pyproj's PROJ."""
    kept_db = next((s for d, s, _k in datas if KEPT_PROJ_DB.match(d)), None)
    dropped_db = next((s for d, s, _k in datas if PYPROJ_DATA.match(d) and d.endswith("proj.db")), None)
    if not (kept_db and dropped_db):
        raise BuildStop("expected proj.db from both pyogrio and pyproj; the packages' data layout changed, "
                        "revisit trim_files.shared_proj_data")
    (kmaj, kmin), (dmaj, dmin) = proj_db_layout(kept_db), proj_db_layout(dropped_db)
    if kmaj != dmaj or kmin < dmin:
        raise BuildStop(f"pyogrio's proj.db (layout {kmaj}.{kmin}) cannot serve pyproj's PROJ (needs {dmaj}.{dmin}+); "
                        "keep both databases (remove the shared_proj_data step)")
    return keep_where(datas, lambda e: PROJ_REASON if PYPROJ_DATA.match(e[0]) else None)


# GDAL support files that only raster drivers read. The app reads vector data only (pyogrio
# opens files with GDAL's vector drivers: whatever a delivery holds, these drivers are never
# tried), so they are dead weight as long as none of the drivers reads vector data.
_GDAL_DATA = r"^pyogrio[/\\]gdal_data[/\\]"
RASTER_ONLY_GDAL_DATA: list[tuple[re.Pattern, tuple[str, ...]]] = [
    (re.compile(_GDAL_DATA + r"grib2_[\w.-]+\.csv$"), ("GRIB",)),  # GRIB2 parameter tables (0.66 MB)
    (re.compile(_GDAL_DATA + r"nitf_spec\.xs?[dm]l?$"), ("NITF",)),  # NITF TRE/DES descriptions
    (re.compile(_GDAL_DATA + r"ecw_cs\.wkt$"), ("ECW", "ERS")),  # ER Mapper projections (0.36 MB)
]


def raster_only_gdal_data(datas: list[Entry], vector_drivers: Iterable[str]) -> Trim:
    """Leave out ``RASTER_ONLY_GDAL_DATA``; stop if one of its drivers is among ``vector_drivers``
    (``pyogrio.list_drivers()``: the drivers pyogrio can read vector data with)."""
    vector = set(vector_drivers)
    for pattern, drivers in RASTER_ONLY_GDAL_DATA:
        clash = sorted(vector.intersection(drivers))
        if clash:
            raise BuildStop(f"GDAL's {clash[0]} driver now reads vector data, which a delivery may hold, and "
                            f"the bundle leaves out its support files ({pattern.pattern}); remove the rule from "
                            "trim_files.RASTER_ONLY_GDAL_DATA")

    def reason(entry: Entry) -> str | None:
        drivers = next((d for pattern, d in RASTER_ONLY_GDAL_DATA if pattern.search(entry[0])), None)
        return None if drivers is None else (f"read only by GDAL's raster driver {'/'.join(drivers)}; the app reads "
                                             "vector data only")
    return keep_where(datas, reason)


GRID_FOLDER = "asset_register/proj_grids"


def check_grids(datas: list[tuple[str, str]], grid_files: Iterable[str]) -> None:
    """Stop unless every shipped PROJ grid and its licence are among the collected ``(source, folder)`` datas.

    Without them WGS 84 -> British National Grid falls back to a +-2 m Helmert, ETRS89 ->
    RD New to an approximation, ETRS89 heights into a BNG + ODN or RD + NAP register go
    through WGS 84 at +-2 m, and every clearance grows (asset_register/grids.py).
    """
    collected = {f"{Path(d).as_posix()}/{Path(s).name}" for s, d in datas if Path(d).as_posix() == GRID_FOLDER}
    missing = [g for g in (*grid_files, "README.md") if f"{GRID_FOLDER}/{g}" not in collected]
    if missing:
        raise BuildStop(f"the PROJ grids or their licences are not collected: {missing}; "
                        "check asset_register/proj_grids and collect_data_files")
