"""The dig check: ``Checker(store, rules).check(site)`` and ``check_many(sites)``.

A single check reads its candidates through the store's reader (on a GeoPackage the R*Tree
on disk: no bulk load, so the first check after opening is fast); ``check_many`` reads the
candidates of all its footprints at once from that R*Tree (check/bulk.py), or from an
in-memory STRtree of every live asset when one is built (or the reader cannot read in
bulk). All search within the largest effective clearance any asset can have (bounded by
``store.clearance_bounds()`` or the index's own maximum), then keep the assets whose exact
2D distance to the footprint is within their own effective clearance — so no asset can be
missed by the index. Register facts (extent, bounds, owners, coverage, works) are cached
and re-read whenever the reader's ``data_version`` says a write was committed; a store
without one has them re-read on every check.

Thread use: a Checker serves one thread at a time (the UI keeps one per worker thread).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np
import shapely

from .. import clock
from ..errors import FootprintError, ValidationError
from ..store import AssetReader
from . import clearance as _clearance  # (its FEW_ROWS read at each call)
from .clearance import (
    CHECK_COLUMNS, SEVERITY_RANK, TOLERANCE_M, assess, base_clearance, class_table, classify,
    normalise, nothing_to_assess, record_uncertainty, site_extra, take,
)
from .bulk import disk_candidates
from .confidence import grade
from .context import Context, load_context
from .deviations import UNKNOWN_OWNER, first_per_asset
from .footprint import check_extent
from .frames import fast_frame
from .index import MemoryIndex
from .result import CONFLICT_COLUMNS, CheckResult, Deferred, DigSite
from .rules import METHODS, Rules, default_rules
from .single import check_rows

from ..lazy import lazy_module

gpd = lazy_module("geopandas")
pd = lazy_module("pandas")


def validate_sites(sites: Sequence[DigSite]) -> np.ndarray:
    """The footprints of ``sites`` as an array, refusing anything that cannot be checked."""
    if len(sites) == 1:
        fps = np.empty(1, dtype=object)
        fps[0] = sites[0].footprint
        if isinstance(fps[0], _POLYGONS) and not fps[0].is_empty and fps[0].is_valid:
            _validate_fields(sites)  # a valid polygon: only the planner's fields to check
            return fps
    else:
        fps = np.array([s.footprint for s in sites], dtype=object)
    _validate_fields(sites)
    missing = shapely.is_missing(fps)
    bad = missing | shapely.is_empty(fps) | ~np.isin(shapely.get_type_id(fps), (3, 6))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise FootprintError(
            f"{_label(sites[i], i)} must be a non-empty polygon in the "
            f"working CRS, not {'nothing' if missing[i] else shapely.get_type_id(fps[i])!r}: "
            "build it with asset_register.check.footprint.build"
        )
    invalid = ~shapely.is_valid(fps)
    if invalid.any():
        i = int(np.flatnonzero(invalid)[0])
        raise FootprintError(
            f"{_label(sites[i], i)} is not a valid polygon "
            f"({shapely.is_valid_reason(fps[i])}): redraw it or repair it with make_valid"
        )
    return fps


_POLYGONS = (shapely.Polygon, shapely.MultiPolygon)
OVERLAP_SITES = 2_000  # sites in a batch from disk from which ``_place_facts`` overlaps the read


def _search_box(footprint, reach: float) -> tuple[float, float, float, float]:
    """The footprint's box grown by ``reach`` on every side."""
    x0, y0, x1, y1 = footprint.bounds
    return x0 - reach, y0 - reach, x1 + reach, y1 + reach


def _conflict_order(site: np.ndarray, severity: np.ndarray, distance: np.ndarray,
                    asset_id: np.ndarray) -> np.ndarray | None:
    """The order of the conflict table: by site, most severe, nearest, then asset id (stable);
    None when the rows are in that order already."""
    n = len(site)
    if n < 2:
        return None
    if n <= _clearance.FEW_ROWS:  # a few rows (one site's): sorted in Python, no text array built
        keys = list(zip(site.tolist(), [SEVERITY_RANK[v] for v in severity.tolist()],
                        distance.tolist(), [str(v) for v in asset_id.tolist()], strict=True))
        order = sorted(range(n), key=keys.__getitem__)
        if all(i == j for i, j in enumerate(order)):
            return None
        return np.array(order, dtype=np.intp)
    rank = np.array([SEVERITY_RANK[v] for v in severity.tolist()], dtype=np.int64)
    order = np.lexsort((distance, rank, site))
    # Rows alike in site, severity and distance (assets across the footprint: 0 m) are ordered
    # by asset id as text among themselves: the ids of those rows only are made text (the
    # same order as sorting every row by its id first: each sort is stable).
    s, r, d = site[order], rank[order], distance[order]
    alike = (s[1:] == s[:-1]) & (r[1:] == r[:-1]) & ((d[1:] == d[:-1]) | (d[1:] != d[1:])
                                                      & (d[:-1] != d[:-1]))
    if not alike.any():
        return order
    tied = np.zeros(n, dtype=bool)
    tied[1:] |= alike
    tied[:-1] |= alike
    at = np.flatnonzero(tied)
    run = np.cumsum(~np.concatenate(([False], alike)))[at]  # (each run of alike rows)
    rows = order[at]
    order[at] = rows[np.lexsort((asset_id[rows].astype(str), run))]
    return order


def _no_conflicts(cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The conflict table of checks without conflicts: what ``Checker._evaluate`` builds when
    no candidate is within its clearance, without assessing nothing."""
    metres = np.empty(0, dtype=np.float64)
    made = {**nothing_to_assess(), "site": np.empty(0, dtype=np.int64),
            "distance_m": metres, "clearance_m": metres, "uncertainty_m": metres,
            "geometry": np.empty(0, dtype=object)}
    return {k: made[k] if k in made else cols[k][:0]
            for k in ("site", *CONFLICT_COLUMNS, "geometry")}


def _validate_fields(sites: Sequence[DigSite]) -> None:
    for i, s in enumerate(sites):
        if s.method not in METHODS:
            raise ValidationError(f"{_label(s, i)}: method {s.method!r} is not one of "
                                  f"{list(METHODS)}")
        if s.start and s.end and s.start > s.end:
            raise ValidationError(f"{_label(s, i)}: start {s.start} is after end {s.end}")
        if s.depth_m is not None and not s.depth_m >= 0:
            raise ValidationError(f"{_label(s, i)}: depth {s.depth_m} must be a positive "
                                  "number of metres")


def _label(site: DigSite, i: int) -> str:
    """How an error names site ``i`` (worked out only for an error: a batch has 10^5)."""
    return site.reference or f"footprint {i + 1}"


class Checker:
    """Checks dig sites against one register with one set of rules."""

    def __init__(self, store, rules: Rules | None = None, *, disk: bool = True):
        """``disk=False`` reads through the store's generic methods instead of its backend's
        own reader (the GeoPackage R*Tree)."""
        self.store = store
        self.rules = rules or default_rules()
        self._reader = store.reader() if disk else AssetReader(store)
        self._ctx: Context | None = None
        self._ctx_version = None
        self._memory: MemoryIndex | None = None
        self._memory_version = None
        # whether the rules' class memo holds the combinations a sample of the register holds
        # (check/single.py: worked out by the first single check)
        self.classes_sampled = False

    # -- lifecycle ---------------------------------------------------------------------
    def close(self) -> None:
        self._reader.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def refresh(self) -> None:
        """Forget everything cached (call after changing the register through another path)."""
        self._ctx = self._memory = None

    def _version(self):
        return self._reader.data_version()  # (None: the store cannot tell; re-read every time)

    def context(self) -> Context:
        return self._context_at(self._version())

    def _context_at(self, v) -> Context:
        """The register facts as of data version ``v`` (re-read when it changed)."""
        if self._ctx is None or v is None or v != self._ctx_version:
            self._ctx = load_context(self.store, self._reader, self.rules)
            self._ctx_version = v
        return self._ctx

    def memory_index(self) -> MemoryIndex:
        """Every live asset in an STRtree (built on first use, rebuilt after changes)."""
        v = self._version()
        if self._memory is None or v is None or v != self._memory_version:
            self._memory = MemoryIndex.from_reader(self._reader, self.rules)
            self._memory_version = v
        return self._memory

    # -- checking ----------------------------------------------------------------------
    def check(self, site: DigSite) -> CheckResult:
        """Every asset in conflict with one dig site, owners to contact, works to coordinate."""
        t0 = time.perf_counter()
        fps = validate_sites([site])
        if self._memory is None and self._ctx is not None and self._reader.reads_version:
            return self._check_one_trip(site, fps, t0)
        if self._memory is None and self._reader.reads_rows:  # the R*Tree's rows, row by row
            result = check_rows(self, site, fps, t0)
            if result is not None:
                return result
        extra = self._extras([site])
        while True:
            ctx, v = self._ctx, self._ctx_version
            if ctx is None or v is None:  # nothing read yet, or a store that cannot tell changes
                v = self._version()
                ctx = self._context_at(v)
            if self._memory is not None and v is not None and v == self._memory_version:
                parts, read = self._memory.candidates(fps, extra), None
            else:
                parts, read = None, self._reader.candidate_arrays(
                    _search_box(fps[0], ctx.reach(self.rules, float(extra[0]))), CHECK_COLUMNS)
            # One look at the data version per check: unchanged since the register facts
            # (bounds, owners, works...) were read means the candidates are of that register.
            # A batch committed since may reach further than the bounds searched with: read
            # the facts again and check again.
            now = None if v is None else self._version()
            if now == v:
                break
            self._context_at(now)
        if parts is None:
            parts = self._classified(*read)
        return self._conclude([site], fps, extra, parts, ctx, t0)[0]

    def _check_one_trip(self, site: DigSite, fps, t0: float) -> CheckResult:
        """``check`` on a reader that reads the candidates and the data version they belong
        to together (a server's register: one round trip); the cached register facts hold
        while that version does."""
        ctx = self._ctx
        extra = self._extras([site])
        cols, geoms, seen = self._reader.candidates_at(
            _search_box(fps[0], ctx.reach(self.rules, float(extra[0]))), CHECK_COLUMNS)
        if seen is None or seen != self._ctx_version:
            self._ctx = None  # a write was committed: read the register facts again, recheck
            return self.check(site)
        return self._conclude([site], fps, extra, self._classified(cols, geoms), ctx, t0)[0]

    def check_many(self, sites: Sequence[DigSite], *, index: str = "auto") -> CheckBatch:
        """Check a programme of sites in bulk; results per site.

        ``index``: "disk" reads every site's candidates at once from the register's own
        spatial index (the GeoPackage R*Tree: nothing held in memory but the candidates);
        "memory" from the in-memory index of every live asset (built on first use: at 10
        million assets two minutes and gigabytes); "auto" from memory when that index is
        built and current, else from disk when the reader can read in bulk. Every path
        gives the same answers as single checks.
        """
        if index not in ("auto", "disk", "memory"):
            raise ValueError(f"index must be 'auto', 'disk' or 'memory', not {index!r}")
        if index == "disk" and not self._reader.reads_in_bulk:
            raise ValueError("this register's reader cannot read a batch's candidates in bulk")
        t0 = time.perf_counter()
        sites = list(sites)
        fps = validate_sites(sites)
        extra = self._extras(sites)
        while True:
            v = self._version()
            ctx = self._context_at(v)
            memory = self._memory is not None and v is not None and v == self._memory_version
            if index == "memory" or (index == "auto" and (memory or not self._reader.reads_in_bulk)):
                return self._conclude(sites, fps, extra,
                                      self.memory_index().candidates(fps, extra), ctx, t0)
            parts, placed = self._disk_candidates(ctx, sites, fps, extra)
            # as in ``check``: a batch committed while the candidates were read may reach
            # further than the bounds searched with; read the facts again and read again (a
            # reader that cannot tell changes: once, its facts re-read as for every check)
            if v is None or self._version() == v:
                return self._conclude(sites, fps, extra, parts, ctx, t0, placed)

    def _disk_candidates(self, ctx: Context, sites, fps, extra) -> tuple:
        """(the candidates ``disk_candidates`` reads, the sites' facts of place or None).
        A large programme has its facts of place (``_place_facts``: extent, coverage,
        works) worked out in a thread while its candidates are read: that read waits on
        the register's file and the helper processes most of its time."""
        if len(sites) < OVERLAP_SITES:
            return disk_candidates(self._reader, self.rules, ctx, fps, extra), None
        pool = ThreadPoolExecutor(1, thread_name_prefix="site facts")
        try:
            placed = pool.submit(self._place_facts, sites, fps, ctx)
            parts = disk_candidates(self._reader, self.rules, ctx, fps, extra)
            return parts, placed.result()
        finally:  # (Ctrl-C or a failed read: the facts, CPU work of a second, are dropped)
            pool.shutdown(wait=False, cancel_futures=True)

    def _extras(self, sites) -> np.ndarray:
        """Each site's clearance on top of an asset's own (its method, its accuracy)."""
        return np.array([site_extra(self.rules, s.method, s.position_accuracy_m) for s in sites])

    def _classified(self, cols, geoms) -> tuple:
        """One site's candidates as read from the store: (site index, columns, geometries,
        classes, base clearance), as ``MemoryIndex.candidates`` gives them."""
        cols = normalise(cols)
        classes = classify(cols, self.rules)
        return (np.zeros(len(geoms), dtype=np.int64), cols, geoms, classes,
                base_clearance(cols, self.rules, classes))

    def _conclude(self, sites, fps, extra, parts, ctx: Context, t0: float,
                  placed=None) -> CheckBatch:
        """Every check's end: reported positions added to the candidates ``parts``, exact
        distances, the results (``placed``: the sites' facts of place, if worked out)."""
        dev = None
        if ctx.deviations is not None:
            *parts, dev = ctx.deviations.add_to(fps, extra, *parts)
        flat = self._evaluate(sites, fps, extra, *parts, dev)
        return self._assemble(sites, fps, flat, ctx, t0, placed)

    def _evaluate(self, sites, fps, extra, fi, cols, geoms, classes, base,
                  dev=None) -> dict[str, np.ndarray]:
        """Exact 2D distances and the conflict table of all sites (arrays, sorted by site).

        ``dev`` (reported positions added: their report id, NaN elsewhere) keeps each asset
        once per site, at the worse of its positions, and adds ``deviation_hits``."""
        fi = np.asarray(fi, dtype=np.int64)
        if len(fps) == 1:  # one site: its footprint against every candidate
            dist = shapely.distance(geoms, fps[0]) if len(fi) else np.empty(0)
            clearance = base + extra[0]
        else:
            dist = shapely.distance(geoms, fps[fi]) if len(fi) else np.empty(0)
            clearance = base + extra[fi]
        hit = np.flatnonzero(dist <= clearance + TOLERANCE_M)
        if not len(hit) and _clearance.FEW_ROWS:  # no conflicts (half of all single checks)
            return _no_conflicts(cols)
        cols = take(cols, hit)
        fi, dist, clearance, classes = fi[hit], dist[hit], clearance[hit], classes[hit]
        depths = np.array([np.nan if s.depth_m is None else s.depth_m for s in sites])[fi]
        out = dict(cols)
        out.update(assess(cols, dist, clearance, classes, self.rules, dig_depth_m=depths))
        out.update(site=fi, distance_m=dist, clearance_m=clearance,
                   uncertainty_m=record_uncertainty(cols, self.rules),
                   geometry=np.asarray(geoms, dtype=object)[hit])
        order = _conflict_order(fi, out["severity"], dist, out["asset_id"])
        if order is None:  # in order already (every column is an array of its own)
            order = slice(None)
            flat = {k: out[k] for k in ("site", *CONFLICT_COLUMNS, "geometry")}
        else:
            flat = {k: out[k][order] for k in ("site", *CONFLICT_COLUMNS, "geometry")}
        if dev is None:
            return flat
        dev = dev[hit][order]
        reported = ~np.isnan(dev)
        if not reported.any():
            return flat
        keep = first_per_asset(flat["site"], flat["asset_id"])
        flat = {k: v[keep] for k, v in flat.items()}
        flat["deviation_hits"] = (out["site"][order][reported], dev[reported])
        return flat

    def _assemble(self, sites, fps, flat, ctx: Context, t0: float, placed=None) -> CheckBatch:
        hits = flat.pop("deviation_hits", None)
        warnings, coverage, works, today = self._site_facts(sites, fps, ctx, hits,
                                                            placed=placed)
        return CheckBatch(self, sites, flat, coverage, works, warnings, ctx,
                          time.perf_counter() - t0, today)

    def _site_facts(self, sites, fps, ctx: Context, hits=None, bounds=None,
                    placed=None) -> tuple:
        """(warnings of each site, coverage pairs, overlapping works, the day of the check)
        for a check's sites; ``hits``: (site, report id) of the reported positions in
        conflict; ``bounds``: the footprint's of a single site, when known; ``placed``:
        ``_place_facts`` of the sites, when worked out already."""
        rules = self.rules
        warnings, coverage, works = placed or self._place_facts(sites, fps, ctx, bounds)
        if hits is not None and len(hits[0]):
            told = ctx.deviations.warnings(*hits, len(sites))
            warnings = [[*w, *t] for w, t in zip(warnings, told)]
        today = clock.today()  # (one day for the whole check: its expiry and its grade)
        expiry = ctx.expiry_warning(self.store, today)
        if expiry:  # an offline extract past or near its expiry date
            warnings = [[*w, expiry] for w in warnings]
        if rules.warnings:  # e.g. the shipped rules standing in for the authority's
            warnings = [[*w, *rules.warnings] for w in warnings]
        return warnings, coverage, works, today

    def _place_facts(self, sites, fps, ctx: Context, bounds=None) -> tuple:
        """(each site's warnings of its place, coverage pairs, overlapping works): what
        depends on the sites and the register's facts alone, not on the candidates."""
        rules = self.rules
        warnings = check_extent(fps, ctx.extent, rules.max_outside_m,
                                lambda i: _label(sites[i], i), bounds)
        coverage = ctx.owners.coverage_pairs(fps, class_table(rules).max_clearance, bounds)
        if len(ctx.works.geoms) == 0:  # no planned works in the register: nothing to match
            starts = ends = _NO_DATES
        else:
            nat = np.datetime64("NaT", "ns")
            starts = np.array([np.datetime64(s.start, "ns") if s.start else nat for s in sites])
            ends = np.array([np.datetime64(s.end, "ns") if s.end else nat for s in sites])
        works = ctx.works.match(fps, starts, ends, [s.usrn for s in sites], rules.coordination_m,
                                rules.ignore_works_status)
        return warnings, coverage, works


_NO_DATES = np.empty(0, dtype="datetime64[ns]")


def conflicts_frame(data: dict[str, np.ndarray], crs) -> gpd.GeoDataFrame:
    return fast_frame(data, crs)


class CheckBatch(Sequence):
    """Results of ``check_many``: flat arrays for all sites, a CheckResult per site on demand."""

    def __init__(self, checker: Checker, sites, flat, coverage, works, warnings, ctx, seconds,
                 today=None):
        self.checker, self.sites, self.flat = checker, sites, flat
        self.today = today  # the day the check was made (None: today, when a result is read)
        self.coverage, self.works, self.warnings = coverage, works, warnings
        self.ctx, self.seconds = ctx, seconds
        if len(sites) == 1:  # one site: everything is its
            self._conf_at = (0, len(flat["site"]))
            self._cov_at = (0, len(coverage["site"]))
            self._works_at = (0, len(works["site"]))
        else:
            at = np.arange(len(sites) + 1)
            self._conf_at = np.searchsorted(flat["site"], at)
            self._cov_at = np.searchsorted(coverage["site"], at)
            self._works_at = np.searchsorted(works["site"], at)
        self._cache: dict[int, CheckResult] = {}

    def __len__(self) -> int:
        return len(self.sites)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        if i not in self._cache:
            self._cache[i] = self._result(i)
        return self._cache[i]

    @property
    def conflicts(self) -> gpd.GeoDataFrame:
        """Every conflict of every site, with the site's index in ``site``."""
        return conflicts_frame(self.flat, self.ctx.crs)

    def summary(self) -> pd.DataFrame:
        """Per site: reference, conflicts and counts by severity."""
        n = len(self)
        out = pd.DataFrame({"reference": [s.reference for s in self.sites]})
        out["conflicts"] = np.bincount(self.flat["site"], minlength=n)
        for sev in ("strike", "danger", "caution"):
            out[sev] = np.bincount(self.flat["site"][self.flat["severity"] == sev], minlength=n)
        return out

    def _rows(self, columns, a: int, b: int) -> dict[str, np.ndarray]:
        """``columns`` of the conflict rows a:b (one site's); the arrays themselves when the
        batch is of one site (a result's columns are never written to)."""
        if len(self.sites) == 1:
            return {k: self.flat[k] for k in columns}
        return {k: self.flat[k][a:b] for k in columns}

    def _owners(self, i: int):
        a, b = self._conf_at[i], self._conf_at[i + 1]
        c0, c1 = self._cov_at[i], self._cov_at[i + 1]
        return self.ctx.owners.lists(
            self.flat["owner"][a:b], self.flat["severity"][a:b], self.flat["contact_owner"][a:b],
            self.coverage["owner"][c0:c1], self.coverage["coverage"][c0:c1],
            self.checker.rules.expected_utilities)

    def _confidence(self, i: int, affected, no_conflict, no_data) -> dict:
        a, b = self._conf_at[i], self._conf_at[i + 1]
        cols = self._rows(("asset_id", "owner", "h_accuracy_m", "quality_level",
                           "uncertainty_m"), a, b)
        reported = np.isin(cols["asset_id"].astype(str), list(self.ctx.reported)) \
            if self.ctx.reported else np.zeros(b - a, dtype=bool)
        return grade(affected=affected, no_conflict=no_conflict, no_data=no_data,
                     conflicts=cols, reported=reported,
                     unknown_owner_near=UNKNOWN_OWNER in cols["owner"].tolist(),
                     delivered=self.ctx.delivered or {}, on=self.sites[i].start or self.today or clock.today())

    def _result(self, i: int) -> CheckResult:
        ctx = self.ctx
        a, b = self._conf_at[i], self._conf_at[i + 1]
        # every answer is computed here; the frames holding conflicts and works are built
        # when first read (result.Deferred)
        conflicts = Deferred(self._rows([k for k in self.flat if k != "site"], a, b),
                             partial(conflicts_frame, crs=ctx.crs))
        w0, w1 = self._works_at[i], self._works_at[i + 1]
        works = Deferred(ctx.works.row_columns(self.works["work"][w0:w1],
                                               self.works["distance_m"][w0:w1],
                                               self.works["reason"][w0:w1]),
                         partial(fast_frame, crs=ctx.crs))
        return CheckResult(conflicts=conflicts, works_overlapping=works, **self._answers(i))

    def _answers(self, i: int) -> dict:
        """Site ``i``'s result fields other than its frames: owners, warnings, advice,
        confidence."""
        site, rules = self.sites[i], self.checker.rules
        affected, no_conflict, no_data, owner_warnings = self._owners(i)
        return dict(
            site=site, owners_affected=affected, owners_no_conflict=no_conflict,
            owners_no_data=no_data, rules_version=rules.version,
            warnings=[*site.notes, *self.warnings[i], *owner_warnings],
            seconds=self.seconds / max(len(self), 1),
            advice=[rules.method_advice[site.method]] if site.method in rules.method_advice else [],
            crs=self.ctx.crs_name,
            confidence=self._confidence(i, affected, no_conflict, no_data),
        )

    def overview(self) -> list[tuple[list[str], int, int]]:
        """Each site's owners affected (codes), overlapping works and warnings counted, as
        its result gives them, for all sites at once (the programme table)."""
        from .batch_json import site_overview

        found = site_overview(self)
        if found is None:  # (owner values that do not sort together: site by site)
            found = [([o["owner"] for o in r.owners_affected], len(r.works_columns()["reason"]),
                      len(r.warnings)) for r in map(self._result, range(len(self)))]
        return found

    def to_dict(self) -> dict:
        """Every site's result in the documented JSON layout, built for all sites at once
        from the flat arrays (check/batch_json.py: no per-site frames or lists), so a
        programme of 100,000 sites prints in a second or two; the same, site by site, as
        each site's ``CheckResult.to_dict()``."""
        from .batch_json import batch_results

        results = batch_results(self)
        if results is None:  # values the batch path leaves to the per-site path
            results = [self._result(i).to_dict() for i in range(len(self))]
        return {"rules_version": self.checker.rules.version, "sites": len(self),
                "seconds": round(self.seconds, 6), "results": results}
