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

from ..model import ASSET_COLUMNS, STORE_COLUMNS

ALL_ASSET_COLUMNS = list(ASSET_COLUMNS) + list(STORE_COLUMNS)
_ARROW_TYPES = {"string": pa.string(), "float64": pa.float64(), "bool": pa.bool_(),
                "int64": pa.int64()}
COPY_CHUNK_ROWS = 100_000


def dtype_of(column: str) -> str | None:
    if column == "fid":
        return "int64"
    return ASSET_COLUMNS.get(column) or STORE_COLUMNS.get(column)


def canonical_dtypes(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Give asset columns the canonical pandas dtypes (nullable Int64 for store integers)."""
    for c in columns:
        dtype = dtype_of(c)
        if dtype is None:
            continue
        if c == "restricted":
            frame[c] = frame[c].fillna(False).astype(bool)
        elif dtype == "int64":
            frame[c] = pd.array(frame[c], dtype="Int64") if len(frame) else \
                pd.Series([], dtype="Int64")
        else:
            frame[c] = frame[c].astype(dtype)
    return frame


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
        convert_options=pacsv.ConvertOptions(
            column_types=types, strings_can_be_null=True, quoted_strings_can_be_null=False,
            true_values=["t"], false_values=["f"], null_values=[""]),
    )
    if table.num_rows == 0:
        return empty_frame(columns, crs)
    wkb = table.column("geom_hex").to_numpy(zero_copy_only=False)
    geoms = shapely.from_wkb(wkb)
    data = {c: table.column(c).to_pandas() for c in columns}
    frame = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)
    return canonical_dtypes(frame, columns)


def rows_frame(rows: list[tuple], columns: list[str], crs) -> gpd.GeoDataFrame:
    """Rows of (wkb, *columns) from a cursor, as a canonical GeoDataFrame."""
    if not rows:
        return empty_frame(columns, crs)
    cols = list(zip(*rows))
    geoms = shapely.from_wkb(np.array([bytes(b) if b is not None else None for b in cols[0]],
                                      dtype=object))
    data = {c: np.array(v, dtype=object) for c, v in zip(columns, cols[1:])}
    frame = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)
    for c in columns:
        if dtype_of(c) is None and c.endswith("_m"):
            frame[c] = frame[c].astype("float64")
    return canonical_dtypes(frame, columns)


def empty_frame(columns: list[str], crs) -> gpd.GeoDataFrame:
    data = {c: pd.Series([], dtype=object) for c in columns}
    frame = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs=crs), crs=crs)
    for c in columns:
        if dtype_of(c) is None and c.endswith("_m"):
            frame[c] = frame[c].astype("float64")
    return canonical_dtypes(frame, columns)


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
