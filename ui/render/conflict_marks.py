"""What the map draws for a checked dig's conflicts (no Qt): for every conflict, in the
conflicts table's order (so marker #n is row n), the stretch of the asset near the dig, the
point its numbered marker points at, its severity and its utility colour; and what each
clearance ring is for."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from asset_register import colours


@dataclass
class ConflictMarks:
    number: np.ndarray  # (n,) 1 … n, as the conflicts table's "#"
    severity: np.ndarray  # (n,) object
    near: np.ndarray  # (n,) shapely: the asset clipped to the dig grown by its clearance + margin
    anchor: np.ndarray  # (n, 2) where its marker points: mid-crossing, else nearest to the dig
    colour: np.ndarray  # (n,) "#rrggbb" of its utility in the scheme
    clearance: np.ndarray  # (n,) effective clearance, m
    kind: np.ndarray  # (n,) object: what it is, for ring labels ("HV cable", "gas pipe")
    scheme: str = "njug"


def _kind(conf) -> np.ndarray:
    """'LV electricity cable', 'gas pipe': voltage or pressure, utility, class."""
    def text(col):
        if col not in conf:
            return ""
        return conf[col].astype(object).where(conf[col].notna(), "").astype(str).str.replace("_", " ")

    words = text("voltage") + " " + text("pressure") + " " + text("utility") + " " + text("asset_class")
    return words.str.split().str.join(" ").to_numpy(dtype=object)


def conflict_marks(polygon, result, scheme: str = "njug", margin_m: float = 3.0) -> ConflictMarks | None:
    """Drawing data for ``result``'s conflicts (None when there are none)."""
    if polygon is None or result is None or not len(result.conflicts):
        return None
    conf = result.conflicts.reset_index(drop=True)
    geoms = np.asarray(conf.geometry.array, dtype=object)
    clearance = conf["clearance_m"].astype(float).fillna(0.0).to_numpy()
    near = shapely.intersection(geoms, shapely.buffer(polygon, clearance + margin_m, quad_segs=4))
    near = np.where(shapely.is_empty(near), geoms, near)
    inside = shapely.intersection(near, polygon)
    crossing = ~shapely.is_empty(inside)
    mid = shapely.point_on_surface(np.where(crossing, inside, near))
    nearest = shapely.get_point(shapely.shortest_line(near, polygon), 0)
    anchor = shapely.get_coordinates(np.where(crossing, mid, nearest))
    cols = colours.colours_for(conf, scheme).to_numpy(dtype=object)
    return ConflictMarks(number=np.arange(1, len(conf) + 1), severity=conf["severity"].astype(str).to_numpy(object),
                         near=near, anchor=anchor, colour=cols, clearance=clearance, kind=_kind(conf),
                         scheme=scheme)


def ring_text(value: float, marks: ConflictMarks | None) -> str:
    """'1.5 m clearance: LV electricity cable, gas pipe' — which conflicts a ring is for
    (their effective clearance rounds to the ring's)."""
    head = f"{value:g} m clearance"
    if marks is None:
        return head
    kinds = list(dict.fromkeys(marks.kind[np.round(marks.clearance, 1) == round(value, 1)].tolist()))
    if not kinds:
        return head
    more = f" +{len(kinds) - 2}" if len(kinds) > 2 else ""
    return f"{head}: {', '.join(kinds[:2])}{more}"
