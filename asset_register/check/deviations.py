"""Open deviation reports as extra positions for the dig check: never less cautious.

An asset reported ``elsewhere`` is checked at its recorded position and at the reported one
(the report's geometry with its measured accuracy as the record's uncertainty), so a
footprint near either conflicts. An ``unrecorded`` asset is checked as an asset of its
utility; with no known owner it conflicts under ``UNKNOWN_OWNER`` and the check says so.
The reports are read once per register change (the checker's context) and held in a small
STRtree: the check's hot path stays array operations.
"""

from __future__ import annotations

import numpy as np
import shapely

from .clearance import CHECK_COLUMNS, normalise
from .index import MemoryIndex
from .rules import Rules

UNKNOWN_OWNER = "unknown owner"
UNRECORDED_PREFIX = "unrecorded:"  # the check's asset id of an unrecorded find: + report id


class DeviationIndex(MemoryIndex):
    """Reported positions of open deviations, with the report id of each (``ids``)."""

    def __init__(self, cols, geoms, rules: Rules, ids: np.ndarray, kinds: np.ndarray):
        super().__init__(cols, geoms, rules)
        self.ids, self.kinds = ids, kinds

    @classmethod
    def load(cls, store, rules: Rules, reports: list[dict]) -> DeviationIndex | None:
        """The open ``elsewhere`` and ``unrecorded`` reports with a position among ``reports``
        (records of the open reports: the reader's ``open_deviations()``), or None."""
        rows, wkts, ids, kinds = [], [], [], []
        placed = [r for r in reports if r["kind"] in ("elsewhere", "unrecorded")
                  and isinstance(r["geometry_wkt"], str)]
        # the reported assets in one read; one withdrawn since is left out (its
        # re-delivery resolves the report)
        assets = store.get_assets(r["asset_id"] for r in placed if r["kind"] == "elsewhere")
        for r in placed:
            if r["kind"] == "elsewhere":
                asset = assets.get(r["asset_id"])
                if asset is None:
                    continue
                row = {c: asset.get(c) for c in CHECK_COLUMNS}
            else:
                row = {"asset_id": f"{UNRECORDED_PREFIX}{int(r['deviation_id'])}",
                       "owner": r["owner"] if isinstance(r["owner"], str) else UNKNOWN_OWNER,
                       "utility": r["utility"] if isinstance(r["utility"], str) else None}
            # the measured position's accuracy is its uncertainty (none given: the rules'
            # unknown-accuracy figure); it was measured in the working CRS
            row.update(h_accuracy_m=r["accuracy_m"], quality_level=None, crs_accuracy_m=None)
            rows.append(row)
            wkts.append(r["geometry_wkt"])
            ids.append(int(r["deviation_id"]))
            kinds.append(r["kind"])
        if not rows:
            return None
        cols = normalise({c: [row.get(c) for row in rows] for c in CHECK_COLUMNS})
        return cls(cols, shapely.from_wkt(np.array(wkts, dtype=object)), rules,
                   np.array(ids, dtype=np.float64), np.array(kinds, dtype=object))

    def add_to(self, fps, extra, fi, cols, geoms, classes, base):
        """The candidates of a check with the reported positions near its footprints added;
        returns them and each row's report id (NaN for a recorded position)."""
        dfi, di = self.pairs(fps, self.max_base + extra)
        if not len(di):  # no report near: the check as without reports
            return fi, cols, geoms, classes, base, None
        take = {k: np.concatenate([np.asarray(v), self.cols[k][di]]) for k, v in cols.items()}
        dev = np.concatenate([np.full(len(fi), np.nan), self.ids[di]])
        return (np.concatenate([np.asarray(fi, dtype=np.int64), dfi.astype(np.int64)]), take,
                np.concatenate([np.asarray(geoms, dtype=object), self.geoms[di]]),
                np.concatenate([classes, self.classes[di]]),
                np.concatenate([base, self.base[di]]), dev)

    def warnings(self, sites: np.ndarray, ids: np.ndarray, n_sites: int) -> list[list[str]]:
        """Per site, what the reports near it changed in the check."""
        out: list[list[str]] = [[] for _ in range(n_sites)]
        at = {int(i): k for k, i in enumerate(self.ids)}
        for site, dev in sorted(set(zip(sites.tolist(), ids.astype(int).tolist()))):
            k = at[dev]
            utility, owner = self.cols["utility"][k], self.cols["owner"][k]
            if self.kinds[k] == "elsewhere":
                out[site].append(
                    f"asset {self.cols['asset_id'][k]} ({owner}) was reported found elsewhere "
                    f"(deviation report {dev}): checked at its reported position as well as "
                    "the recorded one")
            elif owner == UNKNOWN_OWNER:
                out[site].append(
                    f"an unrecorded {utility} asset was found near here (deviation report "
                    f"{dev}) and its owner is unknown: trace it on site before digging")
            else:
                out[site].append(f"an unrecorded {utility} asset of {owner} was found near "
                                 f"here (deviation report {dev})")
        return out


def reported_assets(reports: list[dict]) -> frozenset[str]:
    """Asset ids with an open report (and the check's ids of unrecorded assets)."""
    ids = {r["asset_id"] for r in reports if isinstance(r["asset_id"], str)}
    ids |= {f"{UNRECORDED_PREFIX}{int(r['deviation_id'])}" for r in reports if r["kind"] == "unrecorded"}
    return frozenset(ids)


def first_per_asset(site: np.ndarray, asset_id: np.ndarray) -> np.ndarray:
    """Mask keeping the first row of each (site, asset) in the sorted conflict table: an asset
    at both its recorded and its reported position counts once, at the worse of the two."""
    seen: set = set()
    keep = np.zeros(len(site), dtype=bool)
    for i, key in enumerate(zip(site.tolist(), asset_id.tolist(), strict=True)):
        if key not in seen:
            seen.add(key)
            keep[i] = True
    return keep
