"""Map view state: centre, resolution (map units per pixel), size and CRS.

``ViewState`` is immutable, so a render job can hold a snapshot while the user
keeps panning; ``MapView`` is the mutable model the canvas and status bar watch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from asset_register.crs_names import DEFAULT_CRS

from .events import EventEmitter

# OGC standardised rendering pixel: 0.28 mm, so scale = resolution / 0.00028.
PIXEL_SIZE_M = 0.00028
MIN_RESOLUTION = 0.002  # 1:7 — closer than this is meaningless for records
MAX_RESOLUTION = 5000.0


@dataclass(frozen=True)
class ViewState:
    cx: float = 0.0
    cy: float = 0.0
    resolution: float = 1.0  # map units per pixel
    width: int = 800
    height: int = 600
    crs: str = DEFAULT_CRS

    @property
    def scale(self) -> float:
        """Map scale denominator (1:scale) at the OGC standard pixel size."""
        return self.resolution / PIXEL_SIZE_M

    @property
    def extent(self) -> tuple[float, float, float, float]:
        hw = self.width * self.resolution / 2
        hh = self.height * self.resolution / 2
        return (self.cx - hw, self.cy - hh, self.cx + hw, self.cy + hh)

    def to_screen(self, x, y, origin: tuple[float, float] = (0.0, 0.0)):
        """Map coordinates to pixel coordinates (y down); works on scalars and arrays.
        ``origin``: x and y are offsets from it (a compact layer's float32 offsets are
        taken to float64 before anything is subtracted)."""
        sx = np.subtract(x, self.cx - origin[0], dtype=float)  # (one pass, no float64 copy first)
        sx /= self.resolution
        sx += self.width / 2
        sy = np.subtract(y, self.cy - origin[1], dtype=float)
        sy /= -self.resolution  # h/2 - d/r, the same bits as before
        sy += self.height / 2
        return sx, sy

    def to_map(self, sx, sy):
        x = (np.asarray(sx, dtype=float) - self.width / 2) * self.resolution + self.cx
        y = (self.height / 2 - np.asarray(sy, dtype=float)) * self.resolution + self.cy
        return x, y

    def transform_from(self, other: ViewState) -> tuple[float, float, float]:
        """(scale, dx, dy) taking pixels of an image rendered at ``other`` to this view."""
        s = other.resolution / self.resolution
        dx = self.width / 2 - s * other.width / 2 + (other.cx - self.cx) / self.resolution
        dy = self.height / 2 - s * other.height / 2 - (other.cy - self.cy) / self.resolution
        return s, dx, dy

    def fitted(self, bounds, margin: float = 0.05) -> ViewState:
        """This view moved and zoomed so ``bounds`` fills it (with a margin)."""
        minx, miny, maxx, maxy = bounds
        w = max(maxx - minx, 1e-9)
        h = max(maxy - miny, 1e-9)
        res = max(w / max(self.width, 1), h / max(self.height, 1)) * (1 + 2 * margin)
        res = min(max(res, MIN_RESOLUTION * 50), MAX_RESOLUTION)
        return replace(self, cx=(minx + maxx) / 2, cy=(miny + maxy) / 2, resolution=res)


class MapView:
    """The canvas's current view; emits ``changed(ViewState)`` on every change."""

    def __init__(self, state: ViewState | None = None) -> None:
        self.state = state or ViewState()
        self.changed = EventEmitter()

    def set_state(self, state: ViewState) -> None:
        res = min(max(float(state.resolution), MIN_RESOLUTION), MAX_RESOLUTION)
        # plain floats: numpy scalars (from shapely bounds) would leak into Qt calls
        state = replace(state, cx=float(state.cx), cy=float(state.cy), resolution=res,
                        width=int(state.width), height=int(state.height))
        if not all(math.isfinite(v) for v in (state.cx, state.cy, state.resolution)):
            return
        if state != self.state:
            self.state = state
            self.changed.emit(state)

    def resize(self, width: int, height: int) -> None:
        self.set_state(replace(self.state, width=max(1, width), height=max(1, height)))

    def pan_pixels(self, dx: float, dy: float) -> None:
        """Move the map content by (dx, dy) pixels (drag right → content moves right)."""
        s = self.state
        self.set_state(replace(s, cx=s.cx - dx * s.resolution, cy=s.cy + dy * s.resolution))

    def zoom(self, factor: float, anchor: tuple[float, float] | None = None) -> None:
        """Zoom in by ``factor`` (>1 in) keeping the map point under ``anchor`` pixel fixed."""
        s = self.state
        new_res = min(max(s.resolution / factor, MIN_RESOLUTION), MAX_RESOLUTION)
        if anchor is None:
            self.set_state(replace(s, resolution=new_res))
            return
        ax, ay = anchor
        mx, my = s.to_map(ax, ay)
        cx = float(mx) - (ax - s.width / 2) * new_res
        cy = float(my) + (ay - s.height / 2) * new_res
        self.set_state(replace(s, cx=cx, cy=cy, resolution=new_res))

    def zoom_to(self, bounds, margin: float = 0.05, min_resolution: float = 0.02) -> None:
        state = self.state.fitted(bounds, margin)
        if state.resolution < min_resolution:
            state = replace(state, resolution=min_resolution)
        self.set_state(state)

    def centre_on(self, x: float, y: float, resolution: float | None = None) -> None:
        s = self.state
        self.set_state(replace(s, cx=x, cy=y, resolution=resolution or s.resolution))

    def set_scale(self, scale: float) -> None:
        if scale > 0 and math.isfinite(scale):
            self.set_state(replace(self.state, resolution=scale * PIXEL_SIZE_M))
