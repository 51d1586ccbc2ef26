"""The PROJ grids shipped with the register, put on pyproj's search path, offline.

``proj_grids/`` holds OSTN15/OSGM15 (Ordnance Survey) and RDNAPTRANS™2018 (NSGI) as
PROJ GeoTIFF grids (licences in its README). With them pyproj chooses the definitive
transformations with no network: WGS 84 → British National Grid ±1 m via OSTN15
instead of a ±2 m Helmert, ETRS89 → BNG ±0.03 m, ETRS89 → RD New exact.

``use_bundled_grids`` runs when ``asset_register`` is imported, before any transformer is
built by the app; pyproj resets its contexts when the search path changes, so a
transformer built afterwards sees the grids. It also turns PROJ's network access off,
for pyproj and (through ``PROJ_NETWORK``) for GDAL's own PROJ: nothing in a file may
make the product reach the network, and a transformation must not change with
connectivity.
"""

from __future__ import annotations

import os
from pathlib import Path

GRID_DIR = Path(__file__).resolve().parent / "proj_grids"
# The grids the package must carry (build.spec and the tests check for them).
GRID_FILES = (
    "uk_os_OSTN15_NTv2_OSGBtoETRS.tif",
    "uk_os_OSGM15_GB.tif",
    "nl_nsgi_rdtrans2018.tif",
    "nl_nsgi_nlgeo2018.tif",
)


def use_bundled_grids() -> bool:
    """Put GRID_DIR on pyproj's data path (once) and keep PROJ offline; True if the grids are there."""
    os.environ["PROJ_NETWORK"] = "OFF"
    import pyproj.datadir
    import pyproj.exceptions
    import pyproj.network

    pyproj.network.set_network_enabled(False)
    if not GRID_DIR.is_dir():
        return False
    try:
        current = pyproj.datadir.get_data_dir().split(os.pathsep)
    except pyproj.exceptions.DataDirError:  # no PROJ database at all: pyproj reports it on first use
        return False
    if not any(_same(p, GRID_DIR) for p in current):
        pyproj.datadir.append_data_dir(str(GRID_DIR))
    return all((GRID_DIR / name).is_file() for name in GRID_FILES)


def _same(path: str, directory: Path) -> bool:
    try:
        return Path(path).resolve() == directory
    except OSError:
        return False
