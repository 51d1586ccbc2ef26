"""Register stores: the embedded GeoPackage (default) or a shared PostGIS schema, behind one
interface (``RegisterStore``, base.py).

This package is the way in: ``open_register`` / ``create_register`` pick the backend from the
location (``is_url``). Nothing outside ``asset_register.store`` imports ``store.gpkg`` or
``store.postgis`` (an import-linter contract in pyproject.toml holds it).
"""

from __future__ import annotations

from pathlib import Path

from ..crs_names import DEFAULT_CRS
from .base import RegisterStore
from .credentials import display_name, is_url, without_password
from .reader import AssetReader
from .records import AUDIT_COLUMNS, NOTICE_COLUMNS, RESPONSE_COLUMNS, WORKS_COLUMNS

__all__ = ["RegisterStore", "AssetReader", "open_register", "create_register", "is_url",
           "display_name", "without_password", "remove_temporary_files", "seal_extract",
           "AUDIT_COLUMNS", "NOTICE_COLUMNS",
           "RESPONSE_COLUMNS", "WORKS_COLUMNS"]


def open_register(location: str | Path, *, read_only: bool = False) -> RegisterStore:
    """Open an existing register (a .gpkg path or a postgresql:// URL)."""
    if is_url(location):
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
    if is_url(location):
        from .postgis.store import PostgisStore

        return PostgisStore(str(location), _create_crs=crs)
    from .gpkg.store import GeoPackageStore

    return GeoPackageStore(location, _create_crs=crs)


def remove_temporary_files() -> None:
    """Delete the staging files of batches this process is writing: for a process about to end
    at once (Ctrl-C during a long call), whose files would otherwise wait for the next open."""
    from .gpkg.bulk import remove_open_staging

    remove_open_staging()


def seal_extract(location: str | Path, key, issuer: str, signed_at: str):
    """Make the GeoPackage extract at ``location`` read-only and sign it with ``key`` (a
    ``signing.SigningKey``); returns its ``SealVerdict``. The file must not be open."""
    from ..errors import ValidationError

    if is_url(location):
        raise ValidationError("only a GeoPackage extract can be signed")
    from .gpkg.seal import seal

    return seal(Path(location), key, issuer, signed_at)
