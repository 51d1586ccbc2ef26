"""What both backends do the same way before writing an import batch: the frame validated
and in the working CRS, and which fields the content hash covers (in which order)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import shapely

from ..errors import CancelledError, ValidationError
from ..model import ASSET_COLUMNS, validate_assets

from ..lazy import lazy_module

gpd = lazy_module("geopandas")
pd = lazy_module("pandas")

# The fields of schema 1, in their order: stored hashes depend on it, so it never changes.
HASHED = ["owner", "utility", "asset_class", "status", "depth_m", "depth_source", "diameter_mm",
          "pressure", "voltage", "material", "h_accuracy_m", "v_accuracy_m", "quality_level",
          "captured_on", "attrs", "restricted"]
# Fields added later: mixed in only where a row has a value, so rows without one keep the
# hash they had before the field existed (an unchanged re-delivery stays unchanged).
HASHED_LATER = [c for c in ASSET_COLUMNS if c not in HASHED and c != "asset_id"]


class AssetChunks:
    """One batch of assets handed over in parts (each a canonical frame, as ``write_batch``
    takes), so that a batch of millions never has to be one frame in memory: the GeoPackage
    store stages the parts one by one (bounded memory); a backend without a streamed path
    joins them (``frame()``). The parts are read once."""

    def __init__(self, parts: Iterable[gpd.GeoDataFrame], finished=None):
        self._parts = iter(parts)
        self._finished = finished

    def finished(self, batch, rejects):
        """The batch's provenance and rejects once every part has been read: what the
        writer of the parts says then (``finished(batch, rejects)``, e.g. the rows read and
        rejected over the whole layer), else as given. The store calls it before it records
        the batch."""
        return (batch, rejects) if self._finished is None else self._finished(batch, rejects)

    def __iter__(self) -> Iterator[gpd.GeoDataFrame]:
        return self._parts

    def frame(self) -> gpd.GeoDataFrame:
        """Every part as one frame (the plain path)."""
        parts = list(self._parts)
        if not parts:
            raise ValidationError("a batch handed over in parts needs at least one part")
        if len(parts) == 1:
            return parts[0]
        from ..transform import reproject_frame

        crs = parts[0].crs
        parts = [p if p.crs is None or crs is None or p.crs.equals(crs)
                 else reproject_frame(p, crs, "asset") for p in parts]
        return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=crs)


def prepared_assets(assets: gpd.GeoDataFrame, crs) -> gpd.GeoDataFrame:
    """The canonical frame of a batch in the working CRS ``crs``; refuses geometries that
    cannot be transformed to it."""
    frame = validate_assets(assets)
    if not frame.crs.equals(crs):
        from ..errors import CRSError
        from ..transform import reproject_frame

        try:
            frame = reproject_frame(frame, crs, "asset")
        except CRSError as exc:
            raise ValidationError(
                "some assets could not be transformed to the register's CRS "
                f"({crs.to_string()}): check the source CRS ({exc})") from None
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
