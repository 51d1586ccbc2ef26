"""Bulk reading of one layer as Arrow: attributes stay an Arrow table, geometries a shapely array.

pyogrio's Arrow stream hands over GDAL's WKB untouched — fast (1M lines in well under
a second), but curves (CircularString, CompoundCurve, CurvePolygon, MultiSurface…)
and M values come through as they are. Shapely cannot parse curves, so the rows
holding them are found from their WKB header in bulk and read again through
GDAL's own feature path, which linearises them. M is dropped later, in
``geometry.clean``.
"""

from __future__ import annotations

import contextlib
import sqlite3
import struct
import warnings
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyogrio
import pyproj
import shapely
from pyogrio.errors import CRSError as GDALCRSError, DataLayerError, DataSourceError, FieldError, GeometryError

from asset_register.errors import AssetRegisterError, ImportError_
from asset_register.inputs import check_zip, free_memory_bytes

from .parallel import chunk_map
from .kml_fields import description_columns
from .sources import KML_DRIVERS, Source
from .surfaces import SURFACE_TYPES, footprints

# ISO WKB base types GEOS cannot parse (curves, surfaces, TIN…)
NONLINEAR_TYPES = np.array([8, 9, 10, 11, 12, 13, 14, 15, 16, 17])


@dataclass
class RawLayer:
    """One layer as read: attributes (Arrow), geometries (shapely), source CRS and counts."""

    layer: str
    table: pa.Table  # attribute columns only, one row per feature
    geometry: np.ndarray  # shapely geometries (None for null)
    crs: str | None
    geometry_type: str | None
    rows_read: int
    linearised: int = 0
    warnings: list[str] = field(default_factory=list)
    # per row: why its geometry could not be read (None where it was read, or is null)
    geometry_reasons: np.ndarray | None = None


def _wkb_types(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """ISO base geometry type (0 for null) of each WKB value, read from the header in bulk."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if pa.types.is_large_binary(arr.type):
        offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)
    else:
        offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)
    offsets = offsets[arr.offset : arr.offset + len(arr) + 1].astype(np.int64)
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8) if arr.buffers()[2] else np.zeros(0, np.uint8)
    starts = offsets[:-1]
    ok = (offsets[1:] - starts) >= 5
    if arr.null_count:
        ok &= arr.is_valid().to_numpy(zero_copy_only=False)
    out = np.zeros(len(arr), dtype=np.int64)
    s = starts[ok]
    b = [data[s + k].astype(np.uint32) for k in range(1, 5)]
    little = data[s] == 1
    code = np.where(
        little, b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24, b[3] | b[2] << 8 | b[1] << 16 | b[0] << 24
    )
    code = code & 0x0FFFFFFF  # EWKB Z/M/SRID flags
    out[ok] = code % 1000
    return out


def _parse_wkb(source: Source, layer: str, wkb: pa.ChunkedArray, fids: np.ndarray) -> tuple[np.ndarray, dict]:
    """WKB → shapely: curve rows linearised through GDAL's feature path, 3D surfaces
    (MultiPatch, TIN) made footprints; returns (geometries, {"linearised": n,
    "surfaces": n, "reasons": reason per row or None, for rows that could not be read})."""
    values = wkb.to_numpy(zero_copy_only=False) if wkb.null_count == 0 else np.asarray(
        wkb.to_pylist(), dtype=object
    )
    reasons = np.full(len(values), None, dtype=object)
    try:
        return chunk_map(shapely.from_wkb, values), {"linearised": 0, "surfaces": 0, "reasons": reasons}
    except (shapely.errors.GEOSException, NotImplementedError):
        pass
    types = _wkb_types(wkb)
    surface = np.isin(types, list(SURFACE_TYPES))
    curved = np.isin(types, NONLINEAR_TYPES) & ~surface
    geoms = np.empty(len(values), dtype=object)
    rest = ~curved & ~surface
    try:
        geoms[rest] = shapely.from_wkb(values[rest])
    except (shapely.errors.GEOSException, NotImplementedError):
        # e.g. a GeometryCollection holding a curve: find the rows one by one (rare path)
        idx = np.flatnonzero(rest)
        for i in idx:
            try:
                geoms[i] = shapely.from_wkb(values[i])
            except (shapely.errors.GEOSException, NotImplementedError):
                curved[i] = True
    curved |= _holds_curves(geoms, rest & (types == 7))
    if surface.any():
        geoms[surface], reasons[surface] = footprints(values[surface])
    idx = np.flatnonzero(curved)
    if len(idx):
        geoms[idx], reasons[idx] = _linearised(source, layer, fids[idx])
    linearised = int(np.equal(reasons[idx], None).sum())
    return geoms, {"linearised": linearised, "surfaces": int(surface.sum()), "reasons": reasons}


def _holds_curves(geoms: np.ndarray, collections: np.ndarray) -> np.ndarray:
    """Geometry collections that GEOS parsed with a curve inside (it cannot use them)."""
    out = np.zeros(len(geoms), dtype=bool)
    idx = np.flatnonzero(collections)
    try:
        shapely.get_coordinates(geoms[idx])
        return out
    except shapely.errors.GEOSException:
        pass
    for i in idx:  # rare path: find the rows one by one
        try:
            shapely.get_coordinates(geoms[i])
        except shapely.errors.GEOSException:
            out[i] = True
    return out


def _linearised(source: Source, layer: str, fids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows read again through GDAL's feature path, which linearises curves (rare path);
    a row that still cannot be read comes back as None with its reason."""
    geoms = np.full(len(fids), None, dtype=object)
    reasons = np.full(len(fids), None, dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        raw = pyogrio.raw.read(
            source.gdal_path, layer=layer, fids=fids, read_geometry=True, columns=[],
            return_fids=True, **source.options_for(layer),
        )
    by_fid = dict(zip(raw[1], raw[2], strict=True))
    for i, fid in enumerate(fids):
        value = by_fid.get(fid)
        try:
            geoms[i] = shapely.from_wkb(value) if value is not None else None
            shapely.get_coordinates(geoms[i])  # GEOS parses some curves it cannot then use
        except (shapely.errors.GEOSException, NotImplementedError) as exc:
            geoms[i] = None
            detail = (str(exc).splitlines() or ["GEOS cannot use it"])[0] or "GEOS cannot use it"
            reasons[i] = ("a curved geometry that GDAL did not linearise (e.g. inside a geometry "
                          f"collection; {detail}): ask for it as simple features")
    return geoms, reasons


def fix_text(table: pa.Table) -> tuple[pa.Table, list[str]]:
    """Re-decode string columns that are not valid UTF-8 as Windows-1252 (rare path)."""
    recoded = []
    for i, name in enumerate(table.column_names):
        col = table.column(i)
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            continue
        try:
            col.validate(full=True)
            continue
        except pa.ArrowInvalid:
            pass
        btype = pa.large_binary() if pa.types.is_large_string(col.type) else pa.binary()
        raw = [c.view(btype) for c in col.chunks]
        text = [None if b is None else b.decode("cp1252", errors="replace")
                for chunk in raw for b in chunk.to_pylist()]
        table = table.set_column(i, name, pa.array(text, type=pa.string()))
        recoded.append(name)
    return table, recoded


def check_size(source: Source) -> None:
    """Refuse, before reading, a source too large for the memory this machine has free:
    a zip counts by the bytes it inflates to, as its central directory declares them."""
    size = sum(_inflated_size(f) for f in source.files if f.is_file())
    free = free_memory_bytes()
    if free is not None and size > free / 2:
        raise ImportError_(
            f"{source.path} is {size / 1e9:.1f} GB, more than half the memory free on this "
            f"machine ({free / 1e9:.1f} GB): split the delivery (by area or layer) or import it "
            "on a machine with more memory"
        )


def _inflated_size(path) -> int:
    if path.suffix.lower() == ".zip":
        return sum(i.file_size for i in check_zip(path))
    return path.stat().st_size


# Library errors a legal but unusual file can still raise deep inside GDAL, GEOS, Arrow or
# PROJ: turned into one line naming the layer (``--debug`` shows the chained traceback).
LIBRARY_ERRORS = (shapely.errors.GEOSException, pa.ArrowException, pyproj.exceptions.ProjError,
                  DataLayerError, DataSourceError, FieldError, GeometryError, ValueError, TypeError,
                  IndexError, KeyError, struct.error)


@contextlib.contextmanager
def layer_errors(source: Source, layer: str):
    """Re-raise a library error from reading or preparing ``layer`` as a one-line ImportError_."""
    try:
        yield
    except AssetRegisterError:
        raise
    except LIBRARY_ERRORS as exc:
        detail = (str(exc).splitlines() or [""])[0] or type(exc).__name__
        raise ImportError_(
            f"layer {layer!r} of {source.path} cannot be imported: {detail} — nothing was written; "
            "ask the owner for a re-export (or report this file to the register's maintainers)"
        ) from exc


def sample_geometries(source: Source, layer: str, n: int) -> tuple[str | None, np.ndarray]:
    """(the layer's CRS, its first ``n`` geometries): straight from a GeoPackage's blobs when
    its catalogue can give them (no GDAL open), else through ``read_layer``."""
    cat = source.catalogue()
    if cat is not None and layer in cat.tables:
        info = source.layer_info(layer)
        try:
            got = cat.read(layer, [], limit=n)
        except sqlite3.Error:
            got = None
        if got is not None:
            fids, wkb, _ = got
            with layer_errors(source, layer):
                geoms, _ = _parse_wkb(source, layer, wkb, fids.to_numpy(zero_copy_only=False))
            return info.crs, geoms
    raw = read_layer(source, layer, max_features=n)
    return raw.crs, raw.geometry


def read_layer(
    source: Source,
    layer: str,
    *,
    max_features: int | None = None,
    columns: list[str] | None = None,
) -> RawLayer:
    """Read one layer in bulk (Arrow); raise ImportError_ for unreadable or corrupt data."""
    if max_features is None:
        check_size(source)
    with _read_errors(source, layer):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Measured (M) geometry types…"
            warnings.simplefilter("ignore", RuntimeWarning)  # "unable to read srs_id": no CRS then
            meta, table = pyogrio.read_arrow(
                source.gdal_path, layer=layer, max_features=max_features, columns=columns,
                return_fids=True, **source.options_for(layer),
            )
    return _raw_layer(source, layer, meta, table)


def read_layer_parts(source: Source, layer: str, part_rows: int):
    """The layer as consecutive ``RawLayer`` parts of about ``part_rows`` features, read in
    one pass over the file (GDAL's Arrow stream): what ``read_layer`` gives for the whole
    layer, a part at a time, so memory holds one part."""
    with _read_errors(source, layer):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            with pyogrio.open_arrow(source.gdal_path, layer=layer, return_fids=True,
                                    batch_size=part_rows, use_pyarrow=True,
                                    **source.options_for(layer)) as (meta, reader):
                pending, rows, first = [], 0, 0
                for batch in reader:
                    pending.append(batch)
                    rows += batch.num_rows
                    if rows >= part_rows:
                        yield _raw_layer(source, layer, meta, pa.Table.from_batches(pending),
                                         first)
                        pending, first, rows = [], first + rows, 0
                if pending or first == 0:
                    table = (pa.Table.from_batches(pending) if pending
                             else reader.schema.empty_table())
                    yield _raw_layer(source, layer, meta, table, first)


@contextlib.contextmanager
def _read_errors(source: Source, layer: str):
    """GDAL and Arrow read errors as one-line ImportError_ naming the layer."""
    try:
        yield
    except (DataLayerError, DataSourceError, FieldError, GeometryError, GDALCRSError) as exc:
        raise ImportError_(
            f"layer {layer!r} of {source.path} cannot be read: {str(exc).splitlines()[0]}"
        ) from None
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise ImportError_(
            f"layer {layer!r} of {source.path} has attributes that are not valid text "
            f"({str(exc).splitlines()[0]}): ask for a UTF-8 export or add a .cpg file naming "
            "its encoding"
        ) from None


def _raw_layer(source: Source, layer: str, meta: dict, table: pa.Table,
               first_row: int = 0) -> RawLayer:
    """A layer (or the part of it from row ``first_row``) read as Arrow → geometries parsed,
    FID and geometry columns taken out, text re-decoded where it is not UTF-8."""
    geom_name = meta.get("geometry_name") or "wkb_geometry"
    if geom_name not in table.column_names:
        cands = [n for n in table.column_names if n in ("wkb_geometry", "geometry", "geom")]
        if not cands:
            raise ImportError_(f"layer {layer!r} of {source.path} has no geometry column")
        geom_name = cands[0]
    names = table.column_names
    fid_name = meta.get("fid_column") if meta.get("fid_column") in names else None
    fid_name = fid_name or ("OGC_FID" if "OGC_FID" in names else None)
    # the FID comes first; a GeoJSON "id" property that GDAL also uses as the FID is a
    # second column of the same name, kept as the owner's attribute
    fid_at = names.index(fid_name) if fid_name else None
    fids = (table.column(fid_at).to_numpy() if fid_name
            else np.arange(first_row, first_row + len(table), dtype=np.int64))
    with layer_errors(source, layer):
        geoms, parsed = _parse_wkb(source, layer, table.column(names.index(geom_name)), fids)
    linearised = parsed["linearised"]
    # The FID is the file's storage row number, not an owner's attribute: exports renumber
    # it, so keeping it would make every re-delivery look changed.
    drop = sorted([names.index(geom_name)] + ([fid_at] if fid_name else []), reverse=True)
    for i in drop:
        table = table.remove_column(i)
    attrs, recoded = fix_text(table)
    warns = []
    if source.driver in KML_DRIVERS:  # attributes written only as HTML in the description
        attrs, described = description_columns(attrs)
        warns += described
    if recoded:
        warns.append(
            f"columns {', '.join(recoded)} held text that is not UTF-8; read as Windows-1252"
        )
    if linearised:
        warns.append(f"{linearised} curved geometries linearised")
    if parsed["surfaces"]:
        warns.append(f"{parsed['surfaces']} 3D surface geometries (MultiPatch/TIN) imported as their "
                     "2D footprint outline")
    return RawLayer(
        layer=layer, table=attrs, geometry=np.asarray(geoms, dtype=object),
        crs=meta.get("crs"), geometry_type=meta.get("geometry_type"),
        rows_read=len(table), linearised=linearised, warnings=warns,
        geometry_reasons=parsed["reasons"],
    )


def derived_columns(source: Source) -> bool:
    """Whether the layers of ``source`` have columns GDAL does not list (a KML's fields read
    from its placemarks' descriptions): reads of named columns must then go through
    ``read_layer``, whose columns they are."""
    return source.driver in KML_DRIVERS


def read_columns(source: Source, layer: str, columns: list[str], *, read_geometry: bool = False
                 ) -> tuple[dict, pa.Table]:
    """(meta, table) of some columns of a layer, as ``pyogrio.read_arrow`` gives them; the
    columns a KML's descriptions hold are read as the import reads them."""
    if not derived_columns(source):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return pyogrio.read_arrow(source.gdal_path, layer=layer, columns=columns,
                                      read_geometry=read_geometry, **source.options_for(layer))
    raw = read_layer(source, layer)
    table = raw.table.select([c for c in columns if c in raw.table.column_names])
    meta = {"crs": raw.crs, "geometry_type": raw.geometry_type}
    if read_geometry:
        wkb = shapely.to_wkb(raw.geometry, output_dimension=3)
        table = table.append_column("wkb_geometry", pa.array(wkb, pa.binary()))
        meta["geometry_name"] = "wkb_geometry"
    return meta, table


def layer_fields(source: Source, layer: str) -> list[str]:
    """The layer's attribute names as the import reads them."""
    if not derived_columns(source):
        return source.layer_info(layer).fields
    return read_layer(source, layer, max_features=None).table.column_names
