"""Register stores: the embedded GeoPackage (default) behind one interface."""

from __future__ import annotations

from pathlib import Path

from .base import RegisterStore

__all__ = ["RegisterStore", "open_register", "create_register"]


def open_register(location: str | Path, *, read_only: bool = False) -> RegisterStore:
    """Open an existing register (a .gpkg path)."""
    from .gpkg import GeoPackageStore

    return GeoPackageStore(location, read_only=read_only)


def create_register(location: str | Path, *, crs: str = "EPSG:27700") -> RegisterStore:
    """Create a new, empty register in the given working CRS."""
    from .gpkg import GeoPackageStore

    return GeoPackageStore(location, _create_crs=crs)
