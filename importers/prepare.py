"""One layer from file to canonical frame: read → geometry → CRS → reproject → map.

``prepare_layer`` does everything except writing, so the import job, the preview
and ``--dry-run`` share it. Every row that does not make it into the frame is in
``rejects`` with its reason, original attributes and geometry (as WKT).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from asset_register.errors import CancelledError

from . import crs as crsmod
from .attrs import attrs_json
from .geometry import clean
from .mapping import map_layer
from .profiles import Profile
from .readers import layer_errors, read_layer
from .sources import Source

REJECT_COLUMNS = ["row", "reason", "attrs", "geometry_wkt"]


@dataclass
class PreparedLayer:
    """A layer mapped to the canonical model, ready for ``store.write_batch``."""

    layer: str
    assets: gpd.GeoDataFrame
    rejects: pd.DataFrame  # row (1-based source feature number), reason, attrs, geometry_wkt
    rows_read: int
    repaired: int
    source_crs: str
    plan: crsmod.TransformPlan
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def reject_summary(self) -> dict[str, int]:
        """Reject count per kind of reason (quoted values and bracketed details left out)."""
        if not len(self.rejects):
            return {}
        short = (self.rejects["reason"].astype(str).str.replace(r" \(.*$", "", regex=True)
                 .str.replace(r"'[^']*'", "'…'", regex=True))
        return short.value_counts().to_dict()


def _rejects(table, rows: np.ndarray, reasons, geoms) -> pd.DataFrame:
    rows = np.asarray(rows, dtype=np.int64)
    if len(rows) == 0:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    wkt = shapely.to_wkt(np.asarray(geoms, dtype=object), rounding_precision=-1)
    return pd.DataFrame({
        "row": rows + 1,
        "reason": np.asarray(reasons, dtype=object),
        "attrs": attrs_json(table, rows).to_numpy(),
        "geometry_wkt": wkt,
    })


def prepare_layer(source: Source, layer: str, profile: Profile, **kwargs) -> PreparedLayer:
    """Read, check, repair, reproject and map one layer (see module docstring); a library
    error on an unusual file becomes a one-line ImportError_ naming the layer."""
    with layer_errors(source, layer):
        return _prepare_layer(source, layer, profile, **kwargs)


def _prepare_layer(
    source: Source,
    layer: str,
    profile: Profile,
    *,
    owner: str,
    working_crs: pyproj.CRS,
    utility: str | None = None,
    assume_crs: str | None = None,
    force_crs: bool = False,
    reference: tuple[float, float, float, float] | None = None,
    max_features: int | None = None,
    progress: Callable[[float, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PreparedLayer:
    report = progress or (lambda f, m: None)

    def step(fraction: float, message: str) -> None:
        if cancelled is not None and cancelled():
            raise CancelledError("import cancelled: the register is unchanged")
        report(fraction, message)

    timings: dict[str, float] = {}
    t = time.perf_counter()
    step(0.0, f"reading {layer}")
    raw = read_layer(source, layer, max_features=max_features)
    timings["read"] = time.perf_counter() - t
    warnings = list(source.warnings) + list(raw.warnings)

    t = time.perf_counter()
    step(0.3, "checking geometries")
    cleaned = clean(raw.geometry)
    if raw.geometry_reasons is not None:  # rows whose geometry could not be read: say why
        why = raw.geometry_reasons[cleaned.reject_rows]
        known = np.not_equal(why, None)
        cleaned.reject_reasons[known] = why[known]
    warnings += cleaned.notes
    timings["geometry"] = time.perf_counter() - t

    t = time.perf_counter()
    step(0.45, "checking the coordinate reference system")
    xy = crsmod.sample_xy(cleaned.geometry)
    src_crs, notes = crsmod.resolve_source_crs(
        raw.crs, assume_crs or profile.assume_crs, force=force_crs,
        xy=xy, working=working_crs, reference=reference)
    warnings += notes
    warnings += crsmod.check_coordinates(src_crs, xy, working_crs, reference)
    plan = crsmod.plan_transform(src_crs, working_crs, crsmod.lonlat_bounds(src_crs, xy))
    warnings += plan.notes
    step(0.55, f"reprojecting to {working_crs.to_string()}")
    geoms, failed = crsmod.reproject(cleaned.geometry, plan)
    outside = crsmod.outside_area(geoms, working_crs) & ~failed
    timings["crs"] = time.perf_counter() - t

    bad = failed | outside
    crs_reasons = np.where(
        failed, f"coordinates could not be transformed from {src_crs.to_string()}",
        f"coordinates outside the area of use of the register's CRS ({working_crs.to_string()}): "
        "absurd or misplaced",
    )[bad]
    keep = ~bad
    t = time.perf_counter()
    step(0.7, "mapping fields")
    mapped = map_layer(
        raw.table, cleaned.src[keep], cleaned.suffix[keep], geoms[keep], working_crs, profile,
        owner=owner, layer=layer, utility=utility,
    )
    warnings += mapped.warnings
    timings["map"] = time.perf_counter() - t

    kept_src = cleaned.src[keep]
    reject_rows = np.concatenate([cleaned.reject_rows, cleaned.src[bad], kept_src[mapped.reject_pos]])
    reject_reasons = np.concatenate([cleaned.reject_reasons, crs_reasons, mapped.reject_reasons])
    reject_geoms = np.concatenate([
        raw.geometry[cleaned.reject_rows], cleaned.geometry[bad], cleaned.geometry[keep][mapped.reject_pos]
    ])
    order = np.argsort(reject_rows, kind="stable")
    rejects = _rejects(raw.table, reject_rows[order], reject_reasons[order], reject_geoms[order])
    step(1.0, "mapped")
    return PreparedLayer(
        layer=layer, assets=mapped.assets, rejects=rejects, rows_read=raw.rows_read,
        repaired=cleaned.repaired, source_crs=src_crs.to_string(), plan=plan,
        warnings=warnings, timings=timings,
    )
