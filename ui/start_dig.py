"""``asset-register-gui --footprint``: the dig the window starts with, given as WKT in the
register's CRS or as a vector file (its first feature, moved from the file's CRS)."""

from __future__ import annotations

from pathlib import Path


def is_footprint_file(text: str) -> bool:
    """Whether ``--footprint``'s value names a file rather than holding WKT."""
    return Path(text).is_file()


def start_dig(window, footprint: str | None, width_m: float, radius_m: float) -> bool:
    """Make ``footprint`` the window's dig and zoom to it; False when there is none to make
    (no footprint given, or no register open)."""
    if not footprint or not window.state.session.is_open:
        return False
    if is_footprint_file(footprint):
        from .dialogs.coords_dialog import read_footprint_file

        geom = read_footprint_file(footprint, window.state.session.crs)
    else:
        import shapely

        geom = shapely.from_wkt(footprint)
    window.dig.set_geometry(geom, "Footprint", width_m=width_m, radius_m=radius_m)
    window.zoom_to_dig()
    return True
