"""The dig being planned: footprint model + undo stack + live conflict check.

Every finished or edited footprint is checked at once in the check service's
thread; ``resultChanged`` carries the CheckResult (or None with ``error`` set
when the footprint is not valid) to the map overlay, the conflicts dock and the
notice dialog.
"""

from __future__ import annotations

import shapely
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from asset_register.check import DigSite
from asset_register.errors import AssetRegisterError

from ..models.footprint import Footprint, FootprintState


class FootprintCommand(QUndoCommand):
    def __init__(self, controller, old: FootprintState, new: FootprintState, text: str) -> None:
        super().__init__(text)
        self.controller, self.old, self.new = controller, old, new

    def redo(self) -> None:
        self.controller.footprint.set_state(self.new)

    def undo(self) -> None:
        self.controller.footprint.set_state(self.old)


class DigController(QObject):
    resultChanged = Signal(object)
    footprintChanged = Signal(object)
    checkingChanged = Signal(bool)

    def __init__(self, check_service, crs: str, parent=None) -> None:
        super().__init__(parent)
        self.footprint = Footprint()
        self.undo_stack = QUndoStack(self)
        self.result = None
        self.error: str | None = None
        self.polygon = None
        self.zones: list[tuple[float, object]] = []
        self.conflict_parts: list[tuple[str, object]] = []
        self.checking = False
        self.footprint.changed.connect(self._changed)
        self.service = None
        self.use_service(check_service, crs)

    def use_service(self, check_service, crs: str) -> None:
        """Check with ``check_service`` from now on (the register was reopened, e.g. after an
        import): the footprint, its parameters and the undo history are kept; call ``recheck``."""
        if self.service is not None:
            for signal, slot in ((self.service.finished, self._finished), (self.service.failed, self._failed)):
                try:
                    signal.disconnect(slot)
                except (RuntimeError, TypeError):  # the old service is already gone
                    pass
        self.service, self.crs = check_service, crs
        self._token = 0  # an answer still coming from the old service is ignored
        check_service.finished.connect(self._finished)
        check_service.failed.connect(self._failed)

    @property
    def state(self) -> FootprintState:
        return self.footprint.state

    def apply(self, new: FootprintState, text: str) -> None:
        """Change the footprint through the undo stack."""
        if new != self.state:
            self.undo_stack.push(FootprintCommand(self, self.state, new, text))

    def clear(self) -> None:
        if not self.state.is_empty:
            self.apply(FootprintState(kind=self.state.kind, width_m=self.state.width_m,
                                      radius_m=self.state.radius_m, depth_m=self.state.depth_m,
                                      method=self.state.method), "Clear footprint")

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
        coords = (list(geom.exterior.coords)[:-1] if kind == "polygon" else list(geom.coords))
        s = self.state
        new = FootprintState(kind=kind, vertices=tuple((float(x), float(y)) for x, y, *_ in coords),
                             width_m=width_m or s.width_m, radius_m=radius_m or s.radius_m,
                             depth_m=s.depth_m, method=s.method)
        self.apply(new, text)

    def site(self, **fields) -> DigSite:
        return DigSite(self.polygon, depth_m=self.state.depth_m, method=self.state.method, **fields)

    def recheck(self) -> None:
        self._changed(self.state)

    def _changed(self, state: FootprintState) -> None:
        self.footprintChanged.emit(state)
        self.result, self.zones, self.error, self.conflict_parts = None, [], None, []
        self.polygon = None
        self._token = 0  # a check still running is for a footprint that is gone
        if self.checking:
            self._set_checking(False)
        if not state.complete:
            self.resultChanged.emit(None)
            return
        try:
            self.polygon = state.geometry(self.crs)
        except AssetRegisterError as exc:
            self.error = str(exc)
            self.resultChanged.emit(None)
            return
        self._token = self.service.request(self.site())
        self._set_checking(True)

    def _set_checking(self, on: bool) -> None:
        self.checking = on
        self.checkingChanged.emit(on)

    def _finished(self, token: int, result) -> None:
        if token != self._token:
            return
        self._set_checking(False)
        self.result = result
        self.zones = clearance_zones(self.polygon, result)
        self.conflict_parts = conflict_parts(self.polygon, result)
        self.resultChanged.emit(result)

    def _failed(self, token: int, exc, tb: str) -> None:
        if token != self._token:
            return
        self._set_checking(False)
        self.error = str(exc)
        self.resultChanged.emit(None)
        if not isinstance(exc, AssetRegisterError):
            from ..errors import show_exception

            show_exception(exc, tb, title="Dig check failed")


def clearance_zones(polygon, result, max_zones: int = 3) -> list[tuple[float, object]]:
    """The footprint grown by the distinct effective clearances of its conflicts (largest few)."""
    if polygon is None or result is None or not len(result.conflicts):
        return []
    values = sorted({round(float(v), 1) for v in result.conflicts["clearance_m"].dropna() if v > 0})
    if len(values) > max_zones:
        values = [values[0], values[len(values) // 2], values[-1]]
    return [(v, shapely.buffer(polygon, v, quad_segs=8)) for v in values]


def conflict_parts(polygon, result, margin_m: float = 3.0) -> list[tuple[str, object]]:
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
