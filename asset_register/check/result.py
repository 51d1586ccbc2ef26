"""The outcome of a dig check: what the CLI prints, the UI shows and notices carry.

Shared by the check (which fills it) and notices / UI (which read it); its JSON
form (``to_json``) is the documented output of ``asset-register check --json``.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, dataclass, field
from datetime import date
from itertools import repeat

import numpy as np
import shapely

from ..lazy import lazy_module, loaded
from .groups import sorted_unique

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
    return layout(site_dict(r.site), r.crs, r.rules_version,
                  summary_of(c["severity"] for c in conflicts), conflicts, r.owners_affected,
                  r.owners_no_conflict, r.owners_no_data, works, r.warnings, r.advice,
                  r.confidence, round(r.seconds, 6))


def site_dict(site: DigSite, footprint_wkt: str | None = None) -> dict:
    """The ``site`` part of a result's JSON layout (``footprint_wkt``: the footprint's WKT
    at the millimetre, when already made)."""
    if footprint_wkt is None:
        footprint_wkt = shapely.to_wkt(site.footprint, rounding_precision=3)
    return {
        "reference": site.reference, "description": site.description,
        "footprint_wkt": footprint_wkt,
        "depth_m": site.depth_m, "method": site.method,
        "start": site.start.isoformat() if site.start else None,
        "end": site.end.isoformat() if site.end else None,
        "usrn": site.usrn, "position_accuracy_m": site.position_accuracy_m,
    }


def layout(site: dict, crs: str, rules_version: str, summary: dict, conflicts: list[dict],
           owners_affected: list, owners_no_conflict: list, owners_no_data: list,
           works: list[dict], warnings: list, advice: list, confidence: dict | None,
           seconds: float) -> dict:
    """One result's JSON layout, its keys in their documented order."""
    return {
        "site": site,
        "crs": crs,
        "rules_version": rules_version,
        "summary": summary,
        "conflicts": conflicts,
        "owners_affected": owners_affected,
        "owners_no_conflict": owners_no_conflict,
        "owners_no_data": owners_no_data,
        "works_overlapping": works,
        "warnings": warnings,
        "advice": advice,
        "confidence": confidence,
        "seconds": seconds,
    }


_METRES = ("distance_m", "clearance_m", "uncertainty_m")


def records(columns: dict) -> list[dict]:
    """Column arrays as JSON-ready row dicts: NaN/NA -> None, numpy scalars -> Python,
    distances rounded to the millimetre."""
    if not columns:
        return []
    names = list(columns)
    values = [_plain(columns[name], name in _METRES) for name in names]
    return list(map(dict, map(zip, repeat(names), zip(*values, strict=True))))


_PLAIN = frozenset((str, int, bool, type(None)))  # kept as they are
_PLAIN_OR_FLOAT = _PLAIN | {float}  # kept, but a float NaN is None


def _plain(column, metres: bool = False) -> list:
    """One column as plain Python values (see ``records``); whole arrays at once for the
    columns a batch's thousands of rows hold (numbers, text, None), value by value for the
    rest."""
    dtype = getattr(column, "dtype", None)
    kind = None if dtype is None else dtype.kind
    if kind == "f" and dtype.itemsize <= 8:  # (a long double's values stay numpy's)
        missing = np.isnan(column)
        if metres:
            return _millimetres(np.asarray(column, dtype=np.float64), missing)
        if not missing.any():
            return column.tolist()
        col = column.astype(object)
        col[missing] = None
        return col.tolist()
    col = column.tolist() if hasattr(column, "tolist") else list(column)
    if kind in ("i", "u", "b"):
        pass
    elif kind == "O" and (types := set(map(type, col))) <= _PLAIN_OR_FLOAT:
        if float in types:
            col = [None if v != v else v for v in col]  # (only a float NaN is not itself)
    else:
        pandas = loaded("pandas")  # (only a pandas value can be its NA or NaT)
        missing = (pandas.NA, pandas.NaT) if pandas is not None else ()
        col = [None if v is None or (isinstance(v, float) and v != v)
               or any(v is m for m in missing) else (v.item() if hasattr(v, "item") else v)
               for v in col]
    if metres:
        col = [None if v is None else round(float(v), 3) for v in col]
    return col


def _millimetres(x: np.ndarray, missing: np.ndarray) -> list:
    """``round(v, 3)`` of each float of ``x`` (None where ``missing``) as Python rounds it:
    the nearest double to the decimal rounded at the millimetre. Whole arrays: the thousandths ``k`` by numpy
    where ``x * 1000`` lies clearly off a half (its rounding error, below 2**-12 for
    ``|k| < 2**40``, cannot carry it across: ``k / 1000``, a correctly rounded division, is
    then Python's answer); Python's ``round`` for the rest (near a half, huge, infinite)."""
    scaled = x * 1000.0
    k = np.rint(scaled)
    with np.errstate(invalid="ignore"):
        clear = (np.abs(scaled - k) < 0.499) & (np.abs(k) < 2.0 ** 40)
    out = (k / 1000.0).astype(object)
    out[missing] = None
    near = np.flatnonzero(~clear & ~missing)
    if len(near):  # (a clearance of 1.5315 m is a half: a handful of values, many rows)
        values = x[near]
        each = sorted_unique(values)
        done = np.array([round(v, 3) for v in each.tolist()], dtype=np.float64)
        out[near] = done[np.searchsorted(each, values)].astype(object)
    return out.tolist()
