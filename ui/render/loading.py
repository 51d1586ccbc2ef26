"""Load layer data for the canvas (worker threads): the register's live assets and
reference backdrops, packed for drawing."""

from __future__ import annotations

from pathlib import Path

import pyogrio
import pyproj

from asset_register.errors import AssetRegisterError, CRSError

from .packed import STYLE_COLUMNS, PackedGeometry, pack_geometries
from .styles import feature_style_keys

LABEL_FIELDS = ("name", "street", "street_name", "road_name", "streetname", "label")


def load_register(store, progress=None) -> PackedGeometry:
    """Every live asset's geometry and style fields, packed (one bulk read)."""
    report = progress or (lambda f, m: None)
    report(0.1, "reading assets")
    frame = store.read_assets(columns=list(STYLE_COLUMNS))
    report(0.6, f"preparing {len(frame):,} assets for drawing")
    packed = pack_geometries(frame.geometry.array, frame)
    packed.codes["style"] = feature_style_keys(packed)
    report(1.0, "assets ready")
    return packed


def reference_layers(path: str | Path) -> list[str]:
    try:
        return [str(name) for name, _ in pyogrio.list_layers(str(path))]
    except Exception as exc:
        raise AssetRegisterError(f"{str(path)!r} cannot be opened as a vector file: {exc}") from None


def load_reference(path: str | Path, layer: str | None, working_crs) -> PackedGeometry:
    """A vector file layer reprojected to the working CRS, packed, with a label field if any."""
    try:
        frame = pyogrio.read_dataframe(str(path), layer=layer, use_arrow=True)
    except Exception as exc:
        raise AssetRegisterError(f"layer {layer!r} of {str(path)!r} cannot be read: {exc}") from None
    frame = frame[frame.geometry.notna()]
    if frame.crs is None:
        raise CRSError(f"{Path(path).name} ({layer}) has no CRS: give the file a .prj or CRS "
                       "before adding it as a reference layer")
    working = pyproj.CRS.from_user_input(working_crs)
    if not pyproj.CRS.from_user_input(frame.crs).equals(working):
        frame = frame.to_crs(working)
    lower = {c.lower(): c for c in frame.columns}
    label = next((lower[f] for f in LABEL_FIELDS if f in lower), None)
    return pack_geometries(frame.geometry.array, frame if label else None, label_column=label)
