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

from ..colours import EXCAVATION, casing_for, side_by_side
from ..crs_names import BRITISH_NATIONAL_GRID
from .pdfbackdrop import LAND, draw_backdrop, inset, street_names
from .pdfmarks import (
    MARK_R, SEVERITY_ORDER, SHAPES, geom_path, halo, hatch, marker, overlaps, place_labels,
    ring_label,
)
from .typeface import BOLD, ITALIC, REGULAR

INK = HexColor("#1d2733")
SIDE_STEP_PT = 1.4  # sideways step of coincident services on the page (points)
GRID = HexColor("#c9d1da")
WORKS = HexColor("#5b6b7c")
CONTEXT = HexColor("#b4bcc4")  # other recorded assets, no conflict
DEVIATION = HexColor("#e6007e")  # open deviation reports: the desktop map's magenta
DEVIATION_DARK = HexColor("#8a0a55")
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
        return geom_path(canv, geom, self._xy)

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

    def _deviations(self, canv) -> list[np.ndarray]:
        """Open deviation reports in the desktop map's symbols: the reported position in
        magenta dashes, a dotted leader to the record, × on a record not found, and a
        diamond marked with the report's number. The layout is the page's own, not the
        map's: on a line record not found three × sit at 10, 50 and 90 % of its length
        and one on any other record, where the map puts one every 60 screen pixels
        as the user zooms (a page has one scale, and three crosses show which record at
        any length); nor is the record itself dotted over as on the map. Returns the
        markers' boxes (kept clear of labels)."""
        marks = getattr(self.c, "deviations", None)
        if marks is None or not len(marks):
            return []
        marks = marks.meeting(self.extent)
        if marks is None:
            return []
        canv.saveState()
        canv.setLineCap(1)
        canv.setStrokeColor(DEVIATION_DARK)
        canv.setLineWidth(0.6)
        canv.setDash(1, 1.6)
        for g in self._clip(marks.leader):
            if g is not None and not g.is_empty:
                canv.drawPath(self._path(canv, g), stroke=1, fill=0)
        canv.setDash(4, 2)
        canv.setStrokeColor(DEVIATION)
        canv.setFillColor(DEVIATION)
        canv.setLineWidth(1.6)
        self._shapes(canv, marks.reported, dot_r=1.8)
        canv.setDash()
        canv.setLineWidth(1.4)
        # × along the record not found where it was dug for (three on a line, one elsewhere)
        gone = marks.recorded[marks.kind == "not_found"]
        lines = np.isin(shapely.get_type_id(gone), (1, 5))
        on_lines = shapely.line_interpolate_point(np.repeat(gone[lines], 3),
                                                  np.tile(np.linspace(0.1, 0.9, 3), lines.sum()),
                                                  normalized=True)
        crosses = np.concatenate([on_lines, shapely.point_on_surface(gone[~lines])])
        for x, y in self._xy(shapely.get_coordinates(crosses)):
            canv.line(x - 2.5, y - 2.5, x + 2.5, y + 2.5)
            canv.line(x - 2.5, y + 2.5, x + 2.5, y - 2.5)
        boxes = []
        for (x, y), number in zip(self._xy(marks.anchor), marks.ids.tolist()):
            if not (0 <= x <= self.width and 0 <= y <= self.height):
                continue
            diamond(canv, x, y, f"D{number}")
            boxes.append((x - 7, y - 7, x + 7, y + 7))
        canv.restoreState()
        return [np.array(boxes, float).reshape(-1, 4)] if boxes else []

    def _context(self, canv):
        ctx = self.c.context
        if ctx is None or not len(ctx):
            return
        geoms = ctx.geometry.to_numpy()
        canv.saveState()
        canv.setStrokeColor(CONTEXT)
        canv.setFillColor(CONTEXT)
        canv.setLineWidth(0.6)
        self._shapes(canv, geoms, dot_r=1.2)
        canv.restoreState()

    def _shapes(self, canv, geoms: np.ndarray, dot_r: float) -> None:
        """Lines and outlines stroked in the current style; points as dots ``dot_r`` wide."""
        for g in self._clip(geoms):
            if g is None or g.is_empty:
                continue
            if g.geom_type.endswith("Point"):
                for x, y in self._xy(shapely.get_coordinates(g)):
                    canv.circle(x, y, dot_r, stroke=0, fill=1)
            else:
                canv.drawPath(self._path(canv, g), stroke=1, fill=0)

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
        return zones

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

    def _assets(self, canv, geoms, colours, severity, zones_mask):
        """Severity halos first (under every asset), then the assets in their utility colours;
        owners' precaution zones hatched (never filled like the dig)."""
        paths = [None if g is None or g.is_empty or g.geom_type.endswith("Point")
                 else self._path(canv, g) for g in geoms]
        for path, sev, g in zip(paths, severity, geoms, strict=True):
            if path is not None:
                halo(canv, path, sev, g.geom_type.endswith("Polygon"))
        canv.saveState()
        canv.setLineCap(1)
        canv.setLineJoin(1)
        for g, path, col, zone in zip(geoms, paths, colours, zones_mask, strict=True):
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
            area = kind.endswith("Polygon")
            if area and zone:
                x0, y0 = self._xy(np.array([g.bounds[:2]]))[0]
                x1, y1 = self._xy(np.array([g.bounds[2:]]))[0]
                hatch(canv, path, (x0, y0, x1, y1), col)
                continue
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

    def _anchors(self, geoms) -> np.ndarray:
        """Where each conflict's marker belongs: the point of the asset nearest the dig."""
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        pts = np.zeros((len(geoms), 2))
        if ok.any():
            near = shapely.get_point(shapely.shortest_line(geoms[ok], self.c.site.footprint), 0)
            pts[ok] = self._xy(shapely.get_coordinates(near))
        return pts

    def _anchor_boxes(self, geoms) -> np.ndarray:
        """Small boxes round each conflict's marker point (street names keep off them)."""
        pts = self._anchors(geoms)
        return np.column_stack([pts - MARK_R * 2, pts + MARK_R * 2]) if len(pts) else \
            np.empty((0, 4))

    def _ring_labels(self, canv, zones, clearances, taken: list) -> None:
        """Each clearance ring says its width (m) where it is farthest from the dig."""
        cx, cy = self._xy(np.array([self.c.centre]))[0]
        shown = set()
        for i, z in enumerate(zones):
            value = clearances[i]
            if z is None or z.is_empty or not np.isfinite(value) or value <= 0:
                continue
            if round(value, 1) in shown:
                continue  # one label per distinct clearance: rings of equal width say it once
            ring = shapely.segmentize(shapely.boundary(z), 4.0 / self.scale)  # every ~4 pt
            pts = self._xy(shapely.get_coordinates(ring))
            inside = (pts[:, 0] > 14) & (pts[:, 0] < self.width - 14) & (pts[:, 1] > 8) & \
                (pts[:, 1] < self.height - 8)
            if not inside.any():
                continue
            pts = pts[inside]
            order = np.argsort(-np.hypot(pts[:, 0] - cx, pts[:, 1] - cy))
            text = f"{value:.1f} m"
            for k in order[:: max(len(order) // 12, 1)]:
                x, y = pts[k]
                w = canv.stringWidth(text, REGULAR, 5.4) + 2.4
                box = np.array([[x - w / 2, y - 2.2, x + w / 2, y + 4.8]])
                if not overlaps(box, np.concatenate(taken)).any():
                    taken.append(np.array([ring_label(canv, x, y, text)]))
                    shown.add(round(value, 1))
                    break

    def _labels(self, canv, geoms, severity, obstacles):
        """Numbered severity markers (numbers as in the table), never overlapping, with
        leader lines to the asset when moved; the asset id beside them when few."""
        conf = self.c.conflicts
        numbers = conf["number"].to_numpy()
        ids = conf["asset_id"].astype(str).to_numpy()
        with_ids = len(conf) <= LABEL_IDS_UP_TO
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        idx = np.flatnonzero(ok)
        rank = np.array([SEVERITY_ORDER.get(str(s), 3) for s in severity])
        idx = idx[np.lexsort((numbers[idx], rank[idx]))]  # most severe first, then by number
        anchors = self._anchors(geoms)[idx]
        h = 2 * MARK_R + 2.5
        text_w = np.array([canv.stringWidth(ids[i], BOLD, 6.2) + 6 if with_ids else 0.0
                           for i in idx])
        sizes = np.column_stack([h + text_w, np.full(len(idx), h)])
        boxes, moved = place_labels(anchors, sizes, np.concatenate(obstacles) if obstacles
                                    else np.empty((0, 4)), (self.width, self.height))
        self.label_boxes = {int(numbers[i]): tuple(b) for i, b in zip(idx, boxes, strict=True)}
        canv.saveState()
        canv.setStrokeColor(INK)
        canv.setFillColor(INK)
        canv.setLineWidth(0.6)
        for (ax, ay), box, m in zip(anchors, boxes, moved, strict=True):
            if m:
                mx, my = box[0] + 1.5 + h / 2, box[1] + 1.5 + h / 2
                canv.line(ax, ay, mx, my)
                canv.circle(ax, ay, 1.1, stroke=0, fill=1)
        canv.restoreState()
        for i, box in zip(idx, boxes, strict=True):
            mx, my = box[0] + 1.5 + h / 2, box[1] + 1.5 + h / 2
            if with_ids:
                canv.setFillColor(Color(1, 1, 1, alpha=0.9))
                canv.setStrokeColor(INK)
                canv.setLineWidth(0.4)
                canv.roundRect(mx, my - 4.6, box[2] - 1.5 - mx, 9.2, 2, stroke=1, fill=1)
                canv.setFillColor(INK)
                canv.setFont(BOLD, 6.2)
                canv.drawString(mx + MARK_R + 3, my - 2.2, ids[i])
            marker(canv, SHAPES.get(str(severity[i]), "circle"), mx, my,
                   text=str(numbers[i]))

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
        return bar

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

    def _furniture(self, canv) -> list[np.ndarray]:
        """Grid reference, north arrow and scale bar; their boxes, which labels avoid."""
        w = self._grid_ref(canv)
        self._north(canv)
        bar = self._scale_bar(canv)
        return [np.array([[6, self.height - 28, 16 + w, self.height - 6]]),
                np.array([[self.width - 34, self.height - 44, self.width, self.height]]),
                np.array([[6, 12, 12 + bar + 40 + canv.stringWidth(f"1:{self.ratio():,}",
                                                                  REGULAR, 6.5), 34]])]

    def _grid_ref(self, canv):
        text = f"Site: {self.c.grid_ref}" if self.c.grid_ref else \
            f"Site: {self.c.centre[0]:.0f} {self.c.centre[1]:.0f}"
        crs = "British National Grid" if self.c.crs == BRITISH_NATIONAL_GRID else self.c.crs
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
        return w

    def draw(self):
        canv = self.canv
        canv.saveState()
        p = canv.beginPath()
        p.rect(0, 0, self.width, self.height)
        canv.clipPath(p, stroke=0, fill=0)
        backdrop = getattr(self.c, "backdrop", None)
        canv.setFillColor(HexColor("#fbfbf8") if backdrop is None else LAND)  # white streets read
        canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        if backdrop is not None:
            draw_backdrop(self, canv, backdrop)
        self._grid(canv)
        self._context(canv)
        self.label_boxes: dict[int, tuple] = {}
        self._works(canv)
        conf = self.c.conflicts
        geoms = self._clip(conf.geometry.to_numpy())
        colours = conf["colour"].to_numpy()
        clearances = conf["clearance_m"].to_numpy(dtype=float, na_value=np.nan)
        severity = conf["severity"].astype(str).to_numpy()
        zones_mask = (conf["asset_class"].astype(str) == "precaution_zone").to_numpy()
        zones = self._zones(canv, conf.geometry.to_numpy(), colours, clearances)
        self._footprint(canv)
        # coincident services side by side: SIDE_STEP_PT apart on the page
        drawn = side_by_side(geoms, conf["utility"].astype(str).to_numpy(), SIDE_STEP_PT / self.scale)
        self._assets(canv, drawn, colours, severity, zones_mask)
        taken = self._furniture(canv) + self._deviations(canv)
        if backdrop is not None:
            taken.append(inset(self, canv, backdrop))
            fp = shapely.bounds(self._clip(np.array([self.c.site.footprint], dtype=object)))
            dig = [self._xy(fp.reshape(2, 2)).reshape(1, 4) + (-6, -6, 6, 6)]
            avoid = taken + dig + [self._anchor_boxes(geoms)]
            taken += street_names(self, canv, backdrop, avoid)
        self._ring_labels(canv, zones, clearances, taken)
        self._labels(canv, geoms, severity, taken)
        canv.restoreState()
        canv.setStrokeColor(INK)
        canv.setLineWidth(0.8)
        canv.rect(0, 0, self.width, self.height, stroke=1, fill=0)


def diamond(canv, x: float, y: float, text: str = "", r: float = 5.2) -> None:
    """A deviation report's marker: a magenta diamond with ``text`` beside it."""
    canv.saveState()
    p = canv.beginPath()
    p.moveTo(x, y + r)
    p.lineTo(x + r, y)
    p.lineTo(x, y - r)
    p.lineTo(x - r, y)
    p.close()
    canv.setStrokeColor(white)
    canv.setLineWidth(0.8)
    canv.setFillColor(DEVIATION)
    canv.drawPath(p, stroke=1, fill=1)
    if text:
        canv.setFont(BOLD, 5.6)
        w = canv.stringWidth(text, BOLD, 5.6)
        canv.setFillColor(Color(1, 1, 1, alpha=0.85))  # legible over lines and streets
        canv.rect(x + r + 0.6, y - 2.8, w + 1.2, 6.6, stroke=0, fill=1)
        canv.setFillColor(DEVIATION_DARK)
        canv.drawString(x + r + 1.2, y - 2.0, text)
    canv.restoreState()


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
            elif kind == "deviation":
                canv.setStrokeColor(DEVIATION)
                canv.setLineWidth(1.6)
                canv.setDash(4, 2)
                canv.line(x + 2, y + 3, x + 22, y + 3)
                diamond(canv, x + 12, y + 3, r=4.0)
            elif kind in SHAPES:  # a severity marker
                marker(canv, SHAPES[kind], x + 12, y + 3, r=4.2, text="1")
            elif kind == "hatch":
                p = canv.beginPath()
                p.rect(x + 2, y - 1, 20, 8)
                hatch(canv, p, (x + 2, y - 1, x + 22, y + 7), colour, spacing=3.0)
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
