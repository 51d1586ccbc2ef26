"""The pressure and voltage class a dig check uses for each asset (DESIGN §5, "unknown is
dangerous"), vectorised with numpy.

Where the record holds a value (``pressure_bar``, ``voltage_v``) the class follows it through
the rules' thresholds; otherwise the recorded class (LP…HP, LV…EHV) is used; gas without either
and electricity without either take the rules' ``[unknown]`` class (high risk by default) and
are reported as "class unknown". A recorded class the owner stated apart from the value (it
differs from what the value gives with the default bands) is never lowered by the value.
"""

from __future__ import annotations

import numpy as np

from ..model import Pressure, Voltage
from .rules import DEFAULT_PRESSURE_BAR, DEFAULT_VOLTAGE_V, Rules

from ..lazy import isna

# class_basis values, shown with every conflict
BY_VALUE = "value"
RECORDED = "recorded"
UNKNOWN = "unknown"

_FIELDS = (
    # class column, value column, utility unknowns apply to, enum, rules bands, rules unknown
    ("pressure", "pressure_bar", "gas", Pressure, "pressure_bar", "unknown_gas_pressure"),
    ("voltage", "voltage_v", "electricity", Voltage, "voltage_v", "unknown_electricity_voltage"),
)
_DEFAULT_BANDS = {"pressure_bar": DEFAULT_PRESSURE_BAR, "voltage_v": DEFAULT_VOLTAGE_V}


def band_index(values: np.ndarray, bands) -> np.ndarray:
    """The index into ``bands`` ((class, upper limit inclusive), rising) of each value."""
    limits = np.array([b[1] for b in bands[:-1]], dtype=np.float64)
    return np.searchsorted(limits, values, side="left")


def band_of(values: np.ndarray, bands) -> np.ndarray:
    """The class of each value."""
    return np.array([b[0] for b in bands], dtype=object)[band_index(values, bands)]


def effective(cols: dict, rules: Rules) -> dict[str, np.ndarray]:
    """``pressure`` and ``voltage`` as the check matches them, the class basis of each asset
    (value / recorded / unknown, None where neither applies) and a note for unknowns."""
    n = len(cols["utility"])
    utility = np.asarray(cols["utility"], dtype=object)
    basis = np.full(n, None, dtype=object)
    note = np.full(n, None, dtype=object)
    out = {}
    for col, value_col, util, enum, bands_attr, unknown_attr in _FIELDS:
        recorded = np.asarray(cols.get(col, np.full(n, None, dtype=object)), dtype=object)
        value = np.asarray(cols.get(value_col, np.full(n, np.nan)), dtype=np.float64)
        cls = recorded.copy()
        has = ~isna(recorded)
        known = ~np.isnan(value)
        if known.any():
            bands = getattr(rules, bands_attr)
            names = np.array([b[0] for b in bands], dtype=object)
            by_value = band_index(value[known], bands)  # ranks: bands follow the enum order
            by_default = names[band_index(value[known], _DEFAULT_BANDS[bands_attr])]
            rec = recorded[known]
            rec_rank = np.full(len(rec), -1)
            for i, e in enumerate(enum):  # a handful of classes: one comparison each
                rec_rank[rec == e.value] = i
            # the owner stated a class apart from the value, and a higher one: keep it
            higher = (rec_rank >= 0) & (rec != by_default) & (rec_rank > by_value)
            cls[known] = names[by_value]
            basis[known] = BY_VALUE
            kept = np.flatnonzero(known)[higher]
            cls[kept] = rec[higher]
            basis[kept] = RECORDED
        mine = utility == util
        basis[mine & has & ~known] = RECORDED
        missing = mine & ~has & ~known
        if missing.any():
            assumed = getattr(rules, unknown_attr)
            basis[missing] = UNKNOWN
            what = "pressure" if col == "pressure" else "voltage"
            note[missing] = (
                f"Class unknown: no {what} recorded, treated as "
                + (f"{assumed} (rules [unknown])" if assumed else "unknown (rules [unknown])")
                + "; ask the owner")
            if assumed is not None:
                cls[missing] = assumed
        out[col] = cls
    out["class_basis"] = basis
    out["class_note"] = note
    return out
