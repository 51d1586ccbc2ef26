"""IMKL 2.x and INSPIRE Utility Networks vocabularies → the canonical model.

Feature types, IMKL themes (``thema``), INSPIRE network types and condition codes,
accuracy classes (``tot30cm``…), units of measure and pipe/cable materials. Code-list
values are URIs in http or https spellings (INSPIRE's and Geonovum's registers);
only their last segment is compared, case-folded.
"""

from __future__ import annotations

import re

from importers.profiles import LENGTH_TO_M, PRESSURE_TO_BAR, VOLTAGE_TO_V, length_in
from importers.vocabulary import GAS_PRODUCTS  # noqa: F401 - read as vocab.GAS_PRODUCTS

# feature type -> (asset class, utility when its network says nothing)
ASSET_TYPES: dict[str, tuple[str, str | None]] = {
    # IMKL cables and pipes (KabelOfLeiding)
    "Elektriciteitskabel": ("cable", "electricity"),
    "Telecommunicatiekabel": ("cable", "telecoms"),
    "OlieGasChemicalienPijpleiding": ("pipe", "gas"),
    "Waterleiding": ("pipe", "water"),
    "Rioolleiding": ("pipe", "sewer"),
    "ThermischePijpleiding": ("pipe", "district_heating"),
    "Overig": ("other", None),
    # IMKL containers (KabelEnLeidingContainer)
    "Mantelbuis": ("duct", None),
    "Kabelbed": ("duct", None),
    "Buisleiding": ("pipe", None),
    # IMKL network nodes (ContainerLeidingelement / Leidingelement)
    "Mangat": ("chamber", None),
    "Kast": ("cabinet", None),
    "Mast": ("pole", None),
    "Toren": ("pole", None),
    "TechnischGebouw": ("cabinet", None),
    "Appurtenance": ("fitting", None),
    # INSPIRE Utility Networks
    "ElectricityCable": ("cable", "electricity"),
    "TelecommunicationsCable": ("cable", "telecoms"),
    "OilGasChemicalsPipe": ("pipe", "gas"),
    "WaterPipe": ("pipe", "water"),
    "SewerPipe": ("pipe", "sewer"),
    "ThermalPipe": ("pipe", "district_heating"),
    "Pipe": ("pipe", None),
    "Cable": ("cable", None),
    "Duct": ("duct", None),
    "Manhole": ("chamber", None),
    "Cabinet": ("cabinet", None),
    "Pole": ("pole", None),
    "Tower": ("pole", None),
}
PRECAUTION_TYPES = {"AanduidingEisVoorzorgsmaatregel"}
REQUEST_POLYGONS = ("Graafpolygoon", "Orientatiepolygoon", "Informatiepolygoon")
LINK_TYPES = {"UtilityLink", "UtilityLinkSequence", "UtilityLinkSet"}
NETWORK_TYPES = {"Utiliteitsnet", "UtilityNetwork"}
DEPTH_TYPES = {"DiepteTovMaaiveld", "DiepteNAP", "Diepte"}
# drawing aids and attachments: counted, never read (in practice most of a delivery)
NOT_READ = frozenset({"Annotatie", "Maatvoering", "Label", "ExtraGeometrie", "ExtraDetailinfo",
                      "EigenTopografie", "Bijlage", "GebiedsinformatieLevering"})

# IMKL thema -> (utility, voltage hint, pressure hint)
THEMES: dict[str, tuple[str, str | None, str | None]] = {
    "laagspanning": ("electricity", "LV", None),
    "middenspanning": ("electricity", "HV", None),
    "hoogspanning": ("electricity", "EHV", None),
    "landelijkhoogspanningsnet": ("electricity", "EHV", None),
    "gaslagedruk": ("gas", None, "LP"),
    "gashogedruk": ("gas", None, "MP"),
    "buisleidinggevaarlijkeinhoud": ("hazardous_pipeline", None, None),
    "petrochemie": ("hazardous_pipeline", None, None),
    "water": ("water", None, None),
    "rioolvrijverval": ("sewer", None, None),
    "rioolonderoverofonderdruk": ("sewer", None, None),
    "riool": ("sewer", None, None),
    "datatransport": ("telecoms", None, None),
    "warmte": ("district_heating", None, None),
    "wees": ("other", None, None),
    "overig": ("other", None, None),
}
NETWORK_UTILITY = {
    "electricity": "electricity", "oilgaschemical": "gas", "oilgaschemicals": "gas",
    "water": "water", "sewer": "sewer", "thermal": "district_heating",
    "telecommunications": "telecoms", "crossthematic": "other", "overig": "other",
}
STATUS = {
    "functional": "in_service", "projected": "proposed", "underconstruction": "under_construction",
    "disused": "disused", "decommissioned": "abandoned",
}
MATERIALS = {
    "pe": "PE", "hdpe": "PE", "mdpe": "PE", "ldpe": "PE", "polyethylene": "PE", "polyethyleen": "PE",
    "pvc": "PVC", "pp": "PP", "polypropylene": "PP", "steel": "steel", "staal": "steel",
    "ductileiron": "DI", "nodulairgietijzer": "DI", "castiron": "CI", "gietijzer": "CI",
    "iron": "CI", "concrete": "concrete", "beton": "concrete", "clay": "clay",
    "gresbuis": "clay", "gres": "clay", "stoneware": "clay", "copper": "copper", "koper": "copper",
    "aluminium": "aluminium", "aluminum": "aluminium", "lead": "lead", "lood": "lead",
    "asbestoscement": "asbestos cement", "asbestcement": "asbestos cement",
    "fibre": "fibre", "glasvezel": "fibre", "opticalfibre": "fibre", "opticalfiber": "fibre",
    "glassfibre": "fibre",
    "polyester": "GRP", "grp": "GRP", "masonry": "masonry", "metselwerk": "masonry",
}
VALVE_WORDS = ("afsluiter", "valve", "klep", "schuif")
HYDRANT_WORDS = ("brandkraan", "hydrant")

# attribute names, most safety-relevant first
VOLTAGE_KEYS = ("nominaleSpanning", "nominalVoltage", "operatingVoltage", "bedrijfsspanning",
                "spanning")
PRESSURE_KEYS = ("maximaleOperationeleDruk", "maximumOperatingPressure", "operationeleDruk",
                 "operatingPressure", "pressure", "druk")
DIAMETER_KEYS = ("buisDiameter", "pipeDiameter", "diameter", "kabelDiameter", "ductWidth",
                 "breedte", "width")
MATERIAL_KEYS = ("materiaal", "buismateriaalType", "pipeMaterial", "cableMaterial",
                 "kabelMateriaal", "materiaalType", "telecommunicationsCableMaterialType",
                 "telecommunicationsCableMaterial")
DEPTH_KEYS = ("diepte", "diepteTovMaaiveld", "depth")


def code(value) -> str | None:
    """The code of a code-list value or URI (its last path segment), case-folded."""
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0]
    text = str(value).strip().rstrip("/")
    return re.split(r"[/#]", text)[-1].casefold() if text else None


def uom(value: str | None) -> str | None:
    """A unit from ``urn:ogc:def:uom:OGC::cm``, ``…/uom/UCUM/kV``, ``mm``… (case kept)."""
    if not value:
        return None
    return re.split(r"[:/#]", value.strip())[-1] or None


def number(props: dict, key: str) -> float | None:
    v = props.get(key)
    if isinstance(v, list):
        v = v[0]
    try:
        f = float(str(v).strip().replace(",", ".")) if v is not None else None
    except ValueError:
        return None
    return f if f is not None and f == f and abs(f) != float("inf") else None


def first_value(props: dict, keys, scale: dict, default_unit: str) -> tuple[float | None, str | None]:
    """(value in base units, source key) of the first key holding a positive number."""
    for key in keys:
        v = number(props, key)
        if v is None or v <= 0:
            continue
        unit = uom(props.get(f"{key}_uom")) or default_unit
        factor = scale.get(unit) or scale.get(unit.casefold())
        if factor is None:
            continue
        return v * factor, key
    return None, None


def pressure_class(bar: float) -> str:
    """Default gas pressure tier of a value (IGEM: LP ≤ 75 mbar < MP ≤ 2 < IP ≤ 7 bar < HP);
    the check re-classes recorded values with the rules' own thresholds."""
    return "LP" if bar <= 0.075 else "MP" if bar <= 2.0 else "IP" if bar <= 7.0 else "HP"


def voltage_class(volts: float) -> str:
    """Default voltage band of a value (LV ≤ 1 kV < HV ≤ 30 kV < EHV)."""
    return "LV" if volts <= 1000 else "HV" if volts <= 30000 else "EHV"


def voltage_v(props: dict) -> float | None:
    return first_value(props, VOLTAGE_KEYS, VOLTAGE_TO_V, "V")[0]


def pressure_bar(props: dict) -> float | None:
    return first_value(props, PRESSURE_KEYS, PRESSURE_TO_BAR, "bar")[0]


def diameter_mm(props: dict) -> float | None:
    m = first_value(props, DIAMETER_KEYS, LENGTH_TO_M, "mm")[0]
    return None if m is None else length_in(m, 1000.0)


def depth_m(props: dict) -> float | None:
    m = first_value(props, DEPTH_KEYS, LENGTH_TO_M, "m")[0]
    return None if m is None else length_in(m, 1.0)


def accuracy_m(value) -> float | None:
    """``tot30cm`` → 0.3, ``tot100cm`` → 1.0; ``onbekend`` and anything else → None."""
    m = re.fullmatch(r"tot(\d+)cm", code(value) or "")
    return int(m.group(1)) / 100.0 if m else None


def material(props: dict) -> str | None:
    for key in MATERIAL_KEYS:
        c = code(props.get(key))
        if c:
            c2 = re.sub(r"[^a-z0-9]", "", c)
            return MATERIALS.get(c2, c)
    return None
