"""Register stores: the embedded GeoPackage (default) behind one interface."""

from __future__ import annotations

from pathlib import Path

from ..crs_names import DEFAULT_CRS
from .base import RegisterStore
from .credentials import display_name, without_password

__all__ = ["RegisterStore", "open_register", "create_register", "display_name", "without_password"]


def open_register(location: str | Path, *, read_only: bool = False) -> RegisterStore:
    """Open an existing register (a .gpkg path or a postgresql:// URL)."""
    if _is_url(location):
        from .postgis.store import PostgisStore

        return PostgisStore(str(location), read_only=read_only)
    from .gpkg.store import GeoPackageStore

    return GeoPackageStore(location, read_only=read_only)


def create_register(location: str | Path, *, crs: str = DEFAULT_CRS) -> RegisterStore:
    """Create a new, empty register in the given working CRS."""
    import pyproj

    from ..errors import CRSError

    try:
        crs = pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        raise CRSError(f"working CRS {crs!r} is not known: give it as EPSG:n "
                       "(e.g. EPSG:27700, British National Grid)") from None
    if _is_url(location):
        from .postgis.store import PostgisStore

        return PostgisStore(str(location), _create_crs=crs)
    from .gpkg.store import GeoPackageStore

    return GeoPackageStore(location, _create_crs=crs)


def _is_url(location) -> bool:
    """postgresql:// (or postgres://) URLs name a PostGIS register (see docs/postgis.md)."""
    return isinstance(location, str) and location.lower().startswith(
        ("postgresql://", "postgres://"))
