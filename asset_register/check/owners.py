"""Who to tell about a dig: affected owners, owners with data but no conflict, owners with no data.

Absence of records is not absence of assets (DESIGN §5), so an owner is only reported as
"no assets affected" when its recorded coverage contains the whole site with its clearance
zone; an owner whose coverage misses the site, covers only part of it, or was never recorded
is listed under ``owners_no_data`` with the reason.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd
import shapely

from .clearance import SEVERITY_RANK


class OwnerDirectory:
    """Owners with contacts and their coverage areas, indexed for many sites at once."""

    def __init__(self, owners, coverage, owner_utilities: dict[str, set[str]] | None = None):
        self.contacts = {o.code: asdict(o) for o in owners}
        cov = coverage if coverage is not None else None
        if cov is not None and len(cov):
            self.cov_owner = cov["owner"].astype(str).to_numpy()
            self.cov_geom = cov.geometry.to_numpy()
            shapely.prepare(self.cov_geom)
            self.cov_tree = shapely.STRtree(self.cov_geom)
        else:
            self.cov_owner = np.empty(0, dtype=object)
            self.cov_geom = np.empty(0, dtype=object)
            self.cov_tree = None
        codes = set(self.contacts) | set(self.cov_owner.tolist())
        self.codes = sorted(codes)
        self.owner_utilities = owner_utilities

    def coverage_pairs(self, areas: np.ndarray) -> pd.DataFrame:
        """site, owner, coverage ('full' | 'partial') for every coverage meeting a site area."""
        if self.cov_tree is None or len(areas) == 0:
            return pd.DataFrame({"site": [], "owner": [], "coverage": []})
        site, j = self.cov_tree.query(areas, predicate="intersects")
        full = shapely.covers(self.cov_geom[j], areas[site])
        return pd.DataFrame({
            "site": site, "owner": self.cov_owner[j],
            "coverage": np.where(full, "full", "partial"),
        }).sort_values(["site", "coverage"]).drop_duplicates(["site", "owner"])

    def contact(self, code: str) -> dict:
        found = self.contacts.get(code)
        if found is None:
            return {"owner": code, "name": None, "phone": None, "emergency_phone": None,
                    "email": None}
        out = {"owner": code}
        out.update({k: v for k, v in found.items() if k != "code"})
        return out

    def lists(self, conflicts: pd.DataFrame, coverage: pd.DataFrame, expected: tuple[str, ...]):
        """(owners_affected, owners_no_conflict, owners_no_data, warnings) for one site.

        ``conflicts`` has owner, severity, contact_owner; ``coverage`` has owner, coverage.
        """
        cov = dict(zip(coverage["owner"], coverage["coverage"], strict=True))
        affected, no_conflict, no_data, warnings = [], [], [], []
        if len(conflicts):
            g = conflicts.assign(rank=conflicts["severity"].map(SEVERITY_RANK))
            g = g.groupby("owner", sort=True).agg(
                conflicts=("severity", "size"), rank=("rank", "min"),
                contact_required=("contact_owner", "any"),
            )
            worst = {v: k for k, v in SEVERITY_RANK.items()}
            for code, row in g.iterrows():
                entry = self.contact(code)
                if entry["name"] is None:
                    warnings.append(
                        f"owner {code!r} has assets here but no contact details in the register: "
                        "add the owner before issuing notices"
                    )
                entry.update(conflicts=int(row["conflicts"]), worst_severity=worst[int(row["rank"])],
                             contact_required=bool(row["contact_required"]),
                             coverage=cov.get(code, "unrecorded"))
                affected.append(entry)
        hit = {e["owner"] for e in affected}
        for code in self.codes:
            if code in hit:
                continue
            c = cov.get(code)
            entry = self.contact(code)
            if c == "full":
                entry["response"] = "no assets affected"
                no_conflict.append(entry)
                continue
            entry["reason"] = {
                "partial": "its data covers only part of the site: assets may be unrecorded",
                None: "its data does not cover the site" if code in set(self.cov_owner.tolist())
                else "no coverage area recorded for its data",
            }[c]
            no_data.append(entry)
        if expected and self.owner_utilities is not None:
            present = set()
            for code in hit | {e["owner"] for e in no_conflict}:
                present |= self.owner_utilities.get(code, set())
            for utility in expected:
                if utility not in present:
                    no_data.append({"owner": None, "utility": utility,
                                    "reason": f"no owner in the register has {utility} data "
                                              "covering this site"})
        return affected, no_conflict, no_data, warnings
