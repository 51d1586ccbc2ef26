"""Geometry checks and repairs before mapping, all in bulk (shapely 2 array functions).

* null or empty geometries, and non-finite coordinates → rejected with a reason;
* M values dropped (Z kept: ``to_wkb(output_dimension=3)`` keeps XYZ and drops M);
* invalid geometries repaired with ``make_valid`` (structure method) and counted;
  ones that collapse to nothing are rejected;
* geometry collections split by type into multi-points / lines / polygons, one row
  each (the asset id gets a ``/points``, ``/lines`` or ``/areas`` suffix).

Curves have already been linearised by the reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

FAMILY_SUFFIX = ("/points", "/lines", "/areas")
_FAMILY_OF_TYPE = np.array([0, 1, 1, 2, 0, 1, 2, -1])  # by shapely type id 0..7


@dataclass
class CleanResult:
    """Geometries ready for mapping, with the source row each came from."""

    geometry: np.ndarray  # one per output row
    src: np.ndarray  # source row index of each output row
    suffix: np.ndarray  # "" or the collection-split suffix for the asset id
    reject_rows: np.ndarray  # source rows rejected
    reject_reasons: np.ndarray  # reason per rejected row
    repaired: int = 0
    m_dropped: int = 0
    split: int = 0
    notes: list[str] = field(default_factory=list)


def drop_m(geoms: np.ndarray) -> tuple[np.ndarray, int]:
    """Remove M ordinates, keeping Z."""
    has_m = shapely.has_m(geoms)
    n = int(has_m.sum())
    if not n:
        return geoms, 0
    out = geoms.copy()
    z = has_m & shapely.has_z(geoms)
    if z.any():
        out[z] = shapely.from_wkb(shapely.to_wkb(geoms[z], output_dimension=3))
    xym = has_m & ~z
    if xym.any():
        out[xym] = shapely.force_2d(geoms[xym])
    return out, n


def _flatten(geoms: np.ndarray, src: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Explode into single-part geometries, however deeply nested."""
    while True:
        multi = shapely.get_type_id(geoms) >= 4
        if not multi.any():
            return geoms, src
        parts, idx = shapely.get_parts(geoms[multi], return_index=True)
        geoms = np.concatenate([geoms[~multi], parts])
        src = np.concatenate([src[~multi], src[multi][idx]])


def split_collections(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Split GeometryCollections by type; returns (geoms, src, suffix, rows split)."""
    n = len(geoms)
    is_gc = shapely.get_type_id(geoms) == 7
    if not is_gc.any():
        return geoms, np.arange(n), np.full(n, "", dtype=object), 0
    rows = np.flatnonzero(is_gc)
    parts, psrc = _flatten(geoms[rows], rows)
    keep = ~shapely.is_empty(parts)
    parts, psrc = parts[keep], psrc[keep]
    fam = _FAMILY_OF_TYPE[shapely.get_type_id(parts)]
    builders = (shapely.multipoints, shapely.multilinestrings, shapely.multipolygons)
    out_g, out_src, out_fam = [], [], []
    for f, build in enumerate(builders):
        sel = fam == f
        if not sel.any():
            continue
        keys, inv = np.unique(psrc[sel], return_inverse=True)
        out_g.append(build(parts[sel], indices=inv))
        out_src.append(keys)
        out_fam.append(np.full(len(keys), f))
    g = np.concatenate(out_g) if out_g else np.empty(0, dtype=object)
    s = np.concatenate(out_src) if out_src else np.empty(0, dtype=np.int64)
    fm = np.concatenate(out_fam) if out_fam else np.empty(0, dtype=np.int64)
    # a single-part multi becomes its part
    single = shapely.get_num_geometries(g) == 1
    g[single] = shapely.get_geometry(g[single], 0)
    # suffix only where one source row yields several families
    counts = np.bincount(s, minlength=n)
    suffix = np.where(counts[s] > 1, np.array(FAMILY_SUFFIX, dtype=object)[fm], "")
    keep_rows = ~is_gc
    all_g = np.concatenate([geoms[keep_rows], g])
    all_src = np.concatenate([np.flatnonzero(keep_rows), s])
    all_suffix = np.concatenate([np.full(int(keep_rows.sum()), "", dtype=object), suffix])
    order = np.lexsort((all_suffix.astype(str), all_src))
    return all_g[order], all_src[order], all_suffix[order], int(len(rows))


def clean(geoms: np.ndarray) -> CleanResult:
    """Check and repair geometries; see the module docstring for the rules."""
    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    reasons = np.full(n, None, dtype=object)
    missing = shapely.is_missing(geoms)
    reasons[missing] = "no geometry (null)"
    present = ~missing
    empty = present & shapely.is_empty(np.where(present, geoms, None))
    reasons[empty] = "empty geometry"
    ok = present & ~empty
    g = geoms.copy()
    coords, idx = shapely.get_coordinates(g[ok], include_z=False, return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        rows = np.flatnonzero(ok)[np.unique(idx[bad])]
        reasons[rows] = "coordinates are not finite numbers (NaN or infinity)"
        ok[rows] = False
    g[~ok] = None
    g[ok], m_dropped = drop_m(g[ok])
    valid = np.ones(n, dtype=bool)
    valid[ok] = shapely.is_valid(g[ok])
    fix = ok & ~valid
    repaired = 0
    if fix.any():
        fixed = shapely.make_valid(g[fix], method="structure", keep_collapsed=False)
        collapsed = shapely.is_empty(fixed) | shapely.is_missing(fixed)
        rows = np.flatnonzero(fix)
        why = shapely.is_valid_reason(g[rows[collapsed]]) if collapsed.any() else []
        for r, w in zip(rows[collapsed], why, strict=True):
            reasons[r] = f"invalid geometry that collapses to nothing when repaired ({w})"
        ok[rows[collapsed]] = False
        g[rows[~collapsed]] = fixed[~collapsed]
        repaired = int((~collapsed).sum())
    kept = np.flatnonzero(ok)
    sg, ssrc, suffix, nsplit = split_collections(g[kept])
    reject_rows = np.flatnonzero(~ok)
    notes = []
    if m_dropped:
        notes.append(f"M values dropped from {m_dropped} geometries (Z kept)")
    if nsplit:
        notes.append(f"{nsplit} geometry collections split by geometry type")
    return CleanResult(
        geometry=sg, src=kept[ssrc], suffix=suffix,
        reject_rows=reject_rows, reject_reasons=reasons[reject_rows],
        repaired=repaired, m_dropped=m_dropped, split=nsplit, notes=notes,
    )
