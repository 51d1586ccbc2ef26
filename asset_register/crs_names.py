"""CRS names the product states in one place: British National Grid, and the working CRS a
register gets when nobody names one (the `init --crs` default, the app's setting's default)."""

from __future__ import annotations

BRITISH_NATIONAL_GRID = "EPSG:27700"
DEFAULT_CRS = BRITISH_NATIONAL_GRID
