"""Writing an already-mapped canonical frame as one import batch (beside ``job.ImportJob``).

``ImportJob`` reads a source layer by layer through GDAL; deliveries that need their
own reader (IMKL/KLIC and INSPIRE Utility Networks GML, where attributes and
geometries sit on different features) map to canonical frames first and write them
here: owner row (with contacts), the batch, and the owner's coverage grown by the
batch (and by the delivery's area, which the owner has answered for) inside the
batch's own transaction — all or nothing.

The delivery scope works as for ``ImportJob`` (importers/scope.py): ``network``
supersedes the whole delivery scope, ``area`` (with ``area`` in the working CRS) only
the owner's live assets of that scope intersecting the area, ``append`` nothing; the
same guard stops a batch that would retire too large a share of the owner's assets.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from asset_register.model import BatchInfo, BatchResult, Owner
from asset_register.store.base import RegisterStore

from .coverage import coverage_of, merged
from .scope import check_retire, check_scope, store_area


class _DryRun(Exception):
    """Raised in a dry run's finalize: the batch is rolled back, its counts kept."""

    def __init__(self, result: BatchResult):
        super().__init__("dry run")
        self.result = result


def _merged_owner(store: RegisterStore, owner: Owner) -> Owner | None:
    """The owner row to write (None when the register's is already right): the delivery's
    contacts are the newer word; a delivery without them keeps the register's."""
    existing = store.owner(owner.code)
    keep = existing or Owner(owner.code, owner.code)
    best = Owner(owner.code, owner.name if owner.name != owner.code else keep.name,
                 owner.phone or keep.phone, owner.emergency_phone or keep.emergency_phone,
                 owner.email or keep.email)
    return None if best == existing else best


def write_frame(
    store: RegisterStore,
    assets: gpd.GeoDataFrame,
    info: BatchInfo,
    *,
    owner: Owner,
    rejects: pd.DataFrame | None = None,
    delivery: str | None = None,
    scope: str = "network",
    area: shapely.Geometry | None = None,
    dry_run: bool = False,
    confirm_retire: bool = False,
    progress: Callable[[float, str], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> tuple[BatchResult, list[str]]:
    """Write one owner's canonical frame as a batch of ``delivery`` with ``scope``
    (importers/scope.py); a dry run writes, counts and rolls back. Returns the result
    and notes for the report; RetireNotConfirmedError when it would retire too much."""
    check_scope(scope, area)
    notes: list[str] = []
    live_before = store.owner_asset_count(owner.code)
    new_owner = _merged_owner(store, owner)

    def finalize(result: BatchResult) -> None:
        note = check_retire(result.retired, live_before, owner=owner.code,
                            where=f"{info.layer}", confirmed=confirm_retire or dry_run)
        if note:
            notes.append(note + (": the import will need --confirm-retire" if dry_run else ""))
        if dry_run:
            raise _DryRun(result)
        if new_owner is not None:
            store.upsert_owner(new_owner)
        cov = store.owner_coverage()
        mine = cov[cov["owner"] == owner.code]
        old = mine.geometry.iloc[0] if len(mine) else None
        new = coverage_of(np.asarray(assets.geometry.array))
        if scope == "area":  # the owner has answered for the whole area
            new = shapely.union_all([g for g in (new, area) if g is not None])
        cov_area = merged(old, new)
        if cov_area is not None:
            store.set_owner_coverage(owner.code, cov_area)

    try:
        result = store.write_batch(assets, info, rejects=rejects, delivery=delivery,
                                   progress=progress, cancel=cancel, finalize=finalize,
                                   area=store_area(scope, area))
    except _DryRun as dry:
        result = dry.result
    return result, notes
