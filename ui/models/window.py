"""The main window's state, without Qt (napari's ``ViewerModel`` way): the widgets show it
and edit it through small controllers; it never knows about them.

- ``session``: which register is open (``SessionState``);
- ``dig``: the dig being planned, its undo history and last check (``DigModel``) — one for
  the window's life: reopening the same register (after an import, a settings change) keeps
  it and checks it again; opening another register starts a fresh one;
- ``layers``: the register layer and the reference backdrops in drawing order (``LayerList``);
- ``loading``: background tasks the window waits for (``LoadingState``);
- ``works``: the open register's planned works (a GeoDataFrame, or None);
- ``deviations``: the open register's deviation reports and what the map draws of them
  (``DeviationsModel``);
- ``scheme``: the colour scheme;
- ``quality``: the data-quality view: map colours, the tables' area and the last tables
  (``QualityModel``).
Events: ``works(frame)``, ``scheme(name)``."""

from __future__ import annotations

from .deviations import DeviationsModel
from .dig import DigModel
from .events import Events
from .layers import REFERENCE, LayerList
from .loading import LoadingState
from .quality import QualityModel
from .session import SessionState


class WindowState:
    def __init__(self, scheme: str = "njug") -> None:
        self.session = SessionState()
        self.dig = DigModel()
        self.layers = LayerList()
        self.loading = LoadingState()
        self.works = None
        self.deviations = DeviationsModel()
        self.scheme = scheme
        self.quality = QualityModel()
        self.events = Events("works", "scheme")
        self._dig_location: str | None = None  # the register the dig was drawn on
        self.session.events.opened.connect(self._opened)
        self.session.events.closing.connect(self._closing)

    @property
    def check_result(self):
        """The last check of the dig (None while unchecked, checking or invalid)."""
        return self.dig.result

    def reference_layers(self) -> list:
        return [lay for lay in self.layers if lay.kind == REFERENCE]

    def reference_sources(self) -> list[str]:
        """``path|layer`` of each backdrop, bottom first (what is remembered per register)."""
        return [lay.source for lay in self.reference_layers()]

    def set_works(self, works) -> None:
        self.works = works
        self.events.works.emit(works)

    def set_scheme(self, scheme: str) -> None:
        if scheme != self.scheme:
            self.scheme = scheme
            self.events.scheme.emit(scheme)

    def _opened(self, session) -> None:
        if self.session.location != self._dig_location:
            self.dig.reset()  # another register: its dig is not this one's
            self._dig_location = self.session.location

    def _closing(self, session) -> None:
        self.layers.clear()
        self.set_works(None)
        self.deviations.clear()
        self.dig.use_checker(None)  # nothing to check against until a register opens
