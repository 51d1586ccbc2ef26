"""The outcome of a dig check: what the CLI prints, the UI shows and notices carry.

Shared by the check (which fills it) and notices / UI (which read it); its JSON
form (``to_json``) is the documented output of ``asset-register check --json``.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, dataclass, field
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


class Deferred:
    """A frame the check has computed but not built yet: its columns (``data``, plain arrays)
    and the function that builds the frame from them on first read.

    A live check after each footprint edit computes every conflict, owner, work and grade;
    building the pandas frames that hold them costs as much again, and many callers (the
    conflicts count in a status bar, ``--json``, a batch's summary) never read them."""

    __slots__ = ("_data", "_make", "build")

    def __init__(self, data: dict | None, build, make=None):
        """``data``: the columns; or None and ``make``, a function giving them on first read
        (a single check's few conflict rows become columns only when something reads them)."""
        self._data, self.build, self._make = data, build, make

    @property
    def data(self) -> dict:
        if self._data is None:
            self._data, self._make = self._make(), None
        return self._data

    def __call__(self):
        return self.build(self.data)


class _Frame:
    """A dataclass field holding a frame, or a ``Deferred`` built on first read."""

    def __init__(self, default=MISSING):
        self.default = default

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, cls=None):
        if obj is None:
            if self.default is MISSING:  # no default: dataclasses asks for one this way
                raise AttributeError(self.name)
            return self.default
        value = obj.__dict__.get(self.name, self.default)
        if isinstance(value, Deferred):
            value = obj.__dict__[self.name] = value()
        return value

    def __set__(self, obj, value):
        obj.__dict__[self.name] = value

    @staticmethod
    def columns(obj, name: str) -> dict | None:
        """The columns of a field not built yet (None when it is a frame or None)."""
        value = obj.__dict__.get(name)
        return value.data if isinstance(value, Deferred) else None


@dataclass
class CheckResult:
    site: DigSite
    # CONFLICT_COLUMNS + geometry, most severe / nearest first
    conflicts: gpd.GeoDataFrame = _Frame()
    owners_affected: list[dict] = field(default_factory=list)
    owners_no_conflict: list[dict] = field(default_factory=list)
    owners_no_data: list[dict] = field(default_factory=list)
    works_overlapping: gpd.GeoDataFrame | None = _Frame(None)
    rules_version: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    advice: list[str] = field(default_factory=list)  # method advice from the rules
    crs: str = ""  # the working CRS distances are measured in (2D)
    # how far to trust the records here: {"grade": "A".."D", "reasons": [...]} (confidence.py)
    confidence: dict | None = None

    def conflict_columns(self) -> dict[str, np.ndarray]:
        """The conflicts as columns (arrays, ``geometry`` included), without building a frame
        that was not built yet (the command line's report reads these)."""
        data = _Frame.columns(self, "conflicts")
        return data if data is not None else _columns(self.conflicts)

    def works_columns(self) -> dict[str, np.ndarray] | None:
        """The overlapping works as columns (arrays, ``geometry`` included), or None."""
        data = _Frame.columns(self, "works_overlapping")
        if data is not None:
            return data
        return None if self.works_overlapping is None else _columns(self.works_overlapping)

    def summary(self) -> dict:
        data = _Frame.columns(self, "conflicts")
        if data is not None:
            return summary_of(data["severity"].tolist())
        return summary_of(self.conflicts["severity"].to_numpy(dtype=object))

    def to_dict(self) -> dict:
        """Plain-JSON form (documented in the README under "asset-register check"); read
        from the columns when the frames were not built."""
        conflicts = {c: v for c, v in self.conflict_columns().items() if c != "geometry"}
        works = self.works_columns()
        if works is None:
            works = {}
        else:
            works = dict(works)
            works["footprint_wkt"] = shapely.to_wkt(works.pop("geometry"), rounding_precision=3)
        return result_dict(self, records(conflicts), records(works))

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


def _columns(frame) -> dict[str, np.ndarray]:
    """The columns of a frame as arrays, its geometry last as ``geometry``."""
    geom = frame.geometry.name
    out = {c: frame[c].to_numpy(dtype=object) for c in frame.columns if c != geom}
    out["geometry"] = frame.geometry.to_numpy()
    return out


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
