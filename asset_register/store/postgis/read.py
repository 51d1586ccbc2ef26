"""Reading assets from a PostGIS register (a mixin of ``PostgisStore``).

Small reads (a dig's candidates, one asset) use a plain fetch; large ones (a map
viewport, every live asset) stream through COPY into Arrow. Frames come back with
the canonical columns and dtypes, exactly as the GeoPackage store returns them.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import shapely
from psycopg import sql

from ...errors import ValidationError
from ..base import asset_records, live_records
from .errors import translated
from .frames import ALL_ASSET_COLUMNS, column_list, copy_out_frame, rows_frame

LIVE = sql.SQL("retired_at IS NULL")
# Every read goes through asset_view (postgis/security.py): restricted assets come back masked
# to logins not cleared for them. Its ``coarse`` box (indexed) contains each row's geometry,
# so box searches filter on it first and stay on the index.
IN_BOX = ("coarse && ST_MakeEnvelope(%s, %s, %s, %s, %s) AND "
          "ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, %s))")
SMALL_RESULT = 2000  # up to this many rows a plain fetch beats COPY's fixed cost
EMPTY_BOUNDS = {"diameter_mm": 0.0, "h_accuracy_m": 0.0, "crs_accuracy_m": 0.0,
                "any_null_accuracy": 0.0}


class ReadMixin:
    # -- reading assets --------------------------------------------------------------
    def _columns(self, columns) -> list[str]:
        cols = ALL_ASSET_COLUMNS if columns is None else [c for c in columns if c != "geometry"]
        unknown = set(cols) - set(ALL_ASSET_COLUMNS) - {"fid"}
        if unknown:
            raise ValidationError(f"unknown asset columns {sorted(unknown)}")
        return list(cols) or ["fid"]

    def _bulk(self, where: sql.Composable, params, columns, *, small_first: bool = False
              ) -> gpd.GeoDataFrame:
        """Live assets matching ``where``: a plain fetch when few (dig-sized boxes), else COPY."""
        cols = self._columns(columns)
        with self._lock, translated(self):
            if small_first:
                query = sql.SQL("SELECT ST_AsBinary(geom), {} FROM asset_view WHERE {} AND {} "
                                "LIMIT {}").format(column_list(cols), LIVE, where,
                                                   sql.Literal(SMALL_RESULT + 1))
                rows = self._conn.execute(query, params).fetchall()
                if len(rows) <= SMALL_RESULT:
                    return rows_frame(rows, cols, self.crs)
            query = sql.SQL("SELECT encode(ST_AsBinary(geom), 'hex') AS geom_hex, {} FROM asset_view "
                            "WHERE {} AND {}").format(column_list(cols), LIVE, where)
            return copy_out_frame(self._conn, query, params, cols, self.crs)

    def query_bbox(self, bounds, *, columns=None):
        minx, miny, maxx, maxy = (float(v) for v in bounds)
        where = sql.SQL(IN_BOX)
        env = (minx, miny, maxx, maxy, self.srid)
        return self._bulk(where, env + env, columns, small_first=True)

    def reader(self):
        """The dig check's reader: candidates and data version in one round trip
        (``postgis/checkpath.py``)."""
        from .checkpath import PostgisReader

        return PostgisReader(self)

    def candidate_arrays(self, bounds, columns: list[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Live assets whose geometry intersects ``bounds`` as plain arrays, for a dig check:
        the same rows as ``query_bbox``, read as the check reads them (``reader()``)."""
        reader = self.__dict__.get("_own_reader")
        if reader is None:
            reader = self._own_reader = self.reader()
        return reader.candidate_arrays(bounds, columns)

    def query_dwithin(self, geometry, distance, *, columns=None):
        if distance < 0:
            raise ValidationError(f"search distance {distance} is negative: give metres ≥ 0")
        cols = self._columns(columns)
        wkb = shapely.to_wkb(geometry)
        query = sql.SQL(
            "WITH g AS (SELECT ST_GeomFromWKB(%s, %s) AS g) "
            "SELECT ST_AsBinary(a.geom), {}, ST_Distance(a.geom, g.g) AS distance_m "
            "FROM asset_view a, g WHERE a.retired_at IS NULL AND a.coarse && ST_Expand(g.g, %s) "
            "AND ST_DWithin(a.geom, g.g, %s)"
        ).format(column_list(cols, "a"))
        with self._lock, translated(self):
            rows = self._conn.execute(query, (wkb, self.srid, float(distance),
                                              float(distance))).fetchall()
        return rows_frame(rows, cols + ["distance_m"], self.crs)

    def read_assets(self, *, columns=None, bbox=None):
        if bbox is None:
            return self._bulk(sql.SQL("true"), (), columns)
        minx, miny, maxx, maxy = (float(v) for v in bbox)
        return self._bulk(sql.SQL("coarse && ST_MakeEnvelope(%s, %s, %s, %s, %s) AND "
                                  "geom && ST_MakeEnvelope(%s, %s, %s, %s, %s)"),
                          (minx, miny, maxx, maxy, self.srid) +
                          (minx, miny, maxx, maxy, self.srid), columns)

    def owner_asset_count(self, owner: str) -> int:
        with self._lock, translated(self):
            return int(self._conn.execute(
                sql.SQL("SELECT COUNT(*) FROM asset_view WHERE owner = %s AND {}").format(LIVE),
                (owner,)).fetchone()[0])

    def owner_geometries(self, owner: str):
        """One owner's live geometries, on the session's own connection (its transaction)."""
        return np.asarray(self._bulk(sql.SQL("owner = %s"), (owner,), ["owner"]).geometry.array)

    def get_asset(self, asset_id, *, history=False):
        rows, geoms = self._asset_rows(
            sql.SQL("a.asset_id = %s {}").format(
                sql.SQL("") if history else sql.SQL("AND a.retired_at IS NULL")), (asset_id,))
        return asset_records(asset_id, rows, geoms, ALL_ASSET_COLUMNS, history=history)

    def get_assets(self, asset_ids):
        ids = [str(a) for a in dict.fromkeys(asset_ids)]
        if not ids:
            return {}
        rows, geoms = self._asset_rows(
            sql.SQL("a.asset_id = ANY(%s) AND a.retired_at IS NULL"), (ids,))
        return live_records(rows, geoms, ALL_ASSET_COLUMNS)

    def restricted_among(self, asset_ids):
        ids = [str(a) for a in dict.fromkeys(asset_ids)]
        if not ids:
            return set()
        query = sql.SQL("SELECT asset_id FROM asset_view WHERE asset_id = ANY(%s) "
                        "AND retired_at IS NULL AND restricted")
        with self._lock, translated(self):
            return {r[0] for r in self._conn.execute(query, (ids,)).fetchall()}

    def _asset_rows(self, where: sql.Composable, params: tuple):
        """Rows of (geometry WKB, *asset columns, *provenance) meeting ``where``, by id and
        version, with their geometries."""
        query = sql.SQL(
            "SELECT ST_AsBinary(a.geom), {}, b.source_file, b.layer, b.sha256, b.source_crs, "
            "b.transformation, b.transformation_accuracy_m, b.profile, b.finished_at "
            "FROM asset_view a LEFT JOIN import_batches b ON a.batch_id = b.batch_id "
            "WHERE {} ORDER BY a.asset_id, a.version"
        ).format(column_list(ALL_ASSET_COLUMNS, "a"), where)
        with self._lock, translated(self):
            rows = self._conn.execute(query, params).fetchall()
        return rows, [shapely.from_wkb(bytes(r[0])) for r in rows]

    def asset_count(self) -> int:
        return int(self._one("SELECT COUNT(*) FROM asset_view WHERE retired_at IS NULL"))

    def extent(self):
        def load():
            raw = self.get_setting("asset_extent")
            value = json.loads(raw) if raw else None
            return None if not value else tuple(float(v) for v in value)
        return self._cached("extent", load)

    def clearance_bounds(self) -> dict[str, float]:
        def load():
            raw = self.get_setting("clearance_bounds")
            if raw is None:
                return dict(EMPTY_BOUNDS)
            return {k: float(v) for k, v in json.loads(raw).items()}
        return self._cached("clearance_bounds", load)

    def stats(self) -> dict:
        def counts(col):
            with self._lock, translated(self):
                return dict(self._conn.execute(sql.SQL(
                    "SELECT {0}, COUNT(*) FROM asset_view WHERE retired_at IS NULL GROUP BY {0} "
                    "ORDER BY {0}").format(sql.Identifier(col))).fetchall())
        with self._lock, translated(self):
            age = {o: {"latest_delivery": d, "batches": n} for o, d, n in self._conn.execute(
                "SELECT owner, MAX(finished_at), COUNT(*) FROM import_batches "
                "WHERE state='committed' AND owner IS NOT NULL GROUP BY owner ORDER BY owner")}
        return {
            "assets": self.asset_count(),
            "retired_versions": int(self._one(
                "SELECT COUNT(*) FROM asset_view WHERE retired_at IS NOT NULL")),
            "by_owner": counts("owner"), "by_utility": counts("utility"),
            "by_status": counts("status"), "extent": self.extent(),
            "crs": self.crs.to_string(), "data_age": age,
            "owners": len(self.owners()), "schema_version": self.schema_version,
            "batches": int(self._one("SELECT COUNT(*) FROM import_batches")),
            "rejects": int(self._one("SELECT COUNT(*) FROM rejects")),
        }
