"""The outcome of a dig check: what the CLI prints, the UI shows and notices carry.

Shared by the check (which fills it) and notices / UI (which read it); its JSON
form (``to_json``) is the documented output of ``asset-register check --json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import shapely

# Columns of CheckResult.conflicts, in display order (plus geometry).
CONFLICT_COLUMNS = [
    "asset_id", "owner", "utility", "asset_class", "status", "distance_m", "clearance_m",
    "severity", "precaution", "h_accuracy_m", "quality_level", "depth_m", "depth_note",
    "diameter_mm", "material", "pressure", "voltage", "abandoned",
    # added by the check: the rules class applied, the uncertainty used, owner contact needed
    "risk_class", "uncertainty_m", "contact_owner",
]

SEVERITIES = ("strike", "danger", "caution")  # most severe first


@dataclass(frozen=True)
class DigSite:
    """A proposed dig: footprint polygon in the working CRS plus what the planner said."""

    footprint: shapely.Geometry
    depth_m: float | None = None
    method: str = "mechanical"  # hand | mechanical | trenchless
    start: date | None = None
    end: date | None = None
    description: str = ""
    usrn: str | None = None
    reference: str | None = None
    # accuracy (m) of the CRS transformation the footprint went through; added to every
    # clearance. notes: what was done to the footprint (CRS assumed, repaired...).
    position_accuracy_m: float = 0.0
    notes: tuple[str, ...] = ()


@dataclass
class CheckResult:
    site: DigSite
    conflicts: gpd.GeoDataFrame  # CONFLICT_COLUMNS + geometry, most severe / nearest first
    owners_affected: list[dict] = field(default_factory=list)
    owners_no_conflict: list[dict] = field(default_factory=list)
    owners_no_data: list[dict] = field(default_factory=list)
    works_overlapping: gpd.GeoDataFrame | None = None
    rules_version: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    advice: list[str] = field(default_factory=list)  # method advice from the rules
    crs: str = ""  # the working CRS distances are measured in (2D)

    def summary(self) -> dict:
        counts = self.conflicts["severity"].value_counts() if len(self.conflicts) else {}
        return {"conflicts": int(len(self.conflicts)),
                **{s: int(counts.get(s, 0)) for s in SEVERITIES}}

    def to_dict(self) -> dict:
        """Plain-JSON form (documented in the README under "asset-register check")."""
        site = self.site
        conflicts = self.conflicts.drop(columns=self.conflicts.geometry.name)
        works = [] if self.works_overlapping is None else _records(
            self.works_overlapping.drop(columns=self.works_overlapping.geometry.name)
            .assign(footprint_wkt=shapely.to_wkt(self.works_overlapping.geometry.array, rounding_precision=3))
        )
        return {
            "site": {
                "reference": site.reference, "description": site.description,
                "footprint_wkt": shapely.to_wkt(site.footprint, rounding_precision=3),
                "depth_m": site.depth_m, "method": site.method,
                "start": site.start.isoformat() if site.start else None,
                "end": site.end.isoformat() if site.end else None,
                "usrn": site.usrn, "position_accuracy_m": site.position_accuracy_m,
            },
            "crs": self.crs,
            "rules_version": self.rules_version,
            "summary": self.summary(),
            "conflicts": _records(conflicts),
            "owners_affected": self.owners_affected,
            "owners_no_conflict": self.owners_no_conflict,
            "owners_no_data": self.owners_no_data,
            "works_overlapping": works,
            "warnings": self.warnings,
            "advice": self.advice,
            "seconds": round(self.seconds, 6),
        }

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


def _records(frame) -> list[dict]:
    """Rows as JSON-ready dicts: NaN/NA -> None, numpy scalars -> Python, metres to the mm."""
    out = frame.astype(object).where(frame.notna(), None)
    for col in ("distance_m", "clearance_m", "uncertainty_m"):
        if col in out.columns:
            out[col] = [None if v is None else round(float(v), 3) for v in out[col]]
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in rec.items()}
            for rec in out.to_dict("records")]
