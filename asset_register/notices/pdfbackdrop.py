"""The notice map's backdrop and location inset, from the register's reference layers.

Streets and buildings (any reference layer: lines are streets, polygons buildings; a name
column names the street) are read once around the site (``read_backdrop``) and drawn under
the assets; street names go on top of everything but the conflict markers, with a white halo,
along their street. The inset in the map's lower-right corner shows the streets for
``INSET_M`` around the site with the main map's extent outlined, as LSBUD and KLIC
deliveries do, so a reader knows where the dig is before reading the detail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from reportlab.lib.colors import Color, HexColor, white

from .pdfmarks import geom_path, overlaps
from .sitelayers import NAME_COLUMNS, read_near, reference_layers
from .typeface import BOLD, ITALIC

INSET_M = 300.0  # half-width of the location inset's view, metres
INSET_W, INSET_H = 118.0, 84.0  # points
# Paper colours of the backdrop (a muted base map, so the utility colours stay the loudest).
PALETTE = {"building_fill": "#e7e3da", "building_line": "#cdc6b8", "street_casing": "#b4bac1",
           "land": "#efede6", "street_name": "#4a5561", "site": "#c2006e"}
BUILDING_FILL, BUILDING_LINE, STREET_CASING, LAND, STREET_NAME, SITE = (
    HexColor(v) for v in PALETTE.values())


@dataclass
class Backdrop:
    """Reference geometry around a site, in the register's CRS."""

    buildings: np.ndarray  # polygons
    streets: np.ndarray  # lines
    names: np.ndarray  # street name per line ("" when unknown)


def read_backdrop(store, footprint, radius_m: float = INSET_M * 1.5) -> Backdrop | None:
    """Every reference layer's features within ``radius_m`` of the footprint (None: none)."""
    x0, y0, x1, y1 = footprint.bounds
    bbox = (x0 - radius_m, y0 - radius_m, x1 + radius_m, y1 + radius_m)
    polys, lines, names = [], [], []
    for path, layer in reference_layers(store):
        try:
            frame = read_near(path, layer, bbox, store.crs)
        except Exception:
            continue
        if not len(frame):
            continue
        geoms = shapely.force_2d(frame.geometry.to_numpy())
        kind = shapely.get_type_id(geoms)
        polys.append(geoms[np.isin(kind, (3, 6))])
        is_line = np.isin(kind, (1, 5))
        lines.append(geoms[is_line])
        lower = {str(c).lower(): c for c in frame.columns}
        col = next((lower[n] for n in NAME_COLUMNS if n in lower), None)
        names.append(frame[col].astype(object).fillna("").astype(str).to_numpy()[is_line]
                     if col else np.full(int(is_line.sum()), "", dtype=object))
    if not polys:
        return None
    return Backdrop(np.concatenate(polys), np.concatenate(lines), np.concatenate(names))


def draw_backdrop(m, canv, b: Backdrop) -> None:
    """Buildings and streets under everything else of the site map ``m``."""
    canv.saveState()
    buildings = m._clip(b.buildings)
    canv.setFillColor(BUILDING_FILL)
    canv.setStrokeColor(BUILDING_LINE)
    canv.setLineWidth(0.5)
    for g in buildings:
        if g is not None and not g.is_empty and g.geom_type.endswith("Polygon"):
            canv.drawPath(m._path(canv, g), stroke=1, fill=1)
    streets = m._clip(b.streets)
    width = min(max(7.0 * m.scale, 3.0), 34.0)  # a ~7 m carriageway, kept legible
    canv.setLineCap(1)
    canv.setLineJoin(1)
    for colour, w in ((STREET_CASING, width + 2.0), (white, width)):
        canv.setStrokeColor(colour)
        canv.setLineWidth(w)
        for g in streets:
            if g is not None and not g.is_empty and not g.geom_type.endswith("Point"):
                canv.drawPath(m._path(canv, g), stroke=1, fill=0)
    canv.restoreState()


def street_names(m, canv, b: Backdrop, taken: list) -> list[np.ndarray]:
    """Each street's name once, along the street, on top of the pipes, with a white halo,
    clear of the boxes in ``taken``; returns the names' boxes (the markers avoid them)."""
    drawn = []
    streets = m._clip(b.streets)
    seen = set()
    size = 7.0
    for g, name in zip(streets, b.names, strict=True):
        if not name or name in seen or g is None or g.is_empty or g.length * m.scale < 60:
            continue
        line = max(shapely.get_parts(g), key=lambda p: p.length)
        w = canv.stringWidth(name, ITALIC, size)
        spot = None
        for frac in (0.5, 0.3, 0.7, 0.15, 0.85):  # the first place along the street that is free
            mid = line.interpolate(frac, normalized=True)
            ahead = line.interpolate(min(line.project(mid) + 1.0, line.length))
            (x, y), (x2, y2) = m._xy(shapely.get_coordinates([mid, ahead]))
            angle = math.degrees(math.atan2(y2 - y, x2 - x))
            if angle > 90 or angle < -90:  # never upside down
                angle -= 180 if angle > 90 else -180
            half = (abs(math.cos(math.radians(angle))) * w / 2 + 4,
                    abs(math.sin(math.radians(angle))) * w / 2 + 4)
            box = np.array([[x - half[0], y - half[1], x + half[0], y + half[1]]])
            inside = box[0, 0] > 0 and box[0, 1] > 0 and box[0, 2] < m.width and \
                box[0, 3] < m.height
            if inside and not overlaps(box, np.concatenate(taken)).any():
                spot = (x, y, angle, box)
                break
        if spot is None:
            continue
        x, y, angle, box = spot
        canv.saveState()
        canv.translate(x, y)
        canv.rotate(angle)
        canv.setLineWidth(2.4)
        canv.setLineJoin(1)
        for mode, colour in ((1, white), (0, STREET_NAME)):  # halo stroke, then the fill
            canv.saveState()  # the text render mode is graphics state: restore it after
            t = canv.beginText()
            t.setFont(ITALIC, size)
            t.setTextRenderMode(mode)
            t.setStrokeColor(colour)
            t.setFillColor(colour)
            t.setTextOrigin(-w / 2, -size * 0.35)
            t.textOut(name)
            canv.drawText(t)
            canv.restoreState()
        canv.restoreState()
        taken.append(box)
        drawn.append(box)
        seen.add(name)
    return drawn


def inset(m, canv, b: Backdrop) -> np.ndarray:
    """The location inset in the lower-right corner; returns its box (labels avoid it)."""
    x0, y0 = m.width - INSET_W - 6, 6
    cx, cy = m.c.centre
    span = INSET_M * 2
    scale = min(INSET_W / span, INSET_H / (span * INSET_H / INSET_W))
    ext = (cx - INSET_W / scale / 2, cy - INSET_H / scale / 2)

    def xy(coords):
        return (coords[:, :2] - ext) * scale + (x0, y0)

    canv.saveState()
    canv.setFillColor(Color(1, 1, 1, alpha=0.95))
    canv.setStrokeColor(HexColor("#7a8793"))
    canv.setLineWidth(0.6)
    canv.rect(x0, y0, INSET_W, INSET_H, stroke=1, fill=1)
    clip = canv.beginPath()
    clip.rect(x0, y0, INSET_W, INSET_H)
    canv.clipPath(clip, stroke=0, fill=0)
    view = (ext[0], ext[1], ext[0] + INSET_W / scale, ext[1] + INSET_H / scale)
    canv.setFillColor(BUILDING_FILL)
    for g in shapely.clip_by_rect(b.buildings, *view):
        if g is not None and not g.is_empty and g.geom_type.endswith("Polygon"):
            canv.drawPath(geom_path(canv, g, xy), stroke=0, fill=1)
    canv.setStrokeColor(HexColor("#8c96a0"))
    canv.setLineWidth(1.1)
    for g in shapely.clip_by_rect(b.streets, *view):
        if g is not None and not g.is_empty and not g.geom_type.endswith("Point"):
            canv.drawPath(geom_path(canv, g, xy), stroke=1, fill=0)
    mx0, my0, mx1, my1 = m.extent
    (px0, py0), (px1, py1) = xy(np.array([[mx0, my0], [mx1, my1]]))
    canv.setStrokeColor(SITE)
    canv.setLineWidth(1.2)
    if px1 - px0 < 6:  # the map covers less than a few points here: mark the site instead
        canv.circle((px0 + px1) / 2, (py0 + py1) / 2, 4, stroke=1, fill=0)
    else:
        canv.rect(px0, py0, px1 - px0, py1 - py0, stroke=1, fill=0)
    canv.restoreState()
    canv.setFillColor(HexColor("#1d2733"))
    canv.setFont(BOLD, 5.5)
    canv.drawString(x0 + 3, y0 + INSET_H - 7, f"Location · {span:.0f} m across")
    return np.array([[x0 - 2, y0 - 2, x0 + INSET_W + 2, y0 + INSET_H + 2]])
