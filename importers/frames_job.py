"""Writing an already-mapped canonical frame as one import batch (beside ``job.ImportJob``).

``ImportJob`` reads a source layer by layer through GDAL; deliveries that need their
own reader (IMKL/KLIC and INSPIRE Utility Networks GML, where attributes and
geometries sit on different features) map to canonical frames first and write them
here: owner row (with contacts), the batch, and the owner's coverage grown by the
batch (and by the delivery's area, which the owner has answered for) inside the
batch's own transaction — all or nothing.

An *area delivery* passes ``area`` (working CRS): only the owner's live assets of
that delivery scope inside the area are superseded. Until the store supports it the
batch is written without a scope (matching ids are versioned, nothing is retired),
so an area delivery can never wipe the owner's assets elsewhere.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from asset_register.model import BatchInfo, BatchResult, Owner
from asset_register.store.base import RegisterStore

from .coverage import coverage_of, merged


def supports_area(store: RegisterStore) -> bool:
    """True when the store's ``write_batch`` takes ``area=`` (area-scoped supersession)."""
    try:
        return "area" in inspect.signature(store.write_batch).parameters
    except (TypeError, ValueError):
        return False


def write_frame(
    store: RegisterStore,
    assets: gpd.GeoDataFrame,
    info: BatchInfo,
    *,
    owner: Owner,
    rejects: pd.DataFrame | None = None,
    delivery: str | None = None,
    area: shapely.Geometry | None = None,
    progress: Callable[[float, str], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> tuple[BatchResult, list[str]]:
    """Write one owner's canonical frame; returns the result and notes for the report."""
    notes: list[str] = []
    existing = store.owner(owner.code)
    keep = existing or Owner(owner.code, owner.code)
    # the delivery's contacts are the newer word; a delivery without them keeps the register's
    best = Owner(owner.code, owner.name if owner.name != owner.code else keep.name,
                 owner.phone or keep.phone, owner.emergency_phone or keep.emergency_phone,
                 owner.email or keep.email)
    if best != existing:
        store.upsert_owner(best)
    kwargs: dict = {}
    if area is not None and delivery is not None:
        if supports_area(store):
            kwargs["area"] = area
        else:
            delivery = None
            notes.append("this register cannot yet supersede within an area: assets were added "
                         "or updated by id and none retired")

    def finalize(result: BatchResult) -> None:
        cov = store.owner_coverage()
        mine = cov[cov["owner"] == owner.code]
        old = mine.geometry.iloc[0] if len(mine) else None
        new = coverage_of(np.asarray(assets.geometry.array))
        if area is not None:
            new = shapely.union_all([g for g in (new, area) if g is not None])
        cov_area = merged(old, new)
        if cov_area is not None:
            store.set_owner_coverage(owner.code, cov_area)

    result = store.write_batch(assets, info, rejects=rejects, delivery=delivery,
                               progress=progress, cancel=cancel, finalize=finalize, **kwargs)
    return result, notes
