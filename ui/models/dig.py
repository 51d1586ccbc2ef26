"""The dig being planned, without Qt: footprint (geometry, width, radius, depth, method,
dates), its undo history and the last check of it.

One ``DigModel`` lives as long as the window: a register reload (after an import, a settings
change) hands it a new checker with ``use_checker`` and it is checked again, so the drawing,
its parameters and its history are never lost. The check itself runs elsewhere (a worker
thread behind ``request``); its answer comes back through ``check_finished`` /
``check_failed`` with the token ``request`` gave, and an answer for a footprint that is gone
is ignored. Events: ``footprint(state)``, ``checking(bool)``, ``result(result or None)``,
``confidence(grade or None)``: the last check's ``{"grade": "A".."D", "reasons": [...]}``,
None while there is no check of the footprint drawn (none drawn, changed, failed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import shapely

from asset_register.check import DigSite
from asset_register.errors import AssetRegisterError

from .events import Events
from .footprint import Footprint, FootprintState
from .history import UndoHistory

PARAMETERS = ("width_m", "radius_m", "depth_m", "method")


class DigModel:
    def __init__(self) -> None:
        self.footprint = Footprint()
        self.history = UndoHistory(self.footprint.set_state)
        self.events = Events("footprint", "checking", "result", "confidence")
        self.crs: str | None = None
        self._request: Callable[[DigSite], int] | None = None
        self._token = 0
        # the last check: its result, or why there is none
        self.result = None
        self.error: str | None = None
        self.polygon = None
        self.zones: list[tuple[float, object]] = []
        self.conflict_parts: list[tuple[str, list]] = []
        self.checking = False
        self.confidence: dict | None = None  # how far to trust the records here (the check's grade)
        self.footprint.changed.connect(self._changed)

    @property
    def state(self) -> FootprintState:
        return self.footprint.state

    # -- editing (every edit is one undo step) ---------------------------------------------
    def apply(self, new: FootprintState, text: str, merge: bool = False) -> None:
        if new != self.state:
            self.history.push(self.state, new, text, merge)

    def undo(self) -> None:
        self.history.undo()

    def redo(self) -> None:
        self.history.redo()

    def clear(self) -> None:
        if not self.state.is_empty:
            self.apply(self.state.cleared(), "Clear footprint")

    def set_parameters(self, **values) -> None:
        """Width, radius, depth or method, as the toolbar sets them: one undo step for a
        drawn dig; for an empty one, the defaults of the next drawing (not an edit)."""
        unknown = set(values) - set(PARAMETERS)
        if unknown:
            raise TypeError(f"not dig parameters: {sorted(unknown)}")
        new = replace(self.state, **values)
        if new == self.state:
            return
        if self.state.is_empty:
            self.footprint.set_state(new)
        else:
            self.apply(new, "Change dig parameters")

    def set_dates(self, start, end) -> None:
        """Planned start and end of the works (one undo step however many date edits follow
        each other; the dig is checked again, as other works overlap it or not by date)."""
        new = replace(self.state, start=start, end=end)
        if self.state.is_empty:
            self.footprint.set_state(new)
        else:
            self.apply(new, "Change dates", merge=True)

    def set_geometry(self, geom, text: str = "Load footprint", width_m=None, radius_m=None) -> None:
        """Use a shapely polygon / line / point (working CRS) as the footprint."""
        geom = shapely.force_2d(geom)
        kind = {"Polygon": "polygon", "LineString": "trench", "Point": "point"}.get(geom.geom_type)
        if geom.geom_type == "MultiPolygon":
            geom, kind = max(geom.geoms, key=lambda g: g.area), "polygon"
        if kind is None:
            raise AssetRegisterError(
                f"a {geom.geom_type} cannot be a dig footprint: give a polygon, a line (trench) "
                "or a point")
        coords = list(geom.exterior.coords)[:-1] if kind == "polygon" else list(geom.coords)
        s = self.state
        self.apply(replace(s, kind=kind, vertices=tuple((float(x), float(y)) for x, y, *_ in coords),
                           width_m=width_m or s.width_m, radius_m=radius_m or s.radius_m), text)

    def reset(self) -> None:
        """A fresh dig (another register was opened): no drawing, no history; the parameters
        stay as the defaults of the next drawing."""
        self.footprint.set_state(self.state.cleared())
        self.history.clear()

    # -- checking ------------------------------------------------------------------------------
    def use_checker(self, request: Callable[[DigSite], int] | None, crs: str | None = None) -> None:
        """Check with ``request(site) -> token`` from now on (None: no register, nothing is
        checked) and check the dig again; footprint and history are kept."""
        self._request, self.crs = request, crs
        self.recheck()

    def site(self, **fields) -> DigSite:
        s = self.state
        return DigSite(self.polygon, depth_m=s.depth_m, method=s.method, start=s.start, end=s.end, **fields)

    def recheck(self) -> None:
        self._changed(self.state)

    def _changed(self, state: FootprintState) -> None:
        self.events.footprint.emit(state)
        self.result, self.zones, self.error, self.conflict_parts = None, [], None, []
        self.polygon = None
        self._set_confidence(None)
        self._token = 0  # a check still running is for a footprint that is gone
        if self.checking:
            self._set_checking(False)
        if not state.complete or self._request is None:
            self.events.result.emit(None)
            return
        try:
            self.polygon = state.geometry(self.crs)
        except AssetRegisterError as exc:
            self.error = str(exc)
            self.events.result.emit(None)
            return
        self._token = self._request(self.site())
        self._set_checking(True)

    def _set_checking(self, on: bool) -> None:
        self.checking = on
        self.events.checking.emit(on)

    def check_finished(self, token: int, result) -> bool:
        """The check answered; False (ignored) when it was for an earlier footprint."""
        if token != self._token or not self.checking:
            return False
        self._set_checking(False)
        self.result = result
        self.zones = clearance_zones(self.polygon, result)
        self.conflict_parts = conflict_parts(self.polygon, result)
        self.events.result.emit(result)
        self._set_confidence(getattr(result, "confidence", None))
        return True

    def _set_confidence(self, confidence: dict | None) -> None:
        if confidence != self.confidence:
            self.confidence = confidence
            self.events.confidence.emit(confidence)

    def check_failed(self, token: int, message: str) -> bool:
        """The check failed; False (ignored) when it was for an earlier footprint."""
        if token != self._token or not self.checking:
            return False
        self._set_checking(False)
        self.error = message
        self.events.result.emit(None)
        return True


def clearance_zones(polygon, result, max_zones: int = 3) -> list[tuple[float, object]]:
    """The footprint grown by the distinct effective clearances of its conflicts (largest few)."""
    if polygon is None or result is None or not len(result.conflicts):
        return []
    values = sorted({round(float(v), 1) for v in result.conflicts["clearance_m"].dropna() if v > 0})
    if len(values) > max_zones:
        values = [values[0], values[len(values) // 2], values[-1]]
    return [(v, shapely.buffer(polygon, v, quad_segs=8)) for v in values]


def conflict_parts(polygon, result, margin_m: float = 3.0) -> list[tuple[str, list]]:
    """Per severity (least severe first), the stretch of each conflicting asset near the dig:
    its geometry clipped to the footprint grown by its clearance plus a margin, so a long
    main that crosses the site is highlighted where it matters, not along the whole street."""
    if polygon is None or result is None or not len(result.conflicts):
        return []
    conf = result.conflicts
    reach = conf["clearance_m"].fillna(0).to_numpy(dtype=float) + margin_m
    near = shapely.intersection(conf.geometry.array, shapely.buffer(polygon, reach, quad_segs=4))
    out = []
    for sev in ("caution", "danger", "strike"):
        mask = (conf["severity"] == sev).to_numpy()
        if mask.any():
            out.append((sev, [g for g in near[mask] if g is not None and not g.is_empty]))
    return out
