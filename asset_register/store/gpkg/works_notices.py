"""Planned works and the notice sequence of a GeoPackage register (a mixin of GeoPackageStore);
notices and responses themselves are ``records.SharedRecordsMixin``, shared with PostGIS."""

from __future__ import annotations

import sqlite3

import numpy as np

from ...errors import DuplicateRecordError
from ..records import WORKS_COLUMNS, copyable, prepared_works
from . import geom as gpkg_geom

from ...lazy import lazy_module

gpd = lazy_module("geopandas")

# SQLite's extended result codes of a duplicate key
UNIQUE_CODES = (sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)


class WorksNoticesMixin:
    def add_works(self, works: gpd.GeoDataFrame) -> int:
        frame = prepared_works(works, self.crs)
        blobs = gpkg_geom.encode(frame.geometry.array, self.srs_id)
        values = frame[WORKS_COLUMNS].astype(object).where(frame[WORKS_COLUMNS].notna(), None)
        cols = ", ".join(WORKS_COLUMNS)
        with self.atomic() as con:
            # delete + insert rather than an upsert: the GeoPackage R*Tree triggers'
            # INSERT OR REPLACE does not mix with ON CONFLICT DO UPDATE.
            con.executemany("DELETE FROM works WHERE reference = ?",
                            ((r,) for r in frame["reference"]))
            con.executemany(
                f"INSERT INTO works (geom, {cols}) VALUES (?{', ?' * len(WORKS_COLUMNS)})",
                (
                    (b, *row)
                    for b, row in zip(blobs, values.itertuples(index=False, name=None))
                ),
            )
            self.audit("add_works", {"count": len(frame)})
        return len(frame)

    def works(self, *, bbox=None) -> gpd.GeoDataFrame:
        cols = ", ".join(WORKS_COLUMNS)
        if bbox is None:
            sql, params = f"SELECT geom, {cols} FROM works ORDER BY reference", ()
        else:
            minx, miny, maxx, maxy = bbox
            sql = (f"SELECT geom, {cols} FROM works WHERE fid IN (SELECT id FROM rtree_works_geom "
                   "WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?) ORDER BY reference")
            params = (minx, maxx, miny, maxy)
        rows = self._con.execute(sql, params).fetchall()
        data = {c: [r[i + 1] for r in rows] for i, c in enumerate(WORKS_COLUMNS)}
        geoms = gpkg_geom.decode([r[0] for r in rows]) if rows else np.array([], dtype=object)
        return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=self.crs), crs=self.crs)

    def next_notice_sequence(self, prefix: str, year: int) -> int:
        with self.atomic() as con:  # BEGIN IMMEDIATE serialises writers across processes
            con.execute(
                "INSERT INTO notice_sequences (prefix, year, last) VALUES (?, ?, 1) ON CONFLICT(prefix, year) "
                "DO UPDATE SET last = last + 1", (prefix, int(year)))
            return con.execute("SELECT last FROM notice_sequences WHERE prefix=? AND year=?",
                               (prefix, int(year))).fetchone()[0]

    # -- hooks of records.SharedRecordsMixin and copy_records --------------------------
    def _insert_id(self, con, table: str, cols: list[str], values, id_col: str) -> int:
        names = ", ".join(f'"{c}"' for c in cols)
        try:
            cur = con.execute(
                f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(cols))})", values)
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorcode in UNIQUE_CODES:
                raise DuplicateRecordError(
                    f"the register already holds this record ({exc}): another session may "
                    "have written it at the same time; reload and try again") from None
            raise
        return cur.lastrowid

    def copy_records(self, table: str, rows: list[dict]) -> int:
        cols, values = copyable(table, rows)
        if values:
            names = ", ".join(f'"{c}"' for c in cols)
            with self.atomic() as con:
                con.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(cols))})", values)
        return len(values)

    def restore_provenance(self, batch_id: int, started_at, finished_at, versions) -> None:
        with self.atomic() as con:
            con.execute(
                "UPDATE import_batches SET started_at = ?, finished_at = ? WHERE batch_id = ?",
                (started_at, finished_at, batch_id))
            con.executemany(
                "UPDATE assets SET version = ?, valid_from = ? WHERE batch_id = ? AND asset_id = ?",
                ((int(v), f, batch_id, a) for a, v, f in versions))
