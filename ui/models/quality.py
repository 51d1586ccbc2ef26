"""The data-quality view's state, without Qt: how the map is coloured (``shading``: the
utility colours, or shaded by accuracy or by record age), which area the quality tables are
for (``scope``: the map view, the dig, or the whole register) and the last tables computed
(``report``, from ``asset_register.quality``).

The quality dock and the map legend subscribe; the controller (ui/quality_view.py) computes
reports off the GUI thread and hands them in. An answer for an area that has since changed is
ignored (``expect`` / ``deliver`` with a request number).

Events: ``shading(name)``, ``scope(name)``, ``report(dict or None)``, ``busy(bool)``,
``error(text)``."""

from __future__ import annotations

from .events import Events

SHADINGS = ("utility", "accuracy", "age")
SHADING_LABELS = {"utility": "Utility colours", "accuracy": "Positional accuracy",
                  "age": "Record age (capture date)"}
SCOPES = ("view", "dig", "register")
SCOPE_LABELS = {"view": "The map view", "dig": "The dig footprint", "register": "The whole register"}


class QualityModel:
    def __init__(self) -> None:
        self.shading = "utility"
        self.last_quality = "accuracy"  # what the map toggle turns on
        self.scope = "view"
        self.report: dict | None = None
        self.error: str | None = None
        self.busy = False
        self._request = 0
        self.events = Events("shading", "scope", "report", "busy", "error")

    @property
    def shaded(self) -> bool:
        return self.shading != "utility"

    def set_shading(self, name: str) -> None:
        if name not in SHADINGS:
            raise ValueError(f"shading {name!r} is not one of {SHADINGS}")
        if name != self.shading:
            self.shading = name
            if name != "utility":
                self.last_quality = name
            self.events.shading.emit(name)

    def toggle_map(self) -> str:
        """Utility colours <-> the quality shading last used; returns the shading now."""
        self.set_shading("utility" if self.shaded else self.last_quality)
        return self.shading

    def set_scope(self, name: str) -> None:
        if name not in SCOPES:
            raise ValueError(f"scope {name!r} is not one of {SCOPES}")
        if name != self.scope:
            self.scope = name
            self.events.scope.emit(name)

    def expect(self) -> int:
        """A new computation starts: its request number (earlier answers are now stale)."""
        self._request += 1
        self._set_busy(True)
        return self._request

    def deliver(self, request: int, report: dict | None, error: str | None = None) -> bool:
        """The answer of ``request``; False (and ignored) when a newer one was asked for."""
        if request != self._request:
            return False
        self._set_busy(False)
        self.report, self.error = report, error
        self.events.report.emit(report)
        if error:
            self.events.error.emit(error)
        return True

    def clear(self) -> None:
        """No register: no tables (a computation under way is forgotten)."""
        self._request += 1
        self._set_busy(False)
        self.report = self.error = None
        self.events.report.emit(None)

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.events.busy.emit(busy)
