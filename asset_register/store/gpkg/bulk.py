"""Bulk path of a batch write: rows are staged in bulk, SQLite copies them in one statement.

Binding a million rows of 25 values from Python costs ~20 µs a row. Instead the batch
is bulk-ingested as Arrow into a temporary SQLite file beside the register *before*
the write transaction starts (ATTACH is impossible inside one), each row already the
record ``assets`` will hold; the transaction then copies them with one
``INSERT … SELECT`` (C speed; whole records, undecoded, for a batch of new rows),
drops and rebuilds the secondary indexes, and packs the R*Tree with
``rtree.bulk_load``. The staging file is deleted afterwards whatever happens;
it never holds register data that is not also in the batch being written. A process
killed meanwhile leaves it behind under a lock nobody holds any more: the next open or
import of the register sweeps it (staging.py).
"""

from __future__ import annotations

import itertools
import re
import threading
import weakref
from pathlib import Path

import numpy as np
import shapely

from . import geom as gpkg_geom
from . import rtree as gpkg_rtree
from . import staging
from .schema import ASSETS, GEOM, rtree_trigger_sql

from ...lazy import lazy_module

gpd = lazy_module("geopandas")
pd = lazy_module("pandas")
pyogrio = lazy_module("pyogrio")

RTREE = f"rtree_{ASSETS}_{GEOM}"
# Rebuilt after a bulk copy: building a B-tree from sorted keys beats a million random inserts.
SECONDARY_INDEXES = ("assets_asset_version", "assets_delivery")
# Below 1/INCREMENTAL_SHARE of the register's size a batch keeps the indexes and the R*Tree
# triggers (per-row upkeep); above it they are rebuilt in bulk after the copy.
INCREMENTAL_SHARE = 10


def clean_stale(register: Path) -> None:
    """Remove staging files that dead imports left beside the register (staging.sweep)."""
    staging.sweep(register)


OPEN_STAGES: weakref.WeakSet = weakref.WeakSet()


def remove_open_staging() -> None:
    """Remove the staging files of every open stage: for a process about to end at once
    (Ctrl-C during a long call), whose files would otherwise wait for the next open."""
    for stage in list(OPEN_STAGES):
        stage._remove_files()
        stage._release()


class Stage:
    """The batch rows staged in a temporary SQLite file attached as ``staging``.

    With the ADBC SQLite driver each row is staged once as the very record ``assets`` will
    hold (a table made from the register's own ``CREATE TABLE``: its fid, GeoPackage blob,
    hash, version 1, the batch's id and constants), so that a batch of new rows is copied
    into the register by SQLite's transfer of whole records (``INSERT INTO assets SELECT *``,
    no column decoded); other batches copy the kept rows column by column. The rows go in
    part by part as Arrow through its bulk ingest (C, GIL released) in a thread while this
    thread encodes and hashes the next part. Where that driver is missing or cannot load,
    GDAL (pyogrio) writes one GeoPackage instead (~2x slower).
    """

    records = False  # staged as whole ``assets`` records (the ADBC path)

    def __init__(self, store, frame, table: pd.DataFrame, hash_rows, report,
                 constants: dict | None = None):
        self._open(store)
        geoms = frame.geometry.array
        self.bounds = shapely.bounds(geoms)
        self.leaf_table = "staging.leaf"  # where each staged row's packed leaf is (``leaf``)
        report(0.05, f"staging {len(table):,} assets")
        try:
            try:
                self._ingest_records(table, geoms, hash_rows, constants or {})
                self.srs_id = store.srs_id
            except Exception:  # ADBC driver missing or unloadable: GDAL does the same, slower
                self._remove_files()
                self.records, self.packing, self.leaf_table = False, None, None
                self.hashes = hash_rows(slice(None), gpkg_geom.to_wkb(geoms))
                self._write_gdal(table.assign(content_hash=self.hashes.astype("U16")), geoms)
            self._attach("staging", self.path)
            if self.srs_id is None:
                self.srs_id = int(store._con.execute(
                    "SELECT srs_id FROM staging.gpkg_geometry_columns WHERE table_name='batch'"
                ).fetchone()[0])
        except BaseException:
            self.close()
            raise

    def _open(self, store) -> str:
        """Take a fresh staging stem (locked, so the sweep spares its files) and set up what
        every stage starts with; returns the stem."""
        self.store = store
        staging.sweep(store.path)  # stages of imports that were killed
        stem = staging.new_stem(store.path)
        self.path = Path(f"{stem}.gpkg")
        self._lock = staging.take_lock(stem)  # before any file: the sweep spares them
        OPEN_STAGES.add(self)
        self.attached = []
        # Into an empty index the batch's own tree is the whole tree: pack it now, outside
        # the transaction (checked again inside it).
        self.packing = None
        self.pack_now = not store._con.execute(f'SELECT 1 FROM "{RTREE}_rowid" LIMIT 1').fetchone()
        # The register's first load (no asset yet, not even a retired one): written with a
        # rollback journal when nobody else has the register open (connect.bulk_journal).
        self.first_load = not store._con.execute(f"SELECT 1 FROM {ASSETS} LIMIT 1").fetchone()
        return stem

    def _attach(self, name: str, path: Path) -> None:
        self.store._con.execute(f"ATTACH DATABASE ? AS {name}", (str(path),))
        self.attached.append(name)

    def _ingest_records(self, table: pd.DataFrame, geoms, hash_rows, constants: dict) -> None:
        import adbc_driver_sqlite.dbapi  # noqa: F401  (ImportError here selects the GDAL path)
        import pyarrow as pa

        ddl, page_size = self._plan_records(constants)
        n = len(table)
        attrs = _arrow_attrs(table, self.null_default)
        staged_ddl = self._plan_defaults(ddl, attrs)
        hashes = []

        def parts():
            for start in range(0, n, STAGE_PART_ROWS):
                rows = slice(start, min(n, start + STAGE_PART_ROWS))
                wkb = gpkg_geom.to_wkb(geoms[rows])
                h = hash_rows(rows, wkb)
                hashes.append(h)
                yield from pa.table(self._record_columns(
                    attrs.slice(start, len(wkb)), wkb, h, self.bounds[rows], start)).to_batches()

        def pack():
            self.packing = gpkg_rtree.Packing(self.bounds[:, [0, 2, 1, 3]])
            return {"leaf": pa.array(self.packing.leaf_of())}

        extra = {"leaf": pack} if self.pack_now else {}
        _ingest_stream(self.path, page_size, staged_ddl, parts(), extra,
                       ddl if staged_ddl != ddl else None)
        self.hashes = np.concatenate(hashes)
        self.records = True

    def _plan_records(self, constants: dict) -> tuple[str, int]:
        """Fix what every staged record holds besides its row: the fids and batch id the
        rows will get if no other writer comes first (checked in the transaction; if one
        did, the rows are copied column by column instead) and the batch's constants.
        Returns the staged table's ``CREATE TABLE`` (the register's own) and page size."""
        con = self.store._con
        self.fid_base = _sequence(con, ASSETS)
        self.batch_guess = _sequence(con, "import_batches") + 1
        self.constants = dict(constants)
        ddl = con.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                          (ASSETS,)).fetchone()[0]
        self.table_info = con.execute(f"PRAGMA table_info({ASSETS})").fetchall()
        # columns that hold NULL unless given a value: left out where they have none
        self.null_default = {r[1] for r in self.table_info if r[4] is None and not r[5]}
        self.defaulted = {}  # column -> the value its staged rows get as the column's default
        ddl = ddl.replace(f"CREATE TABLE {ASSETS}", "CREATE TABLE batch", 1)
        return ddl, con.execute("PRAGMA page_size").fetchone()[0]

    def _plan_defaults(self, ddl: str, attrs) -> str:
        """The staged table's ``CREATE TABLE``: the register's own (``ddl``), except that
        the columns holding one value on every staged row — the batch's constants, and the
        columns of ``attrs`` (Arrow; the batch or its first part) with a single text or
        integer value — get that value as their default, so the ingest binds them for no
        row (a million rows of 20 bound values cost ~2.4 s, of 10 ~1.5 s). The rows hold
        the same records either way (SQLite writes a default into each row's record); the
        register's own text is put back before the stage is read (``_restore_ddl``), so
        that the copy into the register is still SQLite's transfer of whole records.
        Sets ``self.defaulted``; ``ddl`` itself when the table cannot be rebuilt so."""
        values = {c: v for c, v in {**self.constants, "batch_id": self.batch_guess}.items()
                  if v is not None}
        for name in attrs.column_names:
            value = _single_value(attrs[name])
            if value is not None:
                values[name] = value
        staged, self.defaulted = _ddl_with_defaults(ddl, self.table_info, values)
        return staged

    def _record_columns(self, attrs, wkb: np.ndarray, hashes: np.ndarray, bounds: np.ndarray,
                        start: int) -> dict:
        """The Arrow columns of the staged records of rows ``start``… (``attrs``: their
        varying columns, as Arrow; ``hashes``: 16-byte ASCII)."""
        import pyarrow as pa

        n = len(wkb)
        fixed = {**self.constants, "batch_id": self.batch_guess}
        defaulted = self.defaulted  # left out: the staged table's default is the value
        return {
            "fid": pa.array(np.arange(self.fid_base + 1 + start, self.fid_base + 1 + start + n,
                                      dtype=np.int64)),
            GEOM: _blobs(wkb, bounds, self.store.srs_id),
            "content_hash": _ascii_column(hashes, 16),
            **{c: attrs[c] for c in attrs.column_names
               if not (c in defaulted and _holds_only(attrs[c], defaulted[c]))},
            **{c: _constant_column(value, n) for c, value in fixed.items()
               if not (value is None and c in self.null_default) and c not in defaulted},
        }

    def _write_gdal(self, table: pd.DataFrame, geoms) -> None:
        frame = table.reset_index(drop=True)
        frame["row_no"] = np.arange(len(frame), dtype=np.int64)
        gdf = gpd.GeoDataFrame(frame, geometry=gpd.array.GeometryArray(np.asarray(geoms),
                                                             crs=self.store.crs))
        pyogrio.write_dataframe(
            gdf, self.path, layer="batch", driver="GPKG", use_arrow=True,
            geometry_type="Unknown", layer_options={"SPATIAL_INDEX": "NO"},
        )
        self.srs_id = None  # read back from the staged GeoPackage

    def insert(self, keep_rows: np.ndarray, version: np.ndarray, batch_id: int,
               constants: dict, report, check_cancel) -> int:
        """Copy the kept rows (with their versions, and the batch's ``constants`` for every
        row) into ``assets``; inside the transaction."""
        con = self.store._con
        cols = [r[1] for r in con.execute("PRAGMA staging.table_info(batch)")]
        source = "staging.batch b"
        # staged row k is the row whose ``key`` is k + ``first``: its fid when staged as a
        # record, else its rowid (rows were staged in order into a new table)
        key, first = ("b.fid", self.fid_base + 1) if self.records else ("b.rowid", 1)
        skip_cols = {"fid", "row_no"} | ({"batch_id", *constants} if self.records else set())
        copy_cols = [c for c in cols if c not in skip_cols]
        changed = np.flatnonzero(keep_rows & (version != 1))
        kept = np.flatnonzero(keep_rows)
        skip = np.flatnonzero(~keep_rows)
        before = _sequence(con, "assets")
        # A few rows into a large register: SQLite's own index maintenance (and the R*Tree
        # triggers) cost less than rebuilding the indexes and repacking the whole tree.
        incremental = len(kept) * INCREMENTAL_SHARE < before
        # Every staged row new, with the fids and batch id it was staged with (no other
        # writer came first): SQLite copies the records whole (its transfer optimisation).
        whole = (self.records and not incremental and len(skip) == 0 and len(changed) == 0
                 and before == self.fid_base and batch_id == self.batch_guess
                 and constants == self.constants)
        self.whole = whole  # (which copy ran: the tests compare both with the plain path)
        if len(changed):
            if self.records:
                con.executemany("UPDATE staging.batch SET version = ? WHERE fid = ?",
                                ((int(version[i]), int(i) + first) for i in changed))
            else:
                con.execute("CREATE INDEX staging.batch_row_no ON batch (row_no)")
                con.executemany("UPDATE staging.batch SET version = ? WHERE row_no = ?",
                                ((int(version[i]), int(i)) for i in changed))
        where = ""
        if len(skip):  # name the smaller of the two sets of rows (a re-delivery keeps few)
            con.execute("CREATE TEMP TABLE IF NOT EXISTS batch_rows (row_no INTEGER PRIMARY KEY)")
            con.execute("DELETE FROM batch_rows")
            named = kept if len(kept) <= len(skip) else skip
            con.executemany("INSERT INTO batch_rows VALUES (?)", ((int(i),) for i in named))
            # naming the kept rows lets SQLite seek them instead of scanning the stage
            where = (f"WHERE {key} {'IN' if named is kept else 'NOT IN'} "
                     f"(SELECT row_no + {int(first)} FROM temp.batch_rows)")
        check_cancel()
        marks = ",".join("?" * len(SECONDARY_INDEXES))
        index_sql = [r[0] for r in con.execute(
            f"SELECT sql FROM sqlite_master WHERE type='index' AND name IN ({marks})", SECONDARY_INDEXES)]
        if not incremental:
            for name in SECONDARY_INDEXES:
                con.execute(f"DROP INDEX IF EXISTS {name}")
            for name in ("insert", "update1", "update2", "update3", "update4", "delete"):
                con.execute(f"DROP TRIGGER IF EXISTS {RTREE}_{name}")
        geom_expr = GEOM
        if self.srs_id != self.store.srs_id:  # rewrite the srs_id in each blob header
            geom_expr = (f"CAST(substr({GEOM}, 1, 4) || "
                         f"X'{self.store.srs_id.to_bytes(4, 'little', signed=True).hex()}'"
                         f" || substr({GEOM}, 9) AS BLOB)")
        names = list(copy_cols) + list(constants) + ["batch_id"]
        select = [geom_expr if c == GEOM else c for c in copy_cols] + ["?"] * (len(constants) + 1)
        report(0.4, "copying assets into the register")
        if whole:
            con.execute(f"INSERT INTO {ASSETS} SELECT * FROM staging.batch")
        else:
            con.execute(
                f"INSERT INTO assets ({', '.join(names)}) SELECT {', '.join(select)} "
                f"FROM {source} {where} ORDER BY {key}",  # = row order
                (*constants.values(), batch_id))
        after = _sequence(con, "assets")
        if after - before != len(kept):
            raise RuntimeError("the copied rows did not get consecutive ids; batch rolled back")
        check_cancel()
        # AUTOINCREMENT gave the copied rows consecutive fids in row order (we hold the lock)
        new_ids = np.arange(before + 1, after + 1, dtype=np.int64)
        if incremental:
            return len(new_ids)
        report(0.7, "rebuilding indexes")
        for sql in index_sql:
            con.execute(sql)
        report(0.8, "building the spatial index")
        if (self.packing is not None and self.leaf_table is not None and keep_rows.all()
                and not con.execute(f'SELECT 1 FROM "{RTREE}_rowid" LIMIT 1').fetchone()):
            # still an empty index and every staged row copied: row k is fid before + 1 + k
            self.packing.write(con, RTREE, new_ids, rowid_select=(
                f"SELECT rowid + ?, leaf FROM {self.leaf_table} ORDER BY rowid", (before,)))
        else:
            gpkg_rtree.bulk_add(con, RTREE, new_ids, self.tree_boxes(keep_rows))
        for stmt in rtree_trigger_sql(ASSETS):
            con.execute(stmt)
        return len(new_ids)

    def tree_boxes(self, rows: np.ndarray) -> np.ndarray:
        """R*Tree boxes (minx, maxx, miny, maxy) of the staged ``rows`` (a boolean mask)."""
        return self.bounds[rows][:, [0, 2, 1, 3]]

    def close(self) -> None:
        try:
            while self.attached:
                self.store._con.execute(f"DETACH DATABASE {self.attached.pop()}")
        finally:
            try:
                self._remove_files()
            finally:
                self._release()

    def _remove_files(self) -> None:
        staging.remove((self.path,))

    def _release(self) -> None:
        """Let go of the stage's lock (after its files are gone)."""
        OPEN_STAGES.discard(self)
        self._lock.release()


class StreamedStage(Stage):
    """A batch handed over in parts (``AssetChunks``) staged part by part: each part is
    validated, hashed, encoded and appended to the staging file as finished ``assets``
    records (as a one-frame batch is), then dropped, so memory
    holds one part plus a few numbers per row (bounds, hash, id, the clearance fields),
    never the whole batch. The copy into the register is ``Stage.insert``, the same as for
    a one-frame batch; the R*Tree is packed once every part is staged. Each part's asset
    ids are checked against the earlier parts' before it is staged (``_SeenIds``), and each
    part is ingested by a thread of its own while this one prepares the next."""

    def __init__(self, store, parts, prepare, hash_rows, report, check_cancel,
                 constants: dict | None = None):
        import adbc_driver_sqlite.dbapi  # noqa: F401  (no driver: the caller joins the parts)
        import pyarrow as pa

        self._open(store)
        self.leaf_table = "staging.leaf"
        self.srs_id = store.srs_id
        boxes, hashes, clearance = [], [], []
        seen = _SeenIds()  # each part's ids checked against the earlier parts' as it comes
        rows = 0
        # one connection (and one transaction, one sync) for every part, used by one thread
        # that ingests each part while this one validates, encodes and hashes the next
        ingest = _Ingest()
        worker = _IngestThread()
        try:
            ddl, page_size = self._plan_records(constants or {})
            self.records = True
            staged_ddl = None
            for part in parts:
                check_cancel()
                frame, table = prepare(part)
                n = len(frame)
                if n == 0:
                    continue
                report(0.05, f"staging assets: {rows + n:,}")
                # a column given a default is kept even where a part holds only nulls in it
                # (left out, its rows would get the default)
                attrs = _arrow_attrs(table, self.null_default - set(self.defaulted))
                part_ids = frame["asset_id"].to_numpy(dtype=object)
                seen.add(pa.array(part_ids, type=pa.string()),
                         pd.util.hash_array(part_ids, categorize=False))  # (before it is staged)
                if staged_ddl is None:  # the first part's single values become defaults
                    staged_ddl = self._plan_defaults(ddl, attrs)
                    worker.put(ingest.create, self.path, staged_ddl, page_size)
                geoms = frame.geometry.array
                b = shapely.bounds(geoms)
                wkb = gpkg_geom.to_wkb(geoms)
                h = hash_rows(frame, wkb)
                worker.put(ingest, self.path, "batch", pa.table(self._record_columns(
                    attrs, wkb, h, b, rows)), "append")
                del attrs
                del table, wkb
                clearance.append(frame[["diameter_mm", "h_accuracy_m"]].reset_index(drop=True))
                # as the R*Tree stores them: float32, rounded outward (half the memory)
                boxes.append(gpkg_rtree.float32_outward(b[:, [0, 2, 1, 3]]))
                hashes.append(h)
                rows += n
                del frame, part, geoms, part_ids
            self.boxes = np.concatenate(boxes)
            del boxes
            self.hashes = np.concatenate(hashes)
            del hashes
            self.ids = seen.ids()
            del seen
            self.summary = pd.concat(clearance, ignore_index=True)
            if self.pack_now:
                report(0.08, "packing the spatial index")
                self.packing = gpkg_rtree.Packing(self.boxes)
                # the packing holds every box (in tree order): no second copy until written
                self.boxes = None
                worker.put(ingest, self.path, "leaf", pa.table({"leaf": self.packing.leaf_of()}),
                           "create")
            if staged_ddl is None:  # (no part had rows)
                worker.put(ingest.create, self.path, ddl, page_size)
            worker.put(ingest.commit)
            worker.finish()  # (re-raises what failed in it)
            if staged_ddl not in (None, ddl):
                _restore_ddl(self.path, ddl)
            self._attach("staging", self.path)
        except BaseException:
            worker.stop()  # (its current ingest finished; nothing more is ingested)
            ingest.close()
            self.close()
            raise

    def tree_boxes(self, rows: np.ndarray) -> np.ndarray:
        boxes = self.packing.boxes_by_position() if self.boxes is None else self.boxes
        return boxes[rows]


def _repeated(value) -> None:
    from ...errors import ValidationError

    raise ValidationError(f"asset_id {value!r} appears twice in one batch: ids must be unique")


class _SeenIds:
    """The asset ids of a streamed batch's parts, checked part by part: ``add`` refuses a
    part (ValidationError, as for one frame) holding an id twice or one an earlier part
    holds, before it is staged. The ids' 64-bit hashes are kept in a few sorted runs (the
    last two merged while the older is no larger, as a binary counter carries); a hash
    found twice is confirmed on the ids themselves, so a collision is never a repeat."""

    def __init__(self):
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted hashes, positions)
        self._ids: list = []  # each part's ids (Arrow)
        self._n = 0

    def add(self, ids, keys: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        pos = order + self._n
        same = np.flatnonzero(keys[1:] == keys[:-1])  # equal hashes within the part
        within = np.unique(np.concatenate([order[same], order[same + 1]]))
        pairs = []  # (earlier part's position, this part's) of equal hashes
        for run_keys, run_pos in self._runs:
            lo = np.searchsorted(run_keys, keys, side="left")
            hi = np.searchsorted(run_keys, keys, side="right")
            for i in np.flatnonzero(hi > lo):  # (equal hashes: rare, unless ids repeat)
                pairs += [(int(j), int(order[i])) for j in run_pos[lo[i]:hi[i]]]
        if len(within) or pairs:
            import pyarrow as pa

            if len(within):  # an id twice among those of this part sharing a hash
                seen = set()
                for value in ids.take(pa.array(within)).to_pylist():
                    if value in seen:
                        _repeated(value)
                    seen.add(value)
            if pairs:
                earlier = pa.chunked_array(self._ids, type=pa.string()).take(
                    pa.array([a for a, _ in pairs])).to_pylist()
                mine = ids.take(pa.array([b for _, b in pairs])).to_pylist()
                for x, y in zip(earlier, mine, strict=True):
                    if x == y:
                        _repeated(x)
        self._ids.append(ids)
        self._runs.append((keys, pos))
        self._n += len(ids)
        while len(self._runs) > 1 and len(self._runs[-2][0]) <= len(self._runs[-1][0]):
            (k2, p2), (k1, p1) = self._runs.pop(), self._runs.pop()
            k, p = np.concatenate([k1, k2]), np.concatenate([p1, p2])
            order = np.argsort(k, kind="stable")  # (two sorted runs: a merge)
            self._runs.append((k[order], p[order]))

    def ids(self):
        """Every part's ids, in order (Arrow), once every part is added."""
        import pyarrow as pa

        return pa.chunked_array(self._ids, type=pa.string())


class _IngestThread:
    """Calls run in order by one thread (ADBC's ingest releases the GIL), each as soon as
    the one before it is done; ``put`` waits while one is queued. ``finish`` waits for the
    last and re-raises the first failure (after which nothing more is run); ``stop`` ends
    the thread after its current call, whatever is still queued."""

    def __init__(self):
        import queue

        self._queue = queue.Queue(maxsize=1)
        self._failure: list[BaseException] = []
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="stage-ingest", daemon=True)
        self._thread.start()

    def _run(self):
        while True:
            item = self._queue.get()
            if item is None or self._stopping:
                return
            fn, args = item
            try:
                fn(*args)
            except BaseException as exc:  # re-raised in the caller's thread
                self._failure.append(exc)
                return

    def put(self, fn, *args) -> None:
        self._hand((fn, args))

    def _hand(self, item) -> None:
        if not self._offer(item):
            self._raise()
            raise RuntimeError("the staging thread ended early")

    def _offer(self, item) -> bool:
        """Queue ``item`` as soon as there is room; False if the thread has ended."""
        import queue

        while self._thread.is_alive():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _raise(self) -> None:
        if self._failure:
            raise self._failure[0]

    def finish(self) -> None:
        self._hand(None)
        self._thread.join()
        self._raise()

    def stop(self) -> None:
        self._stopping = True
        self._offer(None)
        self._thread.join()


class _Ingest:
    """ADBC bulk ingests into staging files, one open connection and transaction per file
    until ``commit()`` (each part's own connection and commit cost a sync of the file)."""

    def __init__(self):
        self._cons: dict[Path, object] = {}

    def __call__(self, path: Path, table_name: str, data, mode: str) -> None:

        con = self._cons.get(path)
        if con is None:
            con = self._cons[path] = _staging_connection(path)
        with con.cursor() as cur:
            cur.adbc_ingest(table_name, data, mode=mode)

    def create(self, path: Path, ddl: str, page_size: int) -> None:
        """Open ``path`` with the register's page size and run ``ddl`` in it."""
        con = self._cons[path] = _staging_connection(path, page_size)
        with con.cursor() as cur:
            cur.execute(ddl)

    def commit(self) -> None:
        try:
            for con in self._cons.values():
                with con.cursor() as cur:
                    cur.execute("COMMIT")
        finally:
            self.close()

    def close(self) -> None:
        cons, self._cons = self._cons, {}
        for con in cons.values():
            con.close()


def _ingest(path: Path, table_name: str, data, mode: str = "create") -> None:
    """Bulk-ingest an Arrow table into a SQLite file (ADBC, C speed, GIL released): a new
    table (``create``) or more rows for one (``append``)."""
    with _staging_connection(path) as con:
        with con.cursor() as cur:
            cur.adbc_ingest(table_name, data, mode=mode)
            cur.execute("COMMIT")


def _staging_connection(path: Path, page_size: int | None = None):
    """An ADBC connection to a staging file, in an open transaction, with no rollback
    journal and no sync: a staging file is scratch (deleted after the batch, swept if a
    process dies), and the register is written only from a complete one, so its crash
    safety does not rest on these files reaching the disk."""
    import adbc_driver_sqlite.dbapi as adbc

    con = adbc.connect(str(path), autocommit=True)
    try:
        with con.cursor() as cur:
            pragmas = ["journal_mode = OFF", "synchronous = OFF"]
            if page_size:  # as the register's: whole records are copied cell by cell
                pragmas.insert(0, f"page_size = {int(page_size)}")
            for pragma in pragmas:
                cur.execute(f"PRAGMA {pragma}")  # (executed at once; its row is not read)
            cur.execute("BEGIN")
    except BaseException:
        con.close()
        raise
    return con


STAGE_PART_ROWS = 100_000  # rows encoded and hashed while the previous part is ingested


def _arrow_attrs(table: pd.DataFrame, null_default: set):
    """The varying columns of ``table`` (a batch or a part of one) as Arrow, without those
    that are null on every row and whose stored default is null anyway (an insert that
    leaves a column out stores the same NULL; fewer values to bind)."""
    import pyarrow as pa

    attrs = pa.Table.from_pandas(table.reset_index(drop=True), preserve_index=False)
    return attrs.select([f.name for f in attrs.schema if not (
        attrs[f.name].null_count == attrs.num_rows and f.name in null_default)])


def _sequence(con, table: str) -> int:
    """The AUTOINCREMENT counter of ``table`` (the last id given; 0 for none yet)."""
    row = con.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
    return row[0] if row else 0


def _constant_column(value, n: int):
    """An Arrow column of ``n`` times ``value`` (text, number or null) without a Python list."""
    import pyarrow as pa

    if value is None:
        return pa.nulls(n, pa.string())
    if isinstance(value, str):
        raw = value.encode()
        return pa.Array.from_buffers(pa.string(), n, [
            None, pa.py_buffer(np.arange(n + 1, dtype=np.int32) * len(raw)),
            pa.py_buffer(np.frombuffer(raw * n, dtype=np.uint8) if n and raw else b"")])
    if isinstance(value, bool | int | np.integer):
        return pa.array(np.full(n, int(value), dtype=np.int64))
    return pa.array(np.full(n, float(value), dtype=np.float64))


# a column default this rebuild keeps as it is: a text, a number or NULL
_LITERAL = re.compile(r"'(?:[^']|'')*'|[-+]?[0-9]+(?:\.[0-9]+)?|NULL", re.IGNORECASE)
# table text whose constraints a rebuild from PRAGMA table_info would not keep
_NOT_REBUILT = re.compile(
    r"\b(CHECK|REFERENCES|COLLATE|UNIQUE|GENERATED|CONSTRAINT|AS|WITHOUT|STRICT)\b", re.IGNORECASE)


def _ddl_with_defaults(ddl: str, info: list, values: dict) -> tuple[str, dict]:
    """(``CREATE TABLE batch`` with ``values`` as column defaults, {column: value} of those
    that became defaults) from the table's ``PRAGMA table_info`` rows ``info``: the same
    columns in the same order, types, NOT NULL, rowid key and other defaults as ``ddl``.
    Only a text into a TEXT column, an integer into an INTEGER one and a whole number
    into a REAL one (written exactly) become defaults; (``ddl``, {}) when the table holds
    anything the rebuild would not keep (a constraint, a collation, an expression
    default, a key other than one INTEGER PRIMARY KEY)."""
    keys = [r for r in info if r[5]]
    if (_NOT_REBUILT.search(ddl) or len(keys) != 1 or keys[0][2].upper() != "INTEGER"
            or any(r[4] is not None and not _LITERAL.fullmatch(r[4]) for r in info)):
        return ddl, {}
    autoincrement = " AUTOINCREMENT" if re.search(r"\bAUTOINCREMENT\b", ddl, re.I) else ""
    columns, defaulted = [], {}
    for _cid, name, type_, notnull, default, pk in info:
        literal = _sql_literal(values[name], type_) if name in values and not pk else None
        if literal is not None:
            default, defaulted[name] = literal, values[name]
        columns.append(f'"{name}" {type_}' + (f" PRIMARY KEY{autoincrement}" if pk else "")
                       + (" NOT NULL" if notnull else "")
                       + (f" DEFAULT {default}" if default is not None else ""))
    if not defaulted:
        return ddl, {}
    return f"CREATE TABLE batch ({', '.join(columns)})", defaulted


def _sql_literal(value, declared: str) -> str | None:
    """``value`` as an SQL literal that stores exactly ``value`` into a column declared
    ``declared``; None where that cannot be promised."""
    declared = declared.upper()
    if isinstance(value, str) and declared == "TEXT" and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, int | np.integer) and not isinstance(value, bool) and declared == "INTEGER":
        return str(int(value))
    if (isinstance(value, float) and declared == "REAL" and value.is_integer()
            and 0 < abs(value) < 2 ** 53):  # (no -0.0, no fraction to round)
        return f"{int(value)}.0"
    return None


def _single_value(column):
    """The one value a text or integer Arrow column holds on every row (no null); else None."""
    import pyarrow as pa

    if len(column) == 0 or column.null_count or not (
            pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
            or pa.types.is_integer(column.type)):
        return None
    first = column[0].as_py()
    return first if _holds_only(column, first) else None


def _holds_only(column, value) -> bool:
    """Whether every row of the Arrow ``column`` is ``value`` (no null; text or integer)."""
    import pyarrow.compute as pc

    return column.null_count == 0 and bool(pc.all(pc.equal(column, value)).as_py())


def _restore_ddl(path: Path, ddl: str) -> None:
    """Set the text of table ``batch`` in the staging file ``path`` (committed, closed) to
    ``ddl``, the register's own: the same columns, with the register's defaults instead of
    the batch's single values. A documented schema change that rewrites no row (SQLite's
    "ALTER TABLE", other changes: changing default values); the schema version is stepped
    so that no connection keeps the old text. No journal, no sync: scratch, as staged."""
    import sqlite3

    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("BEGIN IMMEDIATE")
        con.execute("PRAGMA writable_schema = ON")
        con.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'batch'",
                    (ddl,))
        version = con.execute("PRAGMA schema_version").fetchone()[0]
        con.execute(f"PRAGMA schema_version = {int(version) + 1}")
        con.execute("PRAGMA writable_schema = OFF")
        con.execute("COMMIT")
    finally:
        con.close()


def _ascii_column(values: np.ndarray, width: int):
    """Fixed-width ASCII ``bytes`` (numpy ``S<width>``) as an Arrow string column, no copy."""
    import pyarrow as pa

    n = len(values)
    return pa.Array.from_buffers(pa.string(), n, [
        None, pa.py_buffer(np.arange(n + 1, dtype=np.int32) * width),
        pa.py_buffer(np.ascontiguousarray(values))])


def _blobs(wkb: np.ndarray, bounds: np.ndarray, srs_id: int):
    """GeoPackage blobs (header || WKB) as an Arrow binary column, joined by Arrow in C."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(wkb)
    heads = pa.Array.from_buffers(pa.large_binary(), n, [
        None, pa.py_buffer(np.arange(n + 1, dtype=np.int64) * gpkg_geom.HEADER_SIZE),
        pa.py_buffer(gpkg_geom.headers(bounds, srs_id))])
    body = pa.array(wkb, type=pa.large_binary())
    return pc.binary_join_element_wise(heads, body, pa.scalar(b"", pa.large_binary()))


class _EndOfParts(Exception):
    """The producer of a streamed ingest stopped before its last part (it failed)."""


def _ingest_stream(path: Path, page_size: int, ddl: str, parts, extra: dict,
                   restore: str | None = None) -> None:
    """Create table ``batch`` in the staging file ``path`` from ``ddl`` and ingest the
    record batches ``parts`` yields into it, each as soon as the next is being made: ADBC
    (C, GIL released) ingests in a thread while this thread produces. Then each
    ``extra[name]()`` (an Arrow table's columns, made by this thread meanwhile) is
    ingested as table ``name``; one commit (no journal, no sync: scratch); then the
    table's text is set to ``restore`` if given (``_restore_ddl``)."""
    import queue

    import pyarrow as pa

    first = next(parts)  # (a staged batch has rows)
    handoff: queue.Queue = queue.Queue(maxsize=2)
    failure: list[BaseException] = []
    done = object()

    def fed():
        """The items handed off up to the next ``done`` (the parts, then the extras)."""
        while True:
            item = handoff.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise _EndOfParts() from item
            yield item

    def ingest():
        try:
            con = _staging_connection(path, page_size)
            try:
                with con.cursor() as cur:
                    cur.execute(ddl)
                    cur.adbc_ingest("batch", pa.RecordBatchReader.from_batches(
                        first.schema, itertools.chain([first], fed())), mode="append")
                    for name, columns in fed():
                        cur.adbc_ingest(name, pa.table(columns), mode="create")
                    cur.execute("COMMIT")
            finally:
                con.close()
            if restore is not None:
                _restore_ddl(path, restore)
        except BaseException as exc:  # re-raised in the calling thread
            failure.append(exc)
            while True:  # let the producer go on to its end (nothing more is read)
                try:
                    handoff.get_nowait()
                except queue.Empty:
                    break

    def put(item) -> None:
        while worker.is_alive():
            try:
                handoff.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    worker = threading.Thread(target=ingest, name="stage-records")
    worker.start()
    try:
        try:
            for part in parts:
                if failure:
                    break
                put(part)
            put(done)
            for name, make in extra.items():
                put((name, make()))
            put(done)
        except BaseException as exc:
            put(exc)
            raise
    finally:
        worker.join()
    if failure:
        cause = failure[0]
        raise cause.__cause__ if isinstance(cause, _EndOfParts) and cause.__cause__ else cause



def insert_with_deferred_indexes(con, insert, bounds: np.ndarray) -> int:
    """``insert()`` (rows appended to ``assets`` in order, returns their count) inside the
    caller's transaction, with the secondary indexes and R*Tree triggers dropped and
    rebuilt in bulk when the rows are many for the register (as ``Stage.insert`` does):
    for a batch that cannot be staged because a transaction is already open (several
    layers of one import), ~3x faster than per-row index upkeep. ``bounds`` are the
    rows' (minx, miny, maxx, maxy)."""
    before = _sequence(con, ASSETS)
    if len(bounds) * INCREMENTAL_SHARE < before:
        return insert()
    index_sql = [r[0] for r in con.execute(
        "SELECT sql FROM sqlite_master WHERE type='index' AND name IN "
        f"({','.join('?' * len(SECONDARY_INDEXES))})", SECONDARY_INDEXES)]
    for name in SECONDARY_INDEXES:
        con.execute(f"DROP INDEX IF EXISTS {name}")
    for name in ("insert", "update1", "update2", "update3", "update4", "delete"):
        con.execute(f"DROP TRIGGER IF EXISTS {RTREE}_{name}")
    n = insert()
    after = _sequence(con, ASSETS)
    if after - before != n or n != len(bounds):
        raise RuntimeError("the inserted rows did not get consecutive ids; batch rolled back")
    for sql in index_sql:
        con.execute(sql)
    gpkg_rtree.bulk_add(con, RTREE, np.arange(before + 1, after + 1, dtype=np.int64),
                        bounds[:, [0, 2, 1, 3]])
    for stmt in rtree_trigger_sql(ASSETS):
        con.execute(stmt)
    return n

