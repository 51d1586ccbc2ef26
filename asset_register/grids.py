"""The PROJ grids shipped with the register, put on pyproj's search path, offline.

``proj_grids/`` holds OSTN15/OSGM15 (Ordnance Survey) and RDNAPTRANS™2018 (NSGI) as
PROJ GeoTIFF grids (licences in its README). With them pyproj chooses the definitive
transformations with no network: WGS 84 → British National Grid ±1 m via OSTN15
instead of a ±2 m Helmert, ETRS89 → BNG ±0.03 m, ETRS89 → RD New exact.

``use_bundled_grids`` runs right after pyproj is first imported (``asset_register`` sets
that up when it is imported, see ``use_bundled_grids_on_pyproj_import``), so before any
transformer is built, yet a command that never touches the geo stack (``--help``,
``--version``) does not pay for importing pyproj; pyproj resets its contexts when the
search path changes, so a transformer built afterwards sees the grids. It also turns PROJ's network access off,
for pyproj and (through ``PROJ_NETWORK``) for GDAL's own PROJ: nothing in a file may
make the product reach the network, and a transformation must not change with
connectivity.
"""

from __future__ import annotations

import os
import sys
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


def use_bundled_grids_on_pyproj_import() -> None:
    """Run ``use_bundled_grids`` now if pyproj is imported, else as soon as its import ends.

    PROJ is switched offline at once through the environment; the data path is set by an
    import hook that removes itself after pyproj's first import (whoever imports it:
    geopandas, pyogrio or the app), so the geo stack is only loaded when it is used.
    """
    os.environ["PROJ_NETWORK"] = "OFF"
    if "pyproj" in sys.modules:
        use_bundled_grids()
    elif not any(isinstance(f, _AfterPyprojImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterPyprojImport())


class _AfterPyprojImport:
    """Meta-path finder for ``pyproj`` only: it lets the other finders find the module and
    wraps the loader so that ``use_bundled_grids`` runs once pyproj has executed."""

    def find_spec(self, name, path=None, target=None):
        if name != "pyproj":
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find else None
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _GridsLoader(spec.loader)
        return spec


class _GridsLoader:
    """pyproj's own loader, then the grids; the module keeps pyproj's loader."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        module.__loader__ = self.loader
        if getattr(module, "__spec__", None) is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        use_bundled_grids()

    def __getattr__(self, name):
        return getattr(self.loader, name)


def _same(path: str, directory: Path) -> bool:
    try:
        return Path(path).resolve() == directory
    except OSError:
        return False
