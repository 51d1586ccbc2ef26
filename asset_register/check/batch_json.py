"""A batch's results in the documented JSON layout, for all its sites at once.

A programme of 100,000 sites asked one site at a time spends seconds in per-site Python
(owner lists, confidence grade, records); here each part is worked out from the batch's flat
arrays (conflicts, coverage pairs, works, each sorted by site) grouped by site with numpy,
and what many sites share (the owners without conflicts of sites with the same coverage,
the reasons of a grade) once for all of them. The JSON text is the same, site by site, as
each site's ``CheckResult.to_dict()`` (tests/check/test_batch_json.py).

``write_json`` (``check --programme --json``) writes the document a part of the sites at a
time, each part's dicts made, encoded and let go before the next: the same text as
``json.dumps`` of ``to_dict()``, in memory that does not grow with the document (417 MB for
100,000 sites of the synthetic 10M register), each kind of site's owners without conflicts
(38 % of that text) encoded once.
"""

from __future__ import annotations

import json

import numpy as np
import shapely

from .. import clock
from ..memory import gc_paused
from .confidence import copied, grade_all
from .groups import site_starts, sorted_unique
from .result import SEVERITIES, layout, records, site_dict

CHUNK_SITES = 2_000  # sites whose results are made, written and let go together (~8 MB of
# JSON for the synthetic register's sites; a programme of 100,000 sites is 417 MB)


def head(batch) -> dict:
    """The document's fields before its results, in their documented order."""
    return {"rules_version": batch.checker.rules.version, "sites": len(batch),
            "seconds": round(batch.seconds, 6)}


def batch_results(batch) -> list[dict] | None:
    """Every site's result dict of ``batch`` (a ``CheckBatch``), or None when its values
    need the per-site path (``OwnerDirectory.lists_all`` says which)."""
    with gc_paused():  # (millions of dicts and lists, none referring back to another)
        whole = _Whole.of(batch)
        return None if whole is None else whole.part(0, len(batch.sites))


def write_json(batch, out, size: int = CHUNK_SITES) -> None:
    """Write the batch's document to the text stream ``out`` a part of ``size`` sites at a
    time: the same text as ``json.dumps(batch.to_dict(), ensure_ascii=False)``, without the
    whole document held as dicts or as one string (the first sites are out while the later
    ones are made)."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode  # (json.dumps's own encoder)
    opening = dumps(head(batch))
    out.write(opening[:-1] + ', "results": [')
    n = len(batch.sites)
    # (each part's dicts and lists are let go before the next part is made: none refers back
    # to another, reference counting frees them all, the collector would only walk them)
    with gc_paused():
        whole = _Whole.of(batch)
        for a in range(0, n, size):
            b = min(a + size, n)
            if whole is not None:
                text = whole.text(a, b)
            else:  # (a list's items, ", " between them, as in the whole list)
                text = dumps([batch._result(i).to_dict() for i in range(a, b)])[1:-1]
            out.write(text if a == 0 else ", " + text)
            del text
    out.write("]}")


def _encoder():
    """``json.dumps(value, ensure_ascii=False)`` as a function of one value: the C encoder
    ``json.dumps`` itself uses, made once (no check for reference cycles: a result has
    none), or json's own where there is no C encoder."""
    from json import encoder

    base = json.JSONEncoder(ensure_ascii=False)
    try:  # (the arguments JSONEncoder.iterencode gives it for json.dumps)
        made = encoder.c_make_encoder(None, base.default, encoder.encode_basestring, None,
                                      base.key_separator, base.item_separator, False, False,
                                      True)
    except TypeError:  # no C encoder, or one that takes other arguments
        return base.encode
    join = "".join
    return lambda value: join(made(value, 0))


# A result's keys before and after its owners without conflicts and without data (which
# sites of one kind share: 38 % of a programme's text, written once for each kind).
_KEYS = tuple(layout(*[None] * 13))
_CUT = _KEYS.index("owners_no_conflict")
if _KEYS[_CUT + 1] != "owners_no_data":
    raise ImportError("result.layout: owners_no_data must follow owners_no_conflict")
_HEAD, _TAIL = _KEYS[:_CUT], _KEYS[_CUT + 2:]


class _Whole:
    """What every site's result is made from, worked out for the whole batch at once from
    its flat arrays; ``part`` makes the result dicts of a range of sites."""

    @classmethod
    def of(cls, batch) -> _Whole | None:
        ctx, rules, flat = batch.ctx, batch.checker.rules, batch.flat
        n = len(batch.sites)
        site = np.asarray(flat["site"], dtype=np.int64)
        cov = batch.coverage
        owners = ctx.owners.lists_all(site, flat["owner"], flat["severity"],
                                      flat["contact_owner"],
                                      np.asarray(cov["site"], dtype=np.int64), cov["owner"],
                                      cov["coverage"], n, rules.expected_utilities)
        if owners is None:
            return None
        self = cls()
        self.batch, self.owners, self.n = batch, owners, n
        today = batch.today or clock.today()
        reported = np.isin(flat["asset_id"].astype(str), list(ctx.reported)) if ctx.reported \
            else np.zeros(len(site), dtype=bool)
        self.confidence = grade_all(site=site, conflicts=flat, reported=reported,
                                    kind=owners.kind, kinds=owners.kinds,
                                    on=[s.start or today for s in batch.sites],
                                    delivered=ctx.delivered or {})
        self.columns = {k: v for k, v in flat.items() if k not in ("site", "geometry")}
        self.conf_at = site_starts(site, n)
        self.works_at = site_starts(np.asarray(batch.works["site"], dtype=np.int64), n)
        self.counts = np.stack([np.bincount(site[flat["severity"] == s], minlength=n)
                                for s in SEVERITIES], axis=1)
        self.seconds = round(batch.seconds / max(n, 1), 6)
        self.encode = None  # (made for ``text``)
        self.shared: dict[int, str] = {}  # each kind's owners lists as text, once made
        return self

    def text(self, a: int, b: int) -> str:
        """The JSON text of sites a..b-1's results, ", " between them: ``json.dumps`` of
        ``part(a, b)``'s items, each kind of site's owners without conflicts and without
        data encoded once (and not copied for each site)."""
        encode = self.encode
        if encode is None:
            encode = self.encode = _encoder()
        shared, kinds = self.shared, self.owners.kind[a:b].tolist()
        out = []  # (pieces joined once: each site's text is not copied piece by piece)
        for k, r in zip(kinds, self.part(a, b, shared=True), strict=True):
            middle = shared.get(k)
            if middle is None:
                middle = shared[k] = (
                    f", {encode(_KEYS[_CUT])}: {encode(r[_KEYS[_CUT]])}, "
                    f"{encode(_KEYS[_CUT + 1])}: {encode(r[_KEYS[_CUT + 1]])}, ")
            if out:
                out.append(", ")
            out += (encode({key: r[key] for key in _HEAD})[:-1], middle,
                    encode({key: r[key] for key in _TAIL})[1:])
        return "".join(out)

    def part(self, a: int, b: int, shared: bool = False) -> list[dict]:
        """The result dicts of sites a..b-1 (``shared``: owners_no_conflict and
        owners_no_data are the lists of the site's kind, not to be changed)."""
        batch, rules, ctx = self.batch, self.batch.checker.rules, self.batch.ctx
        sites = batch.sites[a:b]
        c0, c1 = int(self.conf_at[a]), int(self.conf_at[b])
        conflicts = records({k: v[c0:c1] for k, v in self.columns.items()})
        conf_at = (self.conf_at[a:b + 1] - c0).tolist()
        w0, w1 = int(self.works_at[a]), int(self.works_at[b])
        works = _works(batch, w0, w1)
        works_at = (self.works_at[a:b + 1] - w0).tolist()
        summary = [{"conflicts": e - s, "strike": x, "danger": y, "caution": z}
                   for s, e, (x, y, z) in zip(conf_at[:-1], conf_at[1:],
                                              self.counts[a:b].tolist())]
        affected, no_conflict, no_data, owner_warnings = self.owners.part(a, b, shared)
        wkt = shapely.to_wkt(np.array([s.footprint for s in sites], dtype=object),
                             rounding_precision=3).tolist()
        crs, version, advice, seconds = ctx.crs_name, rules.version, rules.method_advice, \
            self.seconds
        warnings, confidence = batch.warnings, self.confidence
        return [
            layout(site_dict(s, wkt[j]), crs, version, summary[j],
                   conflicts[conf_at[j]:conf_at[j + 1]], affected[j], no_conflict[j],
                   no_data[j], works[works_at[j]:works_at[j + 1]],
                   [*s.notes, *warnings[i], *owner_warnings[j]],
                   [advice[s.method]] if s.method in advice else [], copied(confidence[i]),
                   seconds)
            for j, (i, s) in enumerate(zip(range(a, b), sites))]


def _works(batch, w0: int, w1: int) -> list[dict]:
    """The overlapping works of rows w0..w1-1 of the batch's works (sorted by site) as
    records."""
    table, w = batch.ctx.works, batch.works["work"][w0:w1]
    if not len(w):
        return []
    cols = {c: v[w] for c, v in table.columns.items()}
    cols.update(distance_m=batch.works["distance_m"][w0:w1],
                reason=batch.works["reason"][w0:w1],
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
