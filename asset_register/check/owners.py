"""Who to tell about a dig: affected owners, owners with data but no conflict, owners with no data.

Absence of records is not absence of assets (DESIGN §5), so an owner is only reported as
"no assets affected" when its recorded coverage contains the whole site with its clearance
zone; an owner whose coverage misses the site, covers only part of it, or was never recorded
is listed under ``owners_no_data`` with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict
from typing import NamedTuple

import numpy as np
import shapely

from .clearance import SEVERITY_RANK
from .groups import run_starts, site_starts, sorted_unique

_WORST = {v: k for k, v in SEVERITY_RANK.items()}  # severity by its rank
MITRE_LIMIT = 5.0  # GEOS's default: a mitred corner reaches at most this times the distance
# A single site's coverage is looked up by the grid cell holding its area (cells of this side,
# in metres of the working CRS) when no coverage area's edge crosses that cell; at most
# CELLS_KEPT cells are kept (the directory is rebuilt whenever the register changes).
CELL_M = 1000.0
CELLS_KEPT = 100_000
CELL_BLOCK = 4  # cells worked out together (a block of 4 x 4)
_CELL_KEY = 2 ** 30  # (a batch's cells as numbers: |cell index| below this)


class OwnerKind(NamedTuple):
    """What the sites of one kind (the same coverage, the same owners with conflicts) share:
    the owners with conflicts (``owner`` and ``coverage`` only), owners_no_conflict and
    owners_no_data (not to be changed: copied for each site)."""

    affected: list[dict]
    no_conflict: list[dict]
    no_data: list[dict]


class OwnerLists:
    """``OwnerDirectory.lists_all``: the kind of each site (an index into ``kinds``) and, made
    when asked for a range of sites (``part``), each site's owners_affected,
    owners_no_conflict, owners_no_data and warnings (a programme's owners without conflicts,
    copied for each site, are millions of dicts: a programme's JSON is written a part at a
    time)."""

    def __init__(self, kind: np.ndarray, kinds: list[OwnerKind], contacts: list[dict],
                 nameless: list[str | None], pair_code: np.ndarray, count: np.ndarray,
                 worst: np.ndarray, needed: np.ndarray, coverage: np.ndarray,
                 pair_at: np.ndarray):
        self.kind, self.kinds = kind, kinds
        self._contacts, self._nameless = contacts, nameless
        self._pairs = (pair_code, count, worst, needed, coverage)  # (site, owner) pairs
        self._pair_at = pair_at  # site i's pairs: pair_at[i]:pair_at[i + 1]

    def part(self, a: int, b: int, shared: bool = False) -> tuple[list, list, list, list]:
        """(owners_affected, owners_no_conflict, owners_no_data, warnings) of sites a..b-1,
        each site's lists of its own dicts (``shared``: owners_no_conflict and
        owners_no_data are the lists of the site's kind, not to be changed)."""
        at = self._pair_at[a:b + 1].tolist()
        p0, p1 = at[0], at[-1]
        code, count, worst, needed, coverage = (v[p0:p1].tolist() for v in self._pairs)
        contacts, nameless = self._contacts, self._nameless
        entries = [{**contacts[c], "conflicts": n, "worst_severity": _WORST[r],
                    "contact_required": x, "coverage": k}
                   for c, n, r, x, k in zip(code, count, worst, needed, coverage, strict=True)]
        spans = [(s - p0, e - p0) for s, e in zip(at[:-1], at[1:])]
        affected = [entries[s:e] for s, e in spans]
        warnings = [[w for c in code[s:e] if (w := nameless[c]) is not None] for s, e in spans]
        kinds = [self.kinds[k] for k in self.kind[a:b].tolist()]
        if shared:
            return affected, [k.no_conflict for k in kinds], [k.no_data for k in kinds], warnings
        no_conflict = [list(map(dict, k.no_conflict)) for k in kinds]
        no_data = [list(map(dict, k.no_data)) for k in kinds]
        return affected, no_conflict, no_data, warnings


class OwnerDirectory:
    """Owners with contacts and their coverage areas, indexed for many sites at once."""

    def __init__(self, owners, coverage: tuple[np.ndarray, np.ndarray],
                 owner_utilities: dict[str, set[str]] | None = None):
        """``coverage``: (owner codes, areas) of the recorded coverage (``coverage_arrays``
        of the store's reader)."""
        self.contacts = {o.code: asdict(o) for o in owners}
        self._entries: dict[str, dict] = {}
        self._no_assets: dict[str, dict] = {}
        self.cov_owner, self.cov_geom = coverage
        if len(self.cov_geom):
            shapely.prepare(self.cov_geom)
            self.cov_tree = shapely.STRtree(self.cov_geom)
        else:
            self.cov_tree = None
        self.known = set(self.cov_owner.tolist())
        codes = set(self.contacts) | self.known
        self.codes = sorted(codes)
        self.owner_utilities = owner_utilities
        # grid cell -> the coverage areas holding all of it, or None when an area's edge
        # crosses it (see ``_in_cell``)
        self._cells: dict[tuple[int, int], dict | None] = {}
        # (coverage, owners with conflicts, expected utilities) -> the owners without conflicts
        self._rest: dict[tuple, tuple[list, list]] = {}

    def coverage_pairs(self, footprints: np.ndarray, near: float,
                       bounds: tuple | None = None) -> dict[str, np.ndarray]:
        """site, owner, coverage ('full' | 'partial') for every coverage meeting a site's area
        — everything within ``near`` (the largest clearance) of its footprint: a mitred buffer
        holds all of it; the footprint's box grown by ``near`` would reach past a delivery
        area drawn around the site — sorted by site (one coverage row per owner)."""
        if self.cov_tree is None or len(footprints) == 0:
            return {"site": np.empty(0, dtype=np.int64), "owner": np.empty(0, dtype=object),
                    "coverage": np.empty(0, dtype=object)}
        if len(footprints) == 1:  # one site (a live check): from its grid cell if it can be
            found = self._in_cell(footprints[0], near * MITRE_LIMIT, bounds)
            if found is not None:
                return dict(found)
            return self._by_query(footprints, near)
        # many sites: those whose grown box lies in cells no area's edge crosses (most of a
        # programme) from their cells, as a single site's; the rest tested one by one
        b = shapely.bounds(footprints)
        in_cells, site, owner = self._by_cells(b, near * MITRE_LIMIT)
        kind = np.full(len(site), "full", dtype=object)
        rest = np.flatnonzero(~in_cells)
        if len(rest):
            found = self._by_query(footprints[rest], near, b[rest])
            site = np.concatenate([site, rest[found["site"]]])
            owner = np.concatenate([owner, found["owner"]])
            kind = np.concatenate([kind, found["coverage"]])
        order = np.argsort(site, kind="stable")
        return {"site": site[order], "owner": owner[order], "coverage": kind[order]}

    def _by_query(self, footprints: np.ndarray, near: float,
                  b: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """``coverage_pairs`` by testing each site's area against the coverage areas (pairs
        in the order the tree gives them; ``b``: the footprints' bounds, when known)."""
        # The buffer lies within each footprint's box grown by the mitre limit times ``near``
        # (a mitred corner reaches no further): a coverage area that holds all of that box
        # covers the site without the buffer — the common case, a site well inside an owner's
        # area. The buffer (and exact predicates) only for sites near an area's edge.
        b = shapely.bounds(footprints) if b is None else b
        r = near * MITRE_LIMIT
        outer = shapely.box(b[:, 0] - r, b[:, 1] - r, b[:, 2] + r, b[:, 3] + r)
        site, j = self.cov_tree.query(outer)
        full = shapely.contains_properly(self.cov_geom[j], outer[site])
        if not full.all():
            edge = np.flatnonzero(~full)
            seen = np.zeros(len(footprints), dtype=bool)  # (not np.unique: slow on many)
            seen[site[edge]] = True
            need = np.flatnonzero(seen)
            areas = np.empty(len(footprints), dtype=object)
            areas[need] = shapely.buffer(footprints[need], near, join_style="mitre",
                                         mitre_limit=MITRE_LIMIT)
            meets = shapely.intersects(self.cov_geom[j[edge]], areas[site[edge]])
            full[edge] = shapely.covers(self.cov_geom[j[edge]], areas[site[edge]])
            keep = np.ones(len(site), dtype=bool)
            keep[edge] = meets
            site, j, full = site[keep], j[keep], full[keep]
        kind = np.array(["partial", "full"], dtype=object)[full.view(np.int8)]
        return {"site": site, "owner": self.cov_owner[j], "coverage": kind}

    def _by_cells(self, b: np.ndarray, r: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``_in_cell`` for many sites at once (``b``: their footprints' bounds): whether
        each site's pairs came from its cells, and those pairs' site and owner (all
        "full"), sorted by site."""
        x0, y0, x1, y1 = b[:, 0] - r, b[:, 1] - r, b[:, 2] + r, b[:, 3] + r
        with np.errstate(invalid="ignore"):
            i0, k0 = np.floor(x0 / CELL_M), np.floor(y0 / CELL_M)
            i1, k1 = np.floor(x1 / CELL_M), np.floor(y1 / CELL_M)
            i1 -= (i1 > i0) & (x1 == i1 * CELL_M)  # (a cell is closed, as in ``_in_cell``)
            k1 -= (k1 > k0) & (y1 == k1 * CELL_M)
            ok = np.isfinite(x0 + y0 + x1 + y1) & (i1 - i0 <= 1) & (k1 - k0 <= 1) & \
                (np.abs(i0) < _CELL_KEY) & (np.abs(k0) < _CELL_KEY) & \
                (np.abs(i1) < _CELL_KEY) & (np.abs(k1) < _CELL_KEY)
        at = np.flatnonzero(ok)
        none = np.empty(0, dtype=np.int64)
        if not len(at):
            return ok, none, self.cov_owner[:0]
        i0, k0, i1, k1 = (v[at].astype(np.int64) for v in (i0, k0, i1, k1))
        # each site's (up to four) cells as one number: i * 2**31 + k + 2**30
        keys = [i * (2 * _CELL_KEY) + k + _CELL_KEY for i, k in ((i0, k0), (i1, k0), (i0, k1),
                                                                  (i1, k1))]
        cells = sorted_unique(np.concatenate(keys))
        areas, owners = [], []
        for key in cells.tolist():  # (a few thousand cells at most: their blocks cached)
            found = self._cell(key // (2 * _CELL_KEY), key % (2 * _CELL_KEY) - _CELL_KEY)
            areas.append(None if found is None else found["areas"])
            owners.append(self.cov_owner[:0] if found is None else found["pairs"]["owner"])
        held = np.array([a is not None for a in areas], dtype=bool)
        same: dict = {}
        area_id = np.array([-1 if a is None else same.setdefault(a, len(same)) for a in areas])
        first = np.searchsorted(cells, keys[0])
        take = held[first]
        for key in keys[1:]:
            other = np.searchsorted(cells, key)
            take &= held[other] & (area_id[other] == area_id[first])
        ok[at[~take]] = False
        site, first = at[take], first[take]
        count = np.array([len(o) for o in owners], dtype=np.int64)
        start = np.concatenate(([0], np.cumsum(count)[:-1]))
        n = count[first]
        rows = np.repeat(start[first] - np.concatenate(([0], np.cumsum(n)[:-1])), n) + \
            np.arange(int(n.sum()))
        owner = np.concatenate(owners)[rows] if len(rows) else self.cov_owner[:0]
        return ok, np.repeat(site, n).astype(np.int64), owner

    def _in_cell(self, footprint, r: float, bounds: tuple | None = None) -> dict[str, np.ndarray] | None:
        """The coverage pairs of one site from the areas holding the whole of the footprint's
        box grown by ``r`` (read-only arrays, shared by the sites of the cell), when the
        cells that box lies in (at most four) are cells no area's edge crosses and the same
        areas hold each: each area then either holds all of those cells (so all of the box:
        full coverage) or meets none of them (so none of the box: no coverage). None when an
        edge crosses one of the cells or they are held by different areas (then the areas are
        tested against the site itself)."""
        x0, y0, x1, y1 = footprint.bounds if bounds is None else bounds
        x0, y0, x1, y1 = x0 - r, y0 - r, x1 + r, y1 + r
        if not math.isfinite(x0 + y0 + x1 + y1):
            return None
        i0, k0 = math.floor(x0 / CELL_M), math.floor(y0 / CELL_M)
        i1, k1 = math.floor(x1 / CELL_M), math.floor(y1 / CELL_M)
        # (a cell is closed: a box ending on a cell's edge lies in that cell)
        i1 -= i1 > i0 and x1 == i1 * CELL_M
        k1 -= k1 > k0 and y1 == k1 * CELL_M
        if i1 - i0 > 1 or k1 - k0 > 1:
            return None
        found = self._cell(i0, k0)
        if found is None:
            return None
        for key in ((i1, k0), (i0, k1), (i1, k1)):  # (neighbouring cells that no edge
            if key != (i0, k0):                      # crosses have the same areas: one
                                                     # holding a cell meets its neighbour)
                other = self._cell(*key)
                if other is None or other["areas"] != found["areas"]:
                    return None
        return found["pairs"]

    def _cell(self, i: int, k: int) -> dict | None:
        """{"areas": the coverage areas (indices) holding all of grid cell (i, k), "pairs":
        the coverage pairs they give a site in it}, or None when an area's edge crosses the
        cell; worked out once per cell, for the block of ``CELL_BLOCK`` × ``CELL_BLOCK``
        cells around it at once (so that few checks pay for working cells out)."""
        key = (i, k)
        if key in self._cells:
            return self._cells[key]
        if len(self._cells) + CELL_BLOCK * CELL_BLOCK > CELLS_KEPT:
            self._cells.clear()
        i0, k0 = i // CELL_BLOCK * CELL_BLOCK, k // CELL_BLOCK * CELL_BLOCK
        keys = [(a, b) for a in range(i0, i0 + CELL_BLOCK) for b in range(k0, k0 + CELL_BLOCK)
                if (a, b) not in self._cells]
        ci = np.array([a for a, _ in keys], dtype=np.float64)
        ck = np.array([b for _, b in keys], dtype=np.float64)
        cells = shapely.box(ci * CELL_M, ck * CELL_M, (ci + 1) * CELL_M, (ck + 1) * CELL_M)
        c, j = self.cov_tree.query(cells)
        order = np.argsort(c, kind="stable")  # (by cell)
        c, j = c[order], j[order]
        holds = shapely.contains_properly(self.cov_geom[j], cells[c])
        crossed = shapely.intersects(self.cov_geom[j], cells[c]) & ~holds
        at = np.searchsorted(c, np.arange(len(keys) + 1))
        for n, cell in enumerate(keys):
            a, b = at[n], at[n + 1]
            found = None
            if not crossed[a:b].any():
                held = j[a:b][holds[a:b]]
                pairs = {"site": np.zeros(len(held), dtype=np.int64),
                         "owner": self.cov_owner[held],
                         "coverage": np.full(len(held), "full", dtype=object)}
                for values in pairs.values():
                    values.flags.writeable = False
                found = {"areas": frozenset(held.tolist()), "pairs": pairs}
            self._cells[cell] = found
        return self._cells[key]

    def contact(self, code: str) -> dict:
        """A new dict (callers add to it) of the owner's contact details."""
        entry = self._entries.get(code)
        if entry is None:
            found = self.contacts.get(code)
            if found is None:
                entry = {"owner": code, "name": None, "phone": None, "emergency_phone": None,
                         "email": None}
            else:
                entry = {"owner": code}
                entry.update({k: v for k, v in found.items() if k != "code"})
            self._entries[code] = entry
        return dict(entry)

    def _answered(self, code: str) -> dict:
        """A new dict: the owner's contact details with the response "no assets affected"."""
        entry = self._no_assets.get(code)
        if entry is None:
            entry = self._no_assets[code] = {**self.contact(code),
                                             "response": "no assets affected"}
        return dict(entry)

    def lists(self, owner: np.ndarray, severity: np.ndarray, contact: np.ndarray,
              cov_owner: np.ndarray, cov_kind: np.ndarray, expected: tuple[str, ...]):
        """(owners_affected, owners_no_conflict, owners_no_data, warnings) for one site.

        ``owner``/``severity``/``contact`` describe its conflicts; ``cov_*`` the coverage
        areas meeting it. An owner with several coverage rows counts as covered if any is full.
        """
        return self.lists_of(owner.tolist(), severity.tolist(), contact.tolist(),
                             cov_owner.tolist(), cov_kind.tolist(), expected)

    def lists_of(self, owner: Sequence, severity: Sequence, contact: Sequence, cov_owner: list,
                 cov_kind: list, expected: tuple[str, ...]):
        """``lists`` of plain sequences (a single check's few rows)."""
        cov: dict[str, str] = {}
        for code, kind in zip(cov_owner, cov_kind, strict=True):
            if cov.get(code) != "full":
                cov[code] = kind
        affected, warnings = [], []
        stats: dict[str, list] = {}
        for code, sev, need in zip(owner, severity, contact, strict=True):
            s = stats.setdefault(code, [0, 9, False])
            s[0] += 1
            s[1] = min(s[1], SEVERITY_RANK[sev])
            s[2] = s[2] or bool(need)
        for code in sorted(stats):
            entry = self.contact(code)
            if entry["name"] is None:
                warnings.append(
                    f"owner {code!r} has assets here but no contact details in the register: "
                    "add the owner before issuing notices"
                )
            n, rank, need = stats[code]
            entry.update(conflicts=n, worst_severity=_WORST[rank], contact_required=need,
                         coverage=cov.get(code, "unrecorded"))
            affected.append(entry)
        # the owners without conflicts depend only on the coverage and the owners with
        # conflicts: worked out once for each such pair, copied for each site
        key = (tuple(cov.items()), tuple(sorted(stats)), tuple(expected))
        rest = self._rest.get(key)
        if rest is None:
            if len(self._rest) >= CELLS_KEPT:
                self._rest.clear()
            rest = self._rest[key] = self._without_conflicts(cov, stats, expected)
        no_conflict = [dict(e) for e in rest[0]]
        no_data = [dict(e) for e in rest[1]]
        return affected, no_conflict, no_data, warnings

    def lists_all(self, site: np.ndarray, owner: np.ndarray, severity: np.ndarray,
                  contact: np.ndarray, cov_site: np.ndarray, cov_owner: np.ndarray,
                  cov_kind: np.ndarray, n_sites: int, expected: tuple[str, ...]):
        """``lists`` of every site of a batch at once, from its flat arrays (conflicts and
        coverage pairs, each sorted by ``site``): an ``OwnerLists``, or None when a value is
        one the per-site lists would treat apart (then ask ``lists`` site by site).

        The owners without conflicts depend only on a site's coverage and the owners of its
        conflicts: worked out once for each such kind of site, copied for each site."""
        values = owner.tolist()
        try:
            names = sorted(set(values) | set(cov_owner.tolist()))  # (as ``sorted(stats)``)
            rank = np.array([SEVERITY_RANK[v] for v in severity.tolist()], dtype=np.int8)
        except (TypeError, KeyError):
            return None
        if not set(cov_kind.tolist()) <= {"partial", "full"}:
            return None
        code_of = {v: k for k, v in enumerate(names)}
        n_codes = max(len(names), 1)
        # coverage: one row per (site, owner), "full" when any of its areas covers the site
        key = cov_site.astype(np.int64) * n_codes + np.fromiter(
            map(code_of.__getitem__, cov_owner.tolist()), np.int64, len(cov_owner))
        full = cov_kind == "full"
        order = np.argsort(key, kind="stable")
        key, full = key[order], full[order]
        first = run_starts(key)
        cov_key = key[first]
        cov_full = np.logical_or.reduceat(full, first) if len(first) else full[:0]
        # conflicts: one row per (site, owner) with their count, worst severity, any contact
        pair = site.astype(np.int64) * n_codes + np.fromiter(
            map(code_of.__getitem__, values), np.int64, len(values))
        need = contact.astype(bool) if contact.dtype.kind == "b" else \
            np.array([bool(v) for v in contact.tolist()], dtype=bool)
        order = np.argsort(pair, kind="stable")
        pair, rank, need = pair[order], rank[order], need[order]
        first = run_starts(pair)
        pair_key = pair[first]
        count = np.diff(np.append(first, len(pair)))
        worst = np.minimum.reduceat(rank, first) if len(first) else rank
        needed = np.logical_or.reduceat(need, first) if len(first) else need
        at = np.searchsorted(cov_key, pair_key)
        found = at < len(cov_key)
        found[found] = cov_key[at[found]] == pair_key[found]
        coverage = np.full(len(pair_key), "unrecorded", dtype=object)
        coverage[found] = np.where(cov_full[at[found]], "full", "partial")
        pair_code = pair_key % n_codes
        contacts = [self.contact(v) for v in names]
        nameless = [None if contacts[c]["name"] is not None else
                    f"owner {names[c]!r} has assets here but no contact details in the register: "
                    "add the owner before issuing notices" for c in range(len(names))]
        pair_at = site_starts(pair_key // n_codes, n_sites)
        # each site's kind: its coverage (owner, full or partial) and its owners with conflicts
        cov_at = site_starts(cov_key // n_codes, n_sites)
        cov_bytes = ((cov_key % n_codes) * 2 + cov_full).tobytes()
        pair_bytes = pair_code.tobytes()
        kind_of: dict[tuple, int] = {}
        kind = np.array([kind_of.setdefault((cov_bytes[a * 8:b * 8], pair_bytes[c * 8:d * 8]),
                                            len(kind_of))
                         for a, b, c, d in zip(cov_at[:-1].tolist(), cov_at[1:].tolist(),
                                               pair_at[:-1].tolist(), pair_at[1:].tolist())],
                        dtype=np.int64)
        kinds = []
        for cov_part, pair_part in kind_of:
            held = np.frombuffer(cov_part, dtype=np.int64)
            cov = {names[c // 2]: "full" if c % 2 else "partial" for c in held.tolist()}
            stats = dict.fromkeys(names[c] for c in np.frombuffer(pair_part, np.int64).tolist())
            no_conflict, no_data = self._without_conflicts(cov, stats, expected)
            kinds.append(OwnerKind([{"owner": c, "coverage": cov.get(c, "unrecorded")}
                                    for c in stats], no_conflict, no_data))
        return OwnerLists(kind, kinds, contacts, nameless, pair_code, count, worst, needed,
                          coverage, pair_at)

    def _without_conflicts(self, cov: dict[str, str], stats: dict, expected) -> tuple:
        """(owners_no_conflict, owners_no_data) of a site with coverage ``cov`` whose
        conflicts are of the owners in ``stats``."""
        no_conflict, no_data, known = [], [], self.known
        for code in self.codes:
            if code in stats:
                continue
            c = cov.get(code)
            if c == "full":
                no_conflict.append(self._answered(code))
                continue
            entry = self.contact(code)
            if c == "partial":
                entry["reason"] = "its data covers only part of the site: assets may be unrecorded"
            elif code in known:
                entry["reason"] = "its data does not cover the site"
            else:
                entry["reason"] = "no coverage area recorded for its data"
            no_data.append(entry)
        if expected and self.owner_utilities is not None:
            present = set()
            for code in set(stats) | {e["owner"] for e in no_conflict}:
                present |= self.owner_utilities.get(code, set())
            for utility in expected:
                if utility not in present:
                    no_data.append({"owner": None, "utility": utility,
                                    "reason": f"no owner in the register has {utility} data "
                                              "covering this site"})
        return no_conflict, no_data
