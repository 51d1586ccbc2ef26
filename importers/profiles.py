"""Mapping profiles: how an owner's fields become canonical asset fields (TOML, see docs/profiles.md).

A profile holds constants (utility, asset class…), field rules (source field, value
map, unit, what to do with unmatched values) and per-layer overrides for
multi-layer sources. ``load_profile``/``dumps_profile`` read and write the TOML;
every problem is a ProfileError naming the key and what is allowed.
"""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from asset_register.errors import ProfileError
from asset_register.model import ASSET_COLUMNS, ENUM_COLUMNS

FORMAT = 1
BUNDLED_DIR = Path(__file__).with_name("profiles")

MAPPABLE = [c for c in ASSET_COLUMNS if c not in ("owner", "attrs")]
NUMERIC = ("depth_m", "diameter_mm", "h_accuracy_m", "v_accuracy_m")
REQUIRED_ENUMS = ("utility", "asset_class")

LENGTH_TO_M = {
    "m": 1.0, "metre": 1.0, "metres": 1.0, "meter": 1.0, "meters": 1.0,
    "cm": 0.01, "mm": 0.001, "in": 0.0254, "inch": 0.0254, "inches": 0.0254,
    "ft": 0.3048, "foot": 0.3048, "feet": 0.3048,
}
# a converted length keeps 9 decimals of its unit: 6 inches is 152.4 mm, not the binary
# product 152.39999999999998 that would be stored, exported and printed as such
LENGTH_DECIMALS = 9


def length_in(value: float, factor: float) -> float:
    """``value`` times a unit ``factor``, without the binary product's trailing digits."""
    return round(value * factor, LENGTH_DECIMALS)


PRESSURE_TO_BAR = {"bar": 1.0, "mbar": 0.001, "kpa": 0.01, "psi": 0.0689476}
VOLTAGE_TO_V = {"v": 1.0, "kv": 1000.0}
UNMATCHED = ("keep", "null", "reject")
# [constants] asset_class = "by_geometry": each feature's class from its own geometry and
# utility (a layer holding points, lines and polygons), as ``default_asset_class`` says
BY_GEOMETRY = "by_geometry"
LINEAR_CABLES = {"electricity", "telecoms", "street_lighting", "traffic_signals"}


def default_asset_class(utility: str, family: str) -> str:
    """What an unlabelled asset most likely is: cables/pipes for lines, zones for polygons."""
    if family == "line":
        return "cable" if utility in LINEAR_CABLES else "pipe"
    if family == "polygon":
        return "precaution_zone"
    if family == "point" and utility in ("sewer",):
        return "chamber"
    return "other"
UNIT_SOURCE_FIELDS = ("pressure", "voltage", "pressure_bar", "voltage_v", *NUMERIC)


def allowed_units(target: str) -> tuple[str, ...]:
    if target in NUMERIC:
        return tuple(LENGTH_TO_M)
    if target in ("pressure", "pressure_bar"):
        return tuple(PRESSURE_TO_BAR)
    if target in ("voltage", "voltage_v"):
        return tuple(VOLTAGE_TO_V)
    return ()


@dataclass
class FieldRule:
    """One canonical field taken from a source field."""

    source: str
    unit: str | None = None
    values: dict[str, object] = field(default_factory=dict)
    unmatched: str | None = None  # keep | null | reject; default depends on the field
    default: object | None = None  # used where the source value is null
    date_format: str | None = None
    unit_source: str | None = None  # a field holding each row's unit (e.g. GML uom)


@dataclass
class LayerRule:
    constants: dict[str, object] = field(default_factory=dict)
    fields: dict[str, FieldRule] = field(default_factory=dict)


@dataclass
class Profile:
    """A mapping profile; ``for_layer`` gives the effective rules for one layer."""

    name: str = "unnamed profile"
    description: str = ""
    assume_crs: str | None = None
    id_scope: str = "owner"  # owner: ids are "<owner>:<id>"; layer: "<owner>:<layer>/<id>"
    constants: dict[str, object] = field(default_factory=dict)
    fields: dict[str, FieldRule] = field(default_factory=dict)
    layers: dict[str, LayerRule] = field(default_factory=dict)
    path: str | None = None
    notes: list[str] = field(default_factory=list)  # written as comments, not read back

    def for_layer(self, layer: str | None) -> Profile:
        """This profile with every matching ``[layers."<name or glob>"]`` table applied in order."""
        constants, fields = dict(self.constants), dict(self.fields)
        for pattern, rule in self.layers.items():
            if layer is not None and (pattern == layer or fnmatch.fnmatchcase(layer, pattern)):
                constants.update(rule.constants)
                fields.update(rule.fields)
        # a constant named like a field rule is the fallback for its null/unmatched values
        return replace(self, constants=constants, fields=fields, layers={})


def _where(ctx: str, key: str) -> str:
    return f"{ctx}.{key}" if ctx else key


def _check_constant(ctx: str, key: str, value) -> object:
    if key not in MAPPABLE:
        raise ProfileError(f"{_where(ctx, key)}: {key!r} is not a canonical field; use one of {MAPPABLE}")
    if key == "asset_class" and value == BY_GEOMETRY:
        return value
    if key in ENUM_COLUMNS and value is not None:
        allowed = [e.value for e in ENUM_COLUMNS[key]]
        if value not in allowed:
            raise ProfileError(f"{_where(ctx, key)} = {value!r} is not one of {allowed}")
    if key in (*NUMERIC, "pressure_bar", "voltage_v") and not isinstance(value, int | float):
        raise ProfileError(f"{_where(ctx, key)} = {value!r} must be a number")
    return value


def _parse_field(ctx: str, key: str, spec) -> FieldRule:
    if key not in MAPPABLE:
        raise ProfileError(f"{_where(ctx, key)}: {key!r} is not a canonical field; use one of {MAPPABLE}")
    if isinstance(spec, str):
        spec = {"source": spec}
    if not isinstance(spec, dict) or not isinstance(spec.get("source"), str) or not spec["source"]:
        raise ProfileError(f"{_where(ctx, key)} needs source = \"<field name in the file>\"")
    unknown = set(spec) - {"source", "unit", "values", "unmatched", "default", "date_format",
                           "unit_source"}
    if unknown:
        raise ProfileError(f"{_where(ctx, key)}: unknown keys {sorted(unknown)}")
    unit = spec.get("unit")
    if unit is not None and unit.lower() not in allowed_units(key):
        raise ProfileError(
            f"{_where(ctx, key)}.unit = {unit!r} is not usable for {key}; use one of "
            f"{list(allowed_units(key)) or 'none (this field takes no unit)'}"
        )
    values = spec.get("values", {})
    if not isinstance(values, dict):
        raise ProfileError(f"{_where(ctx, key)}.values must be a table of source value = canonical value")
    if key in ENUM_COLUMNS:
        allowed = [e.value for e in ENUM_COLUMNS[key]] + [""]
        bad = {k: v for k, v in values.items() if v not in allowed}
        if bad:
            k, v = next(iter(bad.items()))
            raise ProfileError(
                f"{_where(ctx, key)}.values maps {k!r} to {v!r}, which is not one of {allowed[:-1]} "
                "(map to \"\" for unknown)"
            )
    unmatched = spec.get("unmatched")
    if unmatched is not None and unmatched not in UNMATCHED:
        raise ProfileError(f"{_where(ctx, key)}.unmatched = {unmatched!r}: use one of {list(UNMATCHED)}")
    default = spec.get("default")
    if default is not None:
        _check_constant(_where(ctx, f"{key}.default"), key, default)
    unit_source = spec.get("unit_source")
    if unit_source is not None and (key not in UNIT_SOURCE_FIELDS or not isinstance(unit_source, str)):
        raise ProfileError(f"{_where(ctx, key)}.unit_source: a unit field is read only for "
                           f"{list(UNIT_SOURCE_FIELDS)}; give the name of the field")
    return FieldRule(source=spec["source"], unit=unit.lower() if unit else None,
                     values={str(k): v for k, v in values.items()}, unmatched=unmatched,
                     default=default, date_format=spec.get("date_format"), unit_source=unit_source)


def _parse_rules(ctx: str, data: dict) -> tuple[dict, dict]:
    constants = {k: _check_constant(_where(ctx, "constants"), k, v)
                 for k, v in (data.get("constants") or {}).items()}
    fields = {k: _parse_field(_where(ctx, "fields"), k, v) for k, v in (data.get("fields") or {}).items()}
    return constants, fields


def parse_profile(data: dict, path: str | None = None) -> Profile:
    """A Profile from parsed TOML data; raises ProfileError on anything unknown or invalid."""
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        raise ProfileError(f"profile format {fmt!r} is not supported (this version reads {FORMAT})")
    unknown = set(data) - {"format", "name", "description", "source", "constants", "fields", "layers"}
    if unknown:
        raise ProfileError(f"unknown top-level keys {sorted(unknown)} in profile {path or ''}".strip())
    src = data.get("source") or {}
    if set(src) - {"assume_crs", "id_scope"}:
        raise ProfileError(f"[source] takes only assume_crs and id_scope; found {sorted(src)}")
    if src.get("id_scope", "owner") not in ("owner", "layer"):
        raise ProfileError(f"[source] id_scope = {src['id_scope']!r}: use \"owner\" or \"layer\"")
    constants, fields = _parse_rules("", data)
    layers = {}
    for name, ldata in (data.get("layers") or {}).items():
        if set(ldata) - {"constants", "fields"}:
            raise ProfileError(f"layers.{name!r} takes only constants and fields; found {sorted(ldata)}")
        layers[name] = LayerRule(*_parse_rules(f"layers.{name}", ldata))
    return Profile(name=str(data.get("name", Path(path).stem if path else "unnamed profile")),
                   description=str(data.get("description", "")), assume_crs=src.get("assume_crs"),
                   id_scope=src.get("id_scope", "owner"),
                   constants=constants, fields=fields, layers=layers, path=path)


def load_profile(path: str | Path) -> Profile:
    """Read a TOML profile; a bare name (no folder, no suffix) finds a bundled one."""
    p = Path(path)
    if not p.exists() and p.suffix == "" and (BUNDLED_DIR / f"{p.name}.toml").exists():
        p = BUNDLED_DIR / f"{p.name}.toml"
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"profile {p} does not exist; bundled ones: {bundled_profiles()}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"profile {p} is not valid TOML: {exc}") from None
    except OSError as exc:  # a folder, no permission...
        raise ProfileError(f"profile {p} cannot be read ({exc.strerror}): give a TOML file") from None
    return parse_profile(data, str(p))


def bundled_profiles() -> list[str]:
    return sorted(p.stem for p in BUNDLED_DIR.glob("*.toml"))


# -- writing TOML (profiles only need strings, numbers, booleans and tables) --------------------
_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(k: str) -> str:
    return k if _BARE.match(k) else json.dumps(k, ensure_ascii=False)


def _val(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    return json.dumps(str(v), ensure_ascii=False)  # JSON escapes are valid TOML basic strings


def _field_lines(prefix: str, fields: dict[str, FieldRule]) -> list[str]:
    out = []
    for name, rule in fields.items():
        out += ["", f"[{prefix}fields.{name}]", f"source = {_val(rule.source)}"]
        for attr in ("unit", "unit_source", "unmatched", "default", "date_format"):
            if getattr(rule, attr) is not None:
                out.append(f"{attr} = {_val(getattr(rule, attr))}")
        if rule.values:
            out.append(f"[{prefix}fields.{name}.values]")
            out += [f"{_key(k)} = {_val(v)}" for k, v in rule.values.items()]
    return out


def dumps_profile(profile: Profile, comments: dict[str, str] | None = None) -> str:
    """TOML text of a profile (round-trips through ``load_profile``)."""
    lines = [
        "# asset-register mapping profile (format 1) — see docs/profiles.md",
        f"format = {FORMAT}",
        f"name = {_val(profile.name)}",
    ]
    if profile.description:
        lines.append(f"description = {_val(profile.description)}")
    for note in [*profile.notes, *(comments or {}).values()]:
        lines.append(f"# {note}")
    if profile.assume_crs or profile.id_scope != "owner":
        lines += ["", "[source]"]
        if profile.assume_crs:
            lines.append(f"assume_crs = {_val(profile.assume_crs)}")
        if profile.id_scope != "owner":
            lines.append(f"id_scope = {_val(profile.id_scope)}")
    if profile.constants:
        lines += ["", "[constants]"] + [f"{k} = {_val(v)}" for k, v in profile.constants.items()]
    lines += _field_lines("", profile.fields)
    for pattern, rule in profile.layers.items():
        pre = f"layers.{_key(pattern)}."
        if rule.constants:
            lines += ["", f"[{pre}constants]"] + [f"{k} = {_val(v)}" for k, v in rule.constants.items()]
        lines += _field_lines(pre, rule.fields)
    return "\n".join(lines) + "\n"


def save_profile(profile: Profile, path: str | Path) -> None:
    Path(path).write_text(dumps_profile(profile), encoding="utf-8")
