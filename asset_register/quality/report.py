"""The data-quality figures of a register, per owner, for an area or the whole register.

Every figure is counted over arrays (numpy ``bincount`` per owner code), never per asset in
Python; see docs/quality.md for what each one means.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import shapely

from .. import clock
from ..errors import ValidationError
from .classes import (
    ACCURACY_CLASSES,
    AGE_CLASSES,
    NAT,
    QUALITY_LEVELS,
    age_classes,
    iso_day,
)
from .coverage import coverage_table, km2, owner_areas, register_region, share
from .data import read_fields
from .needs import needs_of

SCHEMA = "asset-register/quality/1"


def _counts(index: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(index, minlength=size)[:size] if len(index) else np.zeros(size, np.int64)


def _medians(groups: np.ndarray, values: np.ndarray, size: int) -> list[int | None]:
    """The median (lower middle for an even count) of ``values`` in each group 0..size-1:
    one group's values at a time, partitioned (not the whole register sorted at once)."""
    out: list[int | None] = []
    for g in range(size):  # one per owner
        v = values if size == 1 else values[groups == g]
        if not len(v):
            out.append(None)
            continue
        k = (len(v) - 1) // 2
        out.append(int(np.partition(v, k)[k]))
        del v
    return out


def _extreme(groups, values, size, fn) -> list[int | None]:
    out = np.full(size, NAT if fn is np.maximum else np.iinfo(np.int64).max, np.int64)
    fn.at(out, groups, values)
    return [None if x in (NAT, np.iinfo(np.int64).max) else int(x) for x in out.tolist()]


def _pairs(fields) -> dict[str, set[str]]:
    """The utilities each owner has live assets of, from the codes read."""
    ok = (fields.owner >= 0) & (fields.utility >= 0)
    k = max(len(fields.utility_names), 1)
    out: dict[str, set[str]] = {}
    pairs = fields.owner[ok].astype(np.int64) * k + fields.utility[ok]
    seen = np.flatnonzero(np.bincount(pairs)) if len(pairs) else pairs  # (not a sort of them all)
    for code in seen.tolist():
        out.setdefault(fields.owner_names[code // k], set()).add(fields.utility_names[code % k])
    return out


def _newest_batches(store) -> dict[str, int]:
    """Day of each owner's newest committed delivery (a whole network re-sent unchanged keeps
    its records' own dates: the batch says when it last came)."""
    batches = store.batches()
    if not len(batches) or "owner" not in batches.columns:
        return {}
    done = batches[(batches["state"].astype(object) == "committed") & batches["owner"].notna()]
    done = done[["owner", "finished_at"]].astype(object)
    out = {}
    for owner, when in done.groupby("owner")["finished_at"].max().items():  # one per owner
        try:
            out[str(owner)] = int(np.datetime64(str(when)[:10], "D").astype(np.int64))
        except ValueError:
            continue
    return out


def _deviation_counts(store, area) -> dict[str, int]:
    """Open deviation reports per owner (in ``area``: those whose reported position, else
    whose asset, meets it)."""
    reports = store.deviations(open_only=True)
    if not len(reports):
        return {}
    owners = reports["owner"].astype(object).where(reports["owner"].notna(), "(unknown)")
    if area is not None:
        wkt = reports["geometry_wkt"].astype(object).where(reports["geometry_wkt"].notna(), None)
        geoms = shapely.from_wkt(wkt.to_numpy(dtype=object))
        unplaced = np.flatnonzero(shapely.is_missing(geoms))  # reports without a position
        asset_ids = reports["asset_id"].iloc[unplaced].tolist()
        # their assets in one read; one retired since is not live and is not counted here
        assets = store.get_assets(str(a) for a in asset_ids if isinstance(a, str) and a)
        for i, asset in zip(unplaced, asset_ids):
            found = assets.get(str(asset)) if isinstance(asset, str) and asset else None
            geoms[i] = None if found is None else found["geometry"]
        inside = ~shapely.is_missing(geoms)
        inside[inside] = shapely.intersects(area, geoms[inside])
        owners = owners[inside]
    return {str(k): int(v) for k, v in owners.value_counts().items()}


def _parse_area(area, crs, store_crs):
    if area is None:
        return None
    if isinstance(area, str):
        try:
            geom = shapely.from_wkt(area)
        except shapely.errors.GEOSException:
            raise ValidationError(f"area {area[:60]!r} is not WKT: give a polygon such as "
                                  "'POLYGON ((530000 180000, 530100 180000, 530100 180100, "
                                  "530000 180000))'") from None
    else:
        geom = area
    if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValidationError("area must be a polygon (WKT POLYGON or MULTIPOLYGON), not "
                              f"{'nothing' if geom is None or geom.is_empty else geom.geom_type}")
    _finite(geom, "")
    if not shapely.is_valid(geom):
        geom = shapely.make_valid(geom)
    if crs is not None:
        from ..check.footprint import parse_crs
        from ..transform import reproject

        source = parse_crs(crs)
        if not source.equals(store_crs):
            geom = reproject(geom, source, store_crs)
        _finite(geom, f" in the register's CRS ({store_crs.to_string()}): check --crs")
    return geom


def _finite(geom, where: str) -> None:
    if not np.isfinite(shapely.bounds(geom)).all():
        raise ValidationError(f"area has coordinates that are not numbers{where or ''}: give "
                              "a polygon of finite coordinates")


def quality_report(store, *, area=None, crs=None, owners=None, rules=None,
                   on: date | None = None) -> dict:
    """The quality figures (see docs/quality.md) as a JSON-ready dict.

    ``area``: a polygon (WKT or shapely) in ``crs`` (default the register's); None for the whole
    register. ``owners``: only these owners' rows (totals and coverage stay whole). ``rules``:
    default the register's (``check.rules.rules_for``). ``on``: the day ages are counted to.
    """
    from ..check.rules import rules_for

    rules = rules if rules is not None else rules_for(store)
    on = on or clock.today()
    geom = _parse_area(area, crs, store.crs)
    coverage = store.owner_coverage()
    region = geom if geom is not None else register_region(store, coverage)
    fields = read_fields(store, geom)
    if geom is None:  # every live asset was read: its owner-utility pairs are all there are
        owner_utils = _pairs(fields)
    else:
        reader = store.reader()
        try:
            owner_utils = reader.owner_utilities()
        finally:
            reader.close()
    areas = owner_areas(coverage)
    if region is not None:
        covered, utilities, gap = coverage_table(region, areas, owner_utils,
                                                 rules.expected_utilities, store.crs)
        region_km2 = round(float(km2(region, store.crs)[0]), 6)
    else:
        covered, utilities, gap, region_km2 = {}, [], {"gap_km2": 0.0, "uncovered_share": None}, 0.0
    names = {o.code: o.name for o in store.owners()}
    present = set(fields.owner_names[i] for i in np.unique(fields.owner[fields.owner >= 0]))
    codes = sorted(present | {o for o, v in covered.items() if v > 0} |
                   (set(names) if geom is None else set()))
    if owners:
        unknown = sorted(set(owners) - set(names) - present)
        if unknown:
            raise ValidationError(f"owner {unknown[0]!r} is not in this register: give one of "
                                  f"{', '.join(sorted(names)) or 'no owners yet'}")
        codes = [c for c in codes if c in set(owners)]
    deviations = _deviation_counts(store, geom)
    newest_batch = _newest_batches(store)
    needs = needs_of(rules)
    rows = _figures(fields, codes, on, needs, newest_batch)
    total = _figures(fields, None, on, needs, {})[0]
    for r in rows:
        code = r["owner"]
        r["name"] = names.get(code, code)
        r["utilities"] = sorted(owner_utils.get(code, ()))
        r["coverage_km2"] = round(covered[code], 6) if code in covered else None
        r["coverage_share"] = share(covered[code], region_km2) if code in covered else None
        r["open_deviations"] = deviations.get(code, 0)
    total["open_deviations"] = int(sum(deviations.values()))
    total["open_deviations_no_owner"] = deviations.get("(unknown)", 0)
    return {
        "schema": SCHEMA, "register": store.display, "crs": store.crs.to_string(),
        "on": on.isoformat(), "rules_version": rules.version,
        "area": {"whole_register": geom is None, "km2": region_km2,
                 "wkt": shapely.to_wkt(region, rounding_precision=3) if region is not None else None},
        "assets": fields.n,
        "accuracy_classes": [{"key": k, "label": lbl} for k, lbl in ACCURACY_CLASSES],
        "age_classes": [{"key": k, "label": lbl} for k, lbl in AGE_CLASSES],
        "needs": [{"field": n.field, "columns": list(n.columns),
                   "utilities": list(n.utilities) if n.utilities else None, "why": n.why}
                  for n in needs],
        "owners": rows, "totals": total, "utilities": utilities, "no_owner_gap": gap,
    }


def _figures(fields, codes, on: date, needs, newest_batch) -> list[dict]:
    """Per-owner figure dicts for ``codes`` (None: one row of every asset together)."""
    if codes is None:
        size, row_of, labels = 1, np.zeros(len(fields.owner_names) + 1, np.int32), [None]
        row_of[-1] = 0
    else:
        size, labels = len(codes), list(codes)
        at = {c: i for i, c in enumerate(codes)}
        row_of = np.array([at.get(o, -1) for o in fields.owner_names] + [-1], np.int32)
    row = row_of[fields.owner]  # owner code -1 picks the trailing entry
    inrow = row >= 0
    if inrow.all():  # every asset is in a row (the usual case): views, not copies of each field
        inrow = slice(None)
    r = row[inrow]
    del row
    n = _counts(r, size)
    nacc, nage = len(ACCURACY_CLASSES), len(AGE_CLASSES)
    acc = _counts(r * nacc + fields.accuracy[inrow], size * nacc).reshape(size, nacc)
    nlev = len(QUALITY_LEVELS) + 1  # and "none"
    lev = _counts(r * nlev + np.where(fields.level[inrow] < 0, nlev - 1, fields.level[inrow]),
                  size * nlev).reshape(size, nlev)
    h_known = _counts(r[fields.h_known[inrow]], size)
    lvl_known = _counts(r[fields.level[inrow] >= 0], size)
    either = _counts(r[fields.h_known[inrow] | (fields.level[inrow] >= 0)], size)
    cap = fields.captured[inrow]
    has_cap = cap != NAT
    ages = age_classes(cap, on)
    age = _counts(r * nage + ages, size * nage).reshape(size, nage)
    del ages
    medians = _medians(r[has_cap], cap[has_cap], size)
    del cap, has_cap
    dlv = fields.delivered[inrow]
    has_d = dlv != NAT
    groups, days = r[has_d], dlv[has_d]
    del dlv, has_d
    newest = _extreme(groups, days, size, np.maximum)
    oldest = _extreme(groups, days, size, np.minimum)
    del groups, days
    missing = _missing(fields, inrow, r, size, needs)
    out = []
    for i, code in enumerate(labels):  # one per owner
        known_cap = int(age[i, :-1].sum())
        batch_day = newest_batch.get(code)
        latest = max([d for d in (newest[i], batch_day) if d is not None], default=None)
        out.append({
            "owner": code, "assets": int(n[i]),
            "accuracy": {
                "h_accuracy_known": int(h_known[i]), "quality_level_known": int(lvl_known[i]),
                "known": int(either[i]), "known_share": share(either[i], n[i]),
                "classes": {k: int(acc[i, j]) for j, (k, _) in enumerate(ACCURACY_CLASSES)},
                "quality_levels": {**{q: int(lev[i, j]) for j, q in enumerate(QUALITY_LEVELS)},
                                   "none": int(lev[i, -1])},
            },
            "age": {
                "newest_delivery": iso_day(latest), "oldest_delivery": iso_day(oldest[i]),
                "captured_known": known_cap,
                "captured_median": iso_day(medians[i]),
                "older_than_5y_share": share(age[i, 1] + age[i, 2], known_cap),
                "older_than_10y_share": share(age[i, 2], known_cap),
                "classes": {k: int(age[i, j]) for j, (k, _) in enumerate(AGE_CLASSES)},
            },
            "missing": {m: {"needed": int(v[0][i]), "missing": int(v[1][i]),
                            "missing_share": share(v[1][i], v[0][i])}
                        for m, v in missing.items()},
        })
    return out


def _missing(fields, inrow, r, size, needs) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per need: (assets that need it, those without it) per row."""
    out = {}
    utility = fields.utility[inrow]
    klass = fields.asset_class[inrow]
    for need in needs:
        if need.utilities is None:
            applies = np.ones(len(r), bool)
        else:
            wanted = [i for i, u in enumerate(fields.utility_names) if u in need.utilities]
            applies = np.isin(utility, wanted)
        if need.except_classes:
            skip = [i for i, c in enumerate(fields.class_names) if c in need.except_classes]
            applies &= ~np.isin(klass, skip)
        has = np.zeros(len(r), bool)
        for col in need.columns:
            has |= fields.present[col][inrow]
        out[need.field] = (_counts(r[applies], size), _counts(r[applies & ~has], size))
    return out


__all__ = ["SCHEMA", "quality_report"]
