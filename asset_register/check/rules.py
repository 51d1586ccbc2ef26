"""Dig-check rules: the authority's versioned TOML file (DESIGN §5), loaded and validated.

The rules say how far each kind of asset must be kept from a dig (risk classes), what
precaution applies, how much positional uncertainty to assume for records without a stated
accuracy, and how far to look for other works to coordinate with. Every key is checked:
an unknown or mistyped key is an error naming it and listing the valid ones, because a
silently ignored safety setting is worse than a refused file. See docs/rules.md.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from pathlib import Path

from .. import settings as reg
from ..errors import RulesError, SettingError
from ..model import AssetClass, Pressure, QualityLevel, Status, Utility, Voltage
from .methods import METHODS

NULL = "null"  # a match value that fits a missing field (e.g. electricity of unknown voltage)
MATCH_FIELDS = {
    "utility": Utility, "asset_class": AssetClass, "status": Status,
    "pressure": Pressure, "voltage": Voltage, "owner": None,
}
_TOP = {"version", "description", "classes", "uncertainty", "methods", "depth",
        "coordination", "owners", "footprint", "unknown", "thresholds", "notices"}
_CLASS = {"name", "label", "match", "clearance_m", "add_uncertainty", "add_half_width",
          "high_risk", "contact_owner", "precaution"}
_UNCERTAINTY = {"unknown_m", "crs_unknown_m", "quality_level"}
_METHOD = {"extra_clearance_m", "advice"}
_DEPTH = {"lower_severity", "margin_m"}
_COORD = {"distance_m", "ignore_status"}
_OWNERS = {"expected_utilities"}
_FOOTPRINT = {"max_outside_m"}
_NOTICES = {"notice_period_working_days", "response_working_days", "usrn_distance_m"}
_UNKNOWN = {"gas_pressure", "electricity_voltage"}
_THRESHOLDS = {"pressure_bar", "voltage_v"}
# Defaults: IGEM bands for gas (LP <= 75 mbar < MP <= 2 bar < IP <= 7 bar < HP) and UK
# distribution practice for electricity (LV <= 1 kV < HV <= 30 kV < EHV: 33, 66, 132 kV...).
DEFAULT_PRESSURE_BAR = (("LP", 0.075), ("MP", 2.0), ("IP", 7.0), ("HP", float("inf")))
DEFAULT_VOLTAGE_V = (("LV", 1000.0), ("HV", 30000.0), ("EHV", float("inf")))


@dataclass(frozen=True)
class RiskClass:
    """One risk class: which assets it matches and the clearance / precaution for them."""

    name: str
    label: str
    match: dict[str, tuple[str, ...]]
    clearance_m: float
    precaution: str
    high_risk: bool = False
    contact_owner: bool = False
    add_uncertainty: bool = True
    add_half_width: bool = True


@dataclass(frozen=True)
class Rules:
    version: str
    classes: tuple[RiskClass, ...]
    description: str = ""
    unknown_uncertainty_m: float = 1.0
    crs_unknown_m: float = 0.0
    quality_level_m: dict[str, float] = field(default_factory=dict)
    method_extra_m: dict[str, float] = field(default_factory=dict)
    method_advice: dict[str, str] = field(default_factory=dict)
    depth_lowers_severity: bool = False
    depth_margin_m: float = 0.3
    coordination_m: float = 50.0
    ignore_works_status: tuple[str, ...] = ("cancelled", "completed")
    expected_utilities: tuple[str, ...] = ()
    max_outside_m: float = 10000.0
    # Notices: working days from issue to the works start, owners' response time (always
    # shorter, so the deadline falls before the start), how near a USRN's street must be.
    notice_period_days: int = 5
    response_days: int = 3
    usrn_distance_m: float = 20.0
    # Unknown is dangerous: the class gas of unknown pressure / electricity of unknown voltage
    # is matched as (None: left unknown, so only a "null" match value fits it).
    unknown_gas_pressure: str | None = "HP"
    unknown_electricity_voltage: str | None = "EHV"
    # (class, upper limit inclusive) in rising order; the last class has no upper limit.
    pressure_bar: tuple[tuple[str, float], ...] = DEFAULT_PRESSURE_BAR
    voltage_v: tuple[tuple[str, float], ...] = DEFAULT_VOLTAGE_V
    source: str = "<default>"
    # Said with every check made with these rules (e.g. the shipped rules standing in for an
    # authority's file an upgrade could not read).
    warnings: tuple[str, ...] = ()

    @cached_property
    def check_memo(self) -> dict:
        """What the check works out once per set of rules (clearance.py: the classes as
        arrays, the class of each combination of the fields classes are matched on)."""
        return {}

    def max_uncertainty_m(self) -> float:
        """The largest uncertainty a record without h_accuracy_m can be given."""
        return max([self.unknown_uncertainty_m, *self.quality_level_m.values()])

    def class_by_name(self, name: str) -> RiskClass:
        return next(c for c in self.classes if c.name == name)


def _where(src: str, path: str) -> str:
    return f"rules file {src}: {path}"


def _check_keys(table: dict, valid: set[str], src: str, path: str) -> None:
    if not isinstance(table, dict):
        raise RulesError(f"{_where(src, path)} must be a table, not {type(table).__name__}")
    unknown = sorted(set(table) - valid)
    if unknown:
        raise RulesError(
            f"{_where(src, path)}: unknown key {unknown[0]!r}; valid keys are {sorted(valid)}"
        )


def _number(value, src: str, path: str, *, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RulesError(f"{_where(src, path)} must be a number of metres, not {value!r}")
    if value != value or value < minimum or value == float("inf"):
        raise RulesError(f"{_where(src, path)} = {value!r} must be a finite number >= {minimum}")
    return float(value)


def _flag(value, src: str, path: str) -> bool:
    if not isinstance(value, bool):
        raise RulesError(f"{_where(src, path)} must be true or false, not {value!r}")
    return value


def _text(value, src: str, path: str, *, required: bool = True) -> str:
    if not isinstance(value, str) or (required and not value.strip()):
        raise RulesError(f"{_where(src, path)} must be a non-empty text, not {value!r}")
    return value


def _match(table, src: str, path: str) -> dict[str, tuple[str, ...]]:
    _check_keys(table, set(MATCH_FIELDS), src, path)
    out = {}
    for key, values in table.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            raise RulesError(f"{_where(src, f'{path}.{key}')} must be a non-empty list of texts")
        enum = MATCH_FIELDS[key]
        if enum is not None:
            allowed = {e.value for e in enum} | {NULL}
            bad = [v for v in values if v not in allowed]
            if bad:
                raise RulesError(
                    f"{_where(src, f'{path}.{key}')}: {bad[0]!r} is not one of {sorted(allowed)}"
                )
        out[key] = tuple(values)
    return out


def _classes(items, src: str) -> tuple[RiskClass, ...]:
    if not isinstance(items, list) or not items:
        raise RulesError(f"{_where(src, 'classes')} must be a non-empty list of [[classes]] tables")
    classes: list[RiskClass] = []
    for i, item in enumerate(items):
        p = f"classes[{i}]"
        _check_keys(item, _CLASS, src, p)
        for key in ("name", "clearance_m", "precaution"):
            if key not in item:
                raise RulesError(f"{_where(src, p)} has no {key!r}: every class needs one")
        name = _text(item["name"], src, f"{p}.name")
        if any(c.name == name for c in classes):
            raise RulesError(f"{_where(src, p)}: class name {name!r} is used twice")
        if classes and not classes[-1].match:
            raise RulesError(
                f"{_where(src, p)}: class {name!r} can never match because class "
                f"{classes[-1].name!r} before it matches every asset; move the catch-all last"
            )
        classes.append(RiskClass(
            name=name,
            label=_text(item.get("label", name), src, f"{p}.label"),
            match=_match(item.get("match", {}), src, f"{p}.match"),
            clearance_m=_number(item["clearance_m"], src, f"{p}.clearance_m"),
            precaution=_text(item["precaution"], src, f"{p}.precaution"),
            high_risk=_flag(item.get("high_risk", False), src, f"{p}.high_risk"),
            contact_owner=_flag(item.get("contact_owner", False), src, f"{p}.contact_owner"),
            add_uncertainty=_flag(item.get("add_uncertainty", True), src, f"{p}.add_uncertainty"),
            add_half_width=_flag(item.get("add_half_width", True), src, f"{p}.add_half_width"),
        ))
    if classes[-1].match:
        raise RulesError(
            f"{_where(src, 'classes')}: the last class ({classes[-1].name!r}) must have an empty "
            "match so that every asset gets a clearance; add a catch-all class such as "
            "'buried_service' with match = {} at the end"
        )
    return tuple(classes)


def _unknown_class(value, enum, src: str, path: str) -> str | None:
    allowed = [e.value for e in enum]
    if value == NULL:
        return None
    if value not in allowed:
        raise RulesError(f"{_where(src, path)} = {value!r} must be one of {allowed} or \"null\"")
    return value


def _bands(table, enum, default, src: str, path: str) -> tuple[tuple[str, float], ...]:
    """Upper limits per class ({LP = 0.075, MP = 2.0, IP = 7.0}): every class but the top one,
    rising; the top class takes every value above the last limit."""
    if table is None:
        return default
    order = [e.value for e in enum]
    _check_keys(table, set(order[:-1]), src, path)
    missing = [c for c in order[:-1] if c not in table]
    if missing:
        raise RulesError(f"{_where(src, path)} has no limit for {missing[0]!r}: give the upper "
                         f"limit of each of {order[:-1]} ({order[-1]} is everything above)")
    limits = [_number(table[c], src, f"{path}.{c}") for c in order[:-1]]
    if any(b <= a for a, b in zip(limits, limits[1:], strict=False)):
        raise RulesError(f"{_where(src, path)} = {table!r}: limits must rise from "
                         f"{order[0]} to {order[-2]}")
    return (*zip(order[:-1], limits, strict=True), (order[-1], float("inf")))


def _notices(table, src: str) -> tuple[int, int, float]:
    """[notices]: notice period and response time (whole working days), USRN distance."""
    _check_keys(table, _NOTICES, src, "notices")
    days = []
    for key, default in (("notice_period_working_days", 5), ("response_working_days", 3)):
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 260:
            raise RulesError(f"{_where(src, 'notices.' + key)} = {value!r}: give a whole number "
                             "of working days from 1 to 260")
        days.append(value)
    if days[1] >= days[0]:
        raise RulesError(f"{_where(src, 'notices')}: response_working_days ({days[1]}) must be "
                         f"less than notice_period_working_days ({days[0]}) so that owners "
                         "answer before the works start")
    usrn_m = _number(table.get("usrn_distance_m", 20.0), src, "notices.usrn_distance_m")
    return days[0], days[1], usrn_m


def parse_rules(data: dict, source: str = "<rules>") -> Rules:
    """Validate a parsed TOML document and build Rules (raises RulesError)."""
    src = source
    _check_keys(data, _TOP, src, "top level")
    for key in ("version", "classes"):
        if key not in data:
            raise RulesError(f"{_where(src, 'top level')} has no {key!r}: it is required")
    version = data["version"]
    if isinstance(version, int | float) and not isinstance(version, bool):
        version = str(version)
    version = _text(version, src, "version")
    unc = data.get("uncertainty", {})
    _check_keys(unc, _UNCERTAINTY, src, "uncertainty")
    ql = unc.get("quality_level", {})
    _check_keys(ql, {q.value for q in QualityLevel}, src, "uncertainty.quality_level")
    methods = data.get("methods", {})
    _check_keys(methods, set(METHODS), src, "methods")
    for m, table in methods.items():
        _check_keys(table, _METHOD, src, f"methods.{m}")
    depth = data.get("depth", {})
    _check_keys(depth, _DEPTH, src, "depth")
    coord = data.get("coordination", {})
    _check_keys(coord, _COORD, src, "coordination")
    ignore = coord.get("ignore_status", ["cancelled", "completed"])
    if not isinstance(ignore, list) or not all(isinstance(s, str) for s in ignore):
        raise RulesError(f"{_where(src, 'coordination.ignore_status')} must be a list of texts")
    owners = data.get("owners", {})
    _check_keys(owners, _OWNERS, src, "owners")
    expected = owners.get("expected_utilities", [])
    valid_utils = {u.value for u in Utility}
    if not isinstance(expected, list) or any(u not in valid_utils for u in expected):
        raise RulesError(
            f"{_where(src, 'owners.expected_utilities')} = {expected!r}: each must be one of "
            f"{sorted(valid_utils)}"
        )
    fp = data.get("footprint", {})
    _check_keys(fp, _FOOTPRINT, src, "footprint")
    unknown = data.get("unknown", {})
    _check_keys(unknown, _UNKNOWN, src, "unknown")
    limits = data.get("thresholds", {})
    _check_keys(limits, _THRESHOLDS, src, "thresholds")
    period, respond, usrn_m = _notices(data.get("notices", {}), src)
    return Rules(
        version=version,
        description=_text(data.get("description", ""), src, "description", required=False),
        classes=_classes(data["classes"], src),
        unknown_uncertainty_m=_number(unc.get("unknown_m", 1.0), src, "uncertainty.unknown_m"),
        crs_unknown_m=_number(unc.get("crs_unknown_m", 0.0), src, "uncertainty.crs_unknown_m"),
        quality_level_m={
            q: _number(v, src, f"uncertainty.quality_level.{q}") for q, v in ql.items()
        },
        method_extra_m={
            m: _number(t.get("extra_clearance_m", 0.0), src, f"methods.{m}.extra_clearance_m")
            for m, t in methods.items()
        },
        method_advice={
            m: _text(t["advice"], src, f"methods.{m}.advice")
            for m, t in methods.items() if "advice" in t
        },
        depth_lowers_severity=_flag(depth.get("lower_severity", False), src, "depth.lower_severity"),
        depth_margin_m=_number(depth.get("margin_m", 0.3), src, "depth.margin_m"),
        coordination_m=_number(coord.get("distance_m", 50.0), src, "coordination.distance_m"),
        ignore_works_status=tuple(ignore),
        expected_utilities=tuple(expected),
        max_outside_m=_number(fp.get("max_outside_m", 10000.0), src, "footprint.max_outside_m"),
        notice_period_days=period, response_days=respond, usrn_distance_m=usrn_m,
        unknown_gas_pressure=_unknown_class(unknown.get("gas_pressure", "HP"), Pressure, src,
                                            "unknown.gas_pressure"),
        unknown_electricity_voltage=_unknown_class(
            unknown.get("electricity_voltage", "EHV"), Voltage, src, "unknown.electricity_voltage"),
        pressure_bar=_bands(limits.get("pressure_bar"), Pressure, DEFAULT_PRESSURE_BAR, src,
                            "thresholds.pressure_bar"),
        voltage_v=_bands(limits.get("voltage_v"), Voltage, DEFAULT_VOLTAGE_V, src,
                         "thresholds.voltage_v"),
        source=source,
    )


# The shipped rules cite British guidance (HSG47) and British kit; a register elsewhere gets
# the same numbers in its own country's words (NL: CROW 500, the WIBON), or neutral wording,
# never a wrong citation. Each phrase must be in default_rules.toml (a test checks).
_WORDING = {
    "NL": {
        'version = "default-': 'version = "default-nl-',
        "HSG47 practice:": "CROW 500 practice (the WIBON applies: KLIC notification before "
                           "digging):",
        "Locate with a CAT and genny": "Locate with a cable locator and signal generator",
        "(HSG47)": "(CROW 500)",
    },
    None: {
        'version = "default-': 'version = "default-neutral-',
        "HSG47 practice:": "Safe-digging practice:",
        "Locate with a CAT and genny": "Locate with a cable locator and signal generator",
        " (HSG47)": "",
    },
}


def default_rules_text(country: str | None = "GB") -> str:
    """The shipped default rules (TOML) worded for a register in ``country`` (ISO code; None:
    unknown): British as shipped, Dutch citations for NL, neutral elsewhere."""
    text = resources.files(__package__).joinpath("default_rules.toml").read_text("utf-8")
    if country == "GB":
        return text
    for old, new in _WORDING.get(country, _WORDING[None]).items():
        text = text.replace(old, new)
    return text


def parse_rules_text(text: str, source: str) -> Rules:
    """The rules in TOML ``text`` read from ``source`` (named in errors)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"rules file {source} is not valid TOML: {exc}") from None
    return parse_rules(data, source)


def load_rules(path: str | Path | None = None, country: str | None = "GB") -> Rules:
    """The rules in ``path`` (TOML), or the shipped defaults (worded for ``country``, see
    ``default_rules_text``) when ``path`` is None."""
    if path is None:
        return parse_rules_text(default_rules_text(country), "<default rules>")
    p = Path(path)
    if not p.is_file():
        raise RulesError(f"rules file {str(p)!r} does not exist: give the path of a TOML file")
    return parse_rules_text(p.read_text("utf-8"), str(p))


def rules_for(store, path: str | Path | None = None) -> Rules:
    """The rules a check of ``store`` uses, so the CLI and every PC of the register agree.

    An explicit ``path`` wins; then the rules stored in the register by content (setting
    ``rules``: text, source file name and SHA-256, checked here); then, for a register
    opened read-only before its upgrade, the file its old ``rules_file`` path names;
    then the shipped defaults worded for the register's country (with the register's
    ``rules_warning``, if any).
    """
    if path:
        return load_rules(path)
    text = reg.raw(store, reg.RULES_TOML)
    if text:
        sha = reg.raw(store, reg.RULES_SHA256) or ""
        where = f"{reg.raw(store, reg.RULES_SOURCE) or 'the rules'} stored in the register"
        if sha and sha != reg.rules_record(text, "")[reg.RULES_SHA256]:
            raise RulesError(f"{where} do not match their recorded SHA-256 (changed outside the "
                             "application): set the rules again with 'asset-register settings "
                             "REGISTER rules FILE'")
        try:
            return parse_rules(tomllib.loads(text), where)
        except tomllib.TOMLDecodeError as exc:
            raise RulesError(f"{where} are not valid TOML: {exc}; set the rules again with "
                             "'asset-register settings REGISTER rules FILE'") from None
    legacy = reg.raw(store, reg.LEGACY_RULES_FILE)
    values, warning = reg.rules_from_legacy_path(legacy or "", "on this computer")
    if values.get(reg.RULES_TOML):
        return parse_rules_text(values[reg.RULES_TOML], legacy)
    warning = warning or reg.raw(store, reg.RULES_WARNING) or None
    rules = load_rules(None, reg.register_country(store))
    return replace(rules, warnings=(warning,)) if warning else rules


def read_rules_file(path) -> dict[str, str]:
    """The register settings for the rules file ``path`` (checked: a bad file is refused
    with what is wrong), or those of the shipped defaults for '' / 'default'."""
    name = "" if path is None else str(path).strip()
    if name.lower() in ("", "default"):
        return {k: "" for k in reg.RULES_KEYS}
    p = Path(name)
    try:
        content = p.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise SettingError(f"setting 'rules': the rules file {name!r} cannot be read "
                           f"({reason}): give the path of a TOML rules file") from None
    parse_rules_text(content, str(p))
    return reg.rules_record(content, p.name)


def store_rules(store, path) -> str:
    """Store the rules of the file ``path`` by content with provenance (or the shipped
    defaults for '' / 'default'); returns the rules now in force, in words."""
    values = read_rules_file(path)  # refused before anything is stored
    with store.atomic():
        for key, value in values.items():
            reg.write(store, key, value)
        if reg.raw(store, reg.LEGACY_RULES_FILE):
            reg.write(store, reg.LEGACY_RULES_FILE, "")
    return reg.describe_rules(store)


def default_rules() -> Rules:
    """The shipped rules as worded for Great Britain. A check of a register takes
    ``rules_for(store)`` instead (its stored rules, else these worded for its country)."""
    return load_rules(None)
