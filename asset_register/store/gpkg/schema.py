"""GeoPackage register schema: the OGC base tables and our named, recorded migrations.

Each migration is ``(version, name, sql)``; ``migrate`` applies those not yet in
``schema_migrations`` inside the caller's transaction. Never edit a released
migration: add a new one.
"""

from __future__ import annotations

import json
import sqlite3
from ... import clock

import pyproj

from ...settings import LEGACY_RULES_FILE, rules_from_legacy_path, upgrade_record

APPLICATION_ID = 0x47504B47  # 'GPKG' — the GeoPackage application_id
USER_VERSION = 10300  # GeoPackage 1.3
ASSETS = "assets"
GEOM = "geom"

# The feature tables of the register: name -> (geometry type name, extra column DDL)
FEATURE_TABLES = {
    ASSETS: (
        "GEOMETRY",
        """asset_id TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1, owner TEXT NOT NULL,
        utility TEXT NOT NULL, asset_class TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'unknown',
        depth_m REAL, depth_source TEXT, diameter_mm REAL, pressure TEXT, voltage TEXT,
        material TEXT, h_accuracy_m REAL, v_accuracy_m REAL, quality_level TEXT,
        captured_on TEXT, valid_from TEXT, retired_at TEXT, batch_id INTEGER NOT NULL,
        delivery TEXT, crs_accuracy_m REAL, content_hash TEXT, attrs TEXT NOT NULL DEFAULT '{}',
        restricted INTEGER NOT NULL DEFAULT 0""",
    ),
    "owner_coverage": ("MULTIPOLYGON", "owner TEXT NOT NULL UNIQUE, updated_at TEXT NOT NULL"),
    "works": (
        "GEOMETRY",
        """reference TEXT NOT NULL UNIQUE, description TEXT, promoter TEXT, usrn TEXT,
        street TEXT, depth_m REAL, method TEXT, start_date TEXT, end_date TEXT,
        status TEXT NOT NULL DEFAULT 'planned', source TEXT, attrs TEXT NOT NULL DEFAULT '{}'""",
    ),
}

ATTRIBUTE_TABLES = {
    "owners": """id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
        phone TEXT, emergency_phone TEXT, email TEXT, created_at TEXT NOT NULL""",
    "import_batches": """batch_id INTEGER PRIMARY KEY AUTOINCREMENT, state TEXT NOT NULL,
        source_file TEXT, layer TEXT, sha256 TEXT, source_crs TEXT, transformation TEXT,
        transformation_accuracy_m REAL, profile TEXT, owner TEXT, delivery TEXT,
        rows_read INTEGER, rows_imported INTEGER, rows_repaired INTEGER, rows_rejected INTEGER,
        added INTEGER, changed INTEGER, unchanged INTEGER, retired INTEGER,
        started_at TEXT NOT NULL, finished_at TEXT, seconds REAL, notes TEXT""",
    "rejects": """reject_id INTEGER PRIMARY KEY AUTOINCREMENT, batch_id INTEGER NOT NULL,
        row INTEGER, reason TEXT NOT NULL, attrs TEXT, geometry_wkt TEXT""",
    "notices": """notice_id INTEGER PRIMARY KEY AUTOINCREMENT, reference TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1, status TEXT NOT NULL DEFAULT 'draft',
        created_at TEXT NOT NULL, created_by TEXT, issued_at TEXT, valid_until TEXT,
        footprint_wkt TEXT, promoter TEXT, description TEXT, usrn TEXT, start_date TEXT,
        end_date TEXT, rules_version TEXT, folder TEXT, files TEXT, content_hash TEXT,
        detail TEXT, UNIQUE (reference, version)""",
    "notice_sequences": """id INTEGER PRIMARY KEY AUTOINCREMENT, prefix TEXT NOT NULL,
        year INTEGER NOT NULL, last INTEGER NOT NULL, UNIQUE (prefix, year)""",
    "notice_responses": """response_id INTEGER PRIMARY KEY AUTOINCREMENT,
        reference TEXT NOT NULL, owner TEXT NOT NULL, status TEXT NOT NULL, note TEXT,
        recorded_at TEXT NOT NULL, recorded_by TEXT""",
    "audit_log": """id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, user TEXT,
        action TEXT NOT NULL, detail TEXT""",
    "settings": "id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, value TEXT",
    "layer_styles": """id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256),
        f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256),
        styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN,
        description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT
        (strftime('%Y-%m-%dT%H:%M:%fZ','now'))""",
}

GPKG_BASE_SQL = """
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
  identifier TEXT UNIQUE, description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,
  m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
  definition TEXT NOT NULL, scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
CREATE TABLE gpkg_tile_matrix_set (table_name TEXT NOT NULL PRIMARY KEY, srs_id INTEGER NOT NULL,
  min_x DOUBLE NOT NULL, min_y DOUBLE NOT NULL, max_x DOUBLE NOT NULL, max_y DOUBLE NOT NULL,
  CONSTRAINT fk_gtms_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gtms_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_tile_matrix (table_name TEXT NOT NULL, zoom_level INTEGER NOT NULL,
  matrix_width INTEGER NOT NULL, matrix_height INTEGER NOT NULL, tile_width INTEGER NOT NULL,
  tile_height INTEGER NOT NULL, pixel_x_size DOUBLE NOT NULL, pixel_y_size DOUBLE NOT NULL,
  CONSTRAINT pk_ttm PRIMARY KEY (table_name, zoom_level),
  CONSTRAINT fk_tmm_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name));
INSERT INTO gpkg_spatial_ref_sys VALUES
 ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
 ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
 ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
"""  # noqa: E501  (the EPSG:4326 definition the GeoPackage standard prescribes, one SQL literal)


def rtree_sql(table: str, column: str = GEOM) -> list[str]:
    """The GeoPackage R*Tree extension (spec Annex F.3) for one feature table."""
    t, c = table, column
    rt = f"rtree_{t}_{c}"
    return [
        f"CREATE VIRTUAL TABLE {rt} USING rtree(id, minx, maxx, miny, maxy)",
        *rtree_trigger_sql(t, c),
        f"INSERT INTO gpkg_extensions VALUES ('{t}', '{c}', 'gpkg_rtree_index', "
        "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
    ]


def rtree_trigger_sql(t: str, c: str = GEOM) -> list[str]:
    rt = f"rtree_{t}_{c}"
    ins = (
        f"INSERT OR REPLACE INTO {rt} VALUES (NEW.fid, ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), "
        f"ST_MinY(NEW.{c}), ST_MaxY(NEW.{c}))"
    )
    return [
        f"CREATE TRIGGER {rt}_insert AFTER INSERT ON {t} WHEN (new.{c} NOT NULL AND NOT "
        f"ST_IsEmpty(NEW.{c})) BEGIN {ins}; END",
        f"CREATE TRIGGER {rt}_update1 AFTER UPDATE OF {c} ON {t} WHEN OLD.fid = NEW.fid AND "
        f"(NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c})) BEGIN {ins}; END",
        f"CREATE TRIGGER {rt}_update2 AFTER UPDATE OF {c} ON {t} WHEN OLD.fid = NEW.fid AND "
        f"(NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c})) BEGIN DELETE FROM {rt} WHERE id = OLD.fid; END",
        f"CREATE TRIGGER {rt}_update3 AFTER UPDATE ON {t} WHEN OLD.fid != NEW.fid AND "
        f"(NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c})) BEGIN DELETE FROM {rt} WHERE id = OLD.fid; "
        f"{ins}; END",
        f"CREATE TRIGGER {rt}_update4 AFTER UPDATE ON {t} WHEN OLD.fid != NEW.fid AND "
        f"(NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c})) BEGIN DELETE FROM {rt} WHERE id IN "
        f"(OLD.fid, NEW.fid); END",
        f"CREATE TRIGGER {rt}_delete AFTER DELETE ON {t} WHEN old.{c} NOT NULL BEGIN "
        f"DELETE FROM {rt} WHERE id = OLD.fid; END",
    ]


def _srs_row(crs: pyproj.CRS) -> tuple:
    auth = crs.to_authority() or ("NONE", None)
    code = int(auth[1]) if auth[1] is not None else 100000
    return (crs.name, code, auth[0], code, crs.to_wkt("WKT1_GDAL"), crs.name)


def _script(con: sqlite3.Connection, sql: str) -> None:
    """Run ';'-separated statements inside the current transaction (executescript would commit)."""
    for stmt in sql.split(";\n"):
        if stmt.strip():
            con.execute(stmt)


def _migration_1(con: sqlite3.Connection, crs: pyproj.CRS) -> None:
    _script(con, GPKG_BASE_SQL)
    srs = _srs_row(crs)
    con.execute("INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)", srs)
    srs_id = srs[1]
    for name, (gtype, cols) in FEATURE_TABLES.items():
        con.execute(
            f"CREATE TABLE {name} (fid INTEGER PRIMARY KEY AUTOINCREMENT, {GEOM} {gtype}, {cols})"
        )
        con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
            "VALUES (?, 'features', ?, ?, ?)",
            (name, name, f"asset register: {name}", srs_id),
        )
        con.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 2, 0)",
            (name, GEOM, gtype, srs_id),
        )
        for stmt in rtree_sql(name):
            con.execute(stmt)
    for name, cols in ATTRIBUTE_TABLES.items():
        con.execute(f"CREATE TABLE {name} ({cols})")
        con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
            "VALUES (?, 'attributes', ?, ?)",
            (name, name, f"asset register: {name}"),
        )
    _script(
        con,
        """
        CREATE UNIQUE INDEX assets_asset_version ON assets (asset_id, version);
        CREATE INDEX assets_delivery ON assets (delivery, retired_at);
        CREATE INDEX import_batches_sha ON import_batches (sha256, layer);
        CREATE INDEX rejects_batch ON rejects (batch_id);
        CREATE INDEX notice_responses_ref ON notice_responses (reference, owner);
        """
    )


def _migration_2(con: sqlite3.Connection, crs: pyproj.CRS) -> None:
    """The recorded pressure (bar) and voltage (V) behind the classes, for the check's
    thresholds (DESIGN §5: classes follow values where the record has them)."""
    con.execute(f"ALTER TABLE {ASSETS} ADD COLUMN pressure_bar REAL")
    con.execute(f"ALTER TABLE {ASSETS} ADD COLUMN voltage_v REAL")


def _migration_3(con: sqlite3.Connection, crs: pyproj.CRS) -> None:
    """Rules by content: an older register's ``rules_file`` (a path of one machine) becomes
    the file's text with its name and SHA-256; a file missing here leaves the shipped rules
    and a warning every check repeats (asset_register.settings.rules_from_legacy_path)."""
    row = con.execute("SELECT value FROM settings WHERE key = ?", (LEGACY_RULES_FILE,)).fetchone()
    values, warning = rules_from_legacy_path(row[0] if row else "")
    if not values:
        return
    con.executemany("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", values.items())
    con.execute("DELETE FROM settings WHERE key = ?", (LEGACY_RULES_FILE,))
    from .audit import append, has_chain

    record = upgrade_record(row[0], values, warning)
    if has_chain(con):  # (re-applied to a register whose log is already chained)
        append(con, "rules_in_register", record, user="upgrade")
        return
    con.execute("INSERT INTO audit_log (at, user, action, detail) VALUES (?, 'upgrade', ?, ?)",
                (clock.now().isoformat(timespec="seconds"), "rules_in_register",
                 json.dumps(record)))


def _migration_4(con: sqlite3.Connection, crs: pyproj.CRS) -> None:
    """A tamper-evident audit log: every entry chained to the one before by SHA-256
    (gpkg/audit.py); entries already there are chained at the upgrade."""
    from .audit import upgrade

    upgrade(con)


def _migration_5(con: sqlite3.Connection, crs: pyproj.CRS) -> None:
    """Deviation reports: what was found on site against the record (records.DEVIATION_DDL)."""
    from ..records import DEVIATION_DDL

    ddl = DEVIATION_DDL.format(id="INTEGER PRIMARY KEY AUTOINCREMENT", real="REAL")
    # IF NOT EXISTS: a register whose migration record was lost keeps its reports
    con.execute(f"CREATE TABLE IF NOT EXISTS deviations ({ddl})")
    con.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, "
                "description) VALUES ('deviations', 'attributes', 'deviations', "
                "'asset register: deviation reports')")
    con.execute("CREATE INDEX IF NOT EXISTS deviations_asset ON deviations (asset_id, status)")


MIGRATIONS: list[tuple[int, str, object]] = [
    (1, "create_register", _migration_1),
    (2, "pressure_voltage_values", _migration_2),
    (3, "rules_in_register", _migration_3),
    (4, "audit_chain", _migration_4),
    (5, "deviation_reports", _migration_5),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def migrate(con: sqlite3.Connection, crs: pyproj.CRS) -> list[int]:
    """Apply every migration not yet recorded; returns the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    done = {v for (v,) in con.execute("SELECT version FROM schema_migrations")}
    applied = []
    for version, name, fn in MIGRATIONS:
        if version in done:
            continue
        fn(con, crs)
        con.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, ?)",
            (version, name, clock.now().isoformat(timespec="seconds")),
        )
        applied.append(version)
    return applied
