"""What both backends do the same way before writing an import batch: the frame validated
and in the working CRS, and which fields the content hash covers (in which order)."""

from __future__ import annotations

import numpy as np
import shapely

from ..errors import CancelledError, ValidationError
from ..model import ASSET_COLUMNS, validate_assets

from ..lazy import lazy_module

gpd = lazy_module("geopandas")

# The fields of schema 1, in their order: stored hashes depend on it, so it never changes.
HASHED = ["owner", "utility", "asset_class", "status", "depth_m", "depth_source", "diameter_mm",
          "pressure", "voltage", "material", "h_accuracy_m", "v_accuracy_m", "quality_level",
          "captured_on", "attrs", "restricted"]
# Fields added later: mixed in only where a row has a value, so rows without one keep the
# hash they had before the field existed (an unchanged re-delivery stays unchanged).
HASHED_LATER = [c for c in ASSET_COLUMNS if c not in HASHED and c != "asset_id"]


def prepared_assets(assets: gpd.GeoDataFrame, crs) -> gpd.GeoDataFrame:
    """The canonical frame of a batch in the working CRS ``crs``; refuses geometries that
    cannot be transformed to it."""
    frame = validate_assets(assets)
    if not frame.crs.equals(crs):
        frame = frame.to_crs(crs)
        if (~np.isfinite(shapely.bounds(frame.geometry.array))).any():
            raise ValidationError(
                "some assets could not be transformed to the register's CRS "
                f"({crs.to_string()}): check the source CRS")
    return frame


def batch_callbacks(progress, cancel):
    """(report, check_cancel) of a batch write: ``report(fraction, message)`` never fails for
    want of a progress callback; ``check_cancel()`` raises CancelledError once ``cancel()``
    says so (the batch's transaction then rolls back)."""
    report = progress or (lambda f, m: None)

    def check_cancel() -> None:
        if cancel is not None and cancel():
            raise CancelledError("import cancelled: the register is unchanged")

    return report, check_cancel
