"""The dig footprint being drawn: polygon, trench (centre-line + width) or point + radius.

``FootprintState`` is immutable; every edit returns a new state, so the undo
stack simply keeps (old, new) pairs. ``Footprint`` is the mutable model the
canvas, the dig tools and the check runner watch.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import shapely

from asset_register.crs_names import DEFAULT_CRS
from asset_register.errors import FootprintError

from .events import EventEmitter

POLYGON = "polygon"
TRENCH = "trench"
POINT = "point"
KINDS = (POLYGON, TRENCH, POINT)
MIN_VERTICES = {POLYGON: 3, TRENCH: 2, POINT: 1}


@dataclass(frozen=True)
class FootprintState:
    kind: str = POLYGON
    vertices: tuple[tuple[float, float], ...] = ()
    width_m: float = 0.6  # trench width
    radius_m: float = 1.0  # point + radius
    depth_m: float | None = 1.0
    method: str = "mechanical"
    start: date | None = None  # planned dates of the works (checked against other works)
    end: date | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise FootprintError(f"footprint kind {self.kind!r} is not one of {KINDS}")

    @property
    def complete(self) -> bool:
        return len(self.vertices) >= MIN_VERTICES[self.kind]

    @property
    def is_empty(self) -> bool:
        return not self.vertices

    def cleared(self) -> FootprintState:
        """No geometry, the same kind and parameters (for the next drawing)."""
        return replace(self, vertices=())

    def with_vertex(self, xy) -> FootprintState:
        if self.kind == POINT:
            return replace(self, vertices=(tuple(map(float, xy)),))
        return replace(self, vertices=self.vertices + (tuple(map(float, xy)),))

    def moved_vertex(self, index: int, xy) -> FootprintState:
        v = list(self.vertices)
        v[index] = tuple(map(float, xy))
        return replace(self, vertices=tuple(v))

    def inserted_vertex(self, index: int, xy) -> FootprintState:
        v = list(self.vertices)
        v.insert(index, tuple(map(float, xy)))
        return replace(self, vertices=tuple(v))

    def without_vertex(self, index: int) -> FootprintState:
        if len(self.vertices) <= MIN_VERTICES[self.kind]:
            raise FootprintError(
                f"a {self.kind} footprint needs at least {MIN_VERTICES[self.kind]} vertices: "
                "move the vertex instead of deleting it"
            )
        v = list(self.vertices)
        del v[index]
        return replace(self, vertices=tuple(v))

    def outline(self) -> shapely.Geometry | None:
        """What the user drew (polygon ring, centre-line or point), or None if incomplete."""
        if not self.complete:
            return None
        if self.kind == POLYGON:
            return shapely.Polygon(self.vertices)
        if self.kind == TRENCH:
            return shapely.LineString(self.vertices)
        return shapely.Point(self.vertices[0])

    def geometry(self, working_crs: str = DEFAULT_CRS) -> shapely.Geometry:
        """The dig area as a valid polygon in the working CRS. Raises FootprintError."""
        from .footprint_geometry import footprint_polygon

        if not self.complete:
            raise FootprintError(
                f"a {self.kind} footprint needs at least {MIN_VERTICES[self.kind]} points; "
                f"{len(self.vertices)} given"
            )
        return footprint_polygon(self, working_crs)


class Footprint:
    """Current footprint; emits ``changed(FootprintState)``."""

    def __init__(self) -> None:
        self.state = FootprintState()
        self.changed = EventEmitter()

    def set_state(self, state: FootprintState) -> None:
        if state != self.state:
            self.state = state
            self.changed.emit(state)
