"""Restricted (security-sensitive) assets shown to someone not cleared for them.

A restricted asset is never dropped from what a person sees, or a dig next to it would
look clear: it is shown as its owner, utility and a coarse box (its bounding box widened
by ``RESTRICTED_MARGIN_M``) with every other attribute withheld, so the dig check still
reports the conflict and says whom to contact. The PostGIS register does this in the
server (``store/postgis/security.py``, the same margin and id form); ``mask_restricted``
does it for a contractor's extract.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from .model import ASSET_COLUMNS, MASKED_ID_PREFIX

RESTRICTED_MARGIN_M = 20.0  # how far the coarse box of a restricted asset reaches beyond it
# ... rounded outwards to this grid, so the box does not give the asset's exact extent away
# (a widened bounding box minus a known margin would)
RESTRICTED_GRID_M = 50.0
# What a masked row keeps as it is (the rest is withheld, or set below).
KEPT = ("owner", "utility", "restricted", "version", "valid_from", "retired_at", "batch_id")
WITHHELD = [c for c in (*ASSET_COLUMNS, "delivery", "content_hash", "crs_accuracy_m")
            if c not in KEPT]


def mask_restricted(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` with each restricted asset replaced by its masked row (a copy)."""
    if not len(frame) or "restricted" not in frame.columns:
        return frame
    hidden = frame["restricted"].fillna(False).astype(bool).to_numpy()
    if not hidden.any():
        return frame
    out = frame.copy()
    for col in WITHHELD:
        if col in out.columns:
            out.loc[hidden, col] = None
    n = np.flatnonzero(hidden)
    out.loc[hidden, "asset_id"] = [f"{MASKED_ID_PREFIX}{o}:{i}" for o, i in
                                   zip(out["owner"].to_numpy()[hidden], n)]
    out.loc[hidden, "asset_class"] = "other"
    out.loc[hidden, "status"] = "unknown"
    out.loc[hidden, "attrs"] = "{}"
    geoms = out.geometry.array[hidden]
    out.loc[hidden, out.geometry.name] = coarse_boxes(geoms)
    return out


def coarse_boxes(geoms) -> np.ndarray:
    """Each geometry's bounding box widened by the margin and rounded out to the grid (the
    same as ``store/postgis/security.COARSE`` computes in the server)."""
    b = shapely.bounds(np.asarray(geoms))
    m, g = RESTRICTED_MARGIN_M, RESTRICTED_GRID_M
    return shapely.box(np.floor((b[:, 0] - m) / g) * g, np.floor((b[:, 1] - m) / g) * g,
                       np.ceil((b[:, 2] + m) / g) * g, np.ceil((b[:, 3] + m) / g) * g)
