"""Underground asset register: the core (model, stores, queries, checks, notices). No Qt here."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("asset-register")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.1.0"

# The product works offline: PROJ must never try to fetch transformation grids, whatever
# PROJ_NETWORK says (a grid it cannot download fails the transformation instead of
# falling back). Transformations use the grids installed locally, with their accuracy.
try:
    import pyproj.network as _proj_network

    _proj_network.set_network_enabled(False)
except ImportError:  # pragma: no cover - pyproj is a hard dependency
    pass
