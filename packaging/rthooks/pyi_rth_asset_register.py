"""PyInstaller runtime hook: make the bundle self-contained and offline.

Runs before any application code. GDAL and PROJ must read their support files from
inside the bundle, never from a system installation (an OSGeo4W/QGIS PROJ_DATA on a
council PC points at a proj.db of another PROJ version), and PROJ must never fetch
transformation grids from the network: the app is used offline and a transformation
must not silently change with connectivity.

Each geo library in the bundle also finds its own copy first (pyproj its
``proj_dir``, pyogrio its ``proj_data``/``gdal_data``); the environment variables set
here cover every other lookup. They point at the pyogrio copy: its proj.db has the
newest database layout in the bundle, which every bundled PROJ accepts.
"""

import os
import sys

_root = getattr(sys, "_MEIPASS", os.path.dirname(os.path.abspath(sys.executable)))


def _first_dir(*candidates: str) -> str | None:
    for rel in candidates:
        path = os.path.join(_root, rel)
        if os.path.isdir(path):
            return path
    return None


_proj = _first_dir(os.path.join("pyogrio", "proj_data"), os.path.join("pyproj", "proj_dir", "share", "proj"))
_gdal = _first_dir(os.path.join("pyogrio", "gdal_data"))

if _proj:
    os.environ["PROJ_DATA"] = _proj
    os.environ["PROJ_LIB"] = _proj  # read by PROJ < 9.1 only
if _gdal:
    os.environ["GDAL_DATA"] = _gdal

# Offline by design: PROJ never downloads grids from its CDN, whatever the machine's
# environment says; a transformation must not change with connectivity.
os.environ["PROJ_NETWORK"] = "OFF"
