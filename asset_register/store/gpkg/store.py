"""The embedded register: one GeoPackage file (OGC standard, SQLite, WAL).

Assets live in the ``assets`` feature table with the GeoPackage R*Tree, so QGIS,
ArcGIS and GDAL open the register directly. Every write goes through
``atomic()``; schema changes go through the named migrations in gpkg/schema.py.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyproj
import shapely

from ...errors import RegisterReadOnlyError, ValidationError
from ...model import ASSET_COLUMNS, STORE_COLUMNS, Owner
from . import bulk as gpkg_bulk
from . import connect as gpkg_connect
from . import display as gpkg_display
from . import geom as gpkg_geom
from . import rtree as gpkg_rtree
from . import seal as gpkg_seal
from . import snapshot as gpkg_snapshot
from . import write as gpkg_write
from ..base import RegisterStore, asset_records, live_records
from .audit import AuditMixin
from .schema import ASSETS, GEOM, migrate
from .works_notices import WorksNoticesMixin
from ..qgis_style import assets_style_qml
from ..records import SharedRecordsMixin, coverage_area, now_iso

from ...lazy import lazy_module

gpd = lazy_module("geopandas")
pd = lazy_module("pandas")

LIVE = "retired_at IS NULL"
ALL_ASSET_COLUMNS = list(ASSET_COLUMNS) + list(STORE_COLUMNS)


class GeoPackageStore(AuditMixin, WorksNoticesMixin, SharedRecordsMixin, RegisterStore):
    """A register in one GeoPackage file. Use ``open_register`` / ``create_register``."""

    _deviations_since = 5  # schema.py migration "deviation_reports"

    sealed = False  # a signed, read-only extract (seal.py)

    def seal_verdict(self):
        return gpkg_seal.verify(self.path) if self.sealed else None

    def refuse_if_sealed(self) -> None:
        if self.sealed:
            raise RegisterReadOnlyError(gpkg_seal.refusal(self.location, self.seal_verdict()))

    def _writer_connection(self) -> sqlite3.Connection:
        """A second, writable connection to this register (the audit log's use entries)."""
        return gpkg_connect.connect(self.path, read_only=False)

    def __init__(self, path: str | Path, *, read_only: bool = False, _create_crs=None):
        self.path = Path(path)
        self.location = str(self.path)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._depth = 0
        self._wal_pending = False  # a bulk load's rollback journal still to switch back
        self._interrupts = 0
        self._crs_cache: pyproj.CRS | None = None
        self._snapshots: gpkg_snapshot.Snapshots | None = None
        if _create_crs is not None:
            _create_crs = pyproj.CRS.from_user_input(_create_crs)
            if not _create_crs.is_projected:
                raise ValidationError(
                    f"working CRS {_create_crs.to_string()!r} is not projected: distances must "
                    "be in metres (use e.g. EPSG:27700 for Great Britain)"
                )
            gpkg_connect.check_new(self.path)
            self._con = gpkg_connect.connect(self.path, read_only=False, create=True)
            gpkg_geom.register_functions(self._con)
            self._create(_create_crs)
        else:
            # A read-only open of a register with no WAL beside it leaves none (``close``).
            self._tidy_wal = read_only and not any(
                p.exists() for p in gpkg_connect.side_files(self.path))
            version = gpkg_connect.inspect_file(self.path)
            self.sealed = gpkg_connect.sealed(self.path)
            if self.sealed:  # a signed extract: read-only whatever was asked (seal.py)
                read_only = self.read_only = True
            if not read_only:
                gpkg_connect.check_writable(self.path)
            self._con = gpkg_connect.connect(self.path, read_only=read_only)
            if self.sealed:
                self._con.execute("PRAGMA query_only = ON")
            gpkg_geom.register_functions(self._con)
            if not read_only:
                gpkg_bulk.clean_stale(self.path)
            if not read_only and (version < self._latest_version() or self._missing_migrations()):
                with self.atomic():
                    migrate(self._con, self.crs)
        row = self._con.execute(
            "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = ?", (ASSETS,)
        ).fetchone()
        self.srs_id = int(row[0])
        # Columns of a later schema missing from a register opened read-only before its
        # upgrade: read as nulls (e.g. a dig check of an older register on a read-only share).
        present = {r[1] for r in self._con.execute(f"PRAGMA table_info({ASSETS})")}
        self._absent = {c for c in ALL_ASSET_COLUMNS if c not in present}

    def _select(self, cols, alias: str = "") -> str:
        return ", ".join(f"NULL AS {c}" if c in self._absent else f"{alias}{c}" for c in cols)

    def _missing_migrations(self) -> bool:
        """A known migration not recorded (one numbered below a later one that merged first)."""
        from .schema import MIGRATIONS

        (recorded,) = self._con.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()
        return recorded < len(MIGRATIONS)

    @staticmethod
    def _latest_version() -> int:
        from .schema import SCHEMA_VERSION

        return SCHEMA_VERSION

    def _create(self, crs: pyproj.CRS) -> None:
        con = self._con
        try:
            with self.atomic():
                migrate(con, crs)
                con.executemany(
                    "INSERT INTO settings (key, value) VALUES (?, ?)",
                    [gpkg_connect.REGISTER_MARKER, ("working_crs", crs.to_string()),
                     ("created_at", now_iso()), ("authority_code", "AR"),
                     ("authority_name", "")],
                )
                con.execute(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                    "f_geometry_column, styleName, styleQML, useAsDefault, description, owner) "
                    "VALUES ('', '', ?, ?, ?, ?, 1, ?, ?)",
                    (ASSETS, GEOM, "utility colours (NJUG)", assets_style_qml(),
                     "Assets coloured by utility (NJUG colour code)", "asset-register"),
                )
                self.audit("create_register", {"crs": crs.to_string()})
        except BaseException:
            con.close()
            self.path.unlink(missing_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            raise

    # -- lifecycle -----------------------------------------------------------------
    def close(self) -> None:
        if getattr(self, "_snapshots", None) is not None:
            self._snapshots.discard()
            self._snapshots = None
        self._close_use_connection()
        con, self._con = getattr(self, "_con", None), None
        if con is not None:
            if not self.read_only:
                try:  # fold the WAL back so plain readers of the file see everything
                    con.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error:
                    pass
            con.close()
            if getattr(self, "_tidy_wal", False):
                gpkg_connect.tidy_wal(self.path)

    @property
    def schema_version(self) -> int:
        return self._con.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]

    def applied_migrations(self) -> list[tuple[int, str, str]]:
        return list(self._con.execute("SELECT version, name, applied_at FROM schema_migrations"))

    @contextmanager
    def atomic(self):
        """BEGIN IMMEDIATE … COMMIT, nesting as savepoints; rollback on any exception."""
        self.refuse_if_sealed()
        if self.read_only:
            raise RegisterReadOnlyError(
                f"register {self.location!r} is open read-only: reopen it writable to change it"
            )
        with self._lock:
            con = self._con
            if self._depth == 0:  # another writer committing is waited for, boundedly
                if self._wal_pending:  # (gpkg_connect.bulk_journal)
                    self._wal_pending = not gpkg_connect.back_to_wal(con)
                asked = self._interrupts
                gpkg_connect.begin_immediate(con, self.location,
                                             lambda: self._interrupts != asked)
            else:
                con.execute(f"SAVEPOINT sp{self._depth}")
            self._depth += 1
            try:
                yield con
            except BaseException:
                self._depth -= 1
                if con.in_transaction:  # (an interrupted write may have rolled back already)
                    con.execute("ROLLBACK" if self._depth == 0 else f"ROLLBACK TO sp{self._depth}")
                    if self._depth:
                        con.execute(f"RELEASE sp{self._depth}")
                raise
            else:
                self._depth -= 1
                if self._depth:
                    con.execute(f"RELEASE sp{self._depth}")
                else:
                    con.execute("COMMIT")
                    # GDAL readers (pyogrio, QGIS) of the file may not see the WAL: fold it in.
                    con.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def _query(self, sql: str, params=()) -> pd.DataFrame:
        with self._lock:
            return pd.read_sql_query(sql, self._con, params=params)

    # -- settings and owners -------------------------------------------------------
    def get_setting(self, key, default=None):
        row = self._con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else row[0]

    def settings(self) -> dict[str, str]:
        with self._lock:
            return dict(self._con.execute("SELECT key, value FROM settings ORDER BY id"))

    def set_setting(self, key, value):
        if key == gpkg_connect.REGISTER_MARKER[0]:
            raise ValidationError(f"setting {key!r} is managed by the application")
        if key == "working_crs":
            raise ValidationError("the working CRS of an existing register cannot be changed: "
                                  "create a new register with --crs and import into it")
        with self.atomic() as con:
            con.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                        (key, str(value)))

    def upsert_owner(self, owner: Owner) -> None:
        with self.atomic() as con:
            con.execute(
                """INSERT INTO owners (code, name, phone, emergency_phone, email, created_at)
                   VALUES (?,?,?,?,?,?) ON CONFLICT(code) DO UPDATE SET
                   name=excluded.name, phone=COALESCE(excluded.phone, phone),
                   emergency_phone=COALESCE(excluded.emergency_phone, emergency_phone),
                   email=COALESCE(excluded.email, email)""",
                (owner.code, owner.name, owner.phone, owner.emergency_phone, owner.email,
                 now_iso()),
            )

    def owners(self) -> list[Owner]:
        rows = self._con.execute(
            "SELECT code, name, phone, emergency_phone, email FROM owners ORDER BY code"
        ).fetchall()
        return [Owner(*r) for r in rows]

    # -- writing -------------------------------------------------------------------
    def write_batch(self, assets, batch, *, rejects=None, delivery=None, progress=None,
                    cancel=None, finalize=None, area=None):
        return gpkg_write.write_batch(self, assets, batch, rejects=rejects, delivery=delivery,
                                      progress=progress, cancel=cancel, finalize=finalize,
                                      area=area)

    def _after_assets_changed(self, written=None) -> None:
        """Refresh the layer extent and the clearance bounds inside the batch transaction.

        The extent comes from the R*Tree root node; the clearance bounds only ever grow
        (maxima of the old bounds and the rows just written), so a conflict search that
        uses them as its radius can never miss an asset — without rescanning the table.
        """
        con = self._con
        root = con.execute(
            f"SELECT data FROM rtree_{ASSETS}_{GEOM}_node WHERE nodeno = 1").fetchone()
        ext = gpkg_rtree.root_extent(root[0]) if root else None
        con.execute(
            "UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=?, "
            "last_change=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name=?",
            (*(ext or (None,) * 4), ASSETS),
        )
        bounds = self.clearance_bounds()
        if written is not None and len(written):
            for key in ("diameter_mm", "h_accuracy_m"):
                col = written[key].to_numpy(dtype=float)
                if np.isfinite(col).any():
                    bounds[key] = max(bounds[key], float(np.nanmax(col)))
            if written["h_accuracy_m"].isna().any():
                bounds["any_null_accuracy"] = 1.0
            crs_acc = written.attrs.get("crs_accuracy_m")
            if crs_acc is not None and np.isfinite(crs_acc):
                bounds["crs_accuracy_m"] = max(bounds["crs_accuracy_m"], float(crs_acc))
        con.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('clearance_bounds', ?)",
                    (json.dumps(bounds),))

    def set_owner_coverage(self, owner, area):
        multi = coverage_area(owner, area)
        blob = gpkg_geom.encode(np.array([multi]), self.srs_id)[0]
        with self.atomic() as con:
            con.execute("DELETE FROM owner_coverage WHERE owner = ?", (owner,))
            con.execute("INSERT INTO owner_coverage (geom, owner, updated_at) VALUES (?,?,?)",
                        (blob, owner, now_iso()))

    def owner_coverage(self) -> gpd.GeoDataFrame:
        rows = self._con.execute("SELECT owner, updated_at, geom FROM owner_coverage").fetchall()
        return gpd.GeoDataFrame(
            {"owner": [r[0] for r in rows], "updated_at": [r[1] for r in rows]},
            geometry=gpkg_geom.decode([r[2] for r in rows]), crs=self.crs,
        )

    # -- reading assets --------------------------------------------------------------
    def _frame(self, sql: str, params, columns: list[str], keep=None,
               extra: dict | None = None) -> gpd.GeoDataFrame:
        """Rows of ``sql`` (geometry blob first) as a GeoDataFrame, built column-wise.

        ``keep(geoms) -> (mask, extra columns)`` filters before the frame is built:
        pandas construction, not SQLite, dominates small query latency.
        """
        with self._lock:
            rows = self._con.execute(sql, params).fetchall()
        cols = list(zip(*rows)) if rows else [()] * (len(columns) + 1)
        geoms = gpkg_geom.decode(cols[0]) if rows else np.array([], dtype=object)
        mask, extra = (None, {}) if keep is None else keep(geoms)
        data = {}
        for name, values in zip(columns, cols[1:]):
            dtype = ASSET_COLUMNS.get(name) or STORE_COLUMNS.get(name)
            if dtype == "float64":
                arr = np.array(values, dtype=float)
            elif dtype == "bool":
                arr = np.array(values, dtype=bool)
            else:
                arr = np.array(values, dtype=object)
            data[name] = arr if mask is None else arr[mask]
        for name, values in extra.items():
            data[name] = values if mask is None else values[mask]
        if mask is not None:
            geoms = geoms[mask]
        df = pd.DataFrame(data)
        df["geometry"] = gpd.array.GeometryArray(geoms, crs=self.crs)
        return gpd.GeoDataFrame(df, geometry="geometry")

    def _columns(self, columns):
        cols = ALL_ASSET_COLUMNS if columns is None else [c for c in columns if c != "geometry"]
        unknown = set(cols) - set(ALL_ASSET_COLUMNS) - {"fid"}
        if unknown:
            raise ValidationError(f"unknown asset columns {sorted(unknown)}")
        return cols or ["fid"]

    def _rtree_sql(self, cols) -> str:
        return (
            f"SELECT {GEOM}, {self._select(cols)} FROM assets WHERE fid IN "
            f"(SELECT id FROM rtree_{ASSETS}_{GEOM} WHERE maxx >= ? AND minx <= ? AND "
            f"maxy >= ? AND miny <= ?) AND {LIVE}"
        )

    def query_bbox(self, bounds, *, columns=None):
        cols = self._columns(columns)
        minx, miny, maxx, maxy = bounds
        box = shapely.box(minx, miny, maxx, maxy)
        return self._frame(self._rtree_sql(cols), (minx, maxx, miny, maxy), cols,
                           keep=lambda g: (shapely.intersects(g, box), {}))

    def query_dwithin(self, geometry, distance, *, columns=None):
        if distance < 0:
            raise ValidationError(f"search distance {distance} is negative: give metres ≥ 0")
        minx, miny, maxx, maxy = shapely.bounds(geometry)
        d = float(distance)
        cols = self._columns(columns)

        def keep(geoms):
            dist = shapely.distance(geoms, geometry)
            return dist <= d, {"distance_m": dist}

        return self._frame(self._rtree_sql(cols), (minx - d, maxx + d, miny - d, maxy + d),
                           cols, keep=keep)

    def read_assets(self, *, columns=None, bbox=None):
        cols = self._columns(columns)
        if bbox is not None:  # a window: the R*Tree over our own connection
            return self.query_bbox(bbox, columns=cols)
        if self._depth:  # inside our own write transaction: no snapshot can be copied (and
            # it must see the transaction's rows), so read through the connection itself
            return self._frame(f"SELECT {GEOM}, {', '.join(cols)} FROM assets WHERE {LIVE}",
                               (), cols)
        meta, table = self.read_arrow([c for c in cols if c != "fid" and c not in self._absent])
        geoms = shapely.from_wkb(table.column(meta["geometry_name"]).to_numpy(zero_copy_only=False))
        frame = table.drop_columns([meta["geometry_name"]]).to_pandas()
        for c in cols:
            if c in self._absent:
                frame[c] = pd.Series(np.nan if ASSET_COLUMNS.get(c) == "float64" else None,
                                     index=frame.index)
        for c in frame.columns:
            if (ASSET_COLUMNS.get(c) or STORE_COLUMNS.get(c)) == "bool":
                frame[c] = frame[c].astype(bool)
        return gpd.GeoDataFrame(frame, geometry=gpd.array.GeometryArray(geoms, crs=self.crs))

    def owner_asset_count(self, owner: str) -> int:
        return self._con.execute(
            f"SELECT COUNT(*) FROM assets WHERE owner = ? AND {LIVE}", (owner,)).fetchone()[0]

    def interrupt(self) -> None:
        self._interrupts += 1  # (also ends a wait for another writer: see atomic)
        con = self._con  # sqlite3_interrupt is safe from any thread, lock not taken
        if con is not None:
            con.interrupt()

    def owner_geometries(self, owner: str) -> np.ndarray:
        """Geometries of one owner's live assets, through the register's own connection
        (inside a batch's transaction they include the batch)."""
        with self._lock:
            rows = self._con.execute(
                f"SELECT {GEOM} FROM assets WHERE owner = ? AND {LIVE}", (owner,)).fetchall()
        return gpkg_geom.decode([r[0] for r in rows]) if rows else np.array([], dtype=object)

    snapshot_reads = True  # read_arrow(_slices) copy the file first: see gpkg/snapshot.py

    def reader(self):
        """The R*Tree candidate reader over a read-only connection of its own (gpkg/reader.py)."""
        from .reader import RTreeReader

        if self.sealed and "immutable=1" in gpkg_seal.read_uri(self.path):
            # (a sealed extract read immutable, gpkg_seal.read_uri: the R*Tree reader's own
            # connections would leave -wal/-shm beside it; the store's reads give the same)
            return super().reader()
        try:
            return RTreeReader(self)
        except sqlite3.Error:  # not openable a second time, or no R*Tree: the store's own reads
            return super().reader()

    def read_arrow(self, columns, *, read_geometry: bool = True, return_fids: bool = False):
        """(meta, Arrow table) of the live assets, in bulk, from a consistent snapshot.

        For bulk readers (map canvas, in-memory check index): see gpkg/snapshot.py for why
        GDAL never reads the live file in this process.
        """
        with self._lock:
            if self._snapshots is None:
                self._snapshots = gpkg_snapshot.Snapshots(self._con, self.path)
            return self._snapshots.read_arrow(ASSETS, columns=columns, where=LIVE,
                                              read_geometry=read_geometry,
                                              return_fids=return_fids)

    def read_arrow_slices(self, columns, *, slices: int | None = None,
                          read_geometry: bool = True, each=None, cancel=None):
        """``read_arrow`` as consecutive fid slices read in parallel threads from the same
        snapshot: ``(meta, [table or each(meta, table)], in fid order)``; ``cancel`` stops it
        between slices (see gpkg/display.py)."""
        with self._lock:
            if self._snapshots is None:
                self._snapshots = gpkg_snapshot.Snapshots(self._con, self.path)
            return gpkg_display.read_arrow_slices(
                self._snapshots, self._con, ASSETS, columns=columns, where=LIVE,
                slices=slices or gpkg_display.default_slices(), read_geometry=read_geometry,
                each=each, cancel=cancel)

    def get_asset(self, asset_id, *, history=False):
        where = "a.asset_id = ?" + ("" if history else f" AND a.{LIVE}")
        cols = self._select(ALL_ASSET_COLUMNS, "a.")
        sql = (
            f"SELECT a.{GEOM}, {cols}, b.source_file, b.layer, b.sha256, b.source_crs, "
            "b.transformation, b.transformation_accuracy_m, b.profile, b.finished_at "
            "FROM assets a LEFT JOIN import_batches b ON a.batch_id = b.batch_id "
            f"WHERE {where} ORDER BY a.version"
        )
        rows = self._con.execute(sql, (asset_id,)).fetchall()
        geoms = gpkg_geom.decode([r[0] for r in rows]) if rows else []
        return asset_records(asset_id, rows, geoms, ALL_ASSET_COLUMNS, history=history)

    def get_assets(self, asset_ids):
        ids = [str(a) for a in dict.fromkeys(asset_ids)]
        if not ids:
            return {}
        sql = (
            f"SELECT a.{GEOM}, {self._select(ALL_ASSET_COLUMNS, 'a.')}, b.source_file, b.layer, "
            "b.sha256, b.source_crs, b.transformation, b.transformation_accuracy_m, b.profile, "
            "b.finished_at FROM assets a LEFT JOIN import_batches b ON a.batch_id = b.batch_id "
            f"WHERE a.asset_id IN (SELECT value FROM json_each(?)) AND a.{LIVE} "
            "ORDER BY a.asset_id, a.version"
        )
        rows = self._con.execute(sql, (json.dumps(ids),)).fetchall()
        geoms = gpkg_geom.decode([r[0] for r in rows]) if rows else []
        return live_records(rows, geoms, ALL_ASSET_COLUMNS)

    def restricted_among(self, asset_ids):
        ids = [str(a) for a in dict.fromkeys(asset_ids)]
        if not ids:
            return set()
        return {r[0] for r in self._con.execute(
            f"SELECT asset_id FROM assets WHERE asset_id IN (SELECT value FROM json_each(?)) "
            f"AND {LIVE} AND restricted", (json.dumps(ids),))}

    def asset_count(self) -> int:
        return self._con.execute(f"SELECT COUNT(*) FROM assets WHERE {LIVE}").fetchone()[0]

    def extent(self):
        row = self._con.execute(
            "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?", (ASSETS,)
        ).fetchone()
        return None if row is None or row[0] is None else tuple(float(v) for v in row)

    def index_boxes(self):
        """The R*Tree's leaf nodes (``rtree.leaf_nodes``) over a read-only connection of
        their own (a worker's store may call this while another thread reads)."""
        con = sqlite3.connect(gpkg_seal.read_uri(Path(str(self.location))), uri=True)
        try:
            return gpkg_rtree.leaf_nodes(con, f"rtree_{ASSETS}_{GEOM}")
        except sqlite3.OperationalError:  # no R*Tree (a foreign or damaged file)
            return None
        finally:
            con.close()

    def clearance_bounds(self) -> dict[str, float]:
        raw = self.get_setting("clearance_bounds")
        if raw is None:
            return {"diameter_mm": 0.0, "h_accuracy_m": 0.0, "crs_accuracy_m": 0.0,
                    "any_null_accuracy": 0.0}
        return {k: float(v) for k, v in json.loads(raw).items()}

    def stats(self) -> dict:
        def counts(col):
            return dict(self._con.execute(
                f"SELECT {col}, COUNT(*) FROM assets WHERE {LIVE} GROUP BY {col} ORDER BY {col}"))
        age = {o: {"latest_delivery": d, "batches": n} for o, d, n in self._con.execute(
            "SELECT owner, MAX(finished_at), COUNT(*) FROM import_batches "
            "WHERE state='committed' AND owner IS NOT NULL GROUP BY owner ORDER BY owner")}
        return {
            "assets": self.asset_count(),
            "retired_versions": self._con.execute(
                "SELECT COUNT(*) FROM assets WHERE retired_at IS NOT NULL").fetchone()[0],
            "by_owner": counts("owner"), "by_utility": counts("utility"),
            "by_status": counts("status"), "extent": self.extent(),
            "crs": self.crs.to_string(), "data_age": age,
            "owners": len(self.owners()), "schema_version": self.schema_version,
            "batches": self._con.execute("SELECT COUNT(*) FROM import_batches").fetchone()[0],
            "rejects": self._con.execute("SELECT COUNT(*) FROM rejects").fetchone()[0],
        }

    # -- batches, rejects, audit ------------------------------------------------------
    def find_batch(self, sha256, layer):
        df = self._query(
            "SELECT * FROM import_batches WHERE sha256 = ? AND layer IS ? AND state='committed' "
            "ORDER BY batch_id DESC LIMIT 1", (sha256, layer))
        return None if df.empty else df.iloc[0].to_dict()
