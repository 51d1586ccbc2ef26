"""Load layer data for the canvas (worker threads): the register's live assets and
reference backdrops, packed for drawing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyogrio
import pyproj

from asset_register.errors import AssetRegisterError, CRSError

from .packed import STYLE_COLUMNS, PackedGeometry, pack_geometries
from .styles import feature_style_keys
from .wkb import pack_wkb

LABEL_FIELDS = ("name", "street", "street_name", "road_name", "streetname", "label")


DRAW_COLUMNS = ["utility", "asset_class", "status", "voltage"]  # what the first frame needs
LABEL_COLUMNS = ["diameter_mm", "material", "pressure"]  # read after it, for street labels


def _read_arrow(store, columns=DRAW_COLUMNS, geometry: bool = True):
    """(WKB column, style columns) of the live assets of a GeoPackage register as Arrow, or
    None for other stores (they go through ``read_assets``)."""
    from asset_register.store.gpkg import GeoPackageStore

    if not isinstance(store, GeoPackageStore):
        return None
    # a snapshot copy, never the live file: GDAL's own SQLite must not touch our WAL
    meta, table = store.read_arrow(list(columns), read_geometry=geometry)
    return (table.column(meta["geometry_name"] or "wkb_geometry") if geometry else None), table


def _arrow_styles(packed: PackedGeometry, table) -> None:
    import pyarrow.compute as pc

    for col in STYLE_COLUMNS:
        if col not in table.column_names:
            continue
        values = table.column(col).combine_chunks()
        if col == "diameter_mm":
            packed.numbers[col] = values.to_numpy(zero_copy_only=False).astype("float32")
            continue
        enc = pc.dictionary_encode(values)
        packed.codes[col] = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int16)
        packed.categories[col] = [str(c) for c in enc.dictionary.to_pylist()]


def load_labels(store, packed: PackedGeometry) -> bool:
    """Add the label fields (diameter, material, pressure) to a register layer loaded with
    only its drawing fields; False if the rows no longer match (the register changed)."""
    arrow = _read_arrow(store, LABEL_COLUMNS, geometry=False)
    if arrow is None or arrow[1].num_rows != packed.n_features:
        return False
    _arrow_styles(packed, arrow[1])
    return True


def load_register(store, progress=None) -> PackedGeometry:
    """Every live asset's geometry and drawing fields, packed (one bulk read). From a
    GeoPackage register the label fields come later (``load_labels``)."""
    report = progress or (lambda f, m: None)
    report(0.1, "reading assets")
    arrow = _read_arrow(store)
    if arrow is not None:
        wkb, table = arrow
        report(0.5, f"preparing {table.num_rows:,} assets for drawing")
        packed = pack_wkb(wkb)
        _arrow_styles(packed, table)
    else:
        frame = store.read_assets(columns=list(STYLE_COLUMNS))
        report(0.5, f"preparing {len(frame):,} assets for drawing")
        packed = pack_geometries(frame.geometry.array, frame)
    packed.codes["style"] = feature_style_keys(packed)
    packed.index_segments(packed.codes["style"])
    packed.build_index()
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
    packed = pack_geometries(frame.geometry.array, frame if label else None, label_column=label)
    packed.build_index()
    return packed
