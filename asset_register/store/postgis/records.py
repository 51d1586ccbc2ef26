"""Batches, rejects, audit log, planned works and notices of a PostGIS register.

A mixin of ``PostgisStore``: the PostgreSQL side of what ``records.py`` shapes for both
backends (notices and responses are ``records.SharedRecordsMixin`` itself). ``next_notice_sequence`` calls the
server's ``next_notice_number``, which locks the (prefix, year) row: unique across every
session, and the only way to move the sequence.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from psycopg import sql

from ..audit_chain import canonical_detail
from ..records import WORKS_COLUMNS, copyable, now_iso, os_user, prepared_works
from .errors import translated
from .frames import rows_frame

__all__ = ["RecordsMixin", "SERVER_NOW", "now_sql"]

# The server's clock in the GeoPackage store's timestamp format: one clock for every desktop
# sharing the register, so versions and log entries order correctly whatever the PCs' clocks.
SERVER_NOW = ("to_char(clock_timestamp() AT TIME ZONE 'UTC', "
              "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"+00:00\"')")


def now_sql() -> tuple[str, tuple]:
    """The SQL of a write's timestamp and its parameters: the server's clock, or, when the
    process's clock is pinned (``ASSET_REGISTER_NOW``, tests and reproducible runs), that
    time from ``clock.now`` like the GeoPackage store."""
    import os

    from ... import clock

    if os.environ.get(clock.PIN):
        return "%s", (now_iso(),)
    return SERVER_NOW, ()


def _append(conn, action: str, detail) -> None:
    conn.execute('INSERT INTO audit_log ("user", action, detail) VALUES (%s, %s, %s)',
                 (os_user(), action, canonical_detail(detail)))


class RecordsMixin:
    # -- batches, rejects, audit ------------------------------------------------------
    def find_batch(self, sha256, layer):
        df = self._query(
            "SELECT * FROM import_batches WHERE sha256 = %s AND layer IS NOT DISTINCT FROM %s "
            "AND state = 'committed' ORDER BY batch_id DESC LIMIT 1", (sha256, layer))
        return None if df.empty else df.iloc[0].to_dict()

    def audit(self, action, detail=None):
        """Append to the audit log: the server numbers, times and chains the entry and adds the
        login to the OS user (``user@login``, postgis/audit_sql.py)."""
        with self.atomic() as conn:
            _append(conn, action, detail)

    def record_use(self, action: str, detail: dict) -> bool:
        """Record a use even on a register opened read-only: one READ WRITE transaction that
        only appends to the audit log (a planner's INSERT on it is all it needs)."""
        if not self.read_only:
            self.audit(action, detail)
            return True
        with self._lock, translated(self):
            conn = self._conn
            with conn.transaction():
                conn.execute("SET TRANSACTION READ WRITE")
                _append(conn, action, detail)
        return True

    # -- planned works ----------------------------------------------------------------
    def add_works(self, works: gpd.GeoDataFrame) -> int:
        frame = prepared_works(works, self.crs)
        wkb = shapely.to_wkb(frame.geometry.array, output_dimension=3)
        values = frame[WORKS_COLUMNS].astype(object).where(frame[WORKS_COLUMNS].notna(), None)
        cols = sql.SQL(", ").join(map(sql.Identifier, WORKS_COLUMNS))
        updates = sql.SQL(", ").join(
            sql.SQL("{0} = excluded.{0}").format(sql.Identifier(c)) for c in WORKS_COLUMNS[1:])
        query = sql.SQL(
            "INSERT INTO works (geom, {}) VALUES (ST_GeomFromWKB(%s, %s){}) ON CONFLICT (reference) "
            "DO UPDATE SET geom = excluded.geom, {}"
        ).format(cols, sql.SQL(", %s" * len(WORKS_COLUMNS)), updates)
        rows = [(b, self.srid, *row) for b, row in zip(wkb, values.itertuples(index=False,
                                                                             name=None))]
        with self.atomic() as conn, conn.cursor() as cur:
            cur.executemany(query, rows)
            self.audit("add_works", {"count": len(frame)})
            self._bump(conn)
        return len(frame)

    def works(self, *, bbox=None) -> gpd.GeoDataFrame:
        if bbox is None:
            return self._cached("works", self._read_works)
        return self._read_works(bbox)

    def _read_works(self, bbox=None) -> gpd.GeoDataFrame:
        cols = sql.SQL(", ").join(map(sql.Identifier, WORKS_COLUMNS))
        if bbox is None:
            query = sql.SQL("SELECT ST_AsBinary(geom), {} FROM works ORDER BY reference").format(cols)
            params = ()
        else:
            query = sql.SQL("SELECT ST_AsBinary(geom), {} FROM works WHERE geom && "
                            "ST_MakeEnvelope(%s, %s, %s, %s, %s) ORDER BY reference").format(cols)
            params = (*(float(v) for v in bbox), self.srid)
        with self._lock, translated(self):
            rows = self._conn.execute(query, params).fetchall()
        return rows_frame(rows, WORKS_COLUMNS, self.crs)

    # -- notices ------------------------------------------------------------------------
    def next_notice_sequence(self, prefix: str, year: int) -> int:
        """The next free number, from the server's ``next_notice_number`` (postgis/security.py):
        no login writes the sequence table itself, so none can make numbers collide."""
        with self.atomic() as conn:
            return conn.execute("SELECT next_notice_number(%s, %s)",
                                (prefix, int(year))).fetchone()[0]

    # -- hooks of records.SharedRecordsMixin and copy_records --------------------------
    def _sql(self, text: str) -> str:
        return text.replace("?", "%s")

    def _now(self) -> tuple[str, tuple]:
        return now_sql()

    def _data_changed(self, conn) -> None:
        self._bump(conn)

    def _insert_id(self, conn, table: str, cols: list[str], values, id_col: str) -> int:
        query = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING {}").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, cols)),
            sql.SQL(", ").join(sql.Placeholder() * len(cols)), sql.Identifier(id_col))
        return conn.execute(query, values).fetchone()[0]

    def copy_records(self, table: str, rows: list[dict]) -> int:
        cols, values = copyable(table, rows)
        if values:
            query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, cols)),
                sql.SQL(", ").join(sql.Placeholder() * len(cols)))
            with self.atomic() as conn, conn.cursor() as cur:
                cur.executemany(query, values)
        return len(values)

    def restore_provenance(self, batch_id: int, started_at, finished_at, versions) -> None:
        with self.atomic() as conn, conn.cursor() as cur:
            cur.execute("UPDATE import_batches SET started_at = %s, finished_at = %s "
                        "WHERE batch_id = %s", (started_at, finished_at, batch_id))
            cur.executemany("UPDATE assets SET version = %s, valid_from = %s "
                            "WHERE batch_id = %s AND asset_id = %s",
                            [(int(v), f, batch_id, a) for a, v, f in versions])
