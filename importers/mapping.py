"""Applying a mapping profile: source attributes → the canonical asset frame, in bulk.

Value maps, enum recognition and date parsing run once per *distinct* value (Arrow
dictionary encoding), then spread to every row with one ``take`` — so a million rows
with a handful of materials cost a handful of Python calls. Numbers are converted
with pandas/numpy. Rows that cannot be mapped (no utility or asset class, duplicate
ids) become rejects with their reason; optional values that cannot be mapped become
null (status ``unknown``) and are counted in the warnings, never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from asset_register.check.classes import band_of
from asset_register.errors import ProfileError
from asset_register.model import ASSET_COLUMNS, ENUM_COLUMNS

from . import measures
from .attrs import attrs_json
from .profiles import (
    BY_GEOMETRY, LENGTH_TO_M, NUMERIC, REQUIRED_ENUMS, FieldRule, Profile, default_asset_class,
    length_in,
)

TRUE_WORDS = {"1", "true", "t", "yes", "y"}
KIND_OF_VALUE = {v: k for k, v in measures.VALUE_FIELD.items()}  # pressure_bar -> pressure
# a diameter's unit column holding a system flag, as UK gas records do: M metric (the number
# is millimetres: 63 M), I imperial (inches: 3 I); never "M" for metres (a 63 m main)
_SYSTEM_FLAG = re.compile(r"^\s*(\d+(?:\.\d+)?)\s+([MI])\s*$")
MAX_DIAMETER_M = 5.0  # larger than any pipe, duct or tunnel segment a register holds
_SEP = re.compile(r"[\s\-/]+")


def norm(value) -> str:
    """How source values are compared with value-map keys: trimmed, case-folded."""
    return str(value).strip().casefold()


def _enum_key(value) -> str:
    return _SEP.sub("_", norm(value))


@dataclass
class Mapped:
    """The canonical frame of one layer plus what could not be mapped."""

    assets: gpd.GeoDataFrame
    reject_pos: np.ndarray  # positions (into the cleaned rows) rejected while mapping
    reject_reasons: np.ndarray
    warnings: list[str] = field(default_factory=list)


@dataclass
class Spread:
    """Per-distinct-value results and, per row, which distinct value it holds."""

    results: list
    problems: list
    index: np.ndarray

    def problem_rows(self) -> np.ndarray:
        """Problem text per row (None where fine)."""
        return np.asarray(self.problems, dtype=object)[self.index]

    def any_problem(self) -> bool:
        return any(p is not None for p in self.problems)

    def column(self, dtype: str) -> pd.Series:
        """The mapped values as one canonical column (Arrow strings, floats or bools)."""
        if dtype == "string":
            arr = pa.array([None if v is None else str(v) for v in self.results], pa.string())
            return _strings(arr.take(pa.array(self.index)))
        if dtype == "bool":
            return pd.Series(np.array([bool(v) for v in self.results], dtype=bool)[self.index])
        vals = np.array([np.nan if v is None else float(v) for v in self.results], dtype=float)
        return pd.Series(vals[self.index])


def _strings(arr: pa.Array | pa.ChunkedArray) -> pd.Series:
    """An Arrow string array as a pandas 'string' Series, without going through Python objects."""
    if isinstance(arr, pa.Array):
        arr = pa.chunked_array([arr], type=pa.string())
    return pd.Series(pd.arrays.ArrowStringArray(arr))


def _per_unique(arr: pa.ChunkedArray | pa.Array, fn) -> Spread:
    """Apply fn(value) -> (result, problem) once per distinct value."""
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    enc = pc.dictionary_encode(arr)
    uniques = enc.dictionary.to_pylist() + [None]
    results, problems = zip(*(fn(v) for v in uniques), strict=True)
    idx = enc.indices.fill_null(len(uniques) - 1).to_numpy(zero_copy_only=False)
    return Spread(list(results), list(problems), idx)


def _to_float(v) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v) if np.isfinite(v) else None
    try:
        f = float(str(v).strip().replace(",", ""))
    except ValueError:
        return None
    return f if np.isfinite(f) else None


def _value_fn(target: str, rule: FieldRule):
    """fn(value) -> (canonical value or None, problem text or None) for one field."""
    vmap = {norm(k): v for k, v in rule.values.items()}
    enum = ENUM_COLUMNS.get(target)
    enum_keys = {_enum_key(e.value): e.value for e in enum} if enum else {}
    default = rule.default

    unit = rule.unit or {"pressure_bar": "bar", "voltage_v": "v"}.get(target)

    def fn(v):
        if v is None or (isinstance(v, str) and not v.strip()):
            return default, None
        key = norm(v)
        if key not in vmap and "/" in key:  # a code-list URI: its last segment is the code
            key = key.rstrip("/").rsplit("/", 1)[-1]
        if key in vmap:
            out = vmap[key]
            return (None if out == "" else out), None
        if target in NUMERIC and rule.unit_source:  # the row's own unit (GML uom)
            if target == "diameter_mm" and (m := _SYSTEM_FLAG.match(str(v))):
                v = f"{m.group(1)} {'mm' if m.group(2) == 'M' else 'in'}"  # metric / imperial
            metres, problem = measures.parse("length", v, rule.unit or (
                "mm" if target == "diameter_mm" else "m"))
            if metres is None:
                return None, problem or f"not a number: {v!r}"
            if target == "diameter_mm" and metres > MAX_DIAMETER_M:
                return None, f"{v!r} is no pipe or cable diameter: recorded as unknown"
            return length_in(metres, 1000.0 if target == "diameter_mm" else 1.0), None
        if target in NUMERIC:
            length_unit = rule.unit or ("mm" if target == "diameter_mm" else "m")
            f = None if isinstance(v, str) and "," in v else _to_float(v)
            if f is None and isinstance(v, str):
                # the unit written in the value ("180mm", "6 in", "1.2 m") or a decimal comma
                # ("0,6"): read as the pressure and voltage values are, else it would be lost
                metres, problem = measures.parse("length", v, length_unit)
                if metres is None:
                    return None, problem or f"not a number: {v!r}"
                return length_in(metres, 1000.0 if target == "diameter_mm" else 1.0), None
            if f is None:
                return None, f"not a number: {v!r}"
            f = length_in(f, LENGTH_TO_M[length_unit] * (1000.0 if target == "diameter_mm" else 1.0))
            if f < 0:
                return None, f"negative value {v!r}"
            return f, None
        if target in measures.VALUE_FIELD:  # "8 bar", 8 with a unit, "10 kV": value + class
            number, problem = measures.parse(target, v, unit)
            if number is not None:
                return (measures.band(target, number), number), None
            if problem is not None:
                return None, problem
        if target in KIND_OF_VALUE:  # pressure_bar / voltage_v mapped directly
            number, problem = measures.parse(KIND_OF_VALUE[target], v, unit)
            return number, problem or (None if number is not None else f"not a number: {v!r}")
        if enum is not None:
            ek = _enum_key(key)
            if ek in enum_keys:
                return enum_keys[ek], None
            return None, f"{v!r} is not in the value map"
        if target == "captured_on":
            return _date(v, rule.date_format)
        if target == "restricted":
            return norm(v) in TRUE_WORDS, None
        if rule.values and rule.unmatched in ("null", "reject"):
            return None, f"{v!r} is not in the value map"
        text = str(v).strip()
        return text, (f"{v!r} is not in the value map (kept as given)" if rule.values else None)

    return fn


def _source_values(table: pa.Table, rule: FieldRule, idx: pa.Array) -> pa.Array:
    """The rule's source column for the rows ``idx``; with ``unit_source``, each value joined
    to its row's unit ("8" + "bar" → "8 bar"), or alone where the unit is empty."""
    column = table.column(rule.source).take(idx)
    if not rule.unit_source:
        return column
    text = column.cast(pa.string())
    unit = pc.utf8_trim_whitespace(table.column(rule.unit_source).take(idx).cast(pa.string()))
    joined = pc.binary_join_element_wise(text, unit, " ")
    return pc.if_else(pc.or_kleene(pc.is_null(unit), pc.equal(unit, "")).fill_null(True),
                      text, joined)


def _add_values(data: dict[str, pd.Series], values: dict[str, pd.Series]) -> None:
    """pressure_bar / voltage_v read along with their class, unless mapped on their own; a
    class missing where a value is known is the value's default class."""
    for field_name, series in values.items():
        data.setdefault(field_name, series)
    for kind, field_name in measures.VALUE_FIELD.items():
        if field_name not in data:
            continue
        number = data[field_name].to_numpy(dtype=np.float64, na_value=np.nan)
        cls = data.get(kind)
        need = ~np.isnan(number) & (np.ones(len(number), bool) if cls is None
                                    else cls.isna().to_numpy())
        if need.any():
            out = np.full(len(number), None, dtype=object) if cls is None \
                else cls.astype(object).where(cls.notna(), None).to_numpy(dtype=object)
            out[need] = band_of(number[need], measures.BANDS[kind])
            data[kind] = _strings(pa.array(out, pa.string()))


def _date(v, fmt: str | None):
    text = str(int(v)) if isinstance(v, int | float) and not isinstance(v, bool) else str(v).strip()
    try:
        if fmt:
            ts = pd.to_datetime(text, format=fmt)
        elif re.fullmatch(r"\d{8}", text):
            ts = pd.to_datetime(text, format="%Y%m%d")
        else:
            ts = pd.to_datetime(text, dayfirst=not re.match(r"\d{4}-", text))
    except (ValueError, TypeError, OverflowError):
        return None, f"not a date: {v!r}"
    if pd.isna(ts):
        return None, f"not a date: {v!r}"
    return ts.date().isoformat(), None


def _summarise(field_name: str, rule: FieldRule, problems: np.ndarray, action: str) -> str | None:
    mask = pd.notna(problems)
    if not mask.any():
        return None
    counts = Counter(problems[mask].tolist()).most_common(3)
    examples = "; ".join(f"{p} ×{c}" for p, c in counts)
    return f"{field_name} (from {rule.source!r}): {int(mask.sum())} rows {action} — {examples}"


GEOMETRY_FAMILIES = {0: None, 4: "point", 1: "line", 2: "line", 5: "line", 3: "polygon",
                     6: "polygon", 7: None}


def _classes_by_geometry(geometry: np.ndarray, utility: pd.Series | None,
                         given: pd.Series | None) -> pd.Series:
    """asset_class per row from the row's own geometry (point, line, polygon) and utility,
    where the source gives none (``[constants] asset_class = "by_geometry"``)."""
    import shapely

    n = len(geometry)
    kinds = shapely.get_type_id(geometry)
    utils = (utility.astype(object).where(utility.notna(), None).to_numpy(dtype=object)
             if utility is not None else np.full(n, None, dtype=object))
    out = (np.array(given.astype(object).where(given.notna(), None).to_numpy(dtype=object))
           if given is not None else np.full(n, None, dtype=object))
    need = pd.isna(out)
    if need.any():  # one decision per (geometry type, utility) pair, spread to the rows
        u_codes, u_names = pd.factorize(pd.Series(utils[need], dtype=object))
        base = len(u_names) + 1  # code 0: no utility (the row is rejected for it)
        pair = (kinds[need].astype(np.int64) + 1) * base + (u_codes + 1)
        uniq, inverse = np.unique(pair, return_inverse=True)
        decided = np.array([
            default_asset_class(str(u_names[c - 1]), GEOMETRY_FAMILIES.get(int(k) - 1) or "other")
            if c > 0 else None
            for k, c in ((int(p) // base, int(p) % base) for p in uniq)], dtype=object)
        out[need] = decided[inverse]
    return _strings(pa.array(out, pa.string()))


def _generated_ids(owner: str, layer: str, geoms: np.ndarray, attrs: pd.Series) -> np.ndarray:
    """Stable ids for rows without one: a hash of the geometry and every attribute."""
    import shapely

    wkb = shapely.to_wkb(geoms, output_dimension=3)
    h1 = pd.util.hash_array(np.asarray(wkb, dtype=object))
    h2 = pd.util.hash_array(attrs.to_numpy(dtype=object))
    h = (h1 ^ (h2 * np.uint64(0x9E3779B97F4A7C15))).astype(np.uint64)
    return np.char.add(f"{owner}:{layer}/", np.char.mod("%016x", h)).astype(object)


def _ids(table, idx, prof, owner, layer, geometry, attrs, warnings) -> pa.Array:
    """asset_id per row: ``<owner>:<source id>`` (or ``<owner>:<layer>/<id>``), else generated."""
    if "asset_id" not in prof.fields:
        return pa.array(_generated_ids(owner, layer, geometry, attrs), pa.string())
    rule = prof.fields["asset_id"]
    raw = table.column(rule.source).take(idx).cast(pa.string()).combine_chunks()
    raw = pc.utf8_trim_whitespace(raw)
    prefix = f"{owner}:{layer}/" if prof.id_scope == "layer" else f"{owner}:"
    ids = pc.binary_join_element_wise(prefix, raw, "")
    empty = pc.or_kleene(pc.is_null(raw), pc.equal(raw, "")).fill_null(True)
    empty_np = empty.to_numpy(zero_copy_only=False)
    if empty_np.any():
        gen = _generated_ids(owner, layer, geometry[empty_np], attrs[empty_np])
        filled = ids.to_numpy(zero_copy_only=False).astype(object)
        filled[empty_np] = gen
        ids = pa.array(filled, pa.string())
        warnings.append(f"asset_id (from {rule.source!r}): {int(empty_np.sum())} rows had no id; "
                        "ids generated from their content")
    return ids


def map_layer(
    table: pa.Table,
    src: np.ndarray,
    suffix: np.ndarray,
    geometry: np.ndarray,
    crs,
    profile: Profile,
    *,
    owner: str,
    layer: str,
    utility: str | None = None,
    row_offset: int = 0,
) -> Mapped:
    """Map the cleaned rows of one layer (``src`` = their source rows, counted from
    ``row_offset`` when this is a part of the layer) to canonical assets."""
    prof = profile.for_layer(layer)
    n = len(src)
    missing = sorted(({r.source for r in prof.fields.values()}
                      | {r.unit_source for r in prof.fields.values() if r.unit_source})
                     - set(table.column_names))
    if missing:
        raise ProfileError(
            f"profile {prof.name!r} maps fields {missing} that layer {layer!r} does not have; "
            f"its fields are {table.column_names}"
        )
    idx = pa.array(np.asarray(src, dtype=np.int64))
    data: dict[str, pd.Series] = {}
    reject = np.full(n, None, dtype=object)
    warnings: list[str] = []
    constants = dict(prof.constants)
    fields = dict(prof.fields)
    if utility:
        constants["utility"] = utility
        fields.pop("utility", None)
    by_geometry = constants.get("asset_class") == BY_GEOMETRY
    if by_geometry:  # filled row by row below, never a fallback value of its own
        del constants["asset_class"]
    values: dict[str, pd.Series] = {}  # pressure_bar / voltage_v read with their class
    for name, rule in fields.items():
        if name == "asset_id":
            continue
        spread = _per_unique(_source_values(table, rule, idx), _value_fn(name, rule))
        if name in measures.VALUE_FIELD:  # results are classes, or (class, value) pairs
            pairs = [r if isinstance(r, tuple) else (r, None) for r in spread.results]
            spread.results = [p[0] for p in pairs]
            values[measures.VALUE_FIELD[name]] = Spread(
                [p[1] for p in pairs], spread.problems, spread.index).column("float64")
        fallback = constants.get(name)
        if fallback is not None:
            spread.results = [fallback if v is None else v for v in spread.results]
        data[name] = spread.column(ASSET_COLUMNS[name])
        if not spread.any_problem():
            continue
        problems = spread.problem_rows()
        unresolved = pd.notna(problems) & data[name].isna().to_numpy()
        # a class the value map does not place takes its geometry's (by_geometry)
        required = name in REQUIRED_ENUMS and not (name == "asset_class" and by_geometry)
        if rule.unmatched == "reject" or (required and unresolved.any()):
            rows = unresolved & pd.isna(reject)
            reject[rows] = [f"{name}: {p}" for p in problems[rows]]
            msg = _summarise(name, rule, np.where(unresolved, problems, None), "rejected")
        else:
            msg = _summarise(name, rule, problems, "given the class of their geometry"
                             if name == "asset_class" else "noted" if name == "material" or
                             name not in ENUM_COLUMNS and name not in NUMERIC and
                             name != "captured_on" else "set to unknown")
        if msg:
            warnings.append(msg)
    _add_values(data, values)
    if by_geometry:
        utilities = data.get("utility")
        if utilities is None and constants.get("utility") is not None:
            utilities = pd.Series(np.full(n, str(constants["utility"]), dtype=object))
        data["asset_class"] = _classes_by_geometry(geometry, utilities, data.get("asset_class"))
    for name, value in constants.items():
        if name not in data and name != "owner":
            col = pd.Series(np.full(n, value)) if ASSET_COLUMNS[name] != "string" else \
                _strings(pa.repeat(pa.scalar(str(value), pa.string()), n))
            data[name] = col
    for name in REQUIRED_ENUMS:
        if name not in data:
            raise ProfileError(
                f"profile {prof.name!r} gives no {name} for layer {layer!r}: add a constant "
                f"([constants] {name} = \"…\") or a field rule"
                + (" (or pass --utility)" if name == "utility" else "")
            )
        none = data[name].isna().to_numpy() & pd.isna(reject)
        reject[none] = f"no {name}: the source value is empty and the profile has no default"
    if "depth_source" in data:  # a depth source only where there is a depth
        no_depth = data["depth_m"].isna() if "depth_m" in data else pd.Series(True, index=range(n))
        data["depth_source"] = data["depth_source"].where(~no_depth.to_numpy(), None)
    attrs = attrs_json(table, src)
    ids = _ids(table, idx, prof, owner, layer, geometry, attrs, warnings)
    if (suffix != "").any():
        ids = pc.binary_join_element_wise(ids, pa.array(suffix.astype(str), pa.string()), "")
    id_series = _strings(ids)
    ok = pd.isna(reject)
    if pc.count_distinct(ids).as_py() == n:  # the usual case, decided by one hash pass
        dup = np.zeros(n, dtype=bool)
    else:
        dup = id_series.where(ok).duplicated(keep="first").to_numpy() & ok
    if dup.any():
        first = pd.Series(np.arange(n)).groupby(id_series.to_numpy(dtype=object)).transform("min")
        first = first.to_numpy()
        names = id_series.to_numpy(dtype=object)
        reject[dup] = [f"duplicate asset id {i!r} (also on source row {int(src[int(f)]) + 1 + row_offset})"
                       for i, f in zip(names[dup], first[dup], strict=True)]
        warnings.append(f"asset_id: {int(dup.sum())} rows repeat an id already used in this "
                        "delivery; the first is imported, the others rejected")
    ok = pd.isna(reject)
    everything = bool(ok.all())

    def kept(series: pd.Series) -> pd.Series:
        return series if everything else series[ok].reset_index(drop=True)

    frame = {"asset_id": kept(id_series),
             "owner": _strings(pa.repeat(pa.scalar(owner, pa.string()), int(ok.sum())))}
    for name in ASSET_COLUMNS:
        if name in data:
            frame[name] = kept(data[name])
    frame["attrs"] = kept(attrs)
    geoms = geometry if everything else geometry[ok]
    assets = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)
    pos = np.flatnonzero(~ok)
    return Mapped(assets=assets, reject_pos=pos, reject_reasons=reject[pos], warnings=warnings)
