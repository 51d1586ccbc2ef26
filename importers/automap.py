"""The auto-mapper: propose a mapping profile from a layer's field names and values.

It recognises the register's own field names, the names owners commonly use
(diameter/diam/nominal_diam/DN, material, depth/cover, status, voltage, pressure…), the
Dutch / IMKL and INSPIRE ones (``importers/vocabulary.py``) and a CAD ``Layer`` field; takes
units from names (``DIAM_IN`` → inches) or from a unit column (GML ``uom``); fills value maps
from the distinct values it finds (``MDPE`` → PE, ``tot30cm`` → 0.3 m, INSPIRE and IMKL
code-list URIs in either spelling). An id column is proposed only when it is filled and
unique over the whole layer. Values it cannot place are listed in a comment for the user to
map by hand: the proposal is a draft the user confirms or edits, never applied silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from . import measures
from .profiles import BY_GEOMETRY, NUMERIC, FieldRule, LayerRule, Profile, default_asset_class
from .readers import read_columns, read_layer
from .sources import Source, open_source
from .vocabulary import (
    CAD_WORDS, FEATURE_UTILITY, FIELD_NAMES, GAS_PRODUCTS, IMKL_THEMES, OIL_GAS_CHEMICALS,
    PRODUCT_COLUMNS, THEME_VOLTAGE, VALUE_SYNONYMS, fold,
)

MAX_DISTINCT = 300


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(name))


IdCheck = Callable[[str], str | None]  # column -> why it cannot be the id (None: it can)


def id_problem(values: pa.ChunkedArray | pa.Array) -> str | None:
    """Why a column cannot identify assets (None when every row has a distinct value)."""
    n = len(values)
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    empty = int(pc.sum(pc.or_kleene(pc.is_null(text), pc.equal(text, "")).fill_null(True)
                       .cast(pa.int64())).as_py() or 0)
    if empty == n:
        return "empty in every row"
    distinct = pc.count_distinct(text, mode="only_valid").as_py()
    repeated = n - empty - distinct
    parts = ([f"{repeated:,} of {n:,} values repeat another row's"] if repeated else []) + \
        ([f"{empty:,} of {n:,} rows are empty"] if empty else [])
    return "; ".join(parts) or None


def layer_id_check(source, layer: str) -> IdCheck:
    """Checks a candidate id column over the WHOLE layer (one column read through Arrow)."""
    def check(column: str) -> str | None:
        _, table = read_columns(source, layer, [column])
        return id_problem(table.column(column))
    return check


def _vkey(value) -> str:
    text = fold(str(value).strip())
    if "/" in text:  # code-list URI: the code is its last segment
        text = text.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[\s\-_]", "", text)


# a unit set apart at the end of a column's name: "diepte_m", "Cover [ft]", "Spanning (kV)"
_UNIT_SUFFIX = re.compile(r"^(.*?[a-z0-9])\s*(?:[_\-\s]+|(?=[(\[]))[(\[]?\s*"
                          r"(mm|cm|m|inches|inch|in|feet|ft|mbar|mb|bar|kpa|psi|kv|v)\s*[)\]]?$",
                          re.IGNORECASE)
_LENGTH_TARGETS = ("diameter_mm", "depth_m", "h_accuracy_m", "v_accuracy_m")
_SUFFIX_UNITS = {
    **{t: {"mm": "mm", "cm": "cm", "m": "m", "in": "in", "inch": "in", "inches": "in",
           "ft": "ft", "feet": "ft"} for t in _LENGTH_TARGETS},
    **{t: {"mbar": "mbar", "mb": "mbar", "bar": "bar", "kpa": "kpa", "psi": "psi"}
       for t in ("pressure", "pressure_bar")},
    **{t: {"kv": "kv", "v": "v"} for t in ("voltage", "voltage_v")},
}


def _by_unit_suffix(columns: list[str]) -> dict[str, tuple[str, str]]:
    """Normalised name without its unit -> (column, unit as written), for columns whose name
    ends in a unit set apart from it (the auto-mapper's fallback to exact names)."""
    out: dict[str, tuple[str, str]] = {}
    for col in columns:
        m = _UNIT_SUFFIX.match(col.strip())
        if m:
            out.setdefault(_key(m.group(1)), (col, m.group(2).lower()))
    return out


def _unit_from_name(target: str, name: str) -> str | None:
    m = _UNIT_SUFFIX.match(name.strip())
    if m and target in _SUFFIX_UNITS and m.group(2).lower() in _SUFFIX_UNITS[target]:
        return _SUFFIX_UNITS[target][m.group(2).lower()]
    n = name.lower()
    if target in ("diameter_mm", "depth_m", "h_accuracy_m", "v_accuracy_m"):
        for suffix, unit in (("inches", "in"), ("inch", "in"), ("_in", "in"), ("in", "in"),
                             ("feet", "ft"), ("_ft", "ft"), ("ft", "ft"), ("_mm", "mm"),
                             ("mm", "mm"), ("_cm", "cm"), ("_m", "m")):
            if n.endswith(suffix):
                return unit
        return None
    if target in ("pressure", "pressure_bar"):
        for suffix, unit in (("mbar", "mbar"), ("mb", "mbar"), ("bar", "bar"), ("kpa", "kpa"),
                             ("psi", "psi")):
            if n.endswith(suffix):
                return unit
    if target in ("voltage", "voltage_v"):
        if n.endswith("kv"):
            return "kv"
        if n.endswith("_v") or n.endswith("volts"):
            return "v"
    return None


def _distinct(table: pa.Table, column: str) -> list:
    arr = table.column(column).combine_chunks()
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    u = pc.unique(arr.drop_null())
    return u.to_pylist()[: MAX_DISTINCT + 1]


def _cad_values(target: str, values: list) -> dict[str, str]:
    out = {}
    for v in values:
        words = [w for w in re.split(r"[^a-z0-9]+", str(v).lower()) if w]
        for kw, canon in CAD_WORDS[target]:
            if kw in words:
                out[str(v)] = canon
                break
    return out


def _value_map(target: str, values: list, unit: str | None = None
               ) -> tuple[dict[str, object], list, list]:
    """(value map, values not placed, numbers without a unit) for one field's distinct values.
    Values the import reads as they are — numbers for numeric fields, values with a unit
    for pressure and voltage — need no map entry (the import keeps their number)."""
    syn = VALUE_SYNONYMS.get(target, {})
    mapped, unplaced, no_unit = {}, [], []
    for v in values:
        if isinstance(v, str) and not v.strip():
            continue  # a CSV's empty cell: no value, nothing to map
        canon = syn.get(_vkey(v))
        if canon is not None:
            mapped[str(v)] = canon
        elif target in NUMERIC and _number_like(v):
            continue
        elif target in measures.VALUE_FIELD:
            number, problem = measures.parse(target, v, unit)
            if number is None and problem is not None and "no unit" in problem:
                no_unit.append(v)
            elif number is None and not (problem and "not given" in problem):
                unplaced.append(v)
        else:
            unplaced.append(v)
    return mapped, unplaced, no_unit


def _number_like(v) -> bool:
    if isinstance(v, int | float) and not isinstance(v, bool):
        return True
    return measures.parse("length", v, "m")[0] is not None


def _unit_column(by_key: dict[str, str], col: str) -> str | None:
    """The column holding ``col``'s unit: GML's ``<field>_uom`` (or ``_unit``, ``_eenheid``)."""
    k = _key(col)
    names = [k + s for s in ("uom", "unit", "units", "eenheid")] + \
        [p + k for p in ("unitof", "uomof", "unit", "eenheid")]  # UNITOFDIAMETER
    return next((by_key[n] for n in names if n in by_key), None)


SYSTEM_FLAGS = ("M", "I")  # a diameter's unit column in UK gas records: metric mm, imperial in


def _row_unit_column(table: pa.Table, taken: set[str]) -> str | None:
    """A column whose every value is a length unit (``IN.``/``mm.``): the unit of each
    row's diameter in records that mix imperial and metric pipe sizes."""
    units = measures.UNITS["length"]
    for col in table.column_names:
        kind = table.schema.field(col).type
        if col in taken or not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            continue
        values = _distinct(table, col)
        if 0 < len(values) <= 5 and all(measures.unit_key(v) in units or v in SYSTEM_FLAGS
                                        for v in values):
            return col
    return None


def _note_values(layer: str, target: str, values: list, why: str) -> str:
    shown = ", ".join(repr(str(u)) for u in values[:12])
    return f"{layer}: {target} values {why}: {shown}{' …' if len(values) > 12 else ''}"


def id_candidates(names: tuple[str, ...], by_key: dict[str, str], taken: set[str]) -> list[str]:
    """Columns that may hold ids (by normalised name ``by_key``), most likely first."""
    candidates = [by_key[n] for n in names if n in by_key and by_key[n] not in taken]
    candidates += [c for k, c in by_key.items()  # e.g. SVC_ID, PIPEREF_ID
                   if k.endswith("id") and len(k) <= 12 and c not in candidates and c not in taken]
    # last: a name, as a KML Placemark's (used only when filled and unique in every row)
    candidates += [by_key[n] for n in ("name", "naam") if n in by_key
                   and by_key[n] not in candidates and by_key[n] not in taken]
    return candidates


def pick_id_column(layer: str, names: tuple[str, ...], by_key: dict[str, str], taken: set[str],
             id_check: IdCheck, notes: list[str]) -> str | None:
    """The first candidate id column that is filled and unique over the whole layer."""
    refused = []
    for col in id_candidates(names, by_key, taken):
        problem = id_check(col)
        if problem is None:
            chosen = col
            break
        refused.append(f"{col!r} ({problem})")
    else:
        chosen = None
    if refused:
        notes.append(f"{layer}: not used as asset id: {'; '.join(refused)} — an id must be "
                     "filled and unique in every row, else assets would be rejected as "
                     "duplicates; " + (f"ids taken from {chosen!r}" if chosen else
                                       "ids are generated from each row's geometry and attributes"))
    return chosen


def propose_for_table(table: pa.Table, layer: str, id_check: IdCheck | None = None
                      ) -> tuple[LayerRule, list[str]]:
    """Field rules for one layer's attribute table, plus notes for the user.

    ``id_check(column)`` says why a column cannot be the id; by default it looks at
    ``table`` itself (give ``layer_id_check`` when ``table`` is only a sample)."""
    rule = LayerRule()
    notes: list[str] = []
    taken: set[str] = set()
    by_key = {}
    for col in table.column_names:
        by_key.setdefault(_key(col), col)
    for col in table.column_names:  # a nested member ("asset.pressure") by its own name
        if "." in col:
            by_key.setdefault(_key(col.rsplit(".", 1)[-1]), col)
    id_check = id_check or (lambda col: id_problem(table.column(col)))
    suffixed = _by_unit_suffix(table.column_names)
    for target, names in FIELD_NAMES.items():
        if target == "asset_id":
            col = pick_id_column(layer, names, by_key, taken, id_check, notes)
        else:
            col = next((by_key[n] for n in names if n in by_key and by_key[n] not in taken), None)
            if col is None and target in _SUFFIX_UNITS:  # "diepte_m", "Spanning [kV]"
                col = next((c for n in names if n in suffixed
                            for c, unit in [suffixed[n]]
                            if c not in taken and unit in _SUFFIX_UNITS[target]), None)
        if col is None:
            continue
        spec = FieldRule(source=col, unit=_unit_from_name(target, col))
        unit_col = _unit_column(by_key, col)
        if unit_col is None and target == "diameter_mm" and spec.unit is None:
            unit_col = _row_unit_column(table, taken)
            if unit_col:
                notes.append(f"{layer}: diameter_mm from {col!r} in each row's unit from "
                             f"{unit_col!r}")
        if unit_col and target in (*NUMERIC, *measures.VALUE_FIELD, "pressure_bar", "voltage_v"):
            spec.unit_source = unit_col
            taken.add(unit_col)
        if target in VALUE_SYNONYMS or target in measures.VALUE_FIELD:
            values = _distinct(table, col)
            if len(values) > MAX_DISTINCT:
                if target != "material":
                    continue  # too many distinct values to be a coded field
            else:
                numeric = bool(values) and all(isinstance(v, int | float) and not isinstance(v, bool)
                                               for v in values)
                if numeric and target == "voltage" and spec.unit is None:
                    # never a downgrade: volts read as kV only ever raise the class
                    spec.unit = "v" if max(values) > 1000 else "kv"
                    notes.append(f"{layer}: voltage from {col!r} has no unit; read as "
                                 f"{spec.unit.upper()} (from its largest value {max(values)}); "
                                 "set unit if not")
                spec.values, unplaced, no_unit = _value_map(target, values, spec.unit)
                if unit_col:
                    no_unit = []  # each row's unit is in its unit column
                if no_unit:
                    notes.append(_note_values(
                        layer, target, no_unit, f"from {col!r} have no unit: they stay unknown "
                        "(high risk in the check) until you set unit in the profile"))
                if unplaced:
                    notes.append(_note_values(layer, target, unplaced,
                                              "not recognised (map them by hand)"))
        rule.fields[target] = spec
        taken.add(col)
    if "utility" not in rule.fields:
        _utility_by_values(table, rule, layer, notes)
    if "utility" in rule.fields and "voltage" not in rule.fields:
        _theme_voltage(table, rule)
    if "Layer" in table.column_names:  # a CAD drawing: layer names carry the meaning
        values = _distinct(table, "Layer")
        for target in ("utility", "asset_class", "voltage"):
            vmap = _cad_values(target, values) if target not in rule.fields else {}
            if vmap:
                rule.fields[target] = FieldRule(source="Layer", values=vmap)
                unplaced = [v for v in values if str(v) not in vmap]
                if unplaced and target != "voltage":
                    notes.append(f"{layer}: CAD layers not recognised for {target} (rows on them "
                                 f"will be rejected): {', '.join(map(repr, unplaced[:12]))}")
    _diameter_in_metres(table, rule, layer, notes)
    for target in ("diameter_mm", "depth_m"):
        spec = rule.fields.get(target)
        if spec is not None and spec.unit is None and spec.unit_source is None:
            notes.append(f"{layer}: {target} from {spec.source!r} assumed in "
                         f"{'mm' if target == 'diameter_mm' else 'metres'}; set unit if not")
    return rule, notes


METRE_DIAMETERS = 3.0  # every diameter at most this, some with a fraction: metres, not mm


def _diameter_in_metres(table: pa.Table, rule: LayerRule, layer: str, notes: list[str]) -> None:
    """A diameter column of no stated unit whose numbers are all fractions of a few units
    (0.11, 0.44: SOSI and many GIS exports write metres) is read in metres: as millimetres
    every pipe would be a hair's width and its half-width missing from the clearance."""
    spec = rule.fields.get("diameter_mm")
    if spec is None or spec.unit is not None or spec.unit_source is not None or spec.values:
        return
    column = table.column(spec.source)
    if not (pa.types.is_floating(column.type) or pa.types.is_integer(column.type)):
        return
    values = column.drop_null().to_numpy(zero_copy_only=False).astype(float)
    values = values[np.isfinite(values) & (values > 0)]
    if not len(values) or values.max() > METRE_DIAMETERS or not (values % 1 != 0).any():
        return
    spec.unit = "m"
    notes.append(f"{layer}: diameter_mm from {spec.source!r} read in metres (every value is "
                 f"at most {values.max():g}, a fraction: no pipe or cable is that many mm); "
                 "set unit if not")


def _utility_by_values(table: pa.Table, rule: LayerRule, layer: str, notes: list[str]) -> None:
    """No column is named as the utility: a text column whose every value names one ('type'
    holding gas / water) is it; taken as the asset class with no value placed, it is not that."""
    syn = VALUE_SYNONYMS["utility"]
    if "Layer" in table.column_names:
        return  # a CAD drawing: its layer names carry the utility, not its annotations' text
    for col in table.column_names:
        column = table.column(col)
        if not pa.types.is_string(column.type):
            continue
        text = pc.utf8_trim_whitespace(column)
        if pc.sum(pc.fill_null(pc.equal(text, ""), True).cast(pa.int64())).as_py() > len(column) // 2:
            continue  # mostly empty: a note on some rows, not every row's network
        values = [v for v in _distinct(table, col) if str(v).strip()]
        if not values or len(values) > MAX_DISTINCT or any(syn.get(_vkey(v)) is None for v in values):
            continue
        cls = rule.fields.get("asset_class")
        if cls is not None and cls.source == col:
            if cls.values:
                continue
            del rule.fields["asset_class"]
        elif col in {f.source for f in rule.fields.values()}:
            continue
        rule.fields["utility"] = FieldRule(source=col, values={str(v): syn[_vkey(v)] for v in values})
        notes.append(f"{layer}: utility from {col!r}, whose every value names one")
        return


def _theme_voltage(table: pa.Table, rule: LayerRule) -> None:
    """Voltage from an IMKL theme column (laagspanning → LV…) when no voltage is given;
    the other themes leave it unknown."""
    src = rule.fields["utility"].source
    values = _distinct(table, src)
    themes = {str(v): THEME_VOLTAGE.get(_vkey(v), "") for v in values}
    if any(themes.values()):
        rule.fields["voltage"] = FieldRule(source=src, values=themes)


def _from_layer_name(layer: str) -> dict[str, str]:
    """Utility (and the voltage an IMKL theme settles) from a layer's name, e.g. a shapefile
    per theme ``laagspanning.shp``, ``Gas_HogeDruk``; empty when the name says nothing."""
    key = _key(layer)
    if key in FEATURE_UTILITY:  # an IMKL / INSPIRE feature type: Elektriciteitskabel…
        return {"utility": FEATURE_UTILITY[key],
                "asset_class": VALUE_SYNONYMS["asset_class"][key]}
    for theme in sorted(IMKL_THEMES, key=len, reverse=True):
        if len(theme) >= 5 and theme in key:
            out = {"utility": IMKL_THEMES[theme]}
            if theme in THEME_VOLTAGE:
                out["voltage"] = THEME_VOLTAGE[theme]
            return out
    words = [w for w in re.split(r"[^a-z0-9]+", layer.lower()) if len(w) >= 3]
    syn = VALUE_SYNONYMS["utility"]
    found = {syn.get(w) or syn.get(w[:-1] if w.endswith("s") else "") for w in words} - {None}
    voltage = _voltage_in_name(layer)
    if voltage and found <= {"electricity"}:  # "HV cables", "11kV feeders"
        return {"utility": "electricity", "voltage": voltage}
    return {"utility": found.pop()} if len(found) == 1 else {}


def _voltage_in_name(layer: str) -> str | None:
    """The voltage class a layer's name gives ('HV', 'EHV', 'LV', '11kV', '132 kV')."""
    tokens = re.split(r"[^a-z0-9.]+", layer.lower())
    kv = [float(m.group(1)) for m in re.finditer(r"(?<![a-z0-9.])(\d+(?:\.\d+)?)\s*kv\b",
                                                 layer.lower())]
    if kv:
        return measures.band("voltage", max(kv) * 1000.0)
    classes = [canon for word, canon in CAD_WORDS["voltage"] if word in tokens]
    return classes[0] if classes else None  # EHV before HV before LV: the highest named


def propose_profile(path, layers: list[str] | None = None, *, utility: str | None = None,
                    sample: int = 50_000) -> Profile:
    """A draft profile for a source (all layers, or the ones named), from up to ``sample`` rows
    each (id columns are checked over the whole layer).

    With ``utility`` the draft also carries it as a constant and a default asset class
    for layers without a class field (lines → cable/pipe, polygons → precaution zone);
    without it, a layer with no utility field takes it from its name when the name says
    (``laagspanning``, ``gas_mains``).
    """
    source = path if isinstance(path, Source) else open_source(path)  # an open Source is reused
    names = layers or source.layer_names()
    profile = Profile(name=f"proposed for {source.path.name}",
                      description="Drafted by the auto-mapper: check every mapping before use.")
    notes: list[str] = []
    rules: dict[str, LayerRule] = {}
    seen_ids: dict[str, set] = {}
    sampled: dict[str, str] = {}
    unplaced_classes: dict[str, list[str]] = {}
    for name in names:
        raw = read_layer(source, name, max_features=sample)
        sampled[name] = _sample_family(raw.geometry)
        rule, n = propose_for_table(raw.table, name, layer_id_check(source, name))
        rules[name] = rule
        notes += n
        if raw.crs is None:
            notes.append(f"{name}: no CRS in the source; set [source] assume_crs once the owner confirms it")
        if "utility" not in rule.fields and not utility:
            named = _from_layer_name(name)
            if "asset_class" in rule.fields:
                named.pop("asset_class", None)
            rule.constants.update(named)  # a constant also fills a field's empty values
            if named:
                notes.append(f"{name}: utility {named['utility']} taken from the layer name"
                             + (f", voltage {named['voltage']} where none is given"
                                if "voltage" in named else ""))
        _oil_gas_products(raw.table, rule, name, notes)
        unplaced_classes[name] = _unplaced_classes(raw.table, rule)
        if "asset_id" in rule.fields:
            col = raw.table.column(rule.fields["asset_id"].source)
            seen_ids[name] = set(pc.unique(col.drop_null().cast(pa.string())).to_pylist())
    ids = list(seen_ids.values())
    if any(a & b for i, a in enumerate(ids) for b in ids[i + 1:]):
        profile.id_scope = "layer"
        notes.append("the same ids occur in several layers: ids are scoped by layer (id_scope)")
    # a layer of no declared type (a CSV's WKT column): the family its rows read show
    families = {name: geometry_family(source, name) for name in names}
    families = {name: sampled[name] if fam == "mixed" else fam for name, fam in families.items()}
    for name, rule in rules.items():
        util = utility or rule.constants.get("utility")
        unplaced = unplaced_classes.get(name)
        if unplaced and "asset_class" not in rule.constants:
            # codes the mapper does not know (an ArcGIS utility network's ASSETTYPE 11):
            # those rows take the class of their geometry, never rejected for it
            # (the field stays, so that the user can still map the codes in the wizard)
            spec = rule.fields["asset_class"]
            rule.constants["asset_class"] = BY_GEOMETRY
            notes.append(f"{name}: asset class values of {spec.source!r} not recognised "
                         f"({', '.join(map(repr, unplaced[:6]))}): those rows take the class "
                         "of their geometry; map the codes by hand for a finer class")
        if "asset_class" in rule.fields or "asset_class" in rule.constants:
            continue
        if families[name] == "mixed":
            # points, lines and polygons in one layer: each feature's class from its own
            # geometry, so a pipe stays a pipe beside the chambers of its layer
            rule.constants["asset_class"] = BY_GEOMETRY
            notes.append(f"{name}: points, lines and polygons in one layer: each feature's "
                         "asset class from its own geometry (lines pipes or cables, polygons "
                         "precaution zones, points other)")
        elif util:
            rule.constants["asset_class"] = default_asset_class(util, families[name])
        elif "utility" in rule.fields and rule.fields["utility"].values:
            # no class field: the class follows each row's utility and the layer's geometry
            src = rule.fields["utility"]
            rule.fields["asset_class"] = FieldRule(source=src.source, values={
                raw: default_asset_class(str(u), families[name])
                for raw, u in src.values.items() if u})
            notes.append(f"{name}: asset class from the geometry ({families[name]}) and "
                         f"{src.source!r}")
    if len(rules) == 1:
        only = next(iter(rules.values()))
        profile.fields = only.fields
        profile.constants.update(only.constants)
    else:
        profile.layers = rules
    if utility:
        profile.constants["utility"] = utility
    profile.notes = notes
    return profile



def _oil_gas_products(table: pa.Table, rule: LayerRule, layer: str, notes: list[str]) -> None:
    """An oil/gas/chemicals pipe is gas only when it carries gas (as the KLIC reader reads it):
    with a product column, oil, fuel and chemicals make it a hazardous pipeline. A layer of
    such pipes only takes its utility from the product (none given: gas); in a layer mixing
    them with other networks they are all hazardous pipelines, never a lower class."""
    by_key = {_key(c): c for c in table.column_names}
    product = next((by_key[k] for k in PRODUCT_COLUMNS if k in by_key), None)
    util = rule.fields.get("utility")
    if product is None or (util is not None and util.source == product):
        return
    if util is not None:
        oily = {raw for raw in util.values if _vkey(raw) in OIL_GAS_CHEMICALS}
        if not oily:
            return
        others = {str(v) for v in _distinct(table, util.source) if str(v).strip()} - oily
        if others:
            for raw in oily:
                util.values[raw] = "hazardous_pipeline"
            notes.append(f"{layer}: oil/gas/chemicals pipes are hazardous pipelines (what each "
                         f"carries, in {product!r}, is not read in a layer of several networks); "
                         "split the layer to class natural-gas pipes as gas")
            return
    elif not (_key(layer) in OIL_GAS_CHEMICALS and rule.constants.get("utility") == "gas"):
        return
    values = {str(v): "gas" if any(w in _vkey(v) for w in GAS_PRODUCTS) else "hazardous_pipeline"
              for v in _distinct(table, product) if str(v).strip()}
    rule.fields["utility"] = FieldRule(source=product, values=values)
    rule.constants["utility"] = "gas"  # a pipe of no product: gas (unknown pressure: high risk)
    notes.append(f"{layer}: utility from what each oil/gas/chemicals pipe carries ({product!r}): "
                 "gas products gas, oil, fuel and chemicals hazardous pipeline, none given gas")


def _unplaced_classes(table: pa.Table, rule: LayerRule) -> list[str]:
    """The values of the layer's asset class column that its value map does not place."""
    spec = rule.fields.get("asset_class")
    if spec is None or spec.unmatched is not None or spec.source not in table.column_names:
        return []
    return sorted({str(v) for v in _distinct(table, spec.source) if str(v).strip()}
                  - set(spec.values))


def geometry_family(source, layer: str) -> str:
    """point, line, polygon or mixed, from the layer's declared geometry type."""
    gtype = (source.layer_info(layer).geometry_type or "").lower()
    for family in ("point", "line", "polygon"):
        if family in gtype:
            return family
    return "mixed"


def _sample_family(geometries: np.ndarray) -> str:
    """point, line or polygon when every geometry read is of that family, else mixed."""
    kinds = set(shapely.get_type_id(geometries[~shapely.is_missing(geometries)]).tolist())
    for family, ids in (("point", {0, 4}), ("line", {1, 2, 5}), ("polygon", {3, 6})):
        if kinds and kinds <= ids:
            return family
    return "mixed"
