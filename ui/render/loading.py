"""Load layer data for the canvas (worker threads): the register's live assets and
reference backdrops, packed for drawing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyogrio
import pyproj

from asset_register.errors import AssetRegisterError, CRSError
from asset_register.offline import refuse_crs_links

from asset_register import memory

from .packed import STYLE_COLUMNS, PackedGeometry, concat_packed, pack_geometries, small_codes
from .styles import feature_style_keys
from .wkb import add_others, gather_wkb, take_wkb

LABEL_FIELDS = ("name", "street", "street_name", "road_name", "streetname", "label")


DRAW_COLUMNS = ["utility", "asset_class", "status", "voltage"]  # what the first frame needs
LABEL_COLUMNS = ["diameter_mm", "material", "pressure"]  # read after it, for street labels
# the geometry of a PackedGeometry that holds only fields
EMPTY = (np.empty((0, 2)), np.zeros(1, np.int64), np.empty(0, np.int64), np.empty(0, bool),
         np.empty((0, 4)), np.empty((0, 2)), np.empty(0, np.int64))


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


def _pack_slice(meta, table):
    """One slice of the register, in its reading thread: points and simple lines gathered
    straight from WKB, styles; other geometries are packed once all slices are in (so the
    parts come in the same order as from one whole read)."""
    wkb = table.column(meta["geometry_name"] or "wkb_geometry")
    packed, other = gather_wkb(wkb)
    _arrow_styles(packed, table)
    found = packed, other, take_wkb(wkb, other)
    del wkb, table
    memory.release()  # this slice's buffers, before the thread reads the next one
    return found


def _join_slices(slices) -> PackedGeometry:
    """The slices as one layer; their arrays are dropped as they are joined."""
    starts = np.cumsum([0] + [p.n_features for p, _, _ in slices[:-1]])
    packed = concat_packed([p for p, _, _ in slices], consume=True)
    other = np.concatenate([o + s for (_, o, _), s in zip(slices, starts)]).astype(np.int64)
    whole = add_others(packed, other, np.concatenate([w for _, _, w in slices]))
    whole.codes, whole.categories = packed.codes, packed.categories
    return whole


def _field_slice(meta, table) -> PackedGeometry:
    """One slice of the label fields (no geometry)."""
    packed = PackedGeometry(*EMPTY, n_features=table.num_rows)
    _arrow_styles(packed, table)
    return packed


def load_labels(store, packed: PackedGeometry, cancel=None) -> bool:
    """Add the label fields (diameter, material, pressure) to a register layer loaded with
    only its drawing fields; False if the rows no longer match (the register changed).
    ``cancel`` stops the read between slices (``CancelledError``)."""
    if not store.snapshot_reads:
        return False
    # from the same snapshot copy as the drawing fields while the register is unchanged
    _, parts = store.read_arrow_slices(LABEL_COLUMNS, read_geometry=False, each=_field_slice,
                                       cancel=cancel)
    fields = concat_packed(parts, consume=True)
    del parts
    if fields.n_features != packed.n_features:
        return False
    packed.codes.update({name: small_codes(values) for name, values in fields.codes.items()})
    packed.categories.update(fields.categories)
    packed.numbers.update(fields.numbers)
    return True


def complete_register(store, packed: PackedGeometry, cancel=None) -> bool:
    """What the first frame did not need, read after it: the grid index for street views
    and the label fields. False if the labels no longer match the rows."""
    if packed.grid is None and packed.point_grid is None:
        packed.build_index()
    try:
        return load_labels(store, packed, cancel)
    finally:
        memory.release()


def load_register(store, progress=None, cancel=None) -> PackedGeometry:
    """Every live asset's geometry and drawing fields, packed. A store with snapshot reads (a
    GeoPackage: never the live file, GDAL's own SQLite must not touch our WAL) is read as a
    few slices at once from one snapshot and packed straight from WKB; its label fields and
    grid index come after the first frame (``complete_register``). ``cancel``: polled between
    slices (``CancelledError`` once it answers True).

    Each slice is packed in its reading thread and its Arrow table dropped at once; the
    slices are joined and dropped before the segments are indexed, and what the read freed
    goes back to the system (``ui.memory``): at 10 million assets the read's peak is the
    slices and their join, not every temporary of the read."""
    report = progress or (lambda f, m: None)
    report(0.1, "reading assets")
    if store.snapshot_reads:
        _, slices = store.read_arrow_slices(DRAW_COLUMNS, each=_pack_slice, cancel=cancel)
        report(0.8, f"preparing {sum(p.n_features for p, _, _ in slices):,} assets for drawing")
        packed = _join_slices(slices)
        del slices
        memory.release()
    else:
        frame = store.read_assets(columns=list(STYLE_COLUMNS))
        report(0.5, f"preparing {len(frame):,} assets for drawing")
        packed = pack_geometries(frame.geometry.array, frame)
        del frame
    packed.codes["style"] = feature_style_keys(packed)
    packed.index_segments(packed.codes["style"])
    if not store.snapshot_reads:
        packed.build_index()  # nothing is read after the first frame
    memory.release()
    report(1.0, "assets ready")
    return packed


def reference_layers(path: str | Path) -> list[str]:
    refuse_crs_links(path)
    try:
        return [str(name) for name, _ in pyogrio.list_layers(str(path))]
    except Exception as exc:
        raise AssetRegisterError(f"{str(path)!r} cannot be opened as a vector file: {exc}") from None


def load_reference(path: str | Path, layer: str | None, working_crs) -> PackedGeometry:
    """A vector file layer reprojected to the working CRS, packed, with a label field if any."""
    refuse_crs_links(path)
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
        from asset_register.transform import reproject_frame

        # The transformation imports pin, never pyproj's default: a street drawn under an
        # asset must lie where an import of the same coordinates would.
        frame = reproject_frame(frame, working, f"reference feature of {Path(path).name}")
    lower = {c.lower(): c for c in frame.columns}
    label = next((lower[f] for f in LABEL_FIELDS if f in lower), None)
    packed = pack_geometries(frame.geometry.array, frame if label else None, label_column=label)
    if "usrn" in lower:  # streets found by their USRN in the search box
        packed.usrn = frame[lower["usrn"]].to_numpy(dtype=object)
    packed.build_index()
    return packed
