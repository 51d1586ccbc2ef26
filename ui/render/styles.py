"""Map styles: utility colours from ``asset_register.colours`` (NJUG or APWA), line dashes
by status, point symbols by asset class, and the reference backdrop palette."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from asset_register import colours
from asset_register.model import Utility

from .packed import PackedGeometry

# Drawing order (later on top): the most dangerous services are never hidden.
DRAW_ORDER = [
    Utility.OTHER, Utility.TELECOMS, Utility.STREET_LIGHTING, Utility.TRAFFIC_SIGNALS,
    Utility.SEWER, Utility.WATER, Utility.DISTRICT_HEATING, Utility.GAS, Utility.ELECTRICITY,
    Utility.HAZARDOUS_PIPELINE,
]
HV_KEY = "electricity_hv"
STYLE_KEYS = [u.value for u in DRAW_ORDER[:-1]] + [HV_KEY, Utility.HAZARDOUS_PIPELINE.value]

# Coincident services side by side: at street scales each utility's lines are drawn shifted
# sideways by its slot × SIDE_STEP_PX (screen space only; the check uses true positions), so a
# gas service laid along an LV cable shows beside it instead of under it. Services that share
# trenches most often get different slots.
SIDE_SLOTS = {"electricity": -1, HV_KEY: -1, "gas": 1, "water": 0, "telecoms": -2, "sewer": 2,
              "district_heating": 2, "street_lighting": -2, "traffic_signals": -2,
              "hazardous_pipeline": 0, "other": 0}
SIDE_STEP_PX = 2.0
SIDE_RESOLUTION = 0.3  # m/px: offsets only this close (about 1:1,000)
SIDE_OFFSETS = np.array([SIDE_SLOTS.get(k, 0) * SIDE_STEP_PX for k in STYLE_KEYS], float)

DASHES = {"abandoned": Qt.PenStyle.DashLine, "disused": Qt.PenStyle.DashDotLine,
          "proposed": Qt.PenStyle.DotLine, "under_construction": Qt.PenStyle.DotLine}

BACKGROUND = QColor("#efede8")
BUILDING_FILL = QColor("#dcd7ce")
BUILDING_EDGE = QColor("#c8c2b6")
STREET_CASING = QColor("#cfcac0")
STREET_FILL = QColor("#ffffff")
LABEL_COLOUR = QColor("#303030")
SELECTION = QColor("#00c8ff")
SEVERITY_COLOURS = {"strike": QColor("#d7191c"), "danger": QColor("#f07c00"),
                    "caution": QColor("#e6c200")}


@dataclass(frozen=True)
class Palette:
    """Colours for every style key in one scheme, as QColor and premultiplied uint32."""

    scheme: str
    qcolors: tuple
    argb: np.ndarray
    casing: tuple  # QColor or None per key
    # a palette of other classes than STYLE_KEYS (the quality shading): no sideways offsets
    # by utility, and its colours kept in views dense enough for the density picture
    side_offsets: np.ndarray | None = None
    colours_when_dense: bool = False

    @classmethod
    def make(cls, scheme: str = "njug") -> Palette:
        hexes = []
        for key in STYLE_KEYS:
            if key == HV_KEY:
                hexes.append(colours.colour_for("electricity", "HV", scheme))
            else:
                hexes.append(colours.colour_for(key, None, scheme))
        qc = tuple(QColor(h) for h in hexes)
        argb = np.array([0xFF000000 | (c.red() << 16) | (c.green() << 8) | c.blue() for c in qc],
                        dtype=np.uint32)
        casing = tuple(QColor(c) if (c := colours.casing_for(h)) else None for h in hexes)
        return cls(scheme, qc, argb, casing)


def feature_style_keys(packed: PackedGeometry) -> np.ndarray:
    """Index into STYLE_KEYS for every feature (vectorised: utility + HV override)."""
    n = packed.n_features
    out = np.full(n, STYLE_KEYS.index(Utility.OTHER.value), np.int16)
    if "utility" not in packed.codes:
        return out
    lut = np.array([STYLE_KEYS.index(c) if c in STYLE_KEYS else STYLE_KEYS.index("other")
                    for c in packed.categories["utility"]] + [STYLE_KEYS.index("other")], np.int16)
    out = lut[packed.codes["utility"]]  # code -1 (null) picks the trailing 'other'
    if "voltage" in packed.codes:
        cats = packed.categories["voltage"]
        high = np.array([colours._is_high_voltage(c) for c in cats] + [False])
        elec = out == STYLE_KEYS.index("electricity")
        out = np.where(elec & high[packed.codes["voltage"]], STYLE_KEYS.index(HV_KEY), out)
    return out.astype(np.int16)


# Point symbols: closed outlines in pixels around (0, 0), by asset class.
def _ring(points) -> np.ndarray:
    a = np.asarray(points, float)
    return np.vstack([a, a[:1]])


def _circle(r: float, n: int = 12) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return _ring(np.column_stack([r * np.cos(t), r * np.sin(t)]))


SYMBOLS = {
    "chamber": _ring([(-1, -1), (1, -1), (1, 1), (-1, 1)]),
    "cabinet": _ring([(-1.3, -0.8), (1.3, -0.8), (1.3, 0.8), (-1.3, 0.8)]),
    "valve": _ring([(-1.2, -0.9), (1.2, 0.9), (1.2, -0.9), (-1.2, 0.9)]),
    "hydrant": _ring([(0, -1.3), (1.1, 0.8), (-1.1, 0.8)]),
    "pole": _circle(0.8),
    "fitting": _ring([(0, -1), (1, 0), (0, 1), (-1, 0)]),
}
DEFAULT_SYMBOL = _circle(0.6, 8)
FILLED_SYMBOLS = {"cabinet", "pole", "fitting"}
