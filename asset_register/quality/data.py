"""The live assets' quality fields as plain arrays, read in bulk (Arrow) for the whole
register or for one area.

The whole register is read without geometry, in slices each made into fields as it is read
(``FIELD_SLICES``), and so is an area that holds the register's
whole extent (a full-extent map view). For an area, a small one (its box under
``CANDIDATE_SHARE`` of the register's extent) is read through the register's spatial index
(``reader().candidate_arrays``, as the dig check reads); a large one in bulk with geometry. Both
keep only the assets whose geometry meets the area (vectorised shapely).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from .. import memory
from .classes import NAT, _uniques, accuracy_classes, day_numbers, level_codes

COLUMNS = ["owner", "utility", "asset_class", "h_accuracy_m", "quality_level", "captured_on",
           "valid_from", "depth_m", "pressure", "pressure_bar", "voltage", "voltage_v"]
NUMBERS = ("h_accuracy_m", "depth_m", "pressure_bar", "voltage_v")
CANDIDATE_SHARE = 0.05
FIELD_SLICES = 32  # a whole-register read in this many slices (a few in flight at once)


@dataclass
class AssetFields:
    """Codes and numbers for ``n`` live assets: ``owner``/``utility``/``asset_class`` as codes
    into their ``*_names`` (-1: none), accuracy class, level code, capture and delivery days
    (NAT: unknown), and a has-value flag per column the rules need."""

    n: int
    owner: np.ndarray
    owner_names: list
    utility: np.ndarray
    utility_names: list
    asset_class: np.ndarray
    class_names: list
    accuracy: np.ndarray
    level: np.ndarray
    h_known: np.ndarray
    captured: np.ndarray
    delivered: np.ndarray
    present: dict  # column -> bool array (value recorded)


def _codes(values) -> tuple[np.ndarray, list]:
    uniques, codes = _uniques(values)
    codes = codes.astype(np.int32)
    codes[codes == len(uniques)] = -1
    return codes, [str(u) for u in uniques]


def _numbers(values) -> np.ndarray:
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray | pa.Array):
        return values.to_numpy(zero_copy_only=False).astype(np.float64)
    return np.asarray(values, dtype=np.float64)


def _present(values) -> np.ndarray:
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray | pa.Array):
        return values.is_valid().to_numpy(zero_copy_only=False)
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        return ~np.isnan(arr)
    return np.array([v is not None for v in arr.tolist()], bool) if arr.dtype == object \
        else np.ones(len(arr), bool)


def fields_from(columns: dict, n: int) -> AssetFields:
    """AssetFields from Arrow columns or numpy arrays (a column the register lacks: all null)."""
    def col(name):
        if name in columns:
            return columns[name]
        return np.full(n, np.nan) if name in NUMBERS else np.full(n, None, dtype=object)

    owner, owner_names = _codes(col("owner"))
    utility, utility_names = _codes(col("utility"))
    asset_class, class_names = _codes(col("asset_class"))
    h = _numbers(col("h_accuracy_m"))
    return AssetFields(
        n=n, owner=owner, owner_names=owner_names, utility=utility,
        utility_names=utility_names, asset_class=asset_class, class_names=class_names,
        accuracy=accuracy_classes(h, col("quality_level")), level=level_codes(col("quality_level")),
        h_known=~np.isnan(h), captured=day_numbers(col("captured_on")),
        delivered=day_numbers(col("valid_from")),
        present={c: _present(col(c)) for c in ("depth_m", "pressure", "pressure_bar", "voltage",
                                                "voltage_v")},
    )


def _slice_fields(meta, table) -> AssetFields:
    return fields_from({c: table[c] for c in table.column_names}, table.num_rows)


def concat_fields(parts: list[AssetFields]) -> AssetFields:
    """One AssetFields of consecutive slices of the live assets (which it empties): the owner,
    utility and class codes re-based onto names in order of first appearance, as one read of
    them all makes."""
    if len(parts) == 1:
        return parts[0]

    def rebase(codes_of, names_of):
        where: dict[str, int] = {}
        out = []
        for p in parts:
            lut = np.array([where.setdefault(c, len(where)) for c in names_of(p)] + [-1], np.int32)
            out.append(lut[codes_of(p)])  # code -1 (none) picks the trailing -1
        return np.concatenate(out), list(where)

    def join(arrays_of):  # each slice's array dropped once joined: never two whole copies
        out = np.concatenate([arrays_of(p) for p in parts])
        for p in parts:
            arrays_of(p, drop=True)
        return out

    def attr(name):
        return lambda p, drop=False: setattr(p, name, None) if drop else getattr(p, name)

    def flag(name):
        return lambda p, drop=False: p.present.pop(name) if drop else p.present[name]

    owner, owner_names = rebase(lambda p: p.owner, lambda p: p.owner_names)
    utility, utility_names = rebase(lambda p: p.utility, lambda p: p.utility_names)
    asset_class, class_names = rebase(lambda p: p.asset_class, lambda p: p.class_names)
    for p in parts:
        p.owner = p.utility = p.asset_class = None
    return AssetFields(
        n=sum(p.n for p in parts), owner=owner, owner_names=owner_names, utility=utility,
        utility_names=utility_names, asset_class=asset_class, class_names=class_names,
        **{a: join(attr(a)) for a in ("accuracy", "level", "h_known", "captured", "delivered")},
        present={c: join(flag(c)) for c in list(parts[0].present)},
    )


def _box_area(b) -> float:
    return max(b[2] - b[0], 0.0) * max(b[3] - b[1], 0.0)


def read_fields(store, area: shapely.Geometry | None = None) -> AssetFields:
    """The quality fields of the live assets (of those meeting ``area``, working CRS)."""
    if area is None:  # in slices, each made into fields as it is read: never the whole table
        _, parts = store.read_arrow_slices(COLUMNS, read_geometry=False, slices=FIELD_SLICES,
                                           each=_slice_fields)
        fields = concat_fields(parts)
        del parts
        memory.release()  # the slices' freed buffers (10M assets: ~1 GB kept otherwise)
        return fields
    bounds = shapely.bounds(area)
    extent = store.extent()
    if extent is None:
        return fields_from({}, 0)
    inter = (max(bounds[0], extent[0]), max(bounds[1], extent[1]),
             min(bounds[2], extent[2]), min(bounds[3], extent[3]))
    shapely.prepare(area)
    if shapely.contains(area, shapely.box(*extent)):  # every live asset is inside: no geometry
        return read_fields(store, None)
    if _box_area(inter) <= CANDIDATE_SHARE * max(_box_area(extent), 1e-9):
        reader = store.reader()
        try:
            cols, geoms = reader.candidate_arrays(tuple(bounds), COLUMNS)
        finally:
            reader.close()
        keep = shapely.intersects(area, np.asarray(geoms, dtype=object))
        return fields_from({c: v[keep] for c, v in cols.items()}, int(keep.sum()))
    meta, table = store.read_arrow(COLUMNS, read_geometry=True)
    wkb = table[meta["geometry_name"]].to_numpy(zero_copy_only=False)
    geoms = shapely.from_wkb(wkb)
    b = shapely.bounds(geoms)
    near = np.flatnonzero((b[:, 0] <= bounds[2]) & (b[:, 2] >= bounds[0]) &
                          (b[:, 1] <= bounds[3]) & (b[:, 3] >= bounds[1]))
    keep = near[shapely.intersects(area, geoms[near])]
    import pyarrow as pa

    picked = table.drop([meta["geometry_name"]]).take(pa.array(keep))
    return fields_from({c: picked[c] for c in picked.column_names}, len(keep))


__all__ = ["AssetFields", "COLUMNS", "NAT", "concat_fields", "fields_from", "read_fields"]
