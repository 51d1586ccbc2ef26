"""The outcome of a dig check: what the CLI prints, the UI shows and notices carry.

Shared by the check (which fills it) and notices / UI (which read it); its JSON
form (``to_json``) is the documented output of ``asset-register check --json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import shapely

from ..lazy import lazy_module, loaded

gpd = lazy_module("geopandas")

# Columns of CheckResult.conflicts, in display order (plus geometry).
CONFLICT_COLUMNS = [
    "asset_id", "owner", "utility", "asset_class", "status", "distance_m", "clearance_m",
    "severity", "precaution", "h_accuracy_m", "quality_level", "depth_m", "depth_note",
    "diameter_mm", "material", "pressure", "voltage", "abandoned",
    # added by the check: the rules class applied, the uncertainty used, owner contact needed
    "risk_class", "uncertainty_m", "contact_owner",
    # the recorded values behind pressure / voltage, and what the class rests on:
    # "value" (thresholds), "recorded" (the record's class) or "unknown" (rules [unknown])
    "pressure_bar", "voltage_v", "class_basis",
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
    # CONFLICT_COLUMNS + geometry, most severe / nearest first. The check gives the columns as
    # arrays (a dict with "geometry"); the GeoDataFrame is built the first time it is read,
    # so what needs no frame (the command line's report and JSON) never builds one.
    conflicts: gpd.GeoDataFrame
    owners_affected: list[dict] = field(default_factory=list)
    owners_no_conflict: list[dict] = field(default_factory=list)
    owners_no_data: list[dict] = field(default_factory=list)
    works_overlapping: gpd.GeoDataFrame | None = None  # a frame, or its columns (as conflicts)
    rules_version: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    advice: list[str] = field(default_factory=list)  # method advice from the rules
    crs: str = ""  # the working CRS distances are measured in (2D)
    # how far to trust the records here: {"grade": "A".."D", "reasons": [...]} (confidence.py)
    confidence: dict | None = None
    # the CRS of the frames built from columns (the register's; else ``crs``)
    frame_crs: object = field(default=None, repr=False, compare=False)

    def conflict_columns(self) -> dict[str, np.ndarray]:
        """The conflicts as columns (arrays, ``geometry`` included), without building a frame."""
        return _columns(self.__dict__["_conflicts"])

    def works_columns(self) -> dict[str, np.ndarray] | None:
        """The overlapping works as columns (arrays, ``geometry`` included), or None."""
        works = self.__dict__["_works_overlapping"]
        return None if works is None else _columns(works)

    def summary(self) -> dict:
        return summary_of(self.conflict_columns()["severity"].tolist())

    def to_dict(self) -> dict:
        """Plain-JSON form (documented in the README under "asset-register check")."""
        conflicts = {c: v for c, v in self.conflict_columns().items() if c != "geometry"}
        works = {}
        columns = self.works_columns()
        if columns is not None:
            works = {c: v for c, v in columns.items() if c != "geometry"}
            works["footprint_wkt"] = shapely.to_wkt(np.asarray(columns["geometry"], dtype=object),
                                                    rounding_precision=3)
        return result_dict(self, records(conflicts), records(works))

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


def _columns(value) -> dict[str, np.ndarray]:
    """Columns of a frame or of a dict of columns (``geometry`` last, by that name)."""
    if isinstance(value, dict):
        return value
    geom = value.geometry.name
    out = {c: value[c].to_numpy(dtype=object) for c in value.columns if c != geom}
    out["geometry"] = value.geometry.to_numpy()
    return out


def _frame_property(name: str):
    """``CheckResult.<name>``: set to a frame or to columns; read as a frame, built from the
    columns on first read (then kept)."""
    key = f"_{name}"

    def get(self):
        value = self.__dict__[key]
        if isinstance(value, dict):
            from .frames import fast_frame

            value = fast_frame(value, self.frame_crs or self.crs or None)
            self.__dict__[key] = value
        return value

    def put(self, value):
        self.__dict__[key] = value

    return property(get, put)


CheckResult.conflicts = _frame_property("conflicts")
CheckResult.works_overlapping = _frame_property("works_overlapping")


def summary_of(severity) -> dict:
    severity = list(severity)
    return {"conflicts": len(severity), **{s: severity.count(s) for s in SEVERITIES}}


def result_dict(r: CheckResult, conflicts: list[dict], works: list[dict]) -> dict:
    """The documented JSON layout of one result, from its parts already as records."""
    site = r.site
    return {
        "site": {
            "reference": site.reference, "description": site.description,
            "footprint_wkt": shapely.to_wkt(site.footprint, rounding_precision=3),
            "depth_m": site.depth_m, "method": site.method,
            "start": site.start.isoformat() if site.start else None,
            "end": site.end.isoformat() if site.end else None,
            "usrn": site.usrn, "position_accuracy_m": site.position_accuracy_m,
        },
        "crs": r.crs,
        "rules_version": r.rules_version,
        "summary": summary_of(c["severity"] for c in conflicts),
        "conflicts": conflicts,
        "owners_affected": r.owners_affected,
        "owners_no_conflict": r.owners_no_conflict,
        "owners_no_data": r.owners_no_data,
        "works_overlapping": works,
        "warnings": r.warnings,
        "advice": r.advice,
        "confidence": r.confidence,
        "seconds": round(r.seconds, 6),
    }


_METRES = ("distance_m", "clearance_m", "uncertainty_m")


def records(columns: dict) -> list[dict]:
    """Column arrays as JSON-ready row dicts: NaN/NA -> None, numpy scalars -> Python,
    distances rounded to the millimetre."""
    if not columns:
        return []
    pandas = loaded("pandas")  # (only a pandas value can be its NA or NaT)
    missing = (pandas.NA, pandas.NaT) if pandas is not None else ()
    names, values = list(columns), []
    for name in names:
        col = [None if v is None or (isinstance(v, float) and v != v) or any(v is m for m in missing)
               else (v.item() if hasattr(v, "item") else v)
               for v in (columns[name].tolist() if hasattr(columns[name], "tolist") else columns[name])]
        if name in _METRES:
            col = [None if v is None else round(float(v), 3) for v in col]
        values.append(col)
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]
