"""Underground asset register: the core (model, stores, queries, checks, notices). No Qt here."""

from .grids import use_bundled_grids_on_pyproj_import as _use_bundled_grids
from .offline import keep_gdal_offline as _keep_gdal_offline


def __getattr__(name: str):
    """``__version__`` from the package metadata, read when first asked for (importing
    ``importlib.metadata`` costs every command tens of milliseconds)."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("asset-register")
    except PackageNotFoundError:  # running from a source tree
        found = "0.1.0"
    globals()["__version__"] = found
    return found

# The product works offline: PROJ must never try to fetch transformation grids, whatever
# PROJ_NETWORK says (a grid it cannot download fails the transformation instead of
# falling back). Transformations use the grids shipped in proj_grids/ (OSTN15,
# RDNAPTRANS) and any installed locally, with their accuracy; this is set up as soon as
# pyproj is imported, before anything in the app can build a transformer, and costs
# nothing for commands that never load the geo stack (--help, --version).
_use_bundled_grids()

# GDAL must not fetch what a file names (CRS links, schemas, xlinks): see offline.py
_keep_gdal_offline()
