"""What the auto-mapper recognises: field names and coded values owners use, in English and in
the Dutch / IMKL and INSPIRE Utility Networks vocabularies.

Names are compared normalised (lower case, only a-z0-9: ``h_accuracy_m`` → ``haccuracym``,
``geoNauwkeurigheidXY_href`` → ``geonauwkeurigheidxyhref``); values normalised the same way
after taking the last segment of a code-list URI, so the http and https spellings of
``inspire.ec.europa.eu/codelist/...`` and ``definities.geostandaarden.nl/imkl2015/...`` are
the same code. Each canonical field's own name comes first: a file exported from a register
(or written to its model) maps onto itself.
"""

from __future__ import annotations

import re
import unicodedata

from asset_register.model import ASSET_COLUMNS


_UNDECOMPOSED = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l", "þ": "th",
                               "œ": "oe"})


def fold(text: str) -> str:
    """Lower case without diacritics: ``fagområde`` → ``fagomrade``, ``Fernwärme`` →
    ``fernwarme``, ``Avløp`` → ``avlop`` (names and values written in Norwegian, Danish,
    Swedish or German are compared as their ASCII letters)."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_UNDECOMPOSED))
    return "".join(c for c in text if not unicodedata.combining(c))


def norm_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(name))


# canonical field -> normalised source names, most specific first (a GeoPackage's plain
# "id"/"fid" is often just the row number)
_NAMES: dict[str, tuple[str, ...]] = {
    "asset_id": ("featureid", "assetref", "uniqueid", "guid", "uuid", "pipeid",
                 "cableid", "mainid", "ductid", "sewerid", "localid", "lokaalid", "gmlid",
                 "identificatie", "reference", "ref", "id", "objectid", "gid", "uid", "fid"),
    "utility": ("utility", "utilitytype", "thema", "themahref", "network", "networktype",
                "service", "utilitynetwork", "utilitynetworktype", "utilitynetworktypehref",
                "netwerk", "nettype", "discipline", "fagomrade", "sparte", "forsyningsart",
                "ledningsart"),
    "asset_class": ("assetclass", "class", "type", "assettype", "featuretype", "featurecode",
                    "objecttype", "category", "soort", "objectsoort", "typeobject", "klasse",
                    "appurtenancetype", "appurtenancetypehref"),
    "status": ("status", "state", "opstatus", "operationalstatus", "lifecycle", "lifecyclestatus",
               "condition", "currentstatushref", "currentstatus", "conditionoffacility",
               "statushref", "toestand", "levenscyclus"),
    "diameter_mm": ("diameter", "diam", "nominaldiam", "nominaldiameter", "dn", "dia", "size",
                    "pipesize", "bore", "width", "diametermm", "diamin", "diameterin", "diammm",
                    "nomdiam", "nomdia", "absdiameter", "pipediameter", "kabeldiameter",
                    "buisdiameter", "doorsnede", "breedte", "exteriorwidth", "outerdiameter",
                    "outsidediameter", "externaldiameter", "nominalwidth", "dimensjon",
                    "nennweite"),
    "material": ("material", "mat", "pipematerial", "matl", "materialcode", "cabletype",
                 "materiaal", "materiaaltype", "materiaalsoort", "buismateriaal",
                 "buismateriaaltype", "buismateriaaltypehref", "pipematerialhref",
                 "kabelmateriaal", "materialhref", "telecommunicationscablematerialtype",
                 "telecommunicationscablematerialtypehref"),
    "depth_m": ("depth", "cover", "depthofcover", "coverdepth", "depthft", "coverft",
                "coverm", "dep", "burialdepth", "diepte", "dekking", "gronddekking",
                "diepteligging", "dieptetovmaaiveld", "standaarddieptelegging", "dybde",
                "overdekning", "tiefe", "verlegetiefe", "djup"),
    "pressure": ("pressure", "press", "pressuretier", "pres", "oppressure", "pressureclass",
                 "pressurebar", "pressuremb", "pressurembar", "druk", "werkdruk", "bedrijfsdruk",
                 "maximaledruk", "gasdruk", "drukklasse"),
    "voltage": ("voltage", "volt", "volts", "kv", "voltagekv", "voltagev", "operatingvoltage",
                "voltagelevel", "nominalvoltage", "spanning", "bedrijfsspanning",
                "nominalespanning", "spanningsniveau", "spenning", "spannung", "spaending"),
    "h_accuracy_m": ("accuracy", "haccuracy", "posaccuracy", "positionalaccuracy", "xyaccuracy",
                     "accuracym", "horizontalaccuracy", "geonauwkeurigheidxy",
                     "geonauwkeurigheidxyhref", "nauwkeurigheidxy", "nauwkeurigheid"),
    "v_accuracy_m": ("vaccuracy", "zaccuracy", "depthaccuracy", "verticalaccuracy",
                     "nauwkeurigheiddiepte", "nauwkeurigheiddieptehref", "geonauwkeurigheidz"),
    "quality_level": ("qualitylevel", "ql", "pas128", "pas128ql", "surveyquality", "qlevel"),
    "captured_on": ("capturedon", "captured", "capturedate", "surveydate", "installdate",
                    "datelaid", "installed", "datedig", "dateconstructed", "dateinstalled",
                    "date", "laiddate", "installationdate", "aanlegdatum", "datumaanleg",
                    "datuminbedrijf", "inbedrijfname"),
    "restricted": ("restricted", "sensitive", "secure", "confidential"),
    "depth_source": ("depthsource",),
    "pressure_bar": (),
    "voltage_v": (),
}
# every canonical field's own name first
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    target: (norm_name(target), *(n for n in _NAMES.get(target, ()) if n != norm_name(target)))
    for target in [*_NAMES, *(c for c in ASSET_COLUMNS if c not in _NAMES)]
    if target not in ("owner", "attrs")
}

# IMKL accuracy classes (NauwkeurigheidXYvalue / NauwkeurigheidDiepteValue) -> metres
ACCURACY_CLASSES = {"tot30cm": 0.3, "tot50cm": 0.5, "tot60cm": 0.6, "tot100cm": 1.0, "tot1m": 1.0,
                    "tot200cm": 2.0, "tot2m": 2.0, "tot10cm": 0.1, "tot20cm": 0.2}

# IMKL themes (waardelijst Thema) -> utility, and the voltage class a theme settles exactly.
# Gas themes give no pressure class: Dutch "lage druk" reaches 200 mbar, MP in the IGEM bands,
# so the pressure stays unknown (high risk in the check) unless a value is given.
IMKL_THEMES = {
    "laagspanning": "electricity", "middenspanning": "electricity", "hoogspanning": "electricity",
    "landelijkhoogspanningsnet": "electricity", "gaslagedruk": "gas", "gashogedruk": "gas",
    "water": "water", "rioolvrijverval": "sewer", "rioolonderoverofonderdruk": "sewer",
    "riool": "sewer", "datatransport": "telecoms", "warmte": "district_heating",
    "buisleidinggevaarlijkeinhoud": "hazardous_pipeline", "overig": "other",
    "wees": "other",
}
THEME_VOLTAGE = {"laagspanning": "LV", "middenspanning": "HV", "hoogspanning": "EHV",
                 "landelijkhoogspanningsnet": "EHV"}

# an oil/gas/chemicals pipe carrying one of these is gas; anything else it carries (oil, fuel,
# chemicals) makes it a hazardous pipeline
GAS_PRODUCTS = ("gas", "methane", "hydrogen", "waterstof")
# INSPIRE / IMKL oil-gas-chemicals networks and pipes, and the columns naming their product
OIL_GAS_CHEMICALS = ("oilgaschemicals", "oilgaschemical", "oilgaschemicalspipe",
                     "oliegaschemicalienpijpleiding")
PRODUCT_COLUMNS = ("oilgaschemicalsproducttype", "oilgaschemicalsproducttypehref",
                   "producttype", "product", "inhoud")

# IMKL / INSPIRE cable and pipe feature types (GML layer names) -> utility
FEATURE_UTILITY = {
    "elektriciteitskabel": "electricity", "electricitycable": "electricity",
    "telecommunicatiekabel": "telecoms", "telecommunicationscable": "telecoms",
    "oliegaschemicalienpijpleiding": "gas", "oilgaschemicalspipe": "gas",
    "waterleiding": "water", "waterpipe": "water", "rioolleiding": "sewer",
    "sewerpipe": "sewer", "thermischepijpleiding": "district_heating",
    "thermalpipe": "district_heating",
}

# normalised value -> canonical value, per canonical field
VALUE_SYNONYMS: dict[str, dict[str, object]] = {
    "material": {
        "pe": "PE", "mdpe": "PE", "hdpe": "PE", "pe80": "PE", "pe100": "PE", "polyethylene": "PE",
        "pehd": "PE", "polyetheen": "PE",
        "ci": "CI", "castiron": "CI", "ci_": "CI", "greyiron": "CI", "spun": "CI", "spuniron": "CI",
        "gietijzer": "CI", "grijsgietijzer": "CI",
        "di": "DI", "ductileiron": "DI", "nodulairgietijzer": "DI", "nodulair": "DI",
        "pvc": "PVC", "upvc": "PVC", "mopvc": "PVC", "pvcu": "PVC", "hpvc": "PVC",
        "st": "steel", "steel": "steel", "stl": "steel", "ms": "steel", "mildsteel": "steel",
        "staal": "steel",
        "vc": "clay", "clay": "clay", "vitrifiedclay": "clay", "gres": "clay", "steengoed": "clay",
        "conc": "concrete", "concrete": "concrete", "rc": "concrete", "beton": "concrete",
        "gewapendbeton": "concrete", "reinforcedconcrete": "concrete",
        "cu": "copper", "copper": "copper", "koper": "copper",
        "al": "aluminium", "aluminium": "aluminium",
        "fibre": "fibre", "fiber": "fibre", "fo": "fibre", "opticalfibre": "fibre",
        "glasvezel": "fibre",
        "ac": "asbestos cement", "asbestoscement": "asbestos cement",
        "asbestcement": "asbestos cement",
        "pb": "lead", "lead": "lead", "lood": "lead", "brick": "brick", "metselwerk": "brick",
        "baksteen": "brick", "masonry": "brick",
        "grp": "GRP", "gvk": "GRP", "pilc": "PILC", "xlpe": "XLPE", "pp": "PP",
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
        # Dutch
        "ingebruik": "in_service", "inbedrijf": "in_service", "buitengebruik": "disused",
        "buitenbedrijf": "disused", "buitengebruikgesteld": "disused", "gepland": "proposed",
        "ontwerp": "proposed", "inaanleg": "under_construction", "verlaten": "abandoned",
        "onbekend": "unknown",
    },
    "pressure": {
        "lp": "LP", "low": "LP", "lowpressure": "LP", "mp": "MP", "medium": "MP",
        "mediumpressure": "MP", "ip": "IP", "intermediate": "IP", "intermediatepressure": "IP",
        "hp": "HP", "high": "HP", "highpressure": "HP", "nhp": "HP", "lts": "HP",
    },
    "voltage": {
        "lv": "LV", "lowvoltage": "LV", "hv": "HV", "highvoltage": "HV", "ehv": "EHV",
        "extrahighvoltage": "EHV", "ls": "LV", "laagspanning": "LV", "ms": "HV",
        "middenspanning": "HV", "hs": "EHV", "hoogspanning": "EHV",
    },
    "quality_level": {q.lower(): q for q in ("D", "C", "B4", "B3", "B2", "B1", "A")}
    | {f"ql{q.lower()}": q for q in ("D", "C", "B4", "B3", "B2", "B1", "A")},
    "h_accuracy_m": ACCURACY_CLASSES,
    "v_accuracy_m": ACCURACY_CLASSES,
    "asset_class": {
        "cable": "cable", "pipe": "pipe", "main": "pipe", "mains": "pipe", "service": "pipe",
        "sewer": "pipe", "pipeline": "pipe", "duct": "duct", "conduit": "duct", "chamber": "chamber",
        "manhole": "chamber", "jointbox": "chamber", "inspectionchamber": "chamber",
        "cabinet": "cabinet", "pillar": "cabinet", "pole": "pole", "column": "pole",
        "lightingcolumn": "pole", "valve": "valve", "hydrant": "hydrant", "firehydrant": "hydrant",
        "fitting": "fitting", "zone": "precaution_zone", "precautionzone": "precaution_zone",
        # Dutch, and IMKL / INSPIRE feature types
        "kabel": "cable", "leiding": "pipe", "buis": "pipe", "hoofdleiding": "pipe",
        "dienstleiding": "pipe", "mantelbuis": "duct", "kabelbed": "duct", "kabelgoot": "duct",
        "afsluiter": "valve", "schuif": "valve", "klep": "valve", "kraan": "valve",
        "brandkraan": "hydrant", "mangat": "chamber", "put": "chamber", "inspectieput": "chamber",
        "kolk": "chamber", "kast": "cabinet", "verdeelkast": "cabinet", "mof": "fitting",
        "aansluiting": "fitting", "mast": "pole", "paal": "pole", "lichtmast": "pole",
        "elektriciteitskabel": "cable", "telecommunicatiekabel": "cable",
        "oliegaschemicalienpijpleiding": "pipe", "waterleiding": "pipe", "rioolleiding": "pipe",
        "thermischepijpleiding": "pipe", "electricitycable": "cable",
        "telecommunicationscable": "cable", "oilgaschemicalspipe": "pipe", "waterpipe": "pipe",
        "sewerpipe": "pipe", "thermalpipe": "pipe",
        "eisvoorzorgsmaatregel": "precaution_zone",
        "aanduidingeisvoorzorgsmaatregel": "precaution_zone",
    },
    "utility": {
        "electricity": "electricity", "electric": "electricity", "elec": "electricity",
        "power": "electricity", "gas": "gas", "water": "water", "potable": "water",
        "sewer": "sewer", "sewerage": "sewer", "wastewater": "sewer", "drainage": "sewer",
        "telecoms": "telecoms", "telecom": "telecoms", "telecommunications": "telecoms",
        "fibre": "telecoms", "districtheating": "district_heating", "heat": "district_heating",
        "streetlighting": "street_lighting", "lighting": "street_lighting",
        "trafficsignals": "traffic_signals", "signals": "traffic_signals",
        # INSPIRE UtilityNetworkTypeValue
        "oilgaschemicals": "gas", "thermal": "district_heating", "crosstheme": "other",
        # Dutch, and the IMKL themes
        "elektriciteit": "electricity", "electriciteit": "electricity", "riool": "sewer",
        "riolering": "sewer", "afvalwater": "sewer", "drinkwater": "water",
        "telecommunicatie": "telecoms", "stadsverwarming": "district_heating",
        "openbareverlichting": "street_lighting", "verkeersregelinstallatie": "traffic_signals",
        # what a pipeline carries, when it is not gas (never a lower class than gas)
        "hazardouspipeline": "hazardous_pipeline", "oil": "hazardous_pipeline",
        "crudeoil": "hazardous_pipeline", "petroleum": "hazardous_pipeline",
        "petrochemical": "hazardous_pipeline", "petrochemicals": "hazardous_pipeline",
        "petrochemie": "hazardous_pipeline", "fuel": "hazardous_pipeline",
        "aviationfuel": "hazardous_pipeline", "jetfuel": "hazardous_pipeline",
        "chemical": "hazardous_pipeline", "chemicals": "hazardous_pipeline",
        "oilpipeline": "hazardous_pipeline", "fuelpipeline": "hazardous_pipeline",
        "olie": "hazardous_pipeline", "brandstof": "hazardous_pipeline",
        "chemicalien": "hazardous_pipeline",
        # Norwegian / Danish / Swedish, German (SOSI, Ledningsejerregistret, ALKIS-style names)
        "elektrisitet": "electricity", "elkraft": "electricity", "el": "electricity",
        "elforsyning": "electricity", "strom": "electricity", "elektrizitat": "electricity",
        "starkstrom": "electricity", "elektricitet": "electricity", "gass": "gas",
        "vann": "water", "vand": "water", "vatten": "water", "wasser": "water",
        "trinkwasser": "water", "vannforsyning": "water", "vandforsyning": "water",
        "avlop": "sewer", "spillvann": "sewer", "overvann": "sewer", "spildevand": "sewer",
        "kloak": "sewer", "regnvand": "sewer", "avlopp": "sewer", "abwasser": "sewer",
        "kanal": "sewer", "kanalisation": "sewer", "telekommunikasjon": "telecoms",
        "tele": "telecoms", "telekommunikation": "telecoms", "telekom": "telecoms",
        "fjernvarme": "district_heating", "fjarrvarme": "district_heating",
        "fernwarme": "district_heating", "gatelys": "street_lighting",
        "vejbelysning": "street_lighting", "strassenbeleuchtung": "street_lighting",
        **IMKL_THEMES,
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
