"""Writing an import batch into a GeoPackage register: versioned, atomic, fast.

One transaction holds the batch row, the new asset versions, the retirements,
the rejects, the R*Tree update, the extent and the audit entry; an exception, a
cancel or a killed process leaves the register as it was.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from contextlib import contextmanager

import numpy as np
import shapely

from ...errors import ValidationError
from ...model import ASSET_COLUMNS, BatchInfo, BatchResult, empty_assets
from ..batches import HASHED, HASHED_LATER, AssetChunks, batch_callbacks, prepared_assets
from ..records import now_iso
from . import bulk as gpkg_bulk
from . import connect as gpkg_connect
from . import geom as gpkg_geom
from .schema import GEOM

from ...lazy import lazy_module

gpd = lazy_module("geopandas")
pd = lazy_module("pandas")

BULK_INDEX_ROWS = 20_000  # from this many rows, stage through GDAL and pack the R*Tree in bulk
INSERT_COLUMNS = [GEOM, *ASSET_COLUMNS, "version", "valid_from", "batch_id", "delivery",
                  "crs_accuracy_m", "content_hash"]


_HEX = np.array([f"{i:02x}" for i in range(256)], dtype="S2")
# Columns whose values are nearly all distinct: hashing them directly gives the same hash
# as pandas' default (factorise first, hash the distinct values) without the factorising.
_DISTINCT = {"attrs"}


def content_hash(frame: gpd.GeoDataFrame, wkb: np.ndarray | None = None, *,
                 ascii: bool = False) -> np.ndarray:
    """A 64-bit hash per row of every canonical field and the exact geometry, as 16 hex
    digits (``str``; ``bytes`` with ``ascii``, which Arrow takes without a copy).

    The value is ``pd.util.hash_pandas_object(frame[HASHED], index=False)`` combined with
    the hash of the WKB: it is stored in registers, so it must never change. It is
    computed column by column with pandas' own combination (CPython's tuple hash) so
    that mostly-distinct columns skip the factorising step (same values, ~2x faster).
    """
    if wkb is None:
        wkb = gpkg_geom.to_wkb(frame.geometry.array)
    n = len(frame)
    h = np.full(n, 0x345678, dtype=np.uint64)
    mult = np.uint64(1000003)
    for i, col in enumerate(HASHED):
        values = frame[col]._values
        h ^= (_hash_distinct(values) if col in _DISTINCT
              else pd.util.hash_array(values, categorize=True))
        h *= mult
        inverse = len(HASHED) - i
        mult += np.uint64(82520 + inverse + inverse)
    h += np.uint64(97531)
    for col in HASHED_LATER:
        values = frame[col]
        present = values.notna().to_numpy()
        if present.any():
            extra = pd.util.hash_array(values.to_numpy(dtype=object)[present], categorize=False)
            h[present] = (h[present] ^ extra) * np.uint64(1000003)
    h = h * np.uint64(0x100000001B3) ^ pd.util.hash_array(wkb, categorize=False)
    octets = h.astype(">u8").view(np.uint8).reshape(-1, 8)
    hexed = np.ascontiguousarray(_HEX[octets]).view("S16").ravel()
    return hexed if ascii else hexed.astype("U16")


def _hash_distinct(values) -> np.ndarray:
    """``pd.util.hash_array(values, categorize=False)`` of a column of mostly distinct
    texts. An Arrow-backed text column without nulls is hashed as its UTF-8 bytes, which
    pandas hashes exactly as the texts (it encodes each text as UTF-8 first) without
    making a Python string of each row (~40 % less time)."""
    import pyarrow as pa

    data = getattr(values, "_pa_array", None)
    if data is not None and data.null_count == 0 and (
            pa.types.is_string(data.type) or pa.types.is_large_string(data.type)):
        values = data.cast(pa.large_binary()).to_numpy(zero_copy_only=False)
    return pd.util.hash_array(values, categorize=False)


def _retire(con, fids: np.ndarray, stamp: str) -> None:
    con.executemany(
        "UPDATE assets SET retired_at = ? WHERE fid = ?", ((stamp, int(f)) for f in fids)
    )


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
    stamp = now_iso()
    if isinstance(assets, AssetChunks):
        streamed = _streamed_stage(store, assets, report, check_cancel,
                                   _constants(stamp, delivery, batch))
        batch, rejects = assets.finished(batch, rejects)  # every part has been read
        if isinstance(streamed, gpkg_bulk.StreamedStage):
            try:
                with _bulk_journal(store, streamed):
                    result = _write(
                        store, streamed.summary, None, streamed, streamed.hashes, streamed.ids,
                        batch, delivery, rejects, stamp, t0, report, check_cancel, finalize, area)
            finally:
                streamed.close()
            return _finish(store, result, report)
        assets = streamed  # one frame after all: the plain path

    frame = prepared_assets(assets, store.crs)
    ids = frame["asset_id"].to_numpy(dtype=object)
    stage = None
    if len(frame) >= BULK_INDEX_ROWS and store._depth == 0:  # ATTACH needs no open transaction
        check_cancel()
        stage = gpkg_bulk.Stage(store, frame, _table(frame, None),
                                lambda rows, wkb: content_hash(frame.iloc[rows], wkb, ascii=True),
                                report, _constants(stamp, delivery, batch))
        hashes, table = stage.hashes, None  # staged: free the copy before copying it in
    else:
        report(0.05, "hashing assets")
        hashes = content_hash(frame) if len(frame) else np.array([], dtype=str)
        table = _table(frame, hashes)
    try:
        with _bulk_journal(store, stage):
            result = _write(store, frame, table, stage, hashes, ids, batch, delivery, rejects,
                            stamp, t0, report, check_cancel, finalize, area)
    finally:
        if stage is not None:
            stage.close()
    return _finish(store, result, report)


@contextmanager
def _bulk_journal(store, stage):
    """The register's first load (a staged batch into a register with no asset yet) is
    written with a rollback journal when no other connection has the register open: its
    pages go into the file once instead of into the WAL and again by the checkpoint.
    WAL again afterwards, whatever happens (connect.bulk_journal)."""
    with store._lock:  # (no statement of another thread on the connection meanwhile)
        switched = (stage is not None and stage.first_load and store._depth == 0
                    and gpkg_connect.bulk_journal(store._con))
    try:
        yield
    finally:
        if switched:
            with store._lock:
                store._wal_pending = not gpkg_connect.back_to_wal(store._con)


def _finish(store, result: BatchResult, report) -> BatchResult:
    # after the commit and the staging files' removal: a kill after this line leaves nothing
    report(1.0, "written; to be committed with the rest of the import" if store.in_transaction()
           else "committed")
    return result


def _streamed_stage(store, chunks: AssetChunks, report, check_cancel, constants: dict):
    """A batch handed over in parts: staged part by part (``StreamedStage``) when it can be;
    else (inside an enclosing transaction, no ADBC driver, no rows) the parts as one frame."""
    parts = iter(chunks)
    first = next((part for part in parts if len(part)), None)
    if first is None:
        return empty_assets(store.crs)
    rest = AssetChunks(itertools.chain([first], parts))
    del first  # (held by the chain until it is staged, not for the whole stage)
    if store._depth != 0:
        return rest.frame()
    try:
        import adbc_driver_sqlite.dbapi  # noqa: F401
    except ImportError:
        return rest.frame()

    def prepare(part):
        frame = prepared_assets(part, store.crs)
        return frame, _table(frame, None)

    return gpkg_bulk.StreamedStage(
        store, rest, prepare, lambda frame, wkb: content_hash(frame, wkb, ascii=True), report,
        check_cancel, constants)


def _write(store, frame, table, stage, hashes, ids, batch, delivery, rejects, stamp, t0, report,
           check_cancel, finalize, area=None) -> BatchResult:
    con = store._con
    with store.atomic():
        cur = con.execute(
            """INSERT INTO import_batches (state, source_file, layer, sha256, source_crs,
               transformation, transformation_accuracy_m, profile, owner, delivery, rows_read,
               rows_repaired, started_at, notes) VALUES ('writing',?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            (batch.source_file, batch.layer, batch.sha256, batch.source_crs, batch.transformation,
             batch.transformation_accuracy_m, batch.profile, batch.owner, delivery,
             batch.rows_read, batch.rows_repaired, stamp, json.dumps(batch.notes, default=str)),
        )
        batch_id = cur.lastrowid
        # Live versions this batch may replace or retire: the delivery's, and the same asset
        # ids live elsewhere (other delivery or none), which are replaced too.
        live = pd.DataFrame({"fid": pd.Series(dtype=np.int64), "asset_id": pd.Series(dtype=object),
                             "version": pd.Series(dtype=np.int64),
                             "content_hash": pd.Series(dtype=object)})
        latest = {}
        if con.execute("SELECT 1 FROM assets LIMIT 1").fetchone():
            parts, params = [], []
            if delivery is not None:
                sql = ("SELECT fid, asset_id, version, content_hash FROM assets "
                       "WHERE delivery = ? AND retired_at IS NULL")
                if area is not None:  # an area extract supersedes only what lies inside
                    _fill_area_fids(con, delivery, area)
                    sql += " AND fid IN (SELECT fid FROM area_fids)"
                parts.append(sql)
                params.append(delivery)
            if len(frame):
                con.execute("CREATE TEMP TABLE IF NOT EXISTS batch_ids (asset_id TEXT PRIMARY KEY)")
                con.execute("DELETE FROM batch_ids")
                if stage is not None:  # already in SQLite: no round trip through Python
                    con.execute("INSERT OR IGNORE INTO batch_ids SELECT asset_id FROM staging.batch")
                else:
                    con.executemany("INSERT OR IGNORE INTO batch_ids VALUES (?)", ((i,) for i in ids))
                parts.append("SELECT a.fid, a.asset_id, a.version, a.content_hash FROM batch_ids b "
                             "JOIN assets a ON a.asset_id = b.asset_id WHERE a.retired_at IS NULL")
            rows = con.execute(" UNION ".join(parts), params).fetchall() if parts else []
            if rows:
                fid, aid, ver, chash = zip(*rows)
                live = pd.DataFrame({"fid": np.array(fid, dtype=np.int64),
                                     "asset_id": np.array(aid, dtype=object),
                                     "version": np.array(ver, dtype=np.int64),
                                     "content_hash": np.array(chash, dtype=object)})
            if len(frame):
                if not isinstance(ids, np.ndarray):  # a streamed batch's ids (Arrow)
                    ids = ids.to_numpy(zero_copy_only=False).astype(object)
                latest = _withdrawn_versions(con, ids, live)
        check_cancel()
        is_new, unchanged, changed_fids, version, missing = _compare(ids, hashes, live, latest)
        changed = ~is_new & ~unchanged
        _retire(con, changed_fids, stamp)
        _retire(con, missing["fid"].to_numpy(), stamp)
        write = is_new | changed
        report(0.3, "writing assets")
        check_cancel()
        constants = _constants(stamp, delivery, batch)
        if stage is not None:
            n_written = stage.insert(write, version, batch_id, constants, report, check_cancel)
        else:
            rows = table.loc[write].assign(version=version[write], **constants)
            geoms = frame.geometry.array[write]
            if len(rows) >= BULK_INDEX_ROWS:  # (inside an enclosing transaction: no staging)
                n_written = gpkg_bulk.insert_with_deferred_indexes(
                    con, lambda: _insert_rows(store, rows, geoms, batch_id),
                    shapely.bounds(np.asarray(geoms)))
            else:
                n_written = _insert_rows(store, rows, geoms, batch_id)
        check_cancel()
        n_rejects = _write_rejects(con, batch_id, rejects)
        result = BatchResult(
            batch_id=batch_id, added=int(is_new.sum()), changed=int(changed.sum()),
            unchanged=int(unchanged.sum()), retired=int(len(missing)), rejected=n_rejects,
        )
        result.seconds = time.perf_counter() - t0
        con.execute(
            """UPDATE import_batches SET state='committed', rows_imported=?, rows_rejected=?,
               added=?, changed=?, unchanged=?, retired=?, finished_at=?, seconds=?
               WHERE batch_id=?""",
            (n_written, n_rejects, result.added, result.changed, result.unchanged,
             result.retired, now_iso(), result.seconds, batch_id),
        )
        written = frame.loc[write, ["diameter_mm", "h_accuracy_m"]]
        written.attrs["crs_accuracy_m"] = batch.transformation_accuracy_m
        store._after_assets_changed(written)
        resolved = store._resolve_redelivered(con, batch_id)
        store.audit("import_batch", {"batch_id": batch_id, "source_file": batch.source_file,
                                     "layer": batch.layer, "added": result.added,
                                     "changed": result.changed, "retired": result.retired,
                                     "rejected": n_rejects, "deviations_resolved": resolved})
        if finalize is not None:
            report(0.97, "finishing the batch")
            finalize(result)
        check_cancel()
    return result


def _constants(stamp: str, delivery: str | None, batch: BatchInfo) -> dict:
    """The stored columns that are the same for every row of the batch."""
    return {"valid_from": stamp, "delivery": delivery,
            "crs_accuracy_m": batch.transformation_accuracy_m}


def _fill_area_fids(con, delivery: str, area) -> None:
    """Temp table ``area_fids``: live assets of ``delivery`` whose geometry intersects
    ``area`` (R*Tree on the area's bounds, then an exact test; empty area: none)."""
    con.execute("CREATE TEMP TABLE IF NOT EXISTS area_fids (fid INTEGER PRIMARY KEY)")
    con.execute("DELETE FROM area_fids")
    if not isinstance(area, shapely.Geometry):
        raise ValidationError(f"a delivery area must be a geometry, got {type(area).__name__}")
    if area.is_empty:
        return
    area = shapely.make_valid(area) if not area.is_valid else area
    minx, miny, maxx, maxy = area.bounds
    rows = con.execute(
        f"SELECT fid, {GEOM} FROM assets WHERE fid IN (SELECT id FROM rtree_assets_{GEOM} "
        "WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?) "
        "AND delivery = ? AND retired_at IS NULL", (minx, maxx, miny, maxy, delivery)).fetchall()
    if not rows:
        return
    fids = np.array([r[0] for r in rows], dtype=np.int64)
    shapely.prepare(area)
    inside = shapely.intersects(area, gpkg_geom.decode([r[1] for r in rows]))
    con.executemany("INSERT INTO area_fids VALUES (?)", ((int(f),) for f in fids[inside]))


def _withdrawn_versions(con, ids: np.ndarray, live: pd.DataFrame) -> dict:
    """Latest version of each batch asset id that has no live version but was withdrawn
    earlier: delivered again, it continues its numbering. (A live version is always its
    asset's latest, so only ids without one need looking up.)"""
    held = pd.Series(ids, dtype=object).isin(live["asset_id"].to_numpy(dtype=object))
    absent = ids[~held.to_numpy()]
    if len(absent) == 0:
        return {}
    if len(absent) * 2 < len(ids):  # a re-delivery: few ids are new
        con.execute("CREATE TEMP TABLE IF NOT EXISTS absent_ids (asset_id TEXT PRIMARY KEY)")
        con.execute("DELETE FROM absent_ids")
        con.executemany("INSERT OR IGNORE INTO absent_ids VALUES (?)", ((i,) for i in absent))
        table = "absent_ids"
    else:
        table = "batch_ids"
    return dict(con.execute(
        f"SELECT a.asset_id, MAX(a.version) FROM {table} b JOIN assets a "
        "ON a.asset_id = b.asset_id GROUP BY a.asset_id"))


def _compare(ids, hashes, live: pd.DataFrame, latest: dict):
    """Which batch rows are new or unchanged, the fids they replace, their versions, and
    the live assets the batch no longer holds (numpy throughout: batches are millions)."""
    n = len(ids)
    extra = live.iloc[:0]
    if not live["asset_id"].is_unique:  # never written so, but then the newest one counts
        live = live.sort_values("version", kind="stable")
        dup = live["asset_id"].duplicated(keep="last").to_numpy()
        live, extra = live[~dup], live[dup]
    if len(live):
        pos = pd.Index(live["asset_id"].to_numpy(dtype=object)).get_indexer(ids)
    else:
        pos = np.full(n, -1, dtype=np.intp)
    is_new = pos < 0
    found = pos[~is_new]
    unchanged = np.zeros(n, dtype=bool)
    unchanged[~is_new] = (live["content_hash"].to_numpy(dtype=object)[found]
                          == hashes[~is_new].astype("U16"))
    changed = ~is_new & ~unchanged
    changed_fids = live["fid"].to_numpy(dtype=np.int64)[pos[changed]]
    prior = np.zeros(n, dtype=np.int64)
    prior[~is_new] = live["version"].to_numpy(dtype=np.int64)[found]
    if latest:
        last = pd.Series(ids, dtype=object).map(latest).fillna(0).to_numpy(dtype=np.int64)
        prior = np.maximum(prior, last)
    held = np.zeros(len(live), dtype=bool)
    held[found] = True
    return is_new, unchanged, changed_fids, prior + 1, pd.concat([live[~held], extra])


def _table(frame, hashes) -> pd.DataFrame:
    """The stored columns that vary by row (geometry, and the batch's constants, aside)."""
    table = pd.DataFrame({c: frame[c] for c in ASSET_COLUMNS}, index=frame.index)
    table["version"] = np.int64(1)
    if hashes is not None:
        table["content_hash"] = hashes
    table["restricted"] = table["restricted"].astype(np.int64)
    return table


def _insert_rows(store, table, geoms, batch_id) -> int:
    """Per-row insert for small batches (the R*Tree triggers keep the index)."""
    if len(table) == 0:
        return 0
    blobs = gpkg_geom.encode(geoms, store.srs_id)
    cols = [c for c in INSERT_COLUMNS if c not in (GEOM, "batch_id")]
    values = table[cols].astype(object).where(table[cols].notna(), None)
    sql = (f"INSERT INTO assets ({GEOM}, {','.join(cols)}, batch_id) "
           f"VALUES ({','.join('?' * (len(cols) + 2))})")
    store._con.executemany(sql, ((b, *row, batch_id) for b, row in
                                 zip(blobs, values.itertuples(index=False, name=None))))
    return len(table)


def _write_rejects(con, batch_id: int, rejects: pd.DataFrame | None) -> int:
    if rejects is None or len(rejects) == 0:
        return 0
    if "reason" not in rejects.columns:
        raise ValidationError("rejects need a 'reason' column saying why each row was not imported")
    r = rejects.reindex(columns=["row", "reason", "attrs", "geometry_wkt"])
    r = r.astype(object).where(r.notna(), None)
    con.executemany(
        "INSERT INTO rejects (batch_id, row, reason, attrs, geometry_wkt) VALUES (?,?,?,?,?)",
        ((batch_id, None if row is None else int(row), str(reason), attrs, wkt)
         for row, reason, attrs, wkt in r.itertuples(index=False, name=None)),
    )
    return len(r)
