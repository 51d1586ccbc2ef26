"""How far to trust the map for one dig: a grade A (best) to D with its reasons in plain words.

The grade is the worst of what the check found: owners' data covering the site or not,
expected utilities with no records, how old the owners' newest deliveries are at the dig's
start, how accurate the records near the dig are, and open deviation reports (the records
here are known to be wrong in places). A says nothing is missing; it is not a guarantee.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

import numpy as np

from .deviations import UNKNOWN_OWNER, UNRECORDED_PREFIX
from .groups import run_starts

GRADES = "ABCD"
AGE_B_YEARS, AGE_C_YEARS = 2, 5
COARSE_M = 1.0  # records near the dig known only to more than this: B


@lru_cache(maxsize=4096)
def _years(day: str | None, on: date) -> float | None:
    if not day:
        return None
    try:
        return (on - date.fromisoformat(str(day)[:10])).days / 365.25
    except ValueError:
        return None


def grade(*, affected, no_conflict, no_data, conflicts: dict, reported: np.ndarray,
          unknown_owner_near: bool, delivered: dict, on: date) -> dict:
    """``{"grade", "reasons"}`` of one site. ``conflicts`` holds the site's conflict columns
    (``owner``, ``asset_id``, ``h_accuracy_m``, ``quality_level``, ``uncertainty_m``);
    ``reported`` marks the conflicts whose asset has an open deviation report or a reported
    position; ``delivered`` is each owner's newest delivery (ISO)."""
    found = _coverage_and_age(affected, no_conflict, no_data, delivered, on)
    ids = np.asarray(conflicts.get("asset_id", ()), dtype=object).tolist()
    if not ids:
        return _graded(found, unknown_owner_near, int(np.asarray(reported).sum()))
    # an unrecorded find is no record: the records' accuracy and reports are counted without
    # it, and it is said apart (an owner's records missing it, or no known owner: D)
    # (a few rows: plain Python is quicker than numpy on them)
    find = [isinstance(i, str) and i.startswith(UNRECORDED_PREFIX) for i in ids]
    keep = [not f for f in find]
    if any(keep):
        def kept(col, dtype) -> list:
            return [v for v, k in zip(np.asarray(conflicts[col], dtype=dtype).tolist(), keep,
                                      strict=True) if k]
        _precision(found, sum(keep), kept("h_accuracy_m", float),
                   kept("quality_level", object), kept("uncertainty_m", float))
    wrong = sum(1 for r, k in zip(np.asarray(reported, dtype=bool).tolist(), keep, strict=True)
                if r and k)
    owners = np.asarray(conflicts.get("owner", ()), dtype=object).tolist()
    missing = sum(1 for o, f in zip(owners, find, strict=True) if f and o != UNKNOWN_OWNER)
    return _graded(found, unknown_owner_near, wrong, missing)


def grade_rows(*, affected, no_conflict, no_data, accuracy: Sequence, quality: Sequence,
               uncertainty: Sequence, reported: int, unknown_owner_near: bool, delivered: dict,
               on: date) -> dict:
    """``grade`` of a site whose conflicts are given as sequences (h_accuracy_m and
    uncertainty_m as floats, NaN for none; quality_level) with the count of them reported.
    None of them is an unrecorded find: a site near a report goes through ``grade``."""
    found = _coverage_and_age(affected, no_conflict, no_data, delivered, on)
    if accuracy:
        _precision(found, len(accuracy), accuracy, quality, uncertainty)
    return _graded(found, unknown_owner_near, reported)


def grade_all(*, site: np.ndarray, conflicts: dict, reported: np.ndarray, kind: np.ndarray,
              kinds: Sequence, on: Sequence[date], delivered: dict) -> list[dict]:
    """``grade`` of every site of a batch at once. ``site`` and ``conflicts`` are the
    batch's flat conflict rows (sorted by site), ``reported`` marks theirs as in ``grade``;
    ``kind``/``kinds`` each site's kind of owner lists (``OwnerDirectory.lists_all``); ``on``
    each site's day. The reasons are worked out once for each kind, day and set of counts:
    sites alike share one dict (copy it for a site's result: ``copied``)."""
    n_sites = len(kind)
    ids = np.asarray(conflicts["asset_id"], dtype=object).tolist()
    owners = np.asarray(conflicts["owner"], dtype=object)
    find = np.array([isinstance(i, str) and i.startswith(UNRECORDED_PREFIX) for i in ids],
                    dtype=bool)
    keep = ~find
    quality = np.asarray(conflicts["quality_level"], dtype=object).tolist()
    unknown = keep & np.isnan(np.asarray(conflicts["h_accuracy_m"], dtype=float)) & \
        np.array([q is None for q in quality], dtype=bool)
    uncertainty = np.asarray(conflicts["uncertainty_m"], dtype=float)
    placed = keep & ~np.isnan(uncertainty)
    worst = np.full(n_sites, np.nan)
    if placed.any():  # (rows sorted by site: each site's largest by one reduceat)
        at = np.flatnonzero(placed)
        starts = run_starts(site[at])
        worst[site[at][starts]] = np.maximum.reduceat(uncertainty[at], starts)

    def count(mask) -> list[int]:
        return np.bincount(site[mask], minlength=n_sites).tolist()

    near_unknown = np.bincount(site[owners == UNKNOWN_OWNER], minlength=n_sites) > 0
    n_kept, n_unknown = count(keep), count(unknown)
    wrong = count(keep & np.asarray(reported, dtype=bool))
    missing = count(find & (owners != UNKNOWN_OWNER))
    coarse = [f"{w:.1f}" if w > COARSE_M else None for w in worst.tolist()]
    made: dict[tuple, dict] = {}
    based: dict[tuple, list] = {}
    out = []
    for i, k in enumerate(kind.tolist()):
        key = (k, on[i], n_kept[i], n_unknown[i], coarse[i], wrong[i], missing[i],
               bool(near_unknown[i]))
        done = made.get(key)
        if done is None:
            base = based.get(key[:2])
            if base is None:
                o = kinds[k]
                base = based[key[:2]] = _coverage_and_age(o.affected, o.no_conflict, o.no_data,
                                                         delivered, on[i])
            found = list(base)
            if n_kept[i]:
                _precision_of(found, n_kept[i], n_unknown[i], worst[i])
            done = made[key] = _graded(found, key[7], wrong[i], missing[i])
        out.append(done)
    return out


def copied(confidence: dict) -> dict:
    """A site's own copy of a grade ``grade_all`` gives."""
    return {"grade": confidence["grade"], "reasons": list(confidence["reasons"])}


def _precision(found: list, n: int, acc: list, quality: list, uncertainty: list) -> None:
    """What the conflicts' recorded accuracy adds to the reasons."""
    unknown = sum(1 for a, q in zip(acc, quality, strict=True) if a != a and q is None)
    placed = [u for u in uncertainty if u == u]
    _precision_of(found, n, unknown, max(placed) if placed else float("nan"))


def _precision_of(found: list, n: int, unknown: int, worst: float) -> None:
    """``_precision`` of ``n`` records of which ``unknown`` have no recorded accuracy, the
    worst placed to ±``worst`` metres (NaN: none placed)."""
    if unknown:
        found.append(("C", f"{unknown} of {n} records near the dig have no recorded "
                           "accuracy"))
    if worst > COARSE_M:
        found.append(("B", f"records near the dig are placed only to ±{worst:.1f} m"))


def _graded(found: list, unknown_owner_near: bool, reported: int, missing: int = 0) -> dict:
    if unknown_owner_near:
        found.append(("D", "an asset nobody has a record of was found near here, owner "
                           "unknown"))
    if reported:
        found.append(("C", f"{reported} record(s) near the dig have open deviation "
                           "reports: they are known to be wrong"))
    if missing:
        found.append(("C", f"{missing} asset(s) found near here are missing from their "
                           "owners' records"))
    if not found:
        return {"grade": "A", "reasons": [
            "every owner with data here delivered recently, the records near the dig are "
            "placed to within ±1 m and none has an open deviation report"]}
    worst_grade = max(g for g, _ in found)
    ordered = sorted(found, key=lambda f: -GRADES.index(f[0]))
    return {"grade": worst_grade, "reasons": [f"{g}: {text}" for g, text in ordered]}


def _coverage_and_age(affected, no_conflict, no_data, delivered: dict, on) -> list:
    """The reasons from the owners' coverage of the site and the age of their deliveries."""
    if type(on) is not date:  # a datetime or pandas Timestamp (a date subclass), or text
        on = date.fromisoformat(str(on)[:10])
    found: list[tuple[str, str]] = []
    with_data = [o["owner"] for o in [*affected, *no_conflict]]
    if not with_data:
        found.append(("D", "no owner's data covers this site: nothing here is known"))
    for o in no_data:
        if o.get("owner") is None:
            found.append(("C", f"no {o['utility']} records cover this site"))
        elif "only part" in o.get("reason", ""):
            found.append(("B", f"{o['owner']}'s data covers only part of the site"))
        elif "no coverage area" in o.get("reason", ""):
            found.append(("B", f"{o['owner']} has no coverage area recorded: its data may "
                               "stop short of the site"))
    for o in affected:  # owners with conflicts: how much of the site their data covers
        if o["owner"] == UNKNOWN_OWNER:  # a find no owner has claimed: its own reason
            continue
        if o.get("coverage") == "partial":
            found.append(("B", f"{o['owner']}'s data covers only part of the site"))
        elif o.get("coverage") == "unrecorded":
            found.append(("B", f"{o['owner']} has no coverage area recorded: its data may "
                               "stop short of the site"))
    for owner in sorted(set(with_data)):
        age = _years(delivered.get(owner), on)
        if age is not None and age > AGE_B_YEARS:
            found.append(("C" if age > AGE_C_YEARS else "B",
                          f"{owner}'s newest delivery is {age:.0f} years old at the dig's start"))
    return found
