"""Choosing the coordinate transformation between two CRSs, and how accurate it is.

Shared by the importers (reprojecting owners' layers) and the dig check (footprints
given in another CRS): both must use a real datum transformation, never a silent
"ballpark" shift, and both carry the accuracy of the transformation actually used
into the conflict clearance (never the better figure of one whose grid is missing).
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass, field

import numpy as np
import pyproj
from pyproj.transformer import Transformer, TransformerGroup

from .errors import CRSError

# Carried when pyproj reports no accuracy for a real datum change (conservative).
UNKNOWN_ACCURACY_M = 5.0
# Carried when only a "ballpark" datum shift exists (errors of ~100 m are typical).
BALLPARK_ACCURACY_M = 100.0


def _label(crs: pyproj.CRS) -> str:
    """'EPSG:27700 (OSGB36 / British National Grid)', for messages."""
    auth = crs.to_authority(min_confidence=70)
    return f"{auth[0]}:{auth[1]} ({crs.name})" if auth else crs.name


@dataclass
class TransformPlan:
    """How a layer is reprojected, and how accurate that is (fed to the conflict clearance)."""

    source: pyproj.CRS
    target: pyproj.CRS
    steps: list[Transformer] = field(default_factory=list)
    description: str = "none (already in the register's CRS)"
    accuracy_m: float = 0.0
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        # Transformers from a TransformerGroup are not thread-safe; ones built from their
        # pipeline definition are (pyproj makes one per thread), and compute the same.
        self.steps = [t if t.definition.startswith("unavailable")  # lazily chosen: keep it
                      else Transformer.from_pipeline(t.definition) for t in self.steps]

    @property
    def is_noop(self) -> bool:
        return not self.steps


def _best(src, dst, area=None) -> tuple[Transformer | None, list[str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tg = TransformerGroup(src, dst, always_xy=True, area_of_interest=area)
    notes = []
    if not tg.best_available and tg.unavailable_operations:
        op = tg.unavailable_operations[0]
        grids = ", ".join(g.short_name for g in op.grids if not g.available) or "a grid"
        notes.append(
            f"the most accurate transformation ({op.name}, ±{op.accuracy:g} m) needs {grids}, "
            "which is not installed"
        )
    return (tg.transformers[0] if tg.transformers else None), notes


def _describe(t: Transformer) -> str:
    """The operation's name plus the grids it uses (recorded in the batch's provenance)."""
    grids = [g.short_name for op in (t.operations or ()) for g in op.grids]
    return f"{t.description} (grid {', '.join(dict.fromkeys(grids))})" if grids else t.description


def _is_ballpark(t: Transformer) -> bool:
    return "ballpark" in t.description.lower()


def plan_transform(source: pyproj.CRS, target: pyproj.CRS, lonlat_bounds=None) -> TransformPlan:
    """Choose the transformation source → target and the accuracy to carry with it."""
    if source.equals(target, ignore_axis_order=True):
        return TransformPlan(source, target)
    area = pyproj.aoi.AreaOfInterest(*lonlat_bounds) if lonlat_bounds is not None else None
    best, notes = _best(source, target, area)
    if best is None:
        raise CRSError(f"no transformation from {_label(source)} to {_label(target)} is known")
    if not _is_ballpark(best):
        acc = best.accuracy if best.accuracy >= 0 else UNKNOWN_ACCURACY_M
        if best.accuracy < 0:
            notes.append(f"pyproj reports no accuracy for it; carrying ±{acc:g} m")
        return TransformPlan(source, target, [best], _describe(best), float(acc), notes)
    # Only a ballpark shift directly: go through WGS 84 when both legs are real transformations.
    wgs = pyproj.CRS("EPSG:4326")
    leg1, n1 = _best(source, wgs, area)
    leg2, n2 = _best(wgs, target, area)
    if leg1 and leg2 and not _is_ballpark(leg1) and not _is_ballpark(leg2):
        acc = sum(t.accuracy if t.accuracy >= 0 else UNKNOWN_ACCURACY_M for t in (leg1, leg2))
        notes += n1 + n2 + ["no direct transformation without a ballpark shift; went through WGS 84"]
        return TransformPlan(source, target, [leg1, leg2],
                             f"{_describe(leg1)}, then {_describe(leg2)}", float(acc), notes)
    notes.append(
        f"only a ballpark datum shift is available: positions may be off by ~{BALLPARK_ACCURACY_M:g} m"
    )
    return TransformPlan(source, target, [best], best.description, BALLPARK_ACCURACY_M, notes)


def apply_plan(plan: TransformPlan, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Transform coordinate arrays through every step of the plan."""
    for t in plan.steps:
        x, y = t.transform(x, y, errcheck=False)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)




@functools.lru_cache(maxsize=32)
def _pinned(source: str, target: str) -> TransformPlan:
    """The plan for a CRS pair with no area of interest: operations ordered by accuracy, so
    the grid transformations first (a plan's steps are thread-safe, so it can be shared)."""
    return plan_transform(pyproj.CRS.from_wkt(source), pyproj.CRS.from_wkt(target))


def reproject(geoms, source, target, what: str = "position"):
    """A geometry, or an array of them (None stays None), from ``source`` into ``target``
    (x/y order: easting, northing / lon, lat) with the transformation the importers pin:
    ``plan_transform``'s choice, the most accurate one with the shipped grids (OSTN15,
    RDNAPTRANS), offline; the same operation an import of a layer inside the register's
    country uses. One pyproj call for the whole array.

    A coordinate that transformation cannot compute (outside its grid) raises CRSError
    naming it: pyproj's default would fall back to another operation, up to a ballpark
    shift ~100 m off, and a position the product reports must not differ from the one an
    import of the same coordinates stores."""
    import shapely

    source, target = pyproj.CRS.from_user_input(source), pyproj.CRS.from_user_input(target)
    plan = _pinned(source.to_wkt(), target.to_wkt())
    if plan.is_noop:
        return geoms
    out = shapely.transform(geoms, lambda xy: np.column_stack(apply_plan(plan, xy[:, 0], xy[:, 1])))
    before = shapely.get_coordinates(geoms)
    after = shapely.get_coordinates(out)
    bad = np.isfinite(before).all(axis=1) & ~np.isfinite(after).all(axis=1)
    if bad.any():
        x, y = before[bad][0]
        raise CRSError(f"{what} ({x:.10g}, {y:.10g}) cannot be transformed from {_label(source)} "
                       f"to {_label(target)} with {plan.description}, the transformation imports "
                       "use (it lies outside that transformation's grid): check the coordinates "
                       "and their CRS")
    return out


def reproject_frame(frame, target, what: str = "position"):
    """A GeoDataFrame or GeoSeries in ``target`` through ``reproject`` (its ``to_crs``
    uses pyproj's default transformer, which may pick another operation per point)."""
    target = pyproj.CRS.from_user_input(target)
    geoms = reproject(np.asarray(frame.geometry.array if hasattr(frame, "geometry") else
                                 frame.array, dtype=object), frame.crs, target, what)
    if hasattr(frame, "set_geometry"):
        out = frame.copy()
        name = frame.geometry.name
        out[name] = type(frame.geometry)(geoms, index=frame.index, crs=target)
        return out.set_crs(target, allow_override=True)
    return type(frame)(geoms, index=frame.index, crs=target, name=frame.name)
