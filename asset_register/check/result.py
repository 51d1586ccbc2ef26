"""The outcome of a dig check: what the CLI prints, the UI shows and notices carry.

Shared by the check (which fills it) and notices / UI (which read it); its JSON
form (``to_json``) is the documented output of ``asset-register check --json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import shapely

# Columns of CheckResult.conflicts, in display order (plus geometry).
CONFLICT_COLUMNS = [
    "asset_id", "owner", "utility", "asset_class", "status", "distance_m", "clearance_m",
    "severity", "precaution", "h_accuracy_m", "quality_level", "depth_m", "depth_note",
    "diameter_mm", "material", "pressure", "voltage", "abandoned",
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
