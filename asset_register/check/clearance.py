"""Effective clearance, severity and precaution for candidate assets, vectorised with numpy.

effective clearance = class safety clearance + record uncertainty (h_accuracy_m, else the
rules' figure for its PAS 128 quality level, else the unknown-accuracy default) + accuracy of
the CRS transformation used at import + half the diameter/width (DESIGN §5), plus any extra
the rules give the excavation method and the accuracy of the footprint's own transformation.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import repeat

import numpy as np

from . import classes as value_classes
from ..model import MASKED_ID_PREFIX
from .rules import NULL, Rules

from ..lazy import isna, lazy_module, loaded

pd = lazy_module("pandas")

# Columns of the asset frame the check needs (besides geometry).
CHECK_COLUMNS = [
    "asset_id", "owner", "utility", "asset_class", "status", "depth_m", "diameter_mm",
    "pressure", "voltage", "material", "h_accuracy_m", "v_accuracy_m", "quality_level",
    "crs_accuracy_m", "pressure_bar", "voltage_v",
]
NUMERIC = ("depth_m", "diameter_mm", "h_accuracy_m", "v_accuracy_m", "crs_accuracy_m",
           "pressure_bar", "voltage_v")
ABANDONED_STATUS = ("abandoned", "disused")
# Distances within this of the clearance count as inside it (floating-point round-off of
# coordinates given to the millimetre must never turn a boundary case into a miss).
TOLERANCE_M = 1e-6
SEVERITY_RANK = {"strike": 0, "danger": 1, "caution": 2}
_SEVERITIES = np.array(["caution", "danger", "strike"], dtype=object)  # by (high risk, strike)


def _is_frame(value) -> bool:
    pandas = loaded("pandas")  # (nothing is a DataFrame before pandas is imported)
    return pandas is not None and isinstance(value, pandas.DataFrame)


def _is_series(value) -> bool:
    pandas = loaded("pandas")
    return pandas is not None and isinstance(value, pandas.Series)


def _lookup(values: np.ndarray, table: dict, default=np.nan) -> np.ndarray:
    """Map each value through ``table``, ``default`` for a value it lacks (or maps to NaN).

    One dictionary look-up per value, in one C-driven loop: ~40 ms for half a million
    values, where pandas' ``Series.map`` first cost its import (over a second on a loaded
    machine) in a batch that needs nothing else of pandas."""
    get = table.get
    out = np.fromiter(map(get, values.tolist(), repeat(default, len(values))),
                      dtype=np.float64, count=len(values))
    out[np.isnan(out)] = default
    return out


def normalise(frame) -> dict[str, np.ndarray]:
    """Candidate columns as numpy arrays (floats with NaN for nulls, objects with None).

    The check works on plain arrays rather than pandas frames: a frame costs milliseconds
    to build and a live check after each footprint edit must take a few milliseconds in all.
    """
    if type(frame) is dict and _normalised(frame):  # (as the readers give a few candidates)
        return {col: frame[col] for col in CHECK_COLUMNS}
    n = len(frame[next(iter(frame))]) if len(frame) and not _is_frame(frame) else len(frame)
    out = {}
    for col in CHECK_COLUMNS:
        if col not in frame:
            out[col] = np.full(n, np.nan) if col in NUMERIC else np.full(n, None, dtype=object)
            continue
        values = frame[col]
        if col in NUMERIC:
            if _is_series(values):
                values = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
            out[col] = np.asarray(values, dtype=np.float64)
        else:
            if _is_series(values):
                values = values.astype(object).where(values.notna(), None).to_numpy(dtype=object)
            out[col] = np.asarray(values, dtype=object)
    return out


_DTYPES = tuple((col, np.dtype(np.float64) if col in NUMERIC else np.dtype(object))
                for col in CHECK_COLUMNS)


def _normalised(cols: dict) -> bool:
    """Whether ``cols`` holds every check column already as ``normalise`` makes it: a numpy
    array of float64 (numeric) or of objects (text), all of one length."""
    n = None
    for col, dtype in _DTYPES:
        values = cols.get(col)
        if type(values) is not np.ndarray or values.dtype != dtype or values.ndim != 1:
            return False
        if n is None:
            n = len(values)
        elif len(values) != n:
            return False
    return True


class Rows(Mapping):
    """Columns at the rows ``idx`` (repeats allowed), each copied only when it is read: a
    batch's candidate pairs name each asset's row of its columns, and only the pairs within
    clearance are ever copied out (``take``), once."""

    __slots__ = ("cols", "idx")

    def __init__(self, cols: dict[str, np.ndarray], idx: np.ndarray):
        self.cols, self.idx = cols, np.asarray(idx, dtype=np.int64)

    def __getitem__(self, key: str) -> np.ndarray:
        return self.cols[key][self.idx]

    def __iter__(self):
        return iter(self.cols)

    def __len__(self) -> int:
        return len(self.cols)


def take(cols, idx) -> dict[str, np.ndarray]:
    if isinstance(cols, Rows):  # the rows of the rows: one copy of each column
        rows = cols.idx[idx]
        return {k: v[rows] for k, v in cols.cols.items()}
    return {k: v[idx] for k, v in cols.items()}


# A single check's candidates (a few dozen) are classed row by row through a memo of the
# class of each combination of the fields classes are matched on: a handful of dictionary
# look-ups instead of a hundred numpy calls on tiny arrays. The memo's entries are worked out
# by the vectorised code below, so both give the same answers; bulk reads stay vectorised.
MEMO_ROWS = 512
# Up to this many rows, a single check's clearances, precautions and conflict order are worked
# out row by row in Python: fewer calls than numpy's on a few rows (measured: 2.7 against
# 9.8 µs for 5 rows, even at 40); the tests compare both ways on the same rows.
FEW_ROWS = 48
MEMO_SIZE = 50_000  # distinct combinations kept (a register has a few hundred)
_EFFECTIVE = ("pressure", "voltage", "class_basis", "class_note")


class ClassTable:
    """The rules' classes as arrays, indexed by class number."""

    def __init__(self, rules: Rules):
        table = rules.classes
        self.clearance = np.array([c.clearance_m for c in table], dtype=np.float64)
        self.add_uncertainty = np.array([c.add_uncertainty for c in table], dtype=bool)
        self.add_half_width = np.array([c.add_half_width for c in table], dtype=bool)
        self.high_risk = np.array([c.high_risk for c in table], dtype=bool)
        self.contact_owner = np.array([c.contact_owner for c in table], dtype=bool)
        self.precaution = np.array([c.precaution for c in table], dtype=object)
        self.name = np.array([c.name for c in table], dtype=object)
        self.max_clearance = max(c.clearance_m for c in table)
        # (clearance, add uncertainty, add half width) as lists, for a few rows
        self.rows = (self.clearance.tolist(), self.add_uncertainty.tolist(),
                     self.add_half_width.tolist())
        # (high risk, precaution, name, contact owner) as lists, for a single check's rows
        self.assess_rows = (self.high_risk.tolist(), self.precaution.tolist(),
                            self.name.tolist(), self.contact_owner.tolist())
        # the fields a class depends on: those matched, and those pressure / voltage follow
        fields = {"utility", "pressure", "voltage", "pressure_bar", "voltage_v"}
        fields |= {k for c in table for k in c.match}
        self.key_fields = tuple(sorted(fields))


def class_table(rules: Rules) -> ClassTable:
    memo = rules.check_memo
    if "table" not in memo:
        memo["table"] = ClassTable(rules)
    return memo["table"]


def _row_keys(cols, fields: tuple[str, ...], n: int) -> list[tuple]:
    columns = []
    for f in fields:
        values = cols[f] if f in cols else None
        if values is None:
            columns.append([None] * n)
            continue
        values = values.tolist() if hasattr(values, "tolist") else list(values)
        if f in NUMERIC:  # NaN is never equal to itself: None stands for it in the key
            values = [None if v != v else v for v in values]
        columns.append(values)
    return list(zip(*columns, strict=True))


def _memo_rows(cols, rules: Rules, n: int) -> list[tuple]:
    """(class, pressure, voltage, class basis, class note) of each row, through the memo."""
    return memo_classes(_row_keys(cols, class_table(rules).key_fields, n), rules)


def memo_classes(keys: list[tuple], rules: Rules) -> list[tuple]:
    """(class, pressure, voltage, class basis, class note) of each key (the values of
    ``ClassTable.key_fields``, None for a missing number), through the memo; combinations not
    seen before are worked out by the vectorised code."""
    table = class_table(rules)
    memo = rules.check_memo.setdefault("rows", {})  # (rules may be shared between threads:
    rows = [memo.get(k) for k in keys]              # read once, never looked up again)
    if None not in rows:  # (every combination seen before: the usual case)
        return rows
    found = dict(zip(keys, rows, strict=True))
    missing = [k for k, v in found.items() if v is None]
    if missing:
        some = {f: np.array([k[i] for k in missing],
                            dtype=np.float64 if f in NUMERIC else object)
                for i, f in enumerate(table.key_fields)}
        eff = value_classes.effective(some, rules)
        classes = _classify(some, rules, eff, len(missing))
        new = {k: (int(classes[j]), *(eff[c][j] for c in _EFFECTIVE))
               for j, k in enumerate(missing)}
        found.update(new)
        if len(memo) + len(new) > MEMO_SIZE:
            memo.clear()
        memo.update(new)
    return [found[k] for k in keys]


def effective(cols, rules: Rules, n: int | None = None) -> dict[str, np.ndarray]:
    """``classes.effective``, through the memo for a few rows."""
    n = len(cols["utility"]) if n is None else n
    if not 0 < n <= MEMO_ROWS:
        return value_classes.effective(cols, rules)
    rows = _memo_rows(cols, rules, n)
    out = {}
    for i, c in enumerate(_EFFECTIVE, start=1):
        a = np.empty(n, dtype=object)
        a[:] = [r[i] for r in rows]
        out[c] = a
    return out


def classify(cols, rules: Rules) -> np.ndarray:
    """Index into ``rules.classes`` of the first class matching each asset (vectorised;
    through the memo for a few rows)."""
    n = len(cols) if _is_frame(cols) else len(next(iter(cols.values())))
    if not n:
        return np.full(0, -1, dtype=np.int64)
    if n <= MEMO_ROWS and not _is_frame(cols):
        return np.fromiter((r[0] for r in _memo_rows(cols, rules, n)), dtype=np.int64, count=n)
    # pressure and voltage as matched: by value, else recorded, else the rules' unknown class
    return _classify(cols, rules, value_classes.effective(cols, rules), n)


def _classify(cols, rules: Rules, eff: dict, n: int) -> np.ndarray:
    out = np.full(n, -1, dtype=np.int64)
    for i, cls in enumerate(rules.classes):
        mask = out < 0
        for key, values in cls.match.items():
            col = eff[key] if key in eff else (
                np.asarray(cols[key], dtype=object) if key in cols else np.full(n, None, dtype=object))
            hit = np.isin(col, [v for v in values if v != NULL])
            if NULL in values:  # "null" fits a missing value, also one the rules assume
                hit = hit | isna(col)
                if key in eff:
                    hit = hit | (eff["class_basis"] == value_classes.UNKNOWN)
            mask &= hit
        out[mask] = i
    # The rules guarantee a catch-all last class; keep this as a hard safety net.
    out[out < 0] = len(rules.classes) - 1
    return out


def record_uncertainty(cols, rules: Rules) -> np.ndarray:
    """h_accuracy_m, else the rules' figure for the quality level, else the unknown default."""
    unc = np.asarray(cols["h_accuracy_m"], dtype=np.float64)
    missing = np.isnan(unc)
    if missing.any():
        by_ql = _lookup(np.asarray(cols["quality_level"], dtype=object), rules.quality_level_m)
        fill = np.where(np.isnan(by_ql), rules.unknown_uncertainty_m, by_ql)
        unc = np.where(missing, fill, unc)
    return unc


def base_clearance(cols, rules: Rules, classes: np.ndarray) -> np.ndarray:
    """Effective clearance of each asset before method and footprint-accuracy extras."""
    table = class_table(rules)
    if 0 < len(classes) <= FEW_ROWS and not _is_frame(cols):  # a few rows: in Python, the same sums
        return _base_rows(cols, rules, classes, table)
    clear = table.clearance[classes]
    add_unc = table.add_uncertainty[classes]
    add_half = table.add_half_width[classes]
    crs = np.asarray(cols["crs_accuracy_m"], dtype=np.float64)
    crs = np.where(np.isnan(crs), rules.crs_unknown_m, crs)
    half = np.asarray(cols["diameter_mm"], dtype=np.float64) / 2000.0
    half = np.where(np.isnan(half), 0.0, half)
    unc = record_uncertainty(cols, rules)
    return clear + np.where(add_unc, unc + crs, 0.0) + np.where(add_half, half, 0.0)


def _base_rows(cols, rules: Rules, classes: np.ndarray, table: ClassTable) -> np.ndarray:
    """``base_clearance`` row by row (a few candidates: fewer calls than the numpy above)."""
    def numbers(col):
        return np.asarray(cols[col], dtype=np.float64).tolist()

    row = base_row(rules, table)
    return np.array([row(c, h, q, k, d)[0] for c, h, q, k, d in zip(
        classes.tolist(), numbers("h_accuracy_m"),
        np.asarray(cols["quality_level"], dtype=object).tolist(), numbers("crs_accuracy_m"),
        numbers("diameter_mm"), strict=True)], dtype=np.float64)


def base_row(rules: Rules, table: ClassTable):
    """A function of one row's (class, h_accuracy_m, quality_level, crs_accuracy_m,
    diameter_mm) — numbers as floats, NaN for none — giving its (base clearance, record
    uncertainty): ``base_clearance`` and ``record_uncertainty`` of one row, the same sums."""
    clear, add_unc, add_half = table.rows
    by_ql, unknown = rules.quality_level_m, float(rules.unknown_uncertainty_m)
    crs_unknown = float(rules.crs_unknown_m)

    def row(c: int, h: float, q, k: float, d: float) -> tuple[float, float]:
        if h != h:  # no stated accuracy: the quality level's figure, else the default
            h = float(by_ql.get(q, np.nan))
            if h != h:
                h = unknown
        k = crs_unknown if k != k else k
        half = d / 2000.0
        half = 0.0 if half != half else half
        return clear[c] + (h + k if add_unc[c] else 0.0) + (half if add_half[c] else 0.0), h

    return row


_NO_TEXT, _NO_FLAGS = np.empty(0, dtype=object), np.empty(0, dtype=bool)


def nothing_to_assess() -> dict[str, np.ndarray]:
    # (empty arrays hold nothing to change: every result without conflicts may share them)
    return {"severity": _NO_TEXT, "precaution": _NO_TEXT, "depth_note": _NO_TEXT,
            "abandoned": _NO_FLAGS, "risk_class": _NO_TEXT, "contact_owner": _NO_FLAGS,
            "pressure": _NO_TEXT, "voltage": _NO_TEXT, "class_basis": _NO_TEXT}


def _assess_rows(cols, severity, abandoned, precaution, eff, classes, table: ClassTable,
                 rules: Rules, dig_depth_m) -> dict[str, np.ndarray]:
    """``assess``'s precautions, restricted assets and depth notes for a few rows, row by row
    (the vectorised text operations cost more than the rows); the same answers."""
    n = len(severity)
    ids = np.asarray(cols["asset_id"]).tolist()
    masked = [str(v).startswith(MASKED_ID_PREFIX) for v in ids]
    texts = [precaution_text(*row) for row in zip(
        precaution.tolist(), eff["class_note"].tolist(), abandoned.tolist(),
        cols["status"].tolist(), masked, cols["owner"].tolist(), strict=True)]
    depth_notes = [None] * n
    dig = np.asarray(np.nan if dig_depth_m is None else dig_depth_m, dtype=np.float64)
    digs = [float(dig)] * n if dig.ndim == 0 else dig.tolist()
    if any(d == d for d in digs):
        depth = cols["depth_m"].tolist()
        vacc = cols["v_accuracy_m"].tolist()
        sev = severity.tolist()
        for i in range(n):
            depth_notes[i] = note = depth_note(depth[i], vacc[i], digs[i], rules)
            if note is not None and rules.depth_lowers_severity and sev[i] == "danger":
                sev[i] = "caution"
        severity = _objects(sev)
    return _assessed(severity, _objects(texts), _objects(depth_notes), abandoned,
                     np.array(masked, dtype=bool), classes, table, eff)


def precaution_text(text: str, note, abandoned: bool, status, masked: bool, owner) -> str:
    """One conflict's precaution: its class's, with the class note (an unknown pressure or
    voltage) and the status of an abandoned asset added; a restricted asset's says whom to
    ask. (``assess`` builds the same texts for many rows at once.)"""
    if note is not None:
        text = text + " " + note + "."
    if abandoned:
        text = (text + " Recorded as " + str(status)
                + ": treat as live until the owner confirms it is dead.")
    if masked:
        text = ("Restricted asset of " + str(owner)
                + ": contact them for its position and precautions before digging.")
    return text


def depth_note(depth: float, v_accuracy: float, planned: float, rules: Rules) -> str | None:
    """The note of an asset recorded deeper than the planned dig (numbers as floats, NaN for
    none), else None."""
    if depth != depth or planned != planned:
        return None
    top = depth - (0.0 if v_accuracy != v_accuracy else v_accuracy) - rules.depth_margin_m
    if top > planned:
        return (f"recorded depth {depth:.2f} m is below the planned {planned:.2f} m dig; "
                "recorded depths are unreliable, so the conflict stands")
    return None


def _objects(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def site_extra(rules: Rules, method: str, position_accuracy_m: float = 0.0) -> float:
    """Clearance added to every asset for one dig: method extra + footprint accuracy."""
    return rules.method_extra_m.get(method, 0.0) + max(position_accuracy_m, 0.0)


def search_reach(rules: Rules, bounds: dict, extra: float = 0.0) -> float:
    """The largest effective clearance any asset in the register can have.

    Built from the store's maxima (``clearance_bounds``) so that a candidate search within
    this reach cannot miss an asset; uncertainty always includes the rules' largest default
    because some records have no stated accuracy.
    """
    unc = max(float(bounds.get("h_accuracy_m") or 0.0), rules.max_uncertainty_m())
    crs = max(float(bounds.get("crs_accuracy_m") or 0.0), rules.crs_unknown_m)
    half = float(bounds.get("diameter_mm") or 0.0) / 2000.0
    reach = max(
        c.clearance_m + (unc + crs if c.add_uncertainty else 0.0) + (half if c.add_half_width else 0.0)
        for c in rules.classes
    )
    return reach + extra


def assess(
    cols: dict[str, np.ndarray],
    distance: np.ndarray,
    clearance: np.ndarray,
    classes: np.ndarray,
    rules: Rules,
    *,
    dig_depth_m=None,
) -> dict[str, np.ndarray]:
    """Severity, precaution and depth note for assets in conflict (dig depth: scalar or per row)."""
    table = class_table(rules)
    n = len(distance)
    if not n:
        return nothing_to_assess()
    high = table.high_risk[classes]
    zone = cols["asset_class"] == "precaution_zone"
    strike = (distance <= 0.0) & ~zone
    severity = _SEVERITIES[np.where(strike, 2, high.astype(np.intp))]
    status = cols["status"]
    if n <= MEMO_ROWS:  # (np.isin on text sorts: ten times slower for a few rows)
        abandoned = np.fromiter((v in ABANDONED_STATUS for v in status.tolist()), bool, n)
    else:
        abandoned = np.isin(status, ABANDONED_STATUS)
    precaution = table.precaution[classes]  # (a copy of its own: written below)
    eff = effective(cols, rules, n)
    if n <= FEW_ROWS:  # a few rows: their texts put together in Python, the same texts
        return _assess_rows(cols, severity, abandoned, precaution, eff, classes, table, rules,
                            dig_depth_m)
    unknown = eff["class_note"] != None  # noqa: E711 (a note or None)
    # (the texts below are built for the rows they concern only: a batch has 10^5 rows)
    if unknown.any():
        precaution[unknown] = (precaution[unknown] + " "
                               + eff["class_note"][unknown].astype(object) + ".")
    if abandoned.any():
        precaution[abandoned] = (
            precaution[abandoned] + " Recorded as " + status[abandoned].astype(str)
            + ": treat as live until the owner confirms it is dead.")
    # a restricted asset the login is not cleared for comes masked (id "restricted:…",
    # a coarse box, no attributes: PostGIS asset_view): the conflict stands, with its owner
    masked = np.fromiter((str(v).startswith(MASKED_ID_PREFIX)
                          for v in np.asarray(cols["asset_id"]).tolist()), bool, n)
    if masked.any():
        precaution[masked] = (
            "Restricted asset of " + cols["owner"][masked].astype(str)
            + ": contact them for its position and precautions before digging.")
    depth_note = np.full(n, None, dtype=object)
    dig = np.asarray(np.nan if dig_depth_m is None else dig_depth_m, dtype=np.float64)
    if dig.ndim == 0:
        dig = np.full(n, dig)
    if not np.isnan(dig).all():
        depth = cols["depth_m"]
        vacc = cols["v_accuracy_m"]
        top = depth - np.where(np.isnan(vacc), 0.0, vacc) - rules.depth_margin_m
        deeper = ~np.isnan(depth) & ~np.isnan(dig) & (top > dig)
        if deeper.any():
            fmt = np.vectorize("{:.2f}".format, otypes=[object])
            note = (
                "recorded depth " + fmt(depth) + " m is below the planned " + fmt(dig)
                + " m dig; recorded depths are unreliable, so the conflict stands"
            )
            depth_note = np.where(deeper, note, None)
            if rules.depth_lowers_severity:
                severity = np.where(deeper & (severity == "danger"), "caution", severity)
    return _assessed(severity, precaution, depth_note, abandoned, masked, classes, table, eff)


def _assessed(severity, precaution, depth_note, abandoned, masked, classes, table: ClassTable,
              eff) -> dict[str, np.ndarray]:
    return {
        "severity": severity,
        "precaution": precaution,
        "depth_note": depth_note,
        "abandoned": abandoned,
        "risk_class": table.name[classes],
        "contact_owner": table.contact_owner[classes] | masked,
        # the classes the check used, and on what basis (value / recorded / unknown)
        "pressure": np.asarray(eff["pressure"], dtype=object),
        "voltage": np.asarray(eff["voltage"], dtype=object),
        "class_basis": eff["class_basis"],
    }
