"""The auto-mapper: propose a mapping profile from a layer's field names and values.

It recognises the field names owners commonly use (diameter/diam/nominal_diam/DN,
material, depth/cover, status, voltage, pressure, owner…, and a CAD ``Layer``
field), guesses units from names (``DIAM_IN`` → inches, ``COVER_FT`` → feet), and
fills value maps from the distinct values it finds (``MDPE`` → PE, ``Low`` → LP…).
Values it cannot place are listed in a comment for the user to map by hand: the
proposal is a draft the user confirms or edits, never applied silently.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from .profiles import FieldRule, LayerRule, Profile
from .readers import read_layer
from .sources import Source, open_source

MAX_DISTINCT = 300

# canonical field -> normalised source names (lower case, only a-z0-9)
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    # most specific first: a GeoPackage's plain "id"/"fid" is often just the row number
    "asset_id": ("assetid", "featureid", "assetref", "uniqueid", "guid", "uuid", "pipeid",
                 "cableid", "mainid", "ductid", "sewerid", "localid", "gmlid", "reference", "ref", "id",
                 "objectid", "gid", "uid", "fid"),
    "utility": ("utility", "utilitytype", "network", "networktype", "service", "utilitynetwork"),
    "asset_class": ("assetclass", "class", "type", "assettype", "featuretype", "featurecode",
                    "objecttype", "category"),
    "status": ("status", "state", "opstatus", "operationalstatus", "lifecycle", "lifecyclestatus",
               "condition", "currentstatushref", "currentstatus", "conditionoffacility"),
    "diameter_mm": ("diameter", "diam", "nominaldiam", "nominaldiameter", "dn", "dia", "size",
                    "pipesize", "bore", "width", "diametermm", "diamin", "diameterin", "diammm",
                    "nomdiam", "nomdia", "absdiameter"),
    "material": ("material", "mat", "pipematerial", "matl", "materialcode", "cabletype"),
    "depth_m": ("depth", "cover", "depthofcover", "coverdepth", "depthm", "depthft", "coverft",
                "coverm", "dep", "burialdepth"),
    "pressure": ("pressure", "press", "pressuretier", "pres", "oppressure", "pressureclass",
                 "pressurebar", "pressuremb", "pressurembar"),
    "voltage": ("voltage", "volt", "volts", "kv", "voltagekv", "voltagev", "operatingvoltage",
                "voltagelevel", "nominalvoltage"),
    "h_accuracy_m": ("accuracy", "haccuracy", "posaccuracy", "positionalaccuracy", "xyaccuracy",
                     "accuracym", "horizontalaccuracy"),
    "v_accuracy_m": ("vaccuracy", "zaccuracy", "depthaccuracy", "verticalaccuracy"),
    "quality_level": ("qualitylevel", "ql", "pas128", "pas128ql", "surveyquality", "qlevel"),
    "captured_on": ("capturedon", "captured", "capturedate", "surveydate", "installdate",
                    "datelaid", "installed", "datedig", "dateconstructed", "dateinstalled",
                    "date", "laiddate", "installationdate"),
    "restricted": ("restricted", "sensitive", "secure", "confidential"),
}

# normalised value -> canonical value, per canonical field
VALUE_SYNONYMS: dict[str, dict[str, str]] = {
    "material": {
        "pe": "PE", "mdpe": "PE", "hdpe": "PE", "pe80": "PE", "pe100": "PE", "polyethylene": "PE",
        "ci": "CI", "castiron": "CI", "ci_": "CI", "greyiron": "CI", "spun": "CI", "spuniron": "CI",
        "di": "DI", "ductileiron": "DI", "pvc": "PVC", "upvc": "PVC", "mopvc": "PVC", "pvcu": "PVC",
        "st": "steel", "steel": "steel", "stl": "steel", "ms": "steel", "mildsteel": "steel",
        "vc": "clay", "clay": "clay", "vitrifiedclay": "clay", "conc": "concrete",
        "concrete": "concrete", "rc": "concrete", "cu": "copper", "copper": "copper",
        "al": "aluminium", "aluminium": "aluminium", "fibre": "fibre", "fiber": "fibre",
        "fo": "fibre", "opticalfibre": "fibre", "ac": "asbestos cement", "asbestoscement": "asbestos cement",
        "pb": "lead", "lead": "lead", "brick": "brick", "grp": "GRP", "pilc": "PILC", "xlpe": "XLPE",
    },
    "status": {
        "live": "in_service", "active": "in_service", "inservice": "in_service", "inuse": "in_service",
        "existing": "in_service", "operational": "in_service", "commissioned": "in_service",
        "current": "in_service", "proposed": "proposed", "planned": "proposed", "design": "proposed",
        "underconstruction": "under_construction", "construction": "under_construction",
        "disused": "disused", "redundant": "disused", "idle": "disused", "decommissioned": "disused",
        "abandoned": "abandoned", "aband": "abandoned", "dead": "abandoned", "unknown": "unknown",
        # INSPIRE ConditionOfFacilityValue code list
        "functional": "in_service", "projected": "proposed",
    },
    "pressure": {
        "lp": "LP", "low": "LP", "lowpressure": "LP", "mp": "MP", "medium": "MP",
        "mediumpressure": "MP", "ip": "IP", "intermediate": "IP", "intermediatepressure": "IP",
        "hp": "HP", "high": "HP", "highpressure": "HP", "nhp": "HP", "lts": "HP",
    },
    "voltage": {
        "lv": "LV", "lowvoltage": "LV", "230v": "LV", "400v": "LV", "415v": "LV",
        "hv": "HV", "highvoltage": "HV", "66kv": "EHV", "11kv": "HV", "6.6kv": "HV",
        "33kv": "EHV", "132kv": "EHV", "ehv": "EHV", "extrahighvoltage": "EHV", "20kv": "HV",
    },
    "quality_level": {q.lower(): q for q in ("D", "C", "B4", "B3", "B2", "B1", "A")}
    | {f"ql{q.lower()}": q for q in ("D", "C", "B4", "B3", "B2", "B1", "A")},
    "asset_class": {
        "cable": "cable", "pipe": "pipe", "main": "pipe", "mains": "pipe", "service": "pipe",
        "sewer": "pipe", "pipeline": "pipe", "duct": "duct", "conduit": "duct", "chamber": "chamber",
        "manhole": "chamber", "jointbox": "chamber", "inspectionchamber": "chamber",
        "cabinet": "cabinet", "pillar": "cabinet", "pole": "pole", "column": "pole",
        "lightingcolumn": "pole", "valve": "valve", "hydrant": "hydrant", "fitting": "fitting",
        "zone": "precaution_zone", "precautionzone": "precaution_zone",
    },
    "utility": {
        "electricity": "electricity", "electric": "electricity", "elec": "electricity",
        "power": "electricity", "gas": "gas", "water": "water", "potable": "water",
        "sewer": "sewer", "sewerage": "sewer", "wastewater": "sewer", "drainage": "sewer",
        "telecoms": "telecoms", "telecom": "telecoms", "telecommunications": "telecoms",
        "fibre": "telecoms", "districtheating": "district_heating", "heat": "district_heating",
        "streetlighting": "street_lighting", "lighting": "street_lighting",
        "trafficsignals": "traffic_signals", "signals": "traffic_signals",
    },
}

# keywords inside CAD layer names (e.g. "ELEC-HV-CABLE", "SL_COLUMN") -> canonical values
CAD_WORDS = {
    "utility": [("elec", "electricity"), ("gas", "gas"), ("water", "water"), ("wat", "water"),
                ("sew", "sewer"), ("tel", "telecoms"), ("fibre", "telecoms"), ("sl", "street_lighting"),
                ("light", "street_lighting"), ("ts", "traffic_signals"), ("signal", "traffic_signals"),
                ("heat", "district_heating"), ("dh", "district_heating")],
    "asset_class": [("cable", "cable"), ("cab", "cable"), ("duct", "duct"), ("pipe", "pipe"),
                    ("main", "pipe"), ("column", "pole"), ("col", "pole"), ("pole", "pole"),
                    ("signal", "pole"), ("head", "pole"), ("chamber", "chamber"), ("ch", "chamber"),
                    ("valve", "valve"), ("cabinet", "cabinet"), ("zone", "precaution_zone")],
    "voltage": [("ehv", "EHV"), ("hv", "HV"), ("lv", "LV")],
}


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _vkey(value) -> str:
    text = str(value).strip().lower()
    if "/" in text:  # code-list URI: the code is its last segment
        text = text.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[\s\-_]", "", text)


def _unit_from_name(target: str, name: str) -> str | None:
    n = name.lower()
    if target in ("diameter_mm", "depth_m", "h_accuracy_m", "v_accuracy_m"):
        for suffix, unit in (("inches", "in"), ("inch", "in"), ("_in", "in"), ("in", "in"),
                             ("feet", "ft"), ("_ft", "ft"), ("ft", "ft"), ("_mm", "mm"),
                             ("mm", "mm"), ("_cm", "cm"), ("_m", "m")):
            if n.endswith(suffix):
                return unit
        return None
    if target == "pressure":
        for suffix, unit in (("mbar", "mbar"), ("mb", "mbar"), ("bar", "bar"), ("kpa", "kpa"),
                             ("psi", "psi")):
            if n.endswith(suffix):
                return unit
    if target == "voltage":
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


def _value_map(target: str, values: list) -> tuple[dict[str, str], list]:
    syn = VALUE_SYNONYMS.get(target, {})
    mapped, unplaced = {}, []
    for v in values:
        canon = syn.get(_vkey(v))
        if canon is not None:
            mapped[str(v)] = canon
        else:
            unplaced.append(v)
    return mapped, unplaced


def propose_for_table(table: pa.Table, layer: str) -> tuple[LayerRule, list[str]]:
    """Field rules for one layer's attribute table, plus notes for the user."""
    rule = LayerRule()
    notes: list[str] = []
    taken: set[str] = set()
    by_key = {}
    for col in table.column_names:
        by_key.setdefault(_key(col), col)
    for target, names in FIELD_NAMES.items():
        col = next((by_key[n] for n in names if n in by_key and by_key[n] not in taken), None)
        if col is None and target == "asset_id":  # e.g. SVC_ID, PIPEREF_ID
            col = next((c for k, c in by_key.items() if k.endswith("id") and len(k) <= 12), None)
        if col is None:
            continue
        if target == "asset_id":
            arr = table.column(col)
            if arr.null_count == len(arr) or len(pc.unique(arr.drop_null())) < len(arr) * 0.5:
                continue  # not an identifier
        spec = FieldRule(source=col, unit=_unit_from_name(target, col))
        if target in VALUE_SYNONYMS:
            values = _distinct(table, col)
            if len(values) > MAX_DISTINCT:
                if target != "material":
                    continue  # too many distinct values to be a coded field
            else:
                numeric = bool(values) and all(isinstance(v, int | float) for v in values)
                if numeric and target == "voltage" and spec.unit is None:
                    spec.unit = "v" if max(values) > 1000 else "kv"
                if not (numeric and spec.unit):
                    spec.values, unplaced = _value_map(target, values)
                    if unplaced:
                        shown = ", ".join(repr(str(u)) for u in unplaced[:12])
                        notes.append(f"{layer}: {target} values not recognised (map them by "
                                     f"hand): {shown}{' …' if len(unplaced) > 12 else ''}")
        rule.fields[target] = spec
        taken.add(col)
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
    for target in ("diameter_mm", "depth_m"):
        if target in rule.fields and rule.fields[target].unit is None:
            notes.append(f"{layer}: {target} from {rule.fields[target].source!r} assumed in "
                         f"{'mm' if target == 'diameter_mm' else 'metres'}; set unit if not")
    return rule, notes


def propose_profile(path, layers: list[str] | None = None, *, utility: str | None = None,
                    sample: int = 50_000) -> Profile:
    """A draft profile for a source (all layers, or the ones named), from up to ``sample`` rows each.

    With ``utility`` the draft also carries it as a constant and a default asset class
    for layers without a class field (lines → cable/pipe, polygons → precaution zone).
    """
    source = path if isinstance(path, Source) else open_source(path)  # an open Source is reused
    names = layers or source.layer_names()
    profile = Profile(name=f"proposed for {source.path.name}",
                      description="Drafted by the auto-mapper: check every mapping before use.")
    notes: list[str] = []
    rules = {}
    seen_ids: dict[str, set] = {}
    for name in names:
        raw = read_layer(source, name, max_features=sample)
        rules[name], n = propose_for_table(raw.table, name)
        notes += n
        if raw.crs is None:
            notes.append(f"{name}: no CRS in the source; set [source] assume_crs once the owner confirms it")
        if "asset_id" in rules[name].fields:
            col = raw.table.column(rules[name].fields["asset_id"].source)
            seen_ids[name] = set(pc.unique(col.drop_null().cast(pa.string())).to_pylist())
    ids = list(seen_ids.values())
    if any(a & b for i, a in enumerate(ids) for b in ids[i + 1:]):
        profile.id_scope = "layer"
        notes.append("the same ids occur in several layers: ids are scoped by layer (id_scope)")
    if len(rules) == 1:
        only = next(iter(rules.values()))
        profile.fields = only.fields
    else:
        profile.layers = rules
    if utility:
        profile.constants["utility"] = utility
    families = {name: geometry_family(source, name) for name in names}
    for name, rule in (rules.items() if len(rules) > 1 else []):
        if "asset_class" not in rule.fields and utility:
            rule.constants["asset_class"] = default_asset_class(utility, families[name])
    if len(rules) == 1 and "asset_class" not in profile.fields and utility:
        profile.constants["asset_class"] = default_asset_class(utility, families[names[0]])
    profile.notes = notes
    return profile


LINEAR_CABLES = {"electricity", "telecoms", "street_lighting", "traffic_signals"}


def geometry_family(source, layer: str) -> str:
    """point, line, polygon or mixed, from the layer's declared geometry type."""
    gtype = (source.layer_info(layer).geometry_type or "").lower()
    for family in ("point", "line", "polygon"):
        if family in gtype:
            return family
    return "mixed"


def default_asset_class(utility: str, family: str) -> str:
    """What an unlabelled asset most likely is: cables/pipes for lines, zones for polygons."""
    if family == "line":
        return "cable" if utility in LINEAR_CABLES else "pipe"
    if family == "polygon":
        return "precaution_zone"
    if family == "point" and utility in ("sewer",):
        return "chamber"
    return "other"
