"""The shared register: PostgreSQL + PostGIS, same behaviour as the GeoPackage store.

One register lives in one schema of a PostGIS database (``?schema=`` in the URL).
Each store holds one autocommit connection; every write is an explicit
transaction (``atomic``), so other sessions see a batch whole or not at all.
What a connected role may do is decided by the server's grants (see
``postgis/roles.py``): a planner's write to assets fails with PermissionDeniedError.
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager

import geopandas as gpd
import pandas as pd
import pyproj
import shapely
from psycopg import sql

from ...errors import (
    NotARegisterError,
    PermissionDeniedError,
    RegisterExistsError,
    RegisterNotFoundError,
    RegisterReadOnlyError,
    SchemaVersionError,
    ValidationError,
)
from ...model import Owner
from . import connect as pgc
from ..base import RegisterStore
from ..records import SharedRecordsMixin, coverage_area, now_iso
from .errors import translated
from .frames import rows_frame
from .read import ReadMixin
from .records import RecordsMixin, now_sql
from .roles import create_login, grant_register_roles, list_logins
from .schema import MIGRATIONS, REGISTER_MARKER, SCHEMA_VERSION, applied_versions, migrate



class PostgisStore(ReadMixin, RecordsMixin, SharedRecordsMixin, RegisterStore):
    """A register in a PostGIS schema. Use ``open_register`` / ``create_register`` with a URL."""

    shared = True
    _deviations_since = 7  # schema.py migration "deviation_reports"

    def __init__(self, url: str, *, read_only: bool = False, _create_crs=None):
        self.url = pgc.parse_url(url)
        self.location = self.url.display  # shown to people: any password masked
        self.url_text = url  # as given, to reopen the register in this process
        self.schema = self.url.schema
        self.read_only = read_only
        self._lock = threading.RLock()
        self._crs_cache: pyproj.CRS | None = None
        self._cache: dict = {}
        self._cache_version = None
        self._depth = 0  # nesting of atomic()
        self._dirty = False  # data written in the current transaction
        self._raw = pgc.connect(self.url)
        try:
            with translated(self):
                if _create_crs is not None:
                    self._postgis = pgc.ensure_postgis(self._raw, self.url)
                    self._set_search_path(self._postgis)
                    self._create(pyproj.CRS.from_user_input(_create_crs))
                else:
                    self._postgis = pgc.postgis_schema_of(self._raw, self.url)
                    self._set_search_path(self._postgis)
                    self._open()
                if read_only:
                    self._raw.execute("SET default_transaction_read_only = on")
                self.srid = int(self.crs.to_epsg())
        except BaseException:
            self._raw.close()
            raise

    @property
    def _conn(self):
        """The session; after the server dropped it (restart, idle timeout, network), the
        next use outside a transaction opens a new one with the same settings."""
        conn = self._raw
        if conn is not None and conn.broken and self._depth == 0:
            conn.close()
            self._raw = conn = pgc.connect(self.url)
            conn.execute(sql.SQL("SET search_path TO {}, {}").format(
                sql.Identifier(self.schema), sql.Identifier(self._postgis)))
            if self.read_only:
                conn.execute("SET default_transaction_read_only = on")
        return conn

    def interrupt(self) -> None:
        """Cancel the query the session is running (from any thread: Ctrl-C, cancel)."""
        conn = self._raw
        if conn is not None and not conn.closed:
            conn.cancel()

    @property
    def display(self) -> str:
        """The URL with its password masked, for titles, messages and logs."""
        return self.url.display

    # -- logins and roles (postgis/roles.py) ---------------------------------------------
    def grant_roles(self):
        return grant_register_roles(self)

    def create_login(self, name: str, kind: str, password: str | None = None, *,
                     owners: list[str] | None = None, cleared: bool | None = None) -> str | None:
        return create_login(self, name, kind, password, owners=owners, cleared=cleared)

    def logins(self) -> list[tuple[str, str]]:
        return list_logins(self)

    def _set_search_path(self, postgis_schema: str) -> None:
        self._raw.execute(sql.SQL("SET search_path TO {}, {}").format(
            sql.Identifier(self.schema), sql.Identifier(postgis_schema)))

    def _where(self) -> str:
        return f"schema {self.schema!r} of {self.url.display}"

    def _open(self) -> None:
        with self._conn.cursor() as cur:
            versions = applied_versions(cur, self.schema)
            marker = None
            if versions:
                cur.execute("SELECT to_regclass('settings') IS NOT NULL")
                if cur.fetchone()[0]:
                    cur.execute("SELECT value FROM settings WHERE key = %s", (REGISTER_MARKER[0],))
                    marker = cur.fetchone()
        if not versions:
            raise RegisterNotFoundError(
                f"no asset register in {self._where()}: create one with "
                f"'asset-register init \"{self.url.display}\"', or check ?schema= in the URL")
        if not marker or marker[0] != REGISTER_MARKER[1]:
            raise NotARegisterError(f"{self._where()} holds tables that are not an asset register")
        version = max(versions)
        if version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"the register in {self._where()} has schema version {version}, newer than this "
                f"application's {SCHEMA_VERSION}: update the application to open it")
        # every known migration not recorded (not only newer ones: a migration numbered
        # below the register's highest may have come from a branch released later)
        if {v for v, _, _ in MIGRATIONS} - versions:
            if self.read_only:
                raise SchemaVersionError(
                    f"the register in {self._where()} needs an upgrade (schema {version} → "
                    f"{SCHEMA_VERSION}): open it once writable as its owner")
            try:
                with self._conn.transaction(), self._conn.cursor() as cur:
                    migrate(cur, self.schema, None)
            except PermissionDeniedError:
                raise
            except Exception as exc:  # reported with the fix
                if "permission denied" in str(exc) or "must be owner" in str(exc):
                    raise SchemaVersionError(
                        f"the register in {self._where()} needs an upgrade (schema {version} → "
                        f"{SCHEMA_VERSION}) that only its owner may apply: ask the register's "
                        "administrator to open it once with this version") from None
                raise

    def _create(self, crs: pyproj.CRS) -> None:
        if not crs.is_projected:
            raise ValidationError(
                f"working CRS {crs.to_string()!r} is not projected: distances must be in metres "
                "(use e.g. EPSG:27700 for Great Britain)")
        srid = crs.to_epsg()
        if srid is None:
            raise ValidationError(
                f"working CRS {crs.to_string()!r} has no EPSG code: a PostGIS register needs one "
                "(e.g. EPSG:27700)")
        with self._conn.cursor() as cur:
            if applied_versions(cur, self.schema):
                raise RegisterExistsError(
                    f"{self._where()} already holds an asset register: open it, or choose "
                    "another schema with ?schema=NAME")
            cur.execute("SELECT 1 FROM spatial_ref_sys WHERE srid = %s", (srid,))
            if cur.fetchone() is None:
                raise ValidationError(f"EPSG:{srid} is not in the server's spatial_ref_sys table")
        with self._conn.transaction(), self._conn.cursor() as cur:
            migrate(cur, self.schema, srid)
            cur.executemany("INSERT INTO settings VALUES (%s, %s)", [
                REGISTER_MARKER, ("working_crs", crs.to_string()), ("created_at", now_iso()),
                ("authority_code", "AR"), ("authority_name", "")])
            self.audit("create_register", {"crs": crs.to_string()})

    # -- lifecycle -----------------------------------------------------------------
    def close(self) -> None:
        conn, self._raw = getattr(self, "_raw", None), None
        if conn is not None:
            conn.close()

    @property
    def schema_version(self) -> int:
        return self._one("SELECT MAX(version) FROM schema_migrations")

    def applied_migrations(self) -> list[tuple[int, str, str]]:
        with self._lock, translated(self):
            return [tuple(r) for r in self._conn.execute(
                "SELECT version, name, applied_at FROM schema_migrations ORDER BY version")]

    @contextmanager
    def atomic(self):
        """One transaction (savepoints when nested); rollback on any exception."""
        if self.read_only:
            raise RegisterReadOnlyError(
                f"register {self.url.display!r} is open read-only: reopen it writable to change it")
        with self._lock, translated(self):
            conn = self._conn  # (reconnects here if the server dropped an idle session)
            outer = self._depth == 0
            self._depth += 1
            try:
                with conn.transaction():
                    yield conn
                    if outer and self._dirty:
                        conn.execute("UPDATE register_state SET data_version = data_version + 1")
            finally:
                self._depth -= 1
                if outer:
                    self._dirty = False

    # -- change tracking ---------------------------------------------------------------
    def data_version(self) -> int:
        """A counter every committed data write (assets, owners, coverage, works, settings)
        raises: equal values mean nothing a check reads has changed."""
        return int(self._one("SELECT data_version FROM register_state"))

    def _bump(self, conn) -> None:
        """Mark the transaction as changing data: ``atomic`` raises the data version last,
        just before commit, so its row lock is held only for the commit itself."""
        self._dirty = True

    def _cached(self, name: str, load):
        """``load()`` once per data version: owners, coverage, works and bounds are read on
        every dig check, and re-reading them costs more than the check itself."""
        version = self.data_version()
        if version != self._cache_version:
            self._cache, self._cache_version = {}, version
        if name not in self._cache:
            self._cache[name] = load()
        value = self._cache[name]
        return value.copy() if hasattr(value, "copy") else value

    def _one(self, query, params=()):
        with self._lock, translated(self):
            row = self._conn.execute(query, params).fetchone()
        return None if row is None else row[0]

    def _query(self, query, params=()) -> pd.DataFrame:
        with self._lock, translated(self), self._conn.cursor() as cur:
            cur.execute(query, params)
            names = [d.name for d in cur.description]
            return pd.DataFrame.from_records(cur.fetchall(), columns=names)

    def can_write(self, table: str = "assets") -> bool:
        """Whether the connected role may add rows to ``table`` (editors: assets)."""
        return bool(self._one("SELECT has_table_privilege(%s, 'INSERT')",
                              (f'"{self.schema}".{table}',)))

    def require_editor(self, what: str) -> None:
        if self.read_only:
            raise RegisterReadOnlyError(
                f"register {self.url.display!r} is open read-only: reopen it writable to {what}")
        if not self.can_write("assets"):
            raise PermissionDeniedError(
                f"user {self._one('SELECT current_user')!r} may not {what} in {self._where()}: "
                "it is a read-only (planner) login; connect as an editor, or ask the register's "
                "administrator to grant the editor role ('asset-register roles')")

    # -- settings and owners -------------------------------------------------------
    def get_setting(self, key, default=None):
        with self._lock, translated(self):
            row = self._conn.execute("SELECT value FROM settings WHERE key = %s", (key,)).fetchone()
        return default if row is None else row[0]

    def settings(self) -> dict[str, str]:
        rows = self._query("SELECT key, value FROM settings")
        return dict(rows.itertuples(index=False, name=None))

    def set_setting(self, key, value):
        if key == REGISTER_MARKER[0]:
            raise ValidationError(f"setting {key!r} is managed by the application")
        if key == "working_crs":
            raise ValidationError("the working CRS of an existing register cannot be changed")
        with self.atomic() as conn:
            conn.execute("INSERT INTO settings VALUES (%s, %s) ON CONFLICT (key) DO UPDATE "
                         "SET value = excluded.value", (key, str(value)))
            self._bump(conn)

    def upsert_owner(self, owner: Owner) -> None:
        now, now_params = now_sql()
        with self.atomic() as conn:
            conn.execute(
                f"""INSERT INTO owners AS o VALUES (%s,%s,%s,%s,%s,{now})
                   ON CONFLICT (code) DO UPDATE
                   SET name = excluded.name, phone = COALESCE(excluded.phone, o.phone),
                   emergency_phone = COALESCE(excluded.emergency_phone, o.emergency_phone),
                   email = COALESCE(excluded.email, o.email)""",
                (owner.code, owner.name, owner.phone, owner.emergency_phone, owner.email,
                 *now_params))
            self._bump(conn)

    def owners(self) -> list[Owner]:
        def load():
            with self._lock, translated(self):
                rows = self._conn.execute(
                    "SELECT code, name, phone, emergency_phone, email FROM owners ORDER BY code"
                ).fetchall()
            return [Owner(*r) for r in rows]
        return self._cached("owners", load)

    # -- writing -------------------------------------------------------------------
    def write_batch(self, assets, batch, *, rejects=None, delivery=None, progress=None,
                    cancel=None, finalize=None, area=None):
        from ..batches import AssetChunks
        from .write import write_batch

        if isinstance(assets, AssetChunks):  # no streamed path here: the parts as one frame
            chunks, assets = assets, assets.frame()
            batch, rejects = chunks.finished(batch, rejects)
        return write_batch(self, assets, batch, rejects=rejects, delivery=delivery,
                           progress=progress, cancel=cancel, finalize=finalize, area=area)

    def _after_assets_changed(self) -> None:
        """Cache extent and clearance bounds in settings (inside the batch transaction)."""
        row = self._conn.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), d, h, c, n FROM ("
            "SELECT ST_Extent(geom) AS e, COALESCE(MAX(diameter_mm), 0) AS d, "
            "COALESCE(MAX(h_accuracy_m), 0) AS h, COALESCE(MAX(crs_accuracy_m), 0) AS c, "
            "COALESCE(bool_or(h_accuracy_m IS NULL), false) AS n FROM assets "
            "WHERE retired_at IS NULL) s").fetchone()
        extent = None if row[0] is None else [float(v) for v in row[:4]]
        bounds = {"diameter_mm": float(row[4]), "h_accuracy_m": float(row[5]),
                  "crs_accuracy_m": float(row[6]), "any_null_accuracy": float(bool(row[7]))}
        self._conn.cursor().executemany(
            "INSERT INTO settings VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = "
            "excluded.value",
            [("clearance_bounds", json.dumps(bounds)), ("asset_extent", json.dumps(extent))])

    def set_owner_coverage(self, owner, area):
        multi = coverage_area(owner, area)
        now, now_params = now_sql()
        with self.atomic() as conn:
            conn.execute(
                "INSERT INTO owner_coverage (geom, owner, updated_at) VALUES "
                f"(ST_GeomFromWKB(%s, %s), %s, {now}) ON CONFLICT (owner) DO UPDATE SET "
                "geom = excluded.geom, updated_at = excluded.updated_at",
                (shapely.to_wkb(shapely.force_2d(multi)), self.srid, owner, *now_params))
            self._bump(conn)

    def owner_coverage(self) -> gpd.GeoDataFrame:
        def load():
            with self._lock, translated(self):
                rows = self._conn.execute(
                    "SELECT ST_AsBinary(geom), owner, updated_at FROM owner_coverage ORDER BY fid"
                ).fetchall()
            return rows_frame(rows, ["owner", "updated_at"], self.crs)
        return self._cached("owner_coverage", load)
