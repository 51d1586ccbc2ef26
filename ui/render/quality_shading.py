"""The register layer shaded by data quality (the quality map): each asset coloured by its
accuracy class or the age of its capture (``asset_register.quality.classes``), worst drawn on
top, with the palette and the legend entries.

The quality fields are not part of the normal drawing read (the utility colours never wait
for them): they are read once, when the quality map is first shown, from the same snapshot
slices as the label fields, and turned into classes in that worker. A shaded layer is the
register's packed geometry with other style codes (arrays shared, nothing copied), built
once per shading and reused by every render job until the register's data changes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
from PySide6.QtGui import QColor

from asset_register.quality.classes import (
    ACCURACY_CLASSES,
    AGE_CLASSES,
    accuracy_classes,
    age_classes,
    day_numbers,
)

from .packed import PackedGeometry
from .styles import Palette

QUALITY_COLUMNS = ["h_accuracy_m", "quality_level", "captured_on"]
# green (well placed, recent) to red, purple for "nothing stated": the worst is drawn on top
COLOURS = {
    "accuracy": ("#1a9850", "#66bd63", "#d9a400", "#f46d43", "#d73027", "#7b3294"),
    "age": ("#1a9850", "#d9a400", "#d73027", "#7b3294"),
}
LEGEND = {
    "accuracy": ("±0.3 m or better (QL-A, B1, B2; tot30cm)", "±0.5 m (QL-B3; tot50cm)",
                 "±1 m (tot100cm)", "worse than ±1 m, or QL-B4", "records only (QL-C, QL-D)",
                 "no accuracy or quality level"),
    "age": ("captured in the last 5 years", "captured 5 to 10 years ago",
            "captured over 10 years ago", "capture date not recorded"),
}
TITLES = {"accuracy": "Positional accuracy of the records", "age": "Age of the records"}
assert len(LEGEND["accuracy"]) == len(ACCURACY_CLASSES) and len(LEGEND["age"]) == len(AGE_CLASSES)


def quality_palette(shading: str) -> Palette:
    qc = tuple(QColor(h) for h in COLOURS[shading])
    argb = np.array([0xFF000000 | (c.red() << 16) | (c.green() << 8) | c.blue() for c in qc],
                    dtype=np.uint32)
    return Palette(f"quality-{shading}", qc, argb, (None,) * len(qc),
                   side_offsets=np.zeros(len(qc)), colours_when_dense=True)


def _slice_fields(meta, table) -> dict:
    return {c: table[c].combine_chunks() for c in table.column_names}


def _classes(cols: dict, n: int, on: date) -> dict[str, np.ndarray]:
    import pyarrow as pa

    h = np.asarray(cols["h_accuracy_m"], dtype=np.float64) if "h_accuracy_m" in cols \
        else np.full(n, np.nan)
    none = pa.nulls(n, pa.string())
    return {"accuracy": accuracy_classes(h, cols.get("quality_level", none)).astype(np.int16),
            "age": age_classes(day_numbers(cols.get("captured_on", none)), on).astype(np.int16)}


def _same_rows(drawn: PackedGeometry, utility) -> bool:
    """The rows read are the drawn ones, in the same order: every record's utility agrees
    (a register changed in between, with as many live records as before, fails this)."""
    if utility is None or "utility" not in drawn.codes:
        return True
    shown = np.array([*drawn.categories["utility"], None], dtype=object)[drawn.codes["utility"]]
    return bool(np.array_equal(shown, utility.to_numpy(zero_copy_only=False).astype(object)))


def read_quality_classes(store, n_features: int, on: date, drawn: PackedGeometry | None = None):
    """``(classes, layer)``: the accuracy and age classes (int16) of the live assets, and the
    layer they belong to — None for the drawn layer itself (a GeoPackage: read in drawing
    order from a snapshot, like the label fields), or a layer of its own read together with
    them (a store without snapshot reads, whose bulk reads promise no order). ``None`` when
    the rows no longer match the drawn layer ``drawn`` (the register changed: it is
    reloaded)."""
    import pyarrow as pa

    if not store.snapshot_reads:
        from .packed import STYLE_COLUMNS, pack_geometries
        from .styles import feature_style_keys

        frame = store.read_assets(columns=[*STYLE_COLUMNS, *QUALITY_COLUMNS])
        layer = pack_geometries(frame.geometry.array, frame)
        layer.codes["style"] = feature_style_keys(layer)
        layer.index_segments(layer.codes["style"])
        layer.build_index()
        cols = {c: frame[c].astype(object).where(frame[c].notna(), None).to_numpy()
                for c in ("quality_level", "captured_on") if c in frame.columns}
        if "h_accuracy_m" in frame.columns:
            cols["h_accuracy_m"] = frame["h_accuracy_m"].to_numpy(dtype=float, na_value=np.nan)
        return _classes(cols, len(frame), on), layer
    _, parts = store.read_arrow_slices([*QUALITY_COLUMNS, "utility"], read_geometry=False,
                                       each=_slice_fields)
    cols = {c: pa.chunked_array([p[c] for p in parts]) for c in parts[0]} if parts else {}
    n = len(next(iter(cols.values()))) if cols else 0
    if n != n_features or (drawn is not None and not _same_rows(drawn, cols.get("utility"))):
        return None
    if "h_accuracy_m" in cols:
        cols["h_accuracy_m"] = cols["h_accuracy_m"].to_numpy()
    return _classes(cols, n, on), None


def restyled(packed: PackedGeometry, style: np.ndarray) -> PackedGeometry:
    """``packed`` drawn with other per-feature style codes: the same arrays, new styles (the
    per-segment and per-point styles of the overview rasteriser too)."""
    codes = {**packed.codes, "style": style}
    segment_style = point_style = None
    if packed.segments is not None:
        counts = np.diff(packed.part_offsets)
        segment_style = np.repeat(style[packed.part_feature], np.maximum(counts - 1, 0))
        point_style = style[packed.point_feature]
    return replace(packed, codes=codes, segment_style=segment_style, point_style=point_style)


class Shading:
    """What the canvas draws the register layer with in the quality map: ``apply`` gives
    (data, palette) for a layer's packed data; the utility colours while the shading is
    ``utility`` or the classes of that data are not read yet (``needs_classes``)."""

    def __init__(self) -> None:
        self.shading = "utility"
        # (the drawn layer, its classes per shading, the layer they are in the order of or None)
        self._classes: tuple[PackedGeometry, dict, PackedGeometry | None] | None = None
        self._shaded: dict[str, PackedGeometry] = {}
        self._counts: dict[str, np.ndarray] = {}  # the legend's counts per shading, once each
        self._palettes = {s: quality_palette(s) for s in COLOURS}

    def needs_classes(self, packed) -> bool:
        return self.shading != "utility" and packed is not None and (
            self._classes is None or self._classes[0] is not packed)

    def set_classes(self, packed: PackedGeometry, classes: dict,
                    layer: PackedGeometry | None = None) -> None:
        """The classes of the drawn layer ``packed``, in the order of ``layer`` (read with
        them) or of ``packed`` itself."""
        self._classes = (packed, classes, layer)
        self._shaded, self._counts = {}, {}

    def forget(self) -> None:
        """The register closed: nothing of its layer is kept."""
        self._classes, self._shaded, self._counts = None, {}, {}

    def apply(self, packed, palette: Palette):
        if self.shading == "utility" or packed is None or self.needs_classes(packed):
            return packed, palette
        # what the layer gains after its first frame (label fields, the grid index) is in the
        # key: a shaded copy made before it is made again
        layer = self._classes[2] or packed
        key = (self.shading, tuple(layer.codes), tuple(layer.numbers), layer.grid is not None,
               layer.point_grid is not None)
        if key not in self._shaded:
            self._shaded = {k: v for k, v in self._shaded.items() if k[0] != self.shading}
            self._shaded[key] = restyled(layer, self._classes[1][self.shading])
        return self._shaded[key], self._palettes[self.shading]

    def counts(self) -> np.ndarray | None:
        """How many assets fall in each class of the current shading (for the legend, which
        asks on every paint: counted once per set of classes, not per frame)."""
        if self.shading == "utility" or self._classes is None:
            return None
        if self.shading not in self._counts:
            self._counts[self.shading] = np.bincount(self._classes[1][self.shading],
                                                     minlength=len(COLOURS[self.shading]))
        return self._counts[self.shading]
