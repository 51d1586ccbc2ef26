"""Utility colour codes (DESIGN §7): UK NJUG / Street Works UK by default, US APWA selectable.

One table for every renderer — notice maps, the desktop map canvas and the QGIS
layer style — so an asset has the same colour everywhere. Colours are print
tones ("#rrggbb"): the pure APWA yellow is darkened slightly so it shows on
white paper. ``casing_for`` says which light colours need a dark outline.
"""

from __future__ import annotations

import numpy as np

from .errors import ValidationError
from .lazy import lazy_module, loaded
from .model import Utility

pd = lazy_module("pandas")

SCHEMES = ("njug", "apwa")

# NJUG / Street Works UK: electricity LV black, HV/EHV red, gas yellow, water blue,
# telecoms grey, street lighting & traffic signals orange, sewer brown. The code
# names no colour for district heating or hazardous pipelines; we use purple and
# a dark red so they are never mistaken for a listed utility.
_NJUG = {
    Utility.ELECTRICITY: "#000000",  # LV; HV/EHV below
    Utility.GAS: "#f2c300",
    Utility.WATER: "#0057b8",
    Utility.SEWER: "#8b4513",
    Utility.TELECOMS: "#808080",
    Utility.DISTRICT_HEATING: "#7b2d8e",
    Utility.HAZARDOUS_PIPELINE: "#9e0b0f",
    Utility.STREET_LIGHTING: "#f28c00",
    Utility.TRAFFIC_SIGNALS: "#f28c00",
    Utility.OTHER: "#5a5a5a",
}
_NJUG_HIGH_VOLTAGE = "#e30613"

# APWA uniform colour code: electric (incl. lighting cables) red, gas/oil/steam
# yellow, communications orange, potable water blue, sewer/drain green. Reclaimed
# water (purple) has no utility of its own in the model.
_APWA = {
    Utility.ELECTRICITY: "#e30613",
    Utility.GAS: "#f5d000",
    Utility.WATER: "#0033cc",
    Utility.SEWER: "#008a3e",
    Utility.TELECOMS: "#ff8200",
    Utility.DISTRICT_HEATING: "#f5d000",  # steam
    Utility.HAZARDOUS_PIPELINE: "#f5d000",  # oil / petroleum
    Utility.STREET_LIGHTING: "#e30613",
    Utility.TRAFFIC_SIGNALS: "#e30613",
    Utility.OTHER: "#5a5a5a",
}
APWA_RECLAIMED_WATER = "#7b2d8e"

# How each scheme marks the proposed excavation (APWA: white paint, drawn with a
# black outline on paper; NJUG has no excavation colour, we use a dark magenta).
EXCAVATION = {"njug": "#c2006e", "apwa": "#ffffff"}

_TABLES = {"njug": _NJUG, "apwa": _APWA}
_HIGH_VOLTAGES = {"HV", "EHV"}
_LIGHT = {"#f2c300", "#f5d000", "#ffffff", "#ff8200", "#f28c00"}


def _scheme(scheme: str) -> dict:
    key = (scheme or "njug").lower()
    if key not in _TABLES:
        raise ValidationError(f"colour scheme {scheme!r} is not one of {list(SCHEMES)}")
    return _TABLES[key]


def _is_high_voltage(voltage) -> bool:
    pandas = loaded("pandas")  # (only a pandas value can be pandas' NA)
    if voltage is None or (pandas is not None and voltage is pandas.NA):
        return False
    if isinstance(voltage, str):
        text = voltage.strip().upper()
        if text in _HIGH_VOLTAGES:
            return True
        try:
            return float(text.rstrip("V").rstrip("K")) * (1000 if text.endswith("KV") else 1) > 1000
        except ValueError:
            return False
    try:
        return float(voltage) > 1000  # volts: above 1 kV is high voltage in UK practice
    except (TypeError, ValueError):
        return False


def colour_for(utility: str, voltage=None, scheme: str = "njug") -> str:
    """The "#rrggbb" colour of one asset; unknown utilities get the 'other' colour."""
    table = _scheme(scheme)
    try:
        util = Utility(utility)
    except ValueError:
        util = Utility.OTHER
    if util is Utility.ELECTRICITY and (scheme or "njug").lower() == "njug":
        return _NJUG_HIGH_VOLTAGE if _is_high_voltage(voltage) else table[util]
    return table[util]


def colours_for(frame: pd.DataFrame, scheme: str = "njug") -> pd.Series:
    """Vectorised ``colour_for`` over a frame with ``utility`` (and optionally ``voltage``)."""
    table = _scheme(scheme)
    other = table[Utility.OTHER]
    lookup = {u.value: c for u, c in table.items()}
    out = frame["utility"].astype(object).map(lookup).fillna(other).astype(object)
    if (scheme or "njug").lower() == "njug" and "voltage" in frame.columns:
        volts = frame["voltage"].astype(object)
        text = volts.where(volts.notna(), "").astype(str).str.strip().str.upper()
        high = text.isin(_HIGH_VOLTAGES).to_numpy().copy()
        numeric = pd.to_numeric(text.str.rstrip("V"), errors="coerce").to_numpy()
        high |= np.nan_to_num(numeric, nan=0.0) > 1000
        kv = text.str.endswith("KV").to_numpy()
        kv_num = pd.to_numeric(text.str[:-2], errors="coerce").to_numpy()
        high |= kv & (np.nan_to_num(kv_num, nan=0.0) > 1)
        elec = (frame["utility"].astype(object) == Utility.ELECTRICITY.value).to_numpy()
        out = out.where(~(elec & high), _NJUG_HIGH_VOLTAGE)
    return pd.Series(out.to_numpy(), index=frame.index, dtype=object, name="colour")


def casing_for(colour: str) -> str | None:
    """A dark outline colour for light line colours (yellow, orange, white) on paper."""
    return "#404040" if colour.lower() in _LIGHT else None


def legend(scheme: str = "njug") -> list[tuple[str, str]]:
    """(label, colour) pairs in a stable order for legends and layer styles."""
    table = _scheme(scheme)
    rows = []
    for util in Utility:
        label = util.value.replace("_", " ")
        if util is Utility.ELECTRICITY and (scheme or "njug").lower() == "njug":
            rows.append(("electricity LV", table[util]))
            rows.append(("electricity HV/EHV", _NJUG_HIGH_VOLTAGE))
        else:
            rows.append((label, table[util]))
    return rows


def hex_to_rgb(colour: str) -> tuple[float, float, float]:
    """"#rrggbb" → (r, g, b) floats in 0..1 (reportlab, QColor.fromRgbF)."""
    text = colour.lstrip("#")
    if len(text) != 6:
        raise ValidationError(f"colour {colour!r} is not '#rrggbb'")
    return tuple(int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))


# Coincident services side by side: on a street-scale map each utility's lines are drawn
# shifted sideways by its slot (screen or page space only; the check uses true positions), so
# a gas service laid along an LV cable shows beside it instead of under it. Services that
# share trenches most often get different slots.
SIDE_SLOTS = {"electricity": -1, "electricity_hv": -1, "gas": 1, "water": 0, "telecoms": -2,
              "sewer": 2, "district_heating": 2, "street_lighting": -2, "traffic_signals": -2,
              "hazardous_pipeline": 0, "other": 0}


def side_by_side(geoms: np.ndarray, utilities, step: float) -> np.ndarray:
    """``geoms`` with every line shifted sideways by its utility's slot × ``step`` (map units);
    points, areas and empty geometries as they are."""
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    slots = np.array([SIDE_SLOTS.get(str(u), 0) for u in utilities], float)
    types = shapely.get_type_id(geoms)
    lines = ((types == 1) | (types == 5)) & (slots != 0) & ~shapely.is_empty(geoms)
    out = geoms.copy()
    if lines.any():
        shifted = shapely.offset_curve(geoms[lines], slots[lines] * step)
        ok = ~shapely.is_empty(shifted)  # a line too short to offset stays where it is
        idx = np.flatnonzero(lines)
        out[idx[ok]] = shifted[ok]
    return out
