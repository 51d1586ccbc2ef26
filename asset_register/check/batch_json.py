"""A batch's results in the documented JSON layout, for all its sites at once.

A programme of 100,000 sites asked one site at a time spends seconds in per-site Python
(owner lists, confidence grade, records); here each part is worked out from the batch's flat
arrays (conflicts, coverage pairs, works, each sorted by site) grouped by site with numpy,
and what many sites share (the owners without conflicts of sites with the same coverage,
the reasons of a grade) once for all of them. The JSON text is the same, site by site, as
each site's ``CheckResult.to_dict()`` (tests/check/test_batch_json.py).
"""

from __future__ import annotations

import numpy as np
import shapely

from .. import clock
from ..memory import gc_paused
from .confidence import grade_all
from .groups import site_starts, sorted_unique
from .result import SEVERITIES, layout, records, site_dict


def batch_results(batch) -> list[dict] | None:
    """Every site's result dict of ``batch`` (a ``CheckBatch``), or None when its values
    need the per-site path (``OwnerDirectory.lists_all`` says which)."""
    with gc_paused():  # (millions of dicts and lists, none referring back to another)
        return _results(batch)


def _results(batch) -> list[dict] | None:
    ctx, rules, flat = batch.ctx, batch.checker.rules, batch.flat
    n = len(batch.sites)
    site = np.asarray(flat["site"], dtype=np.int64)
    cov = batch.coverage
    owners = ctx.owners.lists_all(site, flat["owner"], flat["severity"], flat["contact_owner"],
                                  np.asarray(cov["site"], dtype=np.int64), cov["owner"],
                                  cov["coverage"], n, rules.expected_utilities)
    if owners is None:
        return None
    sites = batch.sites
    today = batch.today or clock.today()
    reported = np.isin(flat["asset_id"].astype(str), list(ctx.reported)) if ctx.reported \
        else np.zeros(len(site), dtype=bool)
    confidence = grade_all(site=site, conflicts=flat, reported=reported, kind=owners.kind,
                           kinds=owners.kinds, on=[s.start or today for s in sites],
                           delivered=ctx.delivered or {})
    conflicts = records({k: v for k, v in flat.items() if k not in ("site", "geometry")})
    conf_at = site_starts(site, n).tolist()
    works = _works(batch)
    works_at = site_starts(np.asarray(batch.works["site"], dtype=np.int64), n).tolist()
    strike, danger, caution = (np.bincount(site[flat["severity"] == s], minlength=n).tolist()
                               for s in SEVERITIES)
    summary = [{"conflicts": b - a, "strike": x, "danger": y, "caution": z}
               for a, b, x, y, z in zip(conf_at[:-1], conf_at[1:], strike, danger, caution)]
    wkt = shapely.to_wkt(np.array([s.footprint for s in sites], dtype=object),
                         rounding_precision=3).tolist()
    seconds = round(batch.seconds / max(n, 1), 6)
    crs, version, advice = ctx.crs_name, rules.version, rules.method_advice
    return [
        layout(site_dict(s, wkt[i]), crs, version,
               summary[i], conflicts[conf_at[i]:conf_at[i + 1]], owners.affected[i], owners.no_conflict[i],
               owners.no_data[i], works[works_at[i]:works_at[i + 1]],
               [*s.notes, *batch.warnings[i], *owners.warnings[i]],
               [advice[s.method]] if s.method in advice else [], confidence[i], seconds)
        for i, s in enumerate(sites)]


def _works(batch) -> list[dict]:
    """Every overlapping work of the batch as records (by site)."""
    table, w = batch.ctx.works, batch.works["work"]
    if not len(w):
        return []
    cols = {c: v[w] for c, v in table.columns.items()}
    cols.update(distance_m=batch.works["distance_m"], reason=batch.works["reason"],
                footprint_wkt=shapely.to_wkt(table.geoms[w], rounding_precision=3))
    return records(cols)


def site_overview(batch) -> list[tuple[list[str], int, int]] | None:
    """For each site of ``batch``: the owners affected (codes, sorted), how many planned works
    overlap it and how many warnings it has — the programme table of ``check --programme``
    — from the flat arrays, without each site's result; None when an owner value would not
    sort with the others (then ask each site's result)."""
    flat, n, owners = batch.flat, len(batch.sites), batch.ctx.owners
    values = flat["owner"].tolist()
    try:
        names = sorted(set(values))  # (as a site's owners_affected are sorted)
    except TypeError:
        return None
    code_of = {v: k for k, v in enumerate(names)}
    n_codes = max(len(names), 1)
    pair = sorted_unique(np.asarray(flat["site"], dtype=np.int64) * n_codes + np.fromiter(
        map(code_of.__getitem__, values), np.int64, len(values)))
    pair_site, pair_code = pair // n_codes, (pair % n_codes).tolist()
    nameless = np.array([owners.contact(v)["name"] is None for v in names] or [False])
    told = np.bincount(pair_site[nameless[pair % n_codes]], minlength=n).tolist()
    at = site_starts(pair_site, n).tolist()
    works = np.diff(site_starts(np.asarray(batch.works["site"], dtype=np.int64), n)).tolist()
    return [([names[c] for c in pair_code[at[i]:at[i + 1]]], works[i],
             len(s.notes) + len(batch.warnings[i]) + told[i])
            for i, s in enumerate(batch.sites)]
