"""PyInstaller runtime hook: make the bundle self-contained and offline.

Runs before any application code. GDAL and PROJ must read their support files from
inside the bundle, never from a system installation (an OSGeo4W/QGIS PROJ_DATA on a
council PC points at a proj.db of another PROJ version), and PROJ must never fetch
transformation grids from the network: the app is used offline and a transformation
must not silently change with connectivity.

The bundle holds one PROJ database, pyogrio's (``proj_data``): its layout is the newest,
which every bundled PROJ accepts (build.spec checks it and leaves pyproj's own copy
out). pyogrio finds it next to its modules; pyproj, with no ``proj_dir`` of its own,
finds it through the ``PROJ_DATA`` set here, as does every other lookup.
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
