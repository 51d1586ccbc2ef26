"""Who to tell about a dig: affected owners, owners with data but no conflict, owners with no data.

Absence of records is not absence of assets (DESIGN §5), so an owner is only reported as
"no assets affected" when its recorded coverage contains the whole site with its clearance
zone; an owner whose coverage misses the site, covers only part of it, or was never recorded
is listed under ``owners_no_data`` with the reason.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import shapely

from .clearance import SEVERITY_RANK


class OwnerDirectory:
    """Owners with contacts and their coverage areas, indexed for many sites at once."""

    def __init__(self, owners, coverage: tuple[np.ndarray, np.ndarray],
                 owner_utilities: dict[str, set[str]] | None = None):
        """``coverage``: (owner codes, areas) of the recorded coverage (``coverage_arrays``
        of the store's reader)."""
        self.contacts = {o.code: asdict(o) for o in owners}
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

    def coverage_pairs(self, areas: np.ndarray) -> dict[str, np.ndarray]:
        """site, owner, coverage ('full' | 'partial') for every coverage meeting a site area,
        sorted by site (one coverage row per owner)."""
        if self.cov_tree is None or len(areas) == 0:
            return {"site": np.empty(0, dtype=np.int64), "owner": np.empty(0, dtype=object),
                    "coverage": np.empty(0, dtype=object)}
        site, j = self.cov_tree.query(areas, predicate="intersects")
        full = shapely.covers(self.cov_geom[j], areas[site])
        order = np.argsort(site, kind="stable")
        return {"site": site[order], "owner": self.cov_owner[j][order],
                "coverage": np.where(full, "full", "partial").astype(object)[order]}

    def contact(self, code: str) -> dict:
        found = self.contacts.get(code)
        if found is None:
            return {"owner": code, "name": None, "phone": None, "emergency_phone": None,
                    "email": None}
        out = {"owner": code}
        out.update({k: v for k, v in found.items() if k != "code"})
        return out

    def lists(self, owner: np.ndarray, severity: np.ndarray, contact: np.ndarray,
              cov_owner: np.ndarray, cov_kind: np.ndarray, expected: tuple[str, ...]):
        """(owners_affected, owners_no_conflict, owners_no_data, warnings) for one site.

        ``owner``/``severity``/``contact`` describe its conflicts; ``cov_*`` the coverage
        areas meeting it. An owner with several coverage rows counts as covered if any is full.
        """
        cov: dict[str, str] = {}
        for code, kind in zip(cov_owner.tolist(), cov_kind.tolist(), strict=True):
            if cov.get(code) != "full":
                cov[code] = kind
        affected, no_conflict, no_data, warnings = [], [], [], []
        worst = {v: k for k, v in SEVERITY_RANK.items()}
        stats: dict[str, list] = {}
        for code, sev, need in zip(owner.tolist(), severity.tolist(), contact.tolist(), strict=True):
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
            entry.update(conflicts=n, worst_severity=worst[rank], contact_required=need,
                         coverage=cov.get(code, "unrecorded"))
            affected.append(entry)
        known = self.known
        for code in self.codes:
            if code in stats:
                continue
            c = cov.get(code)
            entry = self.contact(code)
            if c == "full":
                entry["response"] = "no assets affected"
                no_conflict.append(entry)
                continue
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
        return affected, no_conflict, no_data, warnings
