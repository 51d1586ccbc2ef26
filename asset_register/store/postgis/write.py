"""Writing an import batch into a PostGIS register: COPY into staging, versioning in SQL.

Everything happens in one transaction: the batch row, a COPY of the frame
(Arrow CSV, hex EWKB geometry) into a temporary staging table, then set-based
SQL that retires changed and withdrawn versions and inserts new ones (the GiST
index is maintained by the server), the rejects (COPY), the cached bounds and
the audit entry. A lost connection, a killed client, an exception or a cancel
roll the whole batch back; other sessions never see part of it.

Two editors may import at once: the batch takes transaction-scoped advisory
locks on its owners and delivery (sorted, so no deadlock), so batches touching
the same owner run one after the other and others run side by side.
Versioning follows ``gpkg/write.py`` exactly, except that an asset id that comes
back after being retired gets the next version after its last one.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import geopandas as gpd
import pandas as pd
import shapely

from ...errors import PermissionDeniedError, ValidationError
from ...model import ASSET_COLUMNS, BatchInfo, BatchResult
from ...waits import announce
from ..batches import HASHED as _HASHED
from ..batches import HASHED_LATER as _LATER
from ..batches import batch_callbacks, prepared_assets
from .errors import translated
from .records import now_sql
from .frames import csv_chunks, wkb_hex
from .connect import LOCK_TIMEOUT_S
from .schema import lock_key

_PG_TYPES = {"string": "text", "float64": "double precision", "bool": "boolean"}
STAGE_COLUMNS = ["geom", *ASSET_COLUMNS]
_STAGE_DDL = ", ".join(
    ["geom geometry"] + [f'"{c}" {_PG_TYPES[t]}' + (' COLLATE "C"' if c == "asset_id" else "")
                         for c, t in ASSET_COLUMNS.items()])
_COLS = ", ".join(f'"{c}"' for c in ASSET_COLUMNS)
_S_COLS = ", ".join(f's."{c}"' for c in ASSET_COLUMNS)
# Content hash of a staged row: every canonical field but the id, and the exact geometry
# (hex EWKB in the row's text form). Computed by the server, so only what changes is hashed.
# The hash covers the fields of schema 1 in their order (stored hashes depend on it); fields
# added later are appended only where a row has a value, so other rows keep their hash.
HASH_SQL = "md5(ROW({}, s.geom)::text{})".format(
    ", ".join(f's."{c}"' for c in _HASHED),
    "".join(f" || coalesce('|{c}=' || s.\"{c}\"::text, '')" for c in _LATER))
BULK_ROWS = 20_000  # a first load this large rebuilds the indexes once instead of per row

def write_batch(
    store,
    assets: gpd.GeoDataFrame,
    batch: BatchInfo,
    *,
    rejects: pd.DataFrame | None,
    delivery: str | None,
    progress: Callable[[float, str], None] | None,
    cancel: Callable[[], bool] | None,
    finalize: Callable[[BatchResult], None] | None = None,
    area: shapely.Geometry | None = None,
) -> BatchResult:
    t0 = time.perf_counter()
    report, check_cancel = batch_callbacks(progress, cancel)

    store.require_editor("import assets")
    frame = prepared_assets(assets, store.crs)
    _require_owners(store, sorted(frame["owner"].dropna().unique()))
    if rejects is not None and len(rejects) and "reason" not in rejects.columns:
        raise ValidationError("rejects need a 'reason' column saying why each row was not imported")
    report(0.05, "encoding assets")
    stage = pd.DataFrame({"geom": wkb_hex(frame.geometry.array)}, index=frame.index)
    for c in ASSET_COLUMNS:
        stage[c] = frame[c]
    keys = sorted({lock_key(store.schema, f"owner:{o}") for o in frame["owner"].unique()}
                  | ({lock_key(store.schema, f"delivery:{delivery}")} if delivery else set()))
    with store.atomic() as conn, conn.cursor() as cur:
        # another session's batch of the same owner is waited for, but not forever (the
        # session's lock_timeout, connect.LOCK_TIMEOUT_S: then 'register is busy')
        for key in keys:
            cur.execute("SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0))", (key,))
            if not cur.fetchone()[0]:  # held by another batch: say so, then wait for it
                announce(f"waiting for another import of the same owner or delivery to "
                         f"commit… (up to {LOCK_TIMEOUT_S} s)")
                cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))
        now, now_params = now_sql()
        cur.execute(f"SELECT {now}", now_params)  # one time for the whole batch
        stamp = cur.fetchone()[0]
        cur.execute(
            """INSERT INTO import_batches (state, source_file, layer, sha256, source_crs,
               transformation, transformation_accuracy_m, profile, owner, delivery, rows_read,
               rows_repaired, started_at, notes) VALUES ('writing', %s, %s, %s, %s, %s, %s, %s,
               %s, %s, %s, %s, %s, %s) RETURNING batch_id""",
            (batch.source_file, batch.layer, batch.sha256, batch.source_crs, batch.transformation,
             batch.transformation_accuracy_m, batch.profile, batch.owner, delivery,
             batch.rows_read, batch.rows_repaired, stamp, json.dumps(batch.notes, default=str)))
        batch_id = int(cur.fetchone()[0])
        cur.execute("DROP TABLE IF EXISTS ar_stage, ar_prev")
        cur.execute(f"CREATE TEMP TABLE ar_stage ({_STAGE_DDL}) ON COMMIT DROP")
        n = len(stage)
        with cur.copy(f"COPY ar_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN "
                      "WITH (FORMAT csv)") as copy:
            for done, chunk in csv_chunks(stage):
                check_cancel()
                copy.write(chunk)
                report(0.1 + 0.5 * done / max(n, 1), f"sent {done:,} of {n:,} assets")
        check_cancel()
        report(0.65, "versioning assets")
        counts = _version(cur, store.srid, batch_id, delivery, stamp,
                          batch.transformation_accuracy_m, _area_wkb(area))
        check_cancel()
        n_rejects = _write_rejects(cur, batch_id, rejects)
        result = BatchResult(batch_id=batch_id, rejected=n_rejects, **counts)
        result.seconds = time.perf_counter() - t0
        cur.execute(
            f"""UPDATE import_batches SET state = 'committed', rows_imported = %s,
               rows_rejected = %s, added = %s, changed = %s, unchanged = %s, retired = %s,
               finished_at = {now}, seconds = %s WHERE batch_id = %s""",
            (result.added + result.changed, n_rejects, result.added, result.changed,
             result.unchanged, result.retired, *now_params, result.seconds, batch_id))
        report(0.9, "updating register bounds")
        store._after_assets_changed()
        resolved = store._resolve_redelivered(conn, batch_id)
        store.audit("import_batch", {"batch_id": batch_id, "source_file": batch.source_file,
                                     "layer": batch.layer, "added": result.added,
                                     "changed": result.changed, "retired": result.retired,
                                     "rejected": n_rejects, "deviations_resolved": resolved})
        if finalize is not None:
            finalize(result)
        check_cancel()
        store._bump(conn)
    report(1.0, "written; to be committed with the rest of the import" if store.in_transaction()
           else "committed")
    return result


def _require_owners(store, owners: list[str]) -> None:
    """Refuse up front, naming them, owners the login may not import (the server's row-level
    security would refuse the batch anyway: postgis/security.py)."""
    with store._lock, translated(store):
        if store._conn.execute("SELECT to_regprocedure('ar_may_import(text)') IS NULL"
                               ).fetchone()[0]:
            return  # a register from before the server's guards (upgraded on its owner's open)
        refused = [o for o, ok in store._conn.execute(
            "SELECT o, ar_may_import(o) FROM unnest(%s::text[]) o", (owners,)).fetchall()
            if not ok]
    if refused:
        raise PermissionDeniedError(
            f"user {store.url.user!r} may not import assets of owner(s) {', '.join(refused)}: "
            "an editor imports only for the owners granted to it; ask the register's "
            "administrator ('asset-register roles URL --create-editor NAME --owner CODE')")


def _area_wkb(area) -> bytes | None:
    """The delivery area as WKB for the server (None: the whole delivery scope)."""
    if area is None:
        return None
    if not isinstance(area, shapely.Geometry):
        raise ValidationError(f"a delivery area must be a geometry, got {type(area).__name__}")
    return shapely.to_wkb(area if area.is_valid else shapely.make_valid(area))


def _version(cur, srid: int, batch_id: int, delivery, stamp: str, crs_acc,
             area: bytes | None = None) -> dict[str, int]:
    """Retire changed/withdrawn live versions and insert new ones; returns the counts.
    With ``area`` (WKB), only withdrawn versions intersecting it are retired."""
    cur.execute("ANALYZE ar_stage (asset_id)")
    cur.execute("SELECT COUNT(*) FROM ar_stage")
    staged = cur.fetchone()[0]
    if staged >= BULK_ROWS and _first_load_by_owner(cur):
        return _first_load(cur, srid, batch_id, delivery, stamp, crs_acc, staged)
    cur.execute(
        "CREATE TEMP TABLE ar_prev ON COMMIT DROP AS "
        "WITH r AS (UPDATE assets a SET retired_at = %s FROM ar_stage s "
        "WHERE a.asset_id = s.asset_id AND a.retired_at IS NULL "
        f"AND a.content_hash IS DISTINCT FROM {HASH_SQL} RETURNING a.asset_id, a.version) "
        "SELECT * FROM r", (stamp,))
    changed = cur.rowcount
    # Statistics and an index on the retired versions: without them the planner may loop
    # over ar_prev once per staged row (quadratic on a large re-delivery).
    cur.execute("CREATE INDEX ON ar_prev (asset_id)")
    cur.execute("ANALYZE ar_prev")
    cur.execute("SELECT COUNT(*) FROM ar_stage s JOIN assets a ON a.asset_id = s.asset_id "
                "AND a.retired_at IS NULL")
    unchanged = cur.fetchone()[0]
    retired = 0
    if delivery is not None and not (area is not None and shapely.from_wkb(area).is_empty):
        inside, params = "", [stamp, delivery]
        if area is not None:  # an area extract supersedes only what lies inside
            inside = "AND ST_Intersects(a.geom, ST_GeomFromWKB(%s, %s)) "
            params += [area, srid]
        cur.execute(
            "UPDATE assets a SET retired_at = %s WHERE a.delivery = %s AND a.retired_at IS NULL "
            f"{inside}AND NOT EXISTS (SELECT 1 FROM ar_stage s WHERE s.asset_id = a.asset_id)",
            params)
        retired = cur.rowcount
    cur.execute(
        f"""INSERT INTO assets (geom, {_COLS}, version, valid_from, batch_id, delivery,
            crs_accuracy_m, content_hash)
        SELECT ST_SetSRID(s.geom, %s), {_S_COLS},
            COALESCE(p.version, (SELECT MAX(x.version) FROM assets x
                                 WHERE x.asset_id = s.asset_id), 0) + 1,
            %s, %s, %s, %s, {HASH_SQL}
        FROM ar_stage s LEFT JOIN ar_prev p ON p.asset_id = s.asset_id
        WHERE NOT EXISTS (SELECT 1 FROM assets a WHERE a.asset_id = s.asset_id
                          AND a.retired_at IS NULL)""",
        (srid, stamp, batch_id, delivery, crs_acc))
    written = cur.rowcount
    return {"added": written - changed, "changed": changed, "unchanged": int(unchanged),
            "retired": retired}


def _first_load_by_owner(cur) -> bool:
    """True when ``assets`` is empty and ours to re-index (the register owner's first load)."""
    cur.execute("SELECT NOT EXISTS (SELECT 1 FROM assets) AND pg_has_role(tableowner, 'USAGE') "
                "FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'assets'")
    row = cur.fetchone()
    return bool(row and row[0])


def _first_load(cur, srid, batch_id, delivery, stamp, crs_acc, staged) -> dict[str, int]:
    """Fill an empty assets table with the indexes dropped and rebuilt once (sorted builds).

    Holds an exclusive lock on ``assets`` until commit: readers of an empty register wait
    for the first load instead of seeing it half built. Every id is new: version 1.
    """
    cur.execute("LOCK TABLE assets IN ACCESS EXCLUSIVE MODE")
    cur.execute("SET LOCAL maintenance_work_mem = '256MB'")  # index builds sort in memory
    cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename = 'assets' AND indexname <> 'assets_pkey'")
    indexes = cur.fetchall()
    for name, _ in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    cur.execute(
        f"""INSERT INTO assets (geom, {_COLS}, version, valid_from, batch_id, delivery,
            crs_accuracy_m, content_hash)
        SELECT ST_SetSRID(s.geom, %s), {_S_COLS}, 1, %s, %s, %s, %s, {HASH_SQL}
        FROM ar_stage s""", (srid, stamp, batch_id, delivery, crs_acc))
    for _, definition in indexes:
        cur.execute(definition)
    # Statistics for the columns queries filter on (not the wide attrs text): plans use
    # the GiST index from the first check on.
    cur.execute("ANALYZE assets (geom, asset_id, retired_at, delivery, owner, batch_id)")
    return {"added": staged, "changed": 0, "unchanged": 0, "retired": 0}


def _write_rejects(cur, batch_id: int, rejects: pd.DataFrame | None) -> int:
    if rejects is None or len(rejects) == 0:
        return 0
    r = rejects.reindex(columns=["row", "reason", "attrs", "geometry_wkt"]).copy()
    r.insert(0, "batch_id", batch_id)
    r["row"] = pd.to_numeric(r["row"], errors="coerce").astype("Int64")
    for c in ("reason", "attrs", "geometry_wkt"):
        r[c] = r[c].astype("string")
    # COPY cannot write a table under row-level security (migration 8): stage, then INSERT
    cur.execute('CREATE TEMP TABLE ar_rejects ON COMMIT DROP AS SELECT batch_id, "row", reason, '
                "attrs, geometry_wkt FROM rejects WITH NO DATA")
    with cur.copy('COPY ar_rejects (batch_id, "row", reason, attrs, geometry_wkt) FROM STDIN '
                  "WITH (FORMAT csv)") as copy:
        for _, chunk in csv_chunks(r):
            copy.write(chunk)
    cur.execute('INSERT INTO rejects (batch_id, "row", reason, attrs, geometry_wkt) '
                'SELECT batch_id, "row", reason, attrs, geometry_wkt FROM ar_rejects')
    cur.execute("DROP TABLE ar_rejects")
    return len(r)

