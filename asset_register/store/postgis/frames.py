"""Moving frames in and out of PostgreSQL in bulk: COPY with Arrow CSV, WKB geometry.

Reads of many rows use ``COPY (SELECT …) TO STDOUT`` parsed by Arrow's CSV
reader and ``shapely.from_wkb`` (no per-row Python); small reads use a cursor.
Writes stream an Arrow CSV rendering of the frame through ``COPY … FROM STDIN``.
Arrow quotes every string and leaves nulls unquoted-empty, which is exactly
PostgreSQL's CSV convention for text vs NULL.
"""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import shapely
from psycopg import sql

from ...model import ASSET_COLUMNS, STORE_COLUMNS

ALL_ASSET_COLUMNS = list(ASSET_COLUMNS) + list(STORE_COLUMNS)
_ARROW_TYPES = {"string": pa.string(), "float64": pa.float64(), "bool": pa.bool_(),
                "int64": pa.int64()}
COPY_CHUNK_ROWS = 100_000


def dtype_of(column: str) -> str | None:
    if column == "fid":
        return "int64"
    return ASSET_COLUMNS.get(column) or STORE_COLUMNS.get(column)


def _array(column: str, values):
    """One column in its canonical dtype, built in one step (no per-column astype on a frame)."""
    dtype = dtype_of(column)
    if dtype == "string":
        return pd.array(values, dtype="string")
    if dtype == "float64" or (dtype is None and column.endswith("_m")):
        return np.asarray(pd.to_numeric(np.asarray(values, dtype=object), errors="coerce")
                          if len(values) and not isinstance(values, np.ndarray) else values,
                          dtype=np.float64)
    if dtype == "int64":
        return pd.array(values, dtype="Int64")
    if dtype == "bool":
        return np.array([bool(v) for v in values], dtype=bool) if len(values) and \
            not isinstance(values, np.ndarray) else np.asarray(values, dtype=bool)
    return np.asarray(values, dtype=object)


def make_frame(data: dict, geoms, columns: list[str], crs) -> gpd.GeoDataFrame:
    """A GeoDataFrame with canonical dtypes; the CRS travels with the geometry array."""
    arrays = {c: _array(c, data[c]) for c in columns}
    arrays["geometry"] = gpd.array.from_shapely(np.asarray(geoms, dtype=object), crs=crs)
    # Naming the existing geometry column is the cheap path (no CRS re-checks).
    return gpd.GeoDataFrame(pd.DataFrame(arrays, copy=False), geometry="geometry")


def column_list(columns: list[str], table_alias: str | None = None) -> sql.Composable:
    def ident(c):
        return sql.Identifier(table_alias, c) if table_alias else sql.Identifier(c)
    return sql.SQL(", ").join(ident(c) for c in columns)


def copy_out_frame(conn, query: sql.Composable, params, columns: list[str], crs) -> gpd.GeoDataFrame:
    """Run ``query`` (selecting hex WKB as ``geom_hex`` then ``columns``) through COPY."""
    buf = io.BytesIO()
    copy_sql = sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER true)").format(query)
    with conn.cursor() as cur:
        with cur.copy(copy_sql, params) as copy:
            for block in copy:
                buf.write(block)
    types = {"geom_hex": pa.string()}
    types.update({c: _ARROW_TYPES.get(dtype_of(c), pa.string()) for c in columns})
    if buf.tell() == 0:
        return empty_frame(columns, crs)
    buf.seek(0)
    table = pacsv.read_csv(
        buf,
        read_options=pacsv.ReadOptions(use_threads=buf.getbuffer().nbytes > 1 << 20),
        convert_options=pacsv.ConvertOptions(
            column_types=types, strings_can_be_null=True, quoted_strings_can_be_null=False,
            true_values=["t"], false_values=["f"], null_values=[""]),
    )
    if table.num_rows == 0:
        return empty_frame(columns, crs)
    geoms = shapely.from_wkb(table.column("geom_hex").to_numpy(zero_copy_only=False))
    data = {}
    for c in columns:
        col = table.column(c)
        if pa.types.is_floating(col.type):
            data[c] = col.to_numpy(zero_copy_only=False).astype(np.float64)
        elif pa.types.is_boolean(col.type):
            data[c] = col.fill_null(False).to_numpy(zero_copy_only=False)
        else:
            data[c] = col.to_numpy(zero_copy_only=False)
    return make_frame(data, geoms, columns, crs)


def rows_frame(rows: list[tuple], columns: list[str], crs) -> gpd.GeoDataFrame:
    """Rows of (wkb, *columns) from a cursor, as a canonical GeoDataFrame."""
    if not rows:
        return empty_frame(columns, crs)
    cols = list(zip(*rows))
    geoms = shapely.from_wkb(np.array([None if b is None else bytes(b) for b in cols[0]],
                                      dtype=object))
    data = {c: list(v) for c, v in zip(columns, cols[1:])}
    return make_frame(data, geoms, columns, crs)


_EMPTY: dict[tuple, gpd.GeoDataFrame] = {}


def empty_frame(columns: list[str], crs) -> gpd.GeoDataFrame:
    """A zero-row frame with the right columns and dtypes (built once per shape, then copied)."""
    key = (tuple(columns), crs.to_string() if crs is not None else None)
    if key not in _EMPTY:
        _EMPTY[key] = make_frame({c: [] for c in columns}, [], columns, crs)
    return _EMPTY[key].copy()


def csv_chunks(frame: pd.DataFrame, rows: int | None = None):
    """Yield (rows_done, CSV bytes) for ``frame`` (plain columns only) in chunks."""
    n = len(frame)
    rows = rows or COPY_CHUNK_ROWS
    for start in range(0, n, rows):
        part = frame.iloc[start:start + rows]
        table = pa.Table.from_pandas(part, preserve_index=False)
        out = io.BytesIO()
        pacsv.write_csv(table, out, pacsv.WriteOptions(include_header=False,
                                                       quoting_style="needed"))
        yield min(n, start + rows), out.getvalue()


def wkb_hex(geoms) -> np.ndarray:
    """Hex WKB (Z kept) for an array of geometries: PostGIS parses it on COPY (SRID set in SQL)."""
    return shapely.to_wkb(np.asarray(geoms), hex=True, output_dimension=3)
