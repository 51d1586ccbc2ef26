"""Batches, rejects, audit log, planned works and notices of a PostGIS register.

A mixin of ``PostgisStore`` mirroring ``gpkg/works_notices.py`` and the batch/audit
part of ``GeoPackageStore`` row for row. ``next_notice_sequence`` is one
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement, which PostgreSQL
serialises on the (prefix, year) row: unique across every session.
"""

from __future__ import annotations

import getpass
import json

import geopandas as gpd
import pandas as pd
import shapely
from psycopg import sql

from ...errors import NotFoundError, ValidationError
from ..gpkg.works_notices import NOTICE_COLUMNS, WORKS_COLUMNS, prepared_works
from ..gpkg.write import now_iso
from .errors import translated
from .frames import rows_frame

__all__ = ["RecordsMixin", "now_iso", "SERVER_NOW"]

# The server's clock in the GeoPackage store's timestamp format: one clock for every desktop
# sharing the register, so versions and log entries order correctly whatever the PCs' clocks.
SERVER_NOW = ("to_char(clock_timestamp() AT TIME ZONE 'UTC', "
              "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"+00:00\"')")


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (service accounts, containers)
        return "unknown"


def _json_fields(rec: dict) -> dict:
    for key in ("files", "detail"):
        if isinstance(rec.get(key), dict | list):
            rec[key] = json.dumps(rec[key], default=str)
    return rec


class RecordsMixin:
    # -- batches, rejects, audit ------------------------------------------------------
    def batches(self) -> pd.DataFrame:
        return self._query("SELECT * FROM import_batches ORDER BY batch_id")

    def find_batch(self, sha256, layer):
        df = self._query(
            "SELECT * FROM import_batches WHERE sha256 = %s AND layer IS NOT DISTINCT FROM %s "
            "AND state = 'committed' ORDER BY batch_id DESC LIMIT 1", (sha256, layer))
        return None if df.empty else df.iloc[0].to_dict()

    def rejects(self, batch_id=None):
        if batch_id is None:
            return self._query("SELECT * FROM rejects ORDER BY reject_id")
        return self._query("SELECT * FROM rejects WHERE batch_id = %s ORDER BY reject_id",
                           (int(batch_id),))

    def audit(self, action, detail=None):
        """Append to the audit log: OS user and server login (``user@login``) are both kept."""
        with self.atomic() as conn:
            conn.execute(
                'INSERT INTO audit_log (at, "user", action, detail) '
                f"VALUES ({SERVER_NOW}, %s || '@' || session_user, %s, %s)",
                (os_user(), action, json.dumps(detail or {}, default=str)))

    def audit_log(self):
        return self._query("SELECT * FROM audit_log ORDER BY id")

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
        with self.atomic() as conn:
            return conn.execute(
                "INSERT INTO notice_sequences AS s (prefix, year, last) VALUES (%s, %s, 1) "
                "ON CONFLICT (prefix, year) DO UPDATE SET last = s.last + 1 RETURNING last",
                (prefix, int(year))).fetchone()[0]

    def record_notice(self, notice: dict) -> int:
        unknown = set(notice) - set(NOTICE_COLUMNS)
        if unknown:
            raise ValidationError(f"unknown notice fields {sorted(unknown)}")
        rec = _json_fields(dict(notice))
        rec.setdefault("created_at", now_iso())
        cols = list(rec)
        query = sql.SQL("INSERT INTO notices ({}) VALUES ({}) RETURNING notice_id").format(
            sql.SQL(", ").join(map(sql.Identifier, cols)),
            sql.SQL(", ").join(sql.Placeholder() * len(cols)))
        with self.atomic() as conn:
            notice_id = conn.execute(query, [rec[c] for c in cols]).fetchone()[0]
            self.audit("record_notice", {"reference": rec.get("reference"),
                                         "version": rec.get("version", 1)})
            return int(notice_id)

    def update_notice(self, reference: str, version: int, **fields) -> None:
        unknown = set(fields) - set(NOTICE_COLUMNS)
        if unknown:
            raise ValidationError(f"unknown notice fields {sorted(unknown)}")
        fields = _json_fields(fields)
        if not fields:
            return
        sets = sql.SQL(", ").join(
            sql.SQL("{} = %s").format(sql.Identifier(k)) for k in fields)
        query = sql.SQL("UPDATE notices SET {} WHERE reference = %s AND version = %s").format(sets)
        with self.atomic() as conn:
            cur = conn.execute(query, [*fields.values(), reference, int(version)])
            if cur.rowcount == 0:
                raise NotFoundError(f"no notice {reference!r} version {version} in the register")
            self.audit("update_notice", {"reference": reference, "version": version,
                                         "fields": sorted(fields)})

    def notices(self, reference=None) -> pd.DataFrame:
        if reference is None:
            return self._query("SELECT * FROM notices ORDER BY notice_id")
        return self._query("SELECT * FROM notices WHERE reference = %s ORDER BY version",
                           (reference,))

    def record_response(self, reference, owner, status, note=None, recorded_by=None) -> None:
        if self._one("SELECT 1 FROM notices WHERE reference = %s LIMIT 1", (reference,)) is None:
            raise NotFoundError(f"no notice {reference!r} in the register: check the reference "
                                "with 'asset-register notices REGISTER'")
        with self.atomic() as conn:
            conn.execute(
                "INSERT INTO notice_responses (reference, owner, status, note, recorded_at, "
                f"recorded_by) VALUES (%s, %s, %s, %s, {SERVER_NOW}, %s)",
                (reference, owner, status, note, recorded_by))
            self.audit("record_response", {"reference": reference, "owner": owner,
                                           "status": status})

    def responses(self, reference=None) -> pd.DataFrame:
        if reference is None:
            return self._query("SELECT * FROM notice_responses ORDER BY response_id")
        return self._query("SELECT * FROM notice_responses WHERE reference = %s "
                           "ORDER BY response_id", (reference,))
