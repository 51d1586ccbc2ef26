"""Pressure and voltage values with units ("8 bar", "100 mbar", "10 kV", "400 V", a number
with a unit column or a profile unit) → the value in bar / volts and its class.

Safety rules (DESIGN §5, unknown is dangerous): a number with no unit anywhere is never
guessed — it stays unknown (high risk in the check) with a note; an ambiguous comma
("11,000 V") is read the way that gives the larger value; a range ("4-8 bar") takes its top.
The class stored with the value uses the default bands (IGEM for gas pressure, LV ≤ 1 kV <
HV ≤ 30 kV < EHV); the check re-classes values with the authority's own thresholds.
"""

from __future__ import annotations

import re

import numpy as np

from asset_register.check.rules import DEFAULT_PRESSURE_BAR, DEFAULT_VOLTAGE_V

from .profiles import LENGTH_TO_M, PRESSURE_TO_BAR, VOLTAGE_TO_V

# unit spellings (case-folded, spaces removed) -> factor to bar / volts
PRESSURE_UNITS = {**PRESSURE_TO_BAR, "barg": 1.0, "bar(g)": 1.0, "bars": 1.0, "mb": 0.001,
                  "millibar": 0.001, "pa": 1e-5, "hpa": 0.001, "mpa": 10.0, "psig": 0.0689476}
# "MV" is left out on purpose: it is read as megavolt or as "medium voltage" (middenspanning).
VOLTAGE_UNITS = {**VOLTAGE_TO_V, "volt": 1.0, "volts": 1.0, "kilovolt": 1000.0}
LENGTH_UNITS = {**LENGTH_TO_M, "millimetre": 0.001, "centimetre": 0.01}
UNITS = {"pressure": PRESSURE_UNITS, "voltage": VOLTAGE_UNITS, "length": LENGTH_UNITS}
BANDS = {"pressure": DEFAULT_PRESSURE_BAR, "voltage": DEFAULT_VOLTAGE_V}
BASE = {"pressure": "bar", "voltage": "V"}
# the canonical value field of each class field
VALUE_FIELD = {"pressure": "pressure_bar", "voltage": "voltage_v"}

_NUM = r"\d+(?:[.,]\d+)*"
_MEASURE = re.compile(rf"^\s*(?:[<>≤≥~]=?\s*)?({_NUM})(?:\s*(?:-|–|to|tot|/)\s*({_NUM}))?"
                      r"\s*(\S*)\s*$")


def _number(text: str) -> float | None:
    """A decimal in English or Dutch spelling; a comma before exactly three digits (and no
    point) is a thousands separator, which is the larger reading."""
    if "," in text and "." in text:
        text = text.replace(",", "") if text.rfind(",") < text.rfind(".") else \
            text.replace(".", "").replace(",", ".")
    elif "," in text:
        parts = text.split(",")
        if all(len(p) == 3 for p in parts[1:]):
            text = "".join(parts)
        elif len(parts) == 2:
            text = ".".join(parts)
        else:
            return None
    try:
        f = float(text)
    except ValueError:
        return None
    return f if np.isfinite(f) else None


def unit_key(unit: str) -> str:
    """A unit as looked up: case-folded, no spaces, the code of a URN or URI
    ("urn:ogc:def:uom:OGC::bar" → "bar")."""
    key = str(unit).strip().casefold().replace(" ", "")
    for sep in ("::", ":", "/", "#"):
        if sep in key:
            key = key.rstrip(sep).rsplit(sep, 1)[-1]
    return key.rstrip(".")  # an abbreviation's dot: "IN." is inches


def band(kind: str, value: float) -> str:
    """The default class of a value in bar / volts."""
    for name, limit in BANDS[kind]:
        if value <= limit:
            return name
    return BANDS[kind][-1][0]  # pragma: no cover - the last limit is infinite


def parse(kind: str, value, unit: str | None) -> tuple[float | None, str | None]:
    """(value in bar / volts, problem) for one source value; ``unit`` is the profile's or the
    row's unit column (a unit written in the value wins). (None, None) when it is no number."""
    units = UNITS[kind]
    if isinstance(value, bool):
        return None, None
    if isinstance(value, int | float):
        number, written = (float(value) if np.isfinite(value) else None), ""
        if number is None:
            return None, None
    else:
        m = _MEASURE.match(str(value))
        if not m:
            return None, None
        a, b = _number(m.group(1)), _number(m.group(2)) if m.group(2) else None
        if a is None or (m.group(2) and b is None):
            return None, None
        number, written = max(a, b) if b is not None else a, m.group(3)
        if str(value).lstrip().startswith(">"):  # "> 7 bar" is above 7 bar
            number = float(np.nextafter(number, np.inf))
    key = unit_key(written or unit or "")
    if not key:
        return None, (f"{value!r} has no unit: recorded as unknown (high risk in the check); "
                      f"give the unit in the profile (unit = \"bar\", \"mbar\", \"v\", \"kv\"…)")
    if key not in units:
        return None, f"{value!r}: unit {key!r} is not one of {sorted(units)}"
    if number < 0:
        return None, f"negative value {value!r}"
    if number == 0 and kind != "length":
        # IMKL writes 0 for a pressure or voltage it does not know; no main runs at 0
        return None, f"{value!r} read as not given: recorded as unknown (high risk in the check)"
    return number * units[key], None
