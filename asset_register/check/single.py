"""One dig check straight from the database's rows: the few candidates of a footprint read
from the GeoPackage R*Tree are classed, measured, assessed and ordered row by row in plain
Python, and the result is built from those rows — no column arrays, no frames.

A live check's candidates are a handful of rows; numpy's fixed cost per call on arrays that
small is most of a check's time. The answers are the vectorised path's, to the last bit:
every row-by-row step here is the one the vectorised code uses for a few rows or is compared
with it (``tests/check/test_few_rows.py``, ``tests/check/test_single_rows.py``): the classes
through the same memo, clearances through ``base_row``, precautions through
``precaution_text`` and ``depth_note``, the owners through ``OwnerDirectory.lists_of``, the
grade through ``grade_rows``, warnings, coverage and works through the checker's own
``_site_facts``. The conflict columns (and their frame) are built from the rows when first
read. A footprint near an open deviation report's position takes the vectorised path.
"""

from __future__ import annotations

import time
from functools import partial
from operator import itemgetter

import numpy as np
import shapely

from ..model import MASKED_ID_PREFIX
from .clearance import (
    ABANDONED_STATUS, CHECK_COLUMNS, NUMERIC, SEVERITY_RANK, TOLERANCE_M, base_row, class_table,
    depth_note, memo_classes, precaution_text, site_extra,
)
from .confidence import grade_rows
from .deviations import UNKNOWN_OWNER
from .frames import fast_frame
from .result import CONFLICT_COLUMNS, CheckResult, Deferred

_NAN = float("nan")
SAMPLE_ROWS = 20_000  # assets whose combinations of class fields are classed up front
_AT = {c: i for i, c in enumerate(CHECK_COLUMNS)}  # a row's layout: CHECK_COLUMNS, geometry
_ASSET_ID, _OWNER, _STATUS, _CLASS = (_AT[c] for c in ("asset_id", "owner", "status",
                                                       "asset_class"))
_H, _QL, _CRS, _DIAM = (_AT[c] for c in ("h_accuracy_m", "quality_level", "crs_accuracy_m",
                                         "diameter_mm"))
_DEPTH, _VACC = _AT["depth_m"], _AT["v_accuracy_m"]
# the columns the check works out for each conflict (the rest are the asset's own), by their
# place in a conflict's tuple (see ``_assessed``)
_WORKED_OUT = {"distance_m": 1, "clearance_m": 2, "uncertainty_m": 3, "severity": 4,
               "precaution": 5, "depth_note": 6, "abandoned": 7, "contact_owner": 8,
               "risk_class": 9, "pressure": 10, "voltage": 11, "class_basis": 12}
_FLOATS = {*NUMERIC, "distance_m", "clearance_m", "uncertainty_m"}
_FLAGS = {"abandoned", "contact_owner"}
_KEY_AT: dict[tuple[str, ...], list] = {}  # the class memo's key fields -> their places in a row


def _num(v) -> float:
    return _NAN if v is None else float(v)


def check_rows(checker, site, fps: np.ndarray, t0: float) -> CheckResult | None:
    """``checker.check(site)`` from the rows of its reader (``reads_rows``); None when the
    footprint is near a reported position (the caller checks it the vectorised way)."""
    rules, reader, fp = checker.rules, checker._reader, fps[0]
    extra = site_extra(rules, site.method, site.position_accuracy_m)
    x0, y0, x1, y1 = fp.bounds
    while True:  # (as ``Checker.check``: one look at the data version after the read)
        ctx, v = checker._ctx, checker._ctx_version
        if ctx is None or v is None:
            v = checker._version()
            ctx = checker._context_at(v)
        r = ctx.reach(rules, extra)
        cols, rows, geoms = reader.candidate_rows((x0 - r, y0 - r, x1 + r, y1 + r), CHECK_COLUMNS)
        now = None if v is None else checker._version()
        if now == v:
            break
        checker._context_at(now)
    if not checker.classes_sampled:  # (once per checker: the memo outlives register changes)
        checker.classes_sampled = True
        _sample_classes(rules, reader)
    dev = ctx.deviations
    if dev is not None and len(dev.pairs(fps, dev.max_base + np.array([extra]))[1]):
        return None
    if len(cols) != len(CHECK_COLUMNS):  # a register without some columns: None for them
        at = {c: i for i, c in enumerate(cols)}
        rows = [tuple(row[at[c]] if c in at else None for c in CHECK_COLUMNS) for row in rows]
    conflicts = _conflicts(rules, rows, geoms, fp, extra, site.depth_m)
    warnings, coverage, works, today = checker._site_facts([site], fps, ctx, None,
                                                           (x0, y0, x1, y1))
    # each conflict's owner, severity, contact flag, accuracy, quality level and uncertainty
    own, sev, need, acc, ql, unc = zip(*[
        (row[_OWNER], c[4], c[8], _num(row[_H]), row[_QL], c[3])
        for c in conflicts for row in (rows[c[0]],)]) if conflicts else ((),) * 6
    affected, no_conflict, no_data, owner_warnings = ctx.owners.lists_of(
        own, sev, need, coverage["owner"].tolist(), coverage["coverage"].tolist(),
        rules.expected_utilities)
    reported = ctx.reported
    confidence = grade_rows(
        affected=affected, no_conflict=no_conflict, no_data=no_data, accuracy=acc, quality=ql,
        uncertainty=unc,
        reported=sum(str(rows[c[0]][_ASSET_ID]) in reported for c in conflicts) if reported else 0,
        unknown_owner_near=UNKNOWN_OWNER in own, delivered=ctx.delivered or {},
        on=site.start or today)
    crs = ctx.crs
    return CheckResult(
        site=site,
        conflicts=Deferred(None, partial(fast_frame, crs=crs),
                           partial(_columns, rows, geoms, conflicts)),
        works_overlapping=Deferred(ctx.works.row_columns(works["work"], works["distance_m"],
                                                         works["reason"]),
                                   partial(fast_frame, crs=crs)),
        owners_affected=affected, owners_no_conflict=no_conflict, owners_no_data=no_data,
        rules_version=rules.version, warnings=[*site.notes, *warnings[0], *owner_warnings],
        advice=[rules.method_advice[site.method]] if site.method in rules.method_advice else [],
        crs=ctx.crs_name, confidence=confidence, seconds=time.perf_counter() - t0)


def _sample_classes(rules, reader) -> None:
    """Work out the class of the combinations of values a sample of the register holds, all
    at once (the vectorised code, as for any combination not seen before), so that few
    checks meet a combination first and pay for it alone."""
    fields = class_table(rules).key_fields
    cols, values = reader.sample_values(list(fields), SAMPLE_ROWS)
    at = {c: i for i, c in enumerate(cols)}
    memo_classes([tuple(None if f not in at else v[at[f]] for f in fields) for v in values], rules)


def _keys(rows: list, fields: tuple[str, ...]) -> list[tuple]:
    """Each row's key into the class memo: its values of ``fields`` (None for a field the rows
    do not hold; the database gives None, never NaN, for a missing number)."""
    at = _KEY_AT.get(fields)
    if at is None:
        at = _KEY_AT[fields] = [_AT.get(f) for f in fields]
    if None not in at:
        return list(map(itemgetter(*at), rows)) if len(at) > 1 else [(r[at[0]],) for r in rows]
    return [tuple(None if i is None else r[i] for i in at) for r in rows]


def _conflicts(rules, rows: list, geoms: np.ndarray, fp, extra: float, depth_m) -> list[tuple]:
    """The candidates within their clearance, most severe, nearest, then by asset id first:
    (row, distance, clearance, uncertainty, severity, precaution, depth note, abandoned,
    contact owner, risk class, pressure, voltage, class basis) each."""
    if not rows:
        return []
    table = class_table(rules)
    dist = shapely.distance(geoms, fp).tolist()
    classed = memo_classes(_keys(rows, table.key_fields), rules)
    base = rules.check_memo.get("base_row")
    if base is None:
        base = rules.check_memo["base_row"] = base_row(rules, table)
    near = []
    for i, row in enumerate(rows):
        b, unc = base(classed[i][0], _num(row[_H]), row[_QL], _num(row[_CRS]), _num(row[_DIAM]))
        clearance = b + extra
        if dist[i] <= clearance + TOLERANCE_M:
            near.append((i, clearance, unc))
    if not near:  # (half of all checks)
        return []
    high, texts, names, contact = table.assess_rows
    dig = _NAN if depth_m is None else float(depth_m)
    out, keys = [], []
    for i, clearance, unc in near:
        row, d = rows[i], dist[i]
        cls, pressure, voltage, basis, note = classed[i]
        if d <= 0.0 and not row[_CLASS] == "precaution_zone":
            severity = "strike"
        else:
            severity = "danger" if high[cls] else "caution"
        status = row[_STATUS]
        abandoned = status in ABANDONED_STATUS
        masked = str(row[_ASSET_ID]).startswith(MASKED_ID_PREFIX)
        deeper = None if dig != dig else depth_note(_num(row[_DEPTH]), _num(row[_VACC]), dig,
                                                    rules)
        if deeper is not None and rules.depth_lowers_severity and severity == "danger":
            severity = "caution"
        out.append((i, d, clearance, unc, severity,
                    precaution_text(texts[cls], note, abandoned, status, masked, row[_OWNER]),
                    deeper, abandoned, bool(contact[cls]) or masked, names[cls], pressure,
                    voltage, basis))
        keys.append((SEVERITY_RANK[severity], d, str(row[_ASSET_ID])))
    if len(out) < 2:
        return out
    return [out[j] for j in sorted(range(len(out)), key=keys.__getitem__)]


def _columns(rows: list, geoms: np.ndarray, conflicts: list[tuple]) -> dict[str, np.ndarray]:
    """The conflict table's columns (``CONFLICT_COLUMNS`` and ``geometry``) from the rows."""
    out = {}
    for name in CONFLICT_COLUMNS:
        k = _WORKED_OUT.get(name)
        if k is not None:
            values = [c[k] for c in conflicts]
        else:
            at = _AT[name]
            values = [rows[c[0]][at] for c in conflicts]
        if name in _FLOATS:
            out[name] = np.array([_num(v) for v in values] if k is None else values,
                                 dtype=np.float64)
        elif name in _FLAGS:
            out[name] = np.array(values, dtype=bool)
        else:
            out[name] = _objects(values)
    out["geometry"] = geoms[[c[0] for c in conflicts]] if conflicts else _objects([])
    return out


def _objects(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
