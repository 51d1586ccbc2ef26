"""The site map of a notice: a reportlab flowable drawn from shapely geometries.

Vector output (prints sharp at any scale): BNG grid with coordinates, planned
works to coordinate with, clearance zones, the dig footprint, conflicting
assets in the utility colour code with numbered labels keyed to the conflict
table, the OS grid reference, a scale bar and a grid-north arrow. Geometry is
clipped and transformed in bulk with shapely; only path emission walks parts.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from reportlab.lib.colors import Color, HexColor, white
from reportlab.platypus import Flowable

from ..colours import EXCAVATION, casing_for
from .typeface import BOLD, ITALIC, REGULAR

INK = HexColor("#1d2733")
GRID = HexColor("#c9d1da")
WORKS = HexColor("#5b6b7c")
CONTEXT = HexColor("#b4bcc4")  # other recorded assets, no conflict
MIN_SPAN_M = 24.0
LABEL_IDS_UP_TO = 15  # above this many conflicts, labels show numbers only


def nice_step(span: float, target: int = 5) -> float:
    """A 1-2-5 step giving about ``target`` intervals over ``span``."""
    raw = max(span, 1e-9) / target
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def map_extent(footprint, geoms: np.ndarray, clearances: np.ndarray, aspect: float):
    """Extent (minx, miny, maxx, maxy) showing the footprint and the conflicts near it."""
    fx0, fy0, fx1, fy1 = footprint.bounds
    reach = float(np.nanmax(clearances)) if len(clearances) else 0.0
    window = footprint.buffer(max(reach, 1.0) + 6.0, quad_segs=4)
    parts = [footprint]
    if len(geoms):
        near = shapely.intersection(geoms, window)
        zones = shapely.buffer(near, np.nan_to_num(clearances, nan=0.0), quad_segs=4)
        parts += [g for g in zones if g is not None and not g.is_empty]
    x0, y0, x1, y1 = shapely.total_bounds(np.array(parts, dtype=object))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w = max(x1 - x0, MIN_SPAN_M) * 1.2
    h = max(y1 - y0, MIN_SPAN_M) * 1.2
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    del fx0, fy0, fx1, fy1
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


class SiteMap(Flowable):
    """A map panel ``width`` × ``height`` points of a NoticeContent's site."""

    def __init__(self, content, width: float, height: float):
        super().__init__()
        self.c = content
        self.width, self.height = width, height
        conf = content.conflicts
        self.extent = map_extent(content.site.footprint, conf.geometry.to_numpy(),
                                 conf["clearance_m"].to_numpy(dtype=float, na_value=np.nan),
                                 width / height)
        x0, y0, x1, y1 = self.extent
        self.scale = width / (x1 - x0)  # points per metre

    def wrap(self, aw, ah):
        return self.width, self.height

    # -- geometry → canvas paths --------------------------------------------------
    def _xy(self, coords: np.ndarray) -> np.ndarray:
        x0, y0, _, _ = self.extent
        return (coords[:, :2] - (x0, y0)) * self.scale

    def _path(self, canv, geom):
        """A reportlab path for a (multi)line or (multi)polygon, in page points."""
        path = canv.beginPath()
        for part in shapely.get_parts(geom):
            rings = ([part.exterior, *part.interiors] if part.geom_type == "Polygon"
                     else [part])
            for ring in rings:
                pts = self._xy(shapely.get_coordinates(ring))
                if len(pts) < 2:
                    continue
                path.moveTo(*pts[0])
                for x, y in pts[1:]:
                    path.lineTo(x, y)
                if part.geom_type == "Polygon":
                    path.close()
        return path

    def _clip(self, geoms: np.ndarray) -> np.ndarray:
        x0, y0, x1, y1 = self.extent
        return shapely.clip_by_rect(geoms, x0, y0, x1, y1)

    # -- layers ---------------------------------------------------------------------
    def _grid(self, canv):
        x0, y0, x1, y1 = self.extent
        step = nice_step(x1 - x0, 6)
        canv.setStrokeColor(GRID)
        canv.setLineWidth(0.35)
        canv.setFont(REGULAR, 5.5)
        canv.setFillColor(HexColor("#7a8793"))
        for gx in np.arange(math.ceil(x0 / step) * step, x1, step):
            px = (gx - x0) * self.scale
            canv.line(px, 0, px, self.height)
            if 40 < px < self.width - 40:
                canv.drawString(px + 1.5, 2, f"{gx:.0f} E")
        for gy in np.arange(math.ceil(y0 / step) * step, y1, step):
            py = (gy - y0) * self.scale
            canv.line(0, py, self.width, py)
            if 30 < py < self.height - 40:
                canv.drawString(2, py + 1.5, f"{gy:.0f} N")

    def _works(self, canv):
        works = self.c.works
        if works is None or not len(works):
            return
        geoms = self._clip(works.geometry.to_numpy())
        canv.saveState()
        canv.setDash(3, 2)
        canv.setStrokeColor(WORKS)
        canv.setFillColor(Color(0.36, 0.42, 0.49, alpha=0.12))
        canv.setLineWidth(0.8)
        refs = works["reference"].astype(str).to_numpy() if "reference" in works else []
        for i, g in enumerate(geoms):
            if g is None or g.is_empty:
                continue
            area = g.geom_type.endswith("Polygon")
            canv.drawPath(self._path(canv, g), stroke=1, fill=1 if area else 0)
            if len(refs):
                p = self._xy(shapely.get_coordinates(shapely.point_on_surface(g)))[0]
                canv.setFont(ITALIC, 6)
                canv.setFillColor(WORKS)
                canv.drawCentredString(p[0], p[1], f"works {refs[i]}")
                canv.setFillColor(Color(0.36, 0.42, 0.49, alpha=0.12))
        canv.restoreState()

    def _context(self, canv):
        ctx = self.c.context
        if ctx is None or not len(ctx):
            return
        geoms = self._clip(ctx.geometry.to_numpy())
        canv.saveState()
        canv.setStrokeColor(CONTEXT)
        canv.setFillColor(CONTEXT)
        canv.setLineWidth(0.6)
        for g in geoms:
            if g is None or g.is_empty:
                continue
            if g.geom_type.endswith("Point"):
                for x, y in self._xy(shapely.get_coordinates(g)):
                    canv.circle(x, y, 1.2, stroke=0, fill=1)
            else:
                canv.drawPath(self._path(canv, g), stroke=1, fill=0)
        canv.restoreState()

    def _zones(self, canv, geoms, colours, clearances):
        zones = self._clip(shapely.buffer(geoms, np.nan_to_num(clearances, nan=0.0), quad_segs=6))
        canv.saveState()
        canv.setLineWidth(0.4)
        canv.setDash(1.5, 1.5)
        for z, col in zip(zones, colours, strict=True):
            if z is None or z.is_empty or not z.geom_type.endswith("Polygon"):
                continue
            c = HexColor(col)
            canv.setFillColor(Color(c.red, c.green, c.blue, alpha=0.13))
            canv.setStrokeColor(Color(c.red, c.green, c.blue, alpha=0.55))
            canv.drawPath(self._path(canv, z), stroke=1, fill=1)
        canv.restoreState()

    def _footprint(self, canv):
        fp = self._clip(np.array([self.c.site.footprint], dtype=object))[0]
        col = HexColor(EXCAVATION.get(self.c.scheme, "#c2006e"))
        canv.saveState()
        canv.setFillColor(Color(col.red, col.green, col.blue, alpha=0.18)
                          if self.c.scheme != "apwa" else Color(1, 1, 1, alpha=0.6))
        canv.setStrokeColor(col if self.c.scheme != "apwa" else INK)
        canv.setLineWidth(1.6)
        canv.drawPath(self._path(canv, fp), stroke=1, fill=1)
        canv.restoreState()

    def _assets(self, canv, geoms, colours):
        canv.saveState()
        canv.setLineCap(1)
        canv.setLineJoin(1)
        for g, col in zip(geoms, colours, strict=True):
            if g is None or g.is_empty:
                continue
            kind = g.geom_type
            casing = casing_for(col)
            if kind.endswith("Point"):
                for x, y in self._xy(shapely.get_coordinates(g)):
                    canv.setFillColor(HexColor(col))
                    canv.setStrokeColor(HexColor(casing or "#ffffff"))
                    canv.setLineWidth(0.7)
                    canv.circle(x, y, 2.6, stroke=1, fill=1)
                continue
            path = self._path(canv, g)
            area = kind.endswith("Polygon")
            if casing and not area:
                canv.setStrokeColor(HexColor(casing))
                canv.setLineWidth(2.6)
                canv.drawPath(path, stroke=1, fill=0)
            c = HexColor(col)
            canv.setStrokeColor(c)
            canv.setFillColor(Color(c.red, c.green, c.blue, alpha=0.25))
            canv.setLineWidth(1.1 if area else 1.7)
            canv.drawPath(path, stroke=1, fill=1 if area else 0)
        canv.restoreState()

    def _labels(self, canv, geoms):
        conf = self.c.conflicts
        numbers = conf["number"].to_numpy()
        ids = conf["asset_id"].astype(str).to_numpy()
        with_ids = len(conf) <= LABEL_IDS_UP_TO
        placed: list[tuple[float, float, float, float]] = []
        lines = shapely.get_type_id(geoms) == 1
        candidates = []
        for frac in (0.5, 0.3, 0.7, 0.15, 0.85):
            pts = np.array(shapely.point_on_surface(geoms), dtype=object)
            if lines.any():
                pts[lines] = shapely.line_interpolate_point(geoms[lines], frac, normalized=True)
            candidates.append(pts)
        r = 5.0
        for i in range(len(geoms)):
            if geoms[i] is None or geoms[i].is_empty:
                continue
            text = f"{numbers[i]}" + (f"  {ids[i]}" if with_ids else "")
            tw = canv.stringWidth(text, BOLD, 6.5) + 2 * r if with_ids else 2 * r
            choice = None
            for pts in candidates:
                x, y = self._xy(shapely.get_coordinates(pts[i]))[0]
                box = (x - r, y - r, x - r + tw, y + r)
                if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                           for b in placed):
                    choice = (x, y, box)
                    break
            if choice is None:
                x, y = self._xy(shapely.get_coordinates(candidates[0][i]))[0]
                choice = (x, y, (x - r, y - r, x - r + tw, y + r))
            x, y, box = choice
            placed.append(box)
            canv.setFillColor(white)
            canv.setStrokeColor(INK)
            canv.setLineWidth(0.6)
            canv.roundRect(box[0], box[1], box[2] - box[0], 2 * r, r, stroke=1, fill=1)
            canv.setFillColor(INK)
            canv.setFont(BOLD, 6.5)
            if with_ids:
                canv.drawString(x - r + 2.5, y - 2.3, text)
            else:
                canv.drawCentredString(x, y - 2.3, text)

    def _scale_bar(self, canv):
        length_m = nice_step(self.width / self.scale * 0.22, 1)
        bar = length_m * self.scale
        x, y = 12, 20
        canv.setFillColor(Color(1, 1, 1, alpha=0.85))
        canv.setStrokeColor(Color(1, 1, 1, alpha=0))
        canv.rect(x - 4, y - 6, bar + 40, 20, stroke=0, fill=1)
        canv.setStrokeColor(INK)
        canv.setLineWidth(0.6)
        for k in range(4):
            canv.setFillColor(INK if k % 2 == 0 else white)
            canv.rect(x + k * bar / 4, y, bar / 4, 3.5, stroke=1, fill=1)
        canv.setFillColor(INK)
        canv.setFont(REGULAR, 6.5)
        canv.drawCentredString(x, y + 6, "0")
        label = f"{length_m:g} m"
        canv.drawString(x + bar - canv.stringWidth(label, REGULAR, 6.5) / 2, y + 6, label)
        canv.drawString(x + bar + 8, y, f"1:{self.ratio():,}")

    def ratio(self) -> int:
        """Map scale on paper (1:n), rounded to two significant figures."""
        n = 1 / (self.scale / 72 * 0.0254)
        mag = 10 ** max(math.floor(math.log10(n)) - 1, 0)
        return int(round(n / mag) * mag)

    def _north(self, canv):
        x, y = self.width - 18, self.height - 34
        canv.setFillColor(Color(1, 1, 1, alpha=0.85))
        canv.circle(x, y + 9, 14, stroke=0, fill=1)
        canv.setStrokeColor(INK)
        canv.setFillColor(INK)
        canv.setLineWidth(0.6)
        p = canv.beginPath()
        p.moveTo(x, y + 18)
        p.lineTo(x - 6, y)
        p.lineTo(x, y + 5)
        p.close()
        canv.drawPath(p, stroke=1, fill=1)
        p = canv.beginPath()
        p.moveTo(x, y + 18)
        p.lineTo(x + 6, y)
        p.lineTo(x, y + 5)
        p.close()
        canv.setFillColor(white)
        canv.drawPath(p, stroke=1, fill=1)
        canv.setFillColor(INK)
        canv.setFont(BOLD, 8)
        canv.drawCentredString(x, y + 20, "N")
        canv.setFont(REGULAR, 5)
        canv.drawCentredString(x, y - 7, "grid north")

    def _grid_ref(self, canv):
        text = f"Site: {self.c.grid_ref}"
        crs = "British National Grid" if self.c.crs == "EPSG:27700" else self.c.crs
        sub = f"E {self.c.centre[0]:.0f}  N {self.c.centre[1]:.0f}  ({crs})"
        w = max(canv.stringWidth(text, BOLD, 8), canv.stringWidth(sub, REGULAR, 6))
        canv.setFillColor(Color(1, 1, 1, alpha=0.9))
        canv.setStrokeColor(GRID)
        canv.rect(6, self.height - 28, w + 10, 22, stroke=1, fill=1)
        canv.setFillColor(INK)
        canv.setFont(BOLD, 8)
        canv.drawString(11, self.height - 15, text)
        canv.setFont(REGULAR, 6)
        canv.drawString(11, self.height - 24, sub)

    def draw(self):
        canv = self.canv
        canv.saveState()
        p = canv.beginPath()
        p.rect(0, 0, self.width, self.height)
        canv.clipPath(p, stroke=0, fill=0)
        canv.setFillColor(HexColor("#fbfbf8"))
        canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        self._grid(canv)
        self._context(canv)
        self._works(canv)
        conf = self.c.conflicts
        geoms = self._clip(conf.geometry.to_numpy())
        colours = conf["colour"].to_numpy()
        clearances = conf["clearance_m"].to_numpy(dtype=float, na_value=np.nan)
        self._zones(canv, conf.geometry.to_numpy(), colours, clearances)
        self._footprint(canv)
        self._assets(canv, geoms, colours)
        self._labels(canv, geoms)
        self._grid_ref(canv)
        self._north(canv)
        self._scale_bar(canv)
        canv.restoreState()
        canv.setStrokeColor(INK)
        canv.setLineWidth(0.8)
        canv.rect(0, 0, self.width, self.height, stroke=1, fill=0)


class MapLegend(Flowable):
    """One or more rows of swatches under the map: utilities shown, footprint, zones, works."""

    ROW_H = 12.0

    def __init__(self, items: list[tuple[str, str, str]], width: float, per_row: int = 5):
        """``items``: (kind, colour, label) with kind 'line', 'area', 'zone' or 'works'."""
        super().__init__()
        self.items, self.width, self.per_row = items, width, per_row
        self.height = self.ROW_H * math.ceil(len(items) / per_row)

    def wrap(self, aw, ah):
        return self.width, self.height

    def draw(self):
        canv = self.canv
        cell = self.width / self.per_row
        for i, (kind, colour, label) in enumerate(self.items):
            x = (i % self.per_row) * cell
            y = self.height - (i // self.per_row + 1) * self.ROW_H + 3
            c = HexColor(colour)
            canv.saveState()
            if kind == "line":
                casing = casing_for(colour)
                canv.setLineCap(1)
                if casing:
                    canv.setStrokeColor(HexColor(casing))
                    canv.setLineWidth(3.4)
                    canv.line(x + 2, y + 3, x + 22, y + 3)
                canv.setStrokeColor(c)
                canv.setLineWidth(2.2)
                canv.line(x + 2, y + 3, x + 22, y + 3)
            elif kind == "point":
                canv.setFillColor(c)
                canv.setStrokeColor(HexColor(casing_for(colour) or "#ffffff"))
                canv.circle(x + 12, y + 3, 2.6, stroke=1, fill=1)
            else:
                canv.setFillColor(Color(c.red, c.green, c.blue, alpha=0.2))
                canv.setStrokeColor(c)
                canv.setLineWidth(1.2 if kind == "area" else 0.6)
                if kind in ("zone", "works"):
                    canv.setDash(1.5, 1.5)
                canv.rect(x + 2, y - 1, 20, 8, stroke=1, fill=1)
            canv.restoreState()
            canv.setFillColor(INK)
            canv.setFont(REGULAR, 7)
            canv.drawString(x + 27, y + 0.8, label)
