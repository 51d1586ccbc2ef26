"""A GeoPackage's own catalogue, read straight through SQLite (one read-only connection).

Every GDAL open of a GeoPackage costs time that grows with the number of tables in it, and
pyogrio opens the file afresh for each call, so describing a file of 898 one-feature layers
layer by layer took ~40 s (three opens a layer). The GeoPackage already says in its own
tables what ``inspect`` and the delivery checks need: ``gpkg_contents`` (the extent, the
srs_id), ``gpkg_geometry_columns`` (the geometry column and type), ``gpkg_ogr_contents``
(the feature count GDAL trusts), ``pragma table_info`` (the fields) and the geometry blobs
(a short header before standard WKB). This module reads those on one connection.

What only GDAL can tell — how it names a CRS and a geometry type — is asked of GDAL once
per distinct (srs_id, geometry type) and remembered (``Source`` does that). Anything this
module cannot describe exactly as GDAL would (a view, no integer primary key, an extent
not recorded, blobs that are not standard GeoPackage geometry, a mixed-type id column) makes
it answer None, and the caller takes the GDAL path for that layer: the answers are the
same either way, only the cost differs.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

# Declared column types whose values read through SQLite as GDAL would give them in Arrow.
_ARROW_TYPES = {"INTEGER": pa.int64(), "INT": pa.int64(), "MEDIUMINT": pa.int64(),
                "SMALLINT": pa.int64(), "TINYINT": pa.int64(), "REAL": pa.float64(),
                "FLOAT": pa.float64(), "DOUBLE": pa.float64(), "TEXT": pa.string()}


@dataclass(frozen=True)
class Table:
    """One feature table as the GeoPackage registers it."""

    name: str
    srs_id: int | None
    geometry_column: str
    geometry_type_name: str
    z: int
    m: int
    bounds: tuple[float, float, float, float] | None  # None: not recorded in gpkg_contents
    feature_count: int | None  # gpkg_ogr_contents (None: absent or NULL)

    @property
    def kind(self) -> tuple:
        """What GDAL's CRS and geometry-type answers depend on."""
        return (self.srs_id, self.geometry_type_name.upper(), self.z, self.m)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# envelope code (bits 1-3 of a GeoPackage blob's flags) -> envelope bytes; -1: invalid
_ENVELOPE_BYTES = np.array([0, 32, 48, 48, 64, -1, -1, -1])


def strip_headers(blobs: pa.Array) -> pa.Array | None:
    """GeoPackage geometry blobs -> their standard WKB, in bulk (one copy of the bytes);
    None when a blob is not a standard GeoPackage geometry (GDAL must read that layer).

    A blob is 'GP', a version byte, a flags byte, the srs_id (4 bytes), an envelope whose
    size the flags' bits 1-3 give, then WKB; flag bit 5 marks an extended (non-standard)
    geometry."""
    n = len(blobs)
    offsets = np.frombuffer(blobs.buffers()[1], dtype=np.int32)[blobs.offset:blobs.offset + n + 1]
    data = (np.frombuffer(blobs.buffers()[2], dtype=np.uint8) if blobs.buffers()[2] is not None
            else np.zeros(0, np.uint8))
    valid = (blobs.is_valid().to_numpy(zero_copy_only=False) if blobs.null_count
             else np.ones(n, dtype=bool))
    starts, lengths = offsets[:-1].astype(np.int64), np.diff(offsets).astype(np.int64)
    header = np.zeros(n, dtype=np.int64)
    if valid.any():
        s = starts[valid]
        if (lengths[valid] < 8).any():
            return None
        flags = data[s + 3]
        env = _ENVELOPE_BYTES[(flags >> 1) & 7]
        if ((data[s] != ord("G")) | (data[s + 1] != ord("P")) | (env < 0)
                | ((flags & 0x20) != 0) | (lengths[valid] <= 8 + env)).any():
            return None
        header[valid] = 8 + env
    # drop each value's header bytes: mark them with +1/-1 steps and a running sum
    steps = np.zeros(len(data) + 1, dtype=np.int64)
    np.add.at(steps, starts[header > 0], 1)
    np.add.at(steps, (starts + header)[header > 0], -1)
    keep = np.cumsum(steps[:-1]) == 0
    new_offsets = (offsets.astype(np.int64) - np.concatenate([[0], np.cumsum(header)])
                   - offsets[0]).astype(np.int32)
    validity = blobs.buffers()[0] if blobs.null_count and blobs.offset == 0 else (
        pa.array(valid).buffers()[1] if blobs.null_count else None)
    return pa.Array.from_buffers(pa.binary(), n, [validity, pa.py_buffer(new_offsets),
                                                  pa.py_buffer(data[keep].copy())],
                                 null_count=blobs.null_count)


class Catalogue:
    """The feature tables of one GeoPackage file and bulk reads of them (thread-safe)."""

    def __init__(self, path: Path):
        uri = f"{path.resolve().as_uri()}?mode=ro"
        if _immutable(path):
            uri += "&immutable=1"
        self._con = sqlite3.connect(uri, uri=True, timeout=1, check_same_thread=False)
        self._lock = threading.Lock()
        try:
            self.missing: list[str] = []  # gpkg_contents rows naming no table or view
            self.tables = self._tables()
        except BaseException:
            self._con.close()
            raise
        self._columns: dict[str, list[tuple[str, str, int]] | None] = {}

    def close(self) -> None:
        self._con.close()

    def _rows(self, sql: str, args=()) -> list[tuple]:
        with self._lock:
            return self._con.execute(sql, args).fetchall()

    def _tables(self) -> dict[str, Table]:
        kinds = dict(self._rows("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')"))
        names = {n for n, kind in kinds.items() if kind == "table"}
        self.missing = sorted(str(r[0]) for r in self._rows("SELECT table_name FROM gpkg_contents")
                              if r[0] not in kinds)
        counts = {}
        if "gpkg_ogr_contents" in names:
            counts = {str(n).lower(): c for n, c in
                      self._rows("SELECT table_name, feature_count FROM gpkg_ogr_contents")}
        rows = self._rows(
            "SELECT c.table_name, c.srs_id, c.min_x, c.min_y, c.max_x, c.max_y, g.column_name, "
            "g.geometry_type_name, g.z, g.m FROM gpkg_contents c JOIN gpkg_geometry_columns g "
            "ON g.table_name = c.table_name WHERE c.data_type = 'features'")
        tables = {}
        for name, srs, x0, y0, x1, y1, column, gtype, z, m in rows:
            if not all(isinstance(v, str) for v in (name, column, gtype)) or name not in names:
                continue  # a view, a missing table, a broken row: GDAL's path says what it is
            box = (x0, y0, x1, y1)
            bounds = (tuple(float(v) for v in box)
                      if all(isinstance(v, (int, float)) for v in box) else None)
            count = counts.get(name.lower())
            tables[name] = Table(
                name=name, srs_id=srs if isinstance(srs, int) else None, geometry_column=column,
                geometry_type_name=gtype, z=z if isinstance(z, int) else -1,
                m=m if isinstance(m, int) else -1, bounds=bounds,
                feature_count=count if isinstance(count, int) and count >= 0 else None)
        return tables

    def columns(self, name: str) -> list[tuple[str, str, int]] | None:
        """(name, declared type, pk) of a table's columns other than its geometry column; the
        first is the integer primary key GDAL takes as the FID. None: no such key."""
        if name not in self._columns:
            table = self.tables[name]
            info = self._rows(f"PRAGMA table_info({_q(name)})")
            pks = [r for r in info if r[5]]
            cols = None
            if len(pks) == 1 and str(pks[0][2]).upper() == "INTEGER":
                geom = table.geometry_column.lower()
                rest = [(r[1], str(r[2]), r[5]) for r in info
                        if not r[5] and str(r[1]).lower() != geom]
                if len(rest) + 2 == len(info):  # the geometry column is there
                    cols = [(pks[0][1], "INTEGER", 1), *rest]
            self._columns[name] = cols
        return self._columns[name]

    def fields(self, name: str) -> list[str] | None:
        """The attribute fields as GDAL lists them (None: ask GDAL)."""
        cols = self.columns(name)
        return None if cols is None else [c[0] for c in cols[1:]]

    def count(self, name: str) -> int | None:
        """The feature count GDAL would give (its own counter, else a count of the rows)."""
        table = self.tables[name]
        if table.feature_count is not None:
            return table.feature_count
        if self.columns(name) is None:
            return None
        return int(self._rows(f"SELECT COUNT(*) FROM {_q(name)}")[0][0])

    def read(self, name: str, columns: list[str], limit: int | None = None
             ) -> tuple[pa.Array, pa.Array, dict[str, pa.Array]] | None:
        """(FIDs, WKB geometries, the named attribute columns typed as GDAL gives them) of the
        first ``limit`` features in storage order; None when GDAL must read this one."""
        cols = self.columns(name)
        if cols is None:
            return None
        declared = {c[0]: c[1].upper() for c in cols[1:]}
        if any(declared.get(c) not in _ARROW_TYPES for c in columns):
            return None
        table = self.tables[name]
        select = ", ".join([_q(cols[0][0]), _q(table.geometry_column), *map(_q, columns)])
        tail = f" LIMIT {int(limit)}" if limit is not None else ""
        rows = self._rows(f"SELECT {select} FROM {_q(name)} ORDER BY {_q(cols[0][0])}{tail}")
        data = list(zip(*rows)) or [()] * (2 + len(columns))
        try:
            # (from_pandas=False: NaN stays a number, as GDAL gives it; and it is ~40× faster)
            attrs = {c: pa.array(v, type=_ARROW_TYPES[declared[c]], from_pandas=False)
                     for c, v in zip(columns, data[2:])}
            fids = pa.array(data[0], type=pa.int64(), from_pandas=False)
            blobs = pa.array(data[1], type=pa.binary(), from_pandas=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            return None  # values of another type than declared (SQLite allows it)
        wkb = strip_headers(blobs)
        return None if wkb is None else (fids, wkb, attrs)


def _immutable(path: Path) -> bool:
    """True when nothing can be pending beside the file: a rollback-journal database (not
    WAL) with no journal next to it — SQLite may then skip locking and change checks."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(20)
    except OSError:
        return False
    if len(header) < 20 or header[18] != 1:
        return False
    return not any(Path(f"{path}{s}").exists() for s in ("-journal", "-wal", "-shm"))


def open_catalogue(path: str) -> Catalogue | None:
    """The catalogue of a GeoPackage file, or None when SQLite cannot give one (inside a
    zip, locked, not a GeoPackage): the caller then reads through GDAL as before."""
    p = Path(path)
    try:
        if not p.is_file():
            return None
        return Catalogue(p)
    except (OSError, ValueError, sqlite3.Error):
        return None
