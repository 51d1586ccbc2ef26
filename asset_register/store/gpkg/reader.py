"""Array reads of a GeoPackage register for the dig check, over a read-only connection of
their own: candidates straight from the R*Tree (``rtree_assets_geom``), so the first check
after opening a register needs no bulk load, and every live asset in bulk from a snapshot.

One ``RTreeReader`` per thread (``GeoPackageStore.reader()``); its connection is not the
store's, so its ``data_version`` changes whenever anything — the store's own connection
included — commits to the register.
"""

from __future__ import annotations

import json
import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely

from ..reader import Arrays, AssetReader, numeric
from ..records import WORKS_COLUMNS
from .geom import decode as decode_blobs
from .rtree import search as search_rtree, unique_ids
from .schema import ASSETS, GEOM
from . import colread, fetchproc, warm
from .snapshot import read_arrow

LIVE = "retired_at IS NULL"
FETCH_PART = 40_000  # assets read per statement by a batch (a part's rows are ~20 MB)
# A GeoPackage geometry blob's WKB, cut out by SQLite: the header is 8 bytes and an envelope
# of 0, 32, 48 or 64 bytes by flag bits 1-3 of byte 4 (``geom.header_length``); a blob
# without the 'GP' magic or shorter than a header (an empty blob too, whose substr is
# NULL) gives an empty blob (refused), NULL stays NULL; tests/core/test_gpkg_header.py.
_WKB = colread.WKB  # (the SQL that cuts the GeoPackage header off: one text, both reads)


_NO_GEOMS = np.empty(0, dtype=object)
_NO_GEOMS.flags.writeable = False


def _column(chunked) -> np.ndarray:
    """An Arrow column as numpy; text through a dictionary so that equal values share one
    Python string (a million rows of a dozen distinct utilities cost a dozen strings)."""
    import pyarrow as pa

    if not (pa.types.is_string(chunked.type) or pa.types.is_large_string(chunked.type)):
        return chunked.to_numpy(zero_copy_only=False)
    encoded = chunked.combine_chunks().dictionary_encode()
    if len(encoded.dictionary) > len(encoded) // 2:  # mostly unique (asset_id): plain
        return chunked.to_numpy(zero_copy_only=False)
    values = np.array([*encoded.dictionary.to_pylist(), None], dtype=object)
    codes = encoded.indices.fill_null(len(values) - 1).to_numpy(zero_copy_only=False)
    return values[codes]


def _objects(values) -> np.ndarray:
    """A column of SQLite values as an object array (None stays None)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@lru_cache(maxsize=1)
def _helpers_available() -> bool:
    return fetchproc.available()


@lru_cache(maxsize=64)
def _dtypes(cols: tuple[str, ...]) -> list:
    return [np.float64 if numeric(c) else object for c in cols]


class RTreeReader(AssetReader):
    """Candidates from a GeoPackage register's R*Tree, read over a read-only connection.

    Raises sqlite3.Error when the file cannot be opened again or has no R*Tree (the store
    then hands out the default reader)."""

    reads_in_bulk = True
    reads_rows = True

    def __init__(self, store):
        super().__init__(store)
        self.path = str(Path(store.location).resolve())
        uri = Path(self.path).as_uri() + "?mode=ro"
        self.con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        names = {r[0] for r in self.con.execute("SELECT name FROM sqlite_master")}
        self._tables = names
        if ASSETS not in names or f"rtree_{ASSETS}_{GEOM}" not in names:
            self.con.close()
            raise sqlite3.OperationalError(f"{self.path} has no {ASSETS} table with an R*Tree")
        self._declared = {r[1]: r[2] for r in self.con.execute(f"PRAGMA table_info({ASSETS})")}
        self._present = set(self._declared)
        # Not memory-mapped (PRAGMA mmap_size): mapped, a check's read is a fifth quicker, but
        # every page it touches (and the kernel's read-around) stays in the process's resident
        # memory: 2,000 checks of a 1M register added 270 MB. SQLite's default page cache:
        # random footprints seldom meet the same pages twice, a larger one did not help.
        self._sql: dict[tuple, tuple[list[str], str]] = {}
        self._helpers: list[sqlite3.Connection] = []  # a batch's extra readers, opened on use

    def _select(self, columns) -> tuple[list[str], str]:
        """(columns the register has, R*Tree candidate SQL selecting them + the geometry)."""
        key = tuple(columns)
        if key not in self._sql:
            cols = [c for c in columns if c in self._present]
            select = ", ".join(f"a.{c}" for c in [*cols, GEOM])
            self._sql[key] = cols, (
                f"SELECT {select} FROM rtree_{ASSETS}_{GEOM} r JOIN {ASSETS} a ON a.fid = r.id "
                f"WHERE r.maxx >= ? AND r.minx <= ? AND r.maxy >= ? AND r.miny <= ? AND a.{LIVE}")
        return self._sql[key]

    @staticmethod
    def _arrays(cols: list[str], rows) -> Arrays:
        dtypes = _dtypes(tuple(cols))
        if not rows:
            return ({c: np.empty(0, dtype=t) for c, t in zip(cols, dtypes)},
                    np.empty(0, dtype=object))
        values = list(zip(*rows, strict=True))
        out = {c: np.array(v, dtype=t) for c, t, v in zip(cols, dtypes, values, strict=False)}
        return out, decode_blobs(values[-1])

    def data_version(self) -> int:
        """Changes whenever a connection other than this one commits (PRAGMA data_version)."""
        return self.con.execute("PRAGMA data_version").fetchone()[0]

    def candidate_arrays(self, bounds, columns: list[str]) -> Arrays:
        cols, sql = self._select(columns)
        x0, y0, x1, y1 = bounds
        return self._arrays(cols, self.con.execute(sql, (x0, x1, y0, y1)).fetchall())

    def candidate_rows(self, bounds, columns: list[str]) -> tuple[list[str], list, np.ndarray]:
        cols, sql = self._select(columns)
        x0, y0, x1, y1 = bounds
        rows = self.con.execute(sql, (x0, x1, y0, y1)).fetchall()
        return cols, rows, decode_blobs([r[-1] for r in rows]) if rows else _NO_GEOMS

    def sample_values(self, columns: list[str], n: int) -> tuple[list[str], list]:
        """(the ``columns`` the register has, the distinct combinations of their values) among
        about ``n`` live assets read in 20 runs of ids spread over the whole table (each a
        primary-key range: milliseconds, however large the register)."""
        cols = [c for c in columns if c in self._present]
        if not cols:
            return cols, []
        top = self.con.execute(f"SELECT max(fid) FROM {ASSETS}").fetchone()[0] or 0
        step, run = max(top // 20, 1), max(n // 20, 1)
        sql = (f"SELECT DISTINCT {', '.join(cols)} FROM {ASSETS} "
               f"WHERE fid BETWEEN ? AND ? AND {LIVE}")
        found = set()
        for start in range(1, top + 1, step):
            found.update(self.con.execute(sql, (start, start + run - 1)).fetchall())
        return cols, list(found)

    def candidates_many(self, boxes: np.ndarray, columns: list[str]) -> tuple:
        """The candidates of many query boxes at once, from the R*Tree and the assets table
        on disk (no in-memory index): ``boxes`` float64 (minx, maxx, miny, maxy) per query.

        Returns (query position, asset position, columns, geometries): one (query, asset)
        pair per live asset whose R*Tree box meets the query box — the same assets as
        ``candidate_arrays`` of each box — and each asset's columns and geometry (once, or
        once an area when the batch was split by area; the pairs in no particular order).

        A large batch is split by area over one or two helper processes (``fetchproc``):
        each walks the tree for its half of the boxes and reads the assets it finds as
        Arrow columns, in one read transaction, so the walk and the read run on both
        cores and this process only converts their answers as they arrive (an asset met
        by both halves comes once from each: no merge to pay for). A small batch, or any
        helper failure, is walked here (``rtree.search``, in one read transaction) and its
        assets read once each, in fid order (the table's own order: neighbouring rows
        share pages), in parts spread over two connections in two threads — SQLite and
        the geometry decoding release the GIL. Both give the same pairs, and each pair the
        same columns and geometry.
        A batch of ``START_BOXES`` or more, either way, has the chunks of the register's
        file that are out of the page cache brought in alongside its reads (``warm``: which
        pages the system holds, never what a read answers).
        The caller compares ``data_version`` before and after: a commit in between means
        the parts may be of different versions, and the read must be done again.
        """
        cols, select = self._select_by_fid(columns)
        boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
        found = None
        # a large batch reads most of the file: what of it is not in the page cache is read
        # in long runs alongside (``warm``), not page by page as SQLite asks for it
        warmer = warm.Warmer(self.path) if len(boxes) >= fetchproc.START_BOXES else None
        try:
            helpers = self._start_helpers(cols, len(boxes))
            if helpers is not None:
                try:
                    found = self._by_area(helpers, boxes, cols, select)
                finally:
                    helpers.close()  # (done or failed: the cores are ours again)
            if found is None:
                self.con.execute("BEGIN")
                try:
                    q, ids = search_rtree(self.con, f"rtree_{ASSETS}_{GEOM}", boxes)
                finally:
                    self.con.execute("COMMIT")
                found = [(q, ids, self._read_in_process(unique_ids(ids), cols, select))]
        finally:
            if warmer is not None:
                warmer.stop()
        qs, ats, parts, offset = [], [], [], 0
        for q, ids, got in found:  # (one block of rows in fid order a helper, or this process)
            live = np.concatenate([g[0] for g in got]) if got else np.zeros(0, dtype=np.int64)
            at = np.searchsorted(live, ids)
            hit = at < len(live)
            hit[hit] = live[at[hit]] == ids[hit]  # (retired versions are left out)
            qs.append(q[hit])
            ats.append(at[hit] + offset)
            parts.extend(got)
            offset += len(live)
        if not parts:
            values, geoms = self._arrays(cols, [])
        elif len(parts) == 1:
            _f, values, geoms = parts[0]
        else:
            values = {c: np.concatenate([g[1][c] for g in parts]) for c in cols}
            geoms = np.concatenate([g[2] for g in parts])
        if len(found) == 1:
            return qs[0], ats[0], values, geoms
        return np.concatenate(qs), np.concatenate(ats), values, geoms

    def _by_area(self, helpers, boxes: np.ndarray, cols: list[str], select: str):
        """[(query positions, fids, rows)] of each area of the batch (``fetchproc.split_by_area``)
        as its helper found and read it; None if any helper failed."""
        areas = fetchproc.split_by_area(boxes, len(helpers.procs))
        answers = helpers.read([boxes[a] for a in areas], self._convert(cols))
        if answers is None:
            return None
        got = self._from_helpers([pieces for _q, _f, pieces in answers], cols, select)
        if got is None:
            return None
        return [(a[q], f, rows) for a, (q, f, _p), rows in zip(areas, answers, got, strict=True)]

    def _read_in_process(self, fids: np.ndarray, cols: list[str], select: str) -> list:
        """(fids, columns, geometries) of the live assets among ``fids``, in parts, over
        this process's own connections: two threads when there is more than one part."""
        parts = [fids[a:a + FETCH_PART] for a in range(0, len(fids), FETCH_PART)]
        if len(parts) <= 1:
            return [self._read_fids(self.con, select, cols, p) for p in parts]
        while len(self._helpers) < min(2, os.cpu_count() or 1):
            self._helpers.append(self._connect())
        n = len(self._helpers)  # each connection serves one thread: parts k, k + n, ...

        def read(k: int) -> list:
            return [self._read_fids(self._helpers[k], select, cols, p) for p in parts[k::n]]

        with ThreadPoolExecutor(n) as pool:
            shares = list(pool.map(read, range(n)))
        return [shares[i % n][i // n] for i in range(len(parts))]  # back in fid order

    def _start_helpers(self, cols: list[str], n_boxes: int):
        """Helper processes for a batch's read of the candidate rows (``fetchproc``),
        started before the tree walk so that their start-up overlaps it; None for a small
        batch, or where they cannot be started (the rows are then read in-process)."""
        if n_boxes < fetchproc.START_BOXES or not _helpers_available():
            return None
        spec = [[c, colread.kind(numeric(c), self._declared.get(c))] for c in cols]
        try:
            return fetchproc.HelperRead(self.path, spec, fetchproc.helpers_wanted())
        except OSError:
            return None

    @staticmethod
    def _convert(cols: list[str]):
        """A helper's Arrow record batch as numpy: (fids, columns, geometries, odd rows);
        None for a batch whose Arrow types are not those asked for (the driver widened a
        column's type for a value of another type among its first rows)."""
        import pyarrow as pa

        dtypes = _dtypes(tuple(cols))
        want = {"fid": pa.int64(), "wkb": pa.binary(), "odd": pa.int64()}
        want.update({c: pa.float64() if t is not object else pa.string()
                     for c, t in zip(cols, dtypes, strict=True)})

        schema = pa.schema([(c, want[c]) for c in ["fid", *cols, "wkb", "odd"]])

        def convert(batch):
            if not batch.schema.equals(schema):
                return None
            fid = batch.column("fid").to_numpy(zero_copy_only=False).astype(np.int64)
            values = {c: (_column(pa.chunked_array([batch.column(c)])) if t is object
                          else batch.column(c).to_numpy(zero_copy_only=False).astype(t))
                      for c, t in zip(cols, dtypes, strict=True)}
            wkb = batch.column("wkb").to_numpy(zero_copy_only=False)
            odd = batch.column("odd").to_numpy(zero_copy_only=False) != 0
            if odd.any():
                wkb = np.where(odd, None, wkb)
            if (wkb == b"").any():  # (as ``_read_fids`` says of such a blob)
                raise ValueError("not a GeoPackage geometry blob (no 'GP' magic)")
            return fid, values, shapely.from_wkb(wkb), odd

        convert.schema = schema  # (a stream of other columns is refused whole: ``HelperRead``)
        return convert

    def _from_helpers(self, shares: list, cols: list[str], select: str) -> list | None:
        """The helpers' converted batches (one list of them per helper) as ``_read_fids``
        gives its parts: (fids, columns, geometries), each helper's in fid order, each asset
        once. Rows flagged ``odd`` are read again here, so they come out exactly as the
        in-process read gives them; None if a batch was refused or those reads do not meet
        the helpers' (the caller then reads everything in-process)."""
        out = []
        for pieces in shares:
            parts = []
            for piece in pieces:
                if piece is None:
                    return None
                fid, values, geoms, odd = piece
                if odd.any():
                    f, again, g = self._read_fids(self.con, select, cols, fid[odd])
                    if not np.array_equal(f, fid[odd]):
                        return None
                    for c in cols:
                        values[c][odd] = again[c]
                    geoms[odd] = g
                parts.append((fid, values, geoms))
            if parts:  # (in fid order, each once: as the lookup by ``searchsorted`` needs them)
                every = np.concatenate([p[0] for p in parts])
                if len(every) > 1 and not (np.diff(every) > 0).all():
                    return None
            out.append(parts)
        return out

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(Path(self.path).as_uri() + "?mode=ro", uri=True,
                               check_same_thread=False)

    def _select_by_fid(self, columns) -> tuple[list[str], str]:
        """(columns the register has, SQL selecting fid, them and the geometry of the live
        assets among the fids of a JSON array, in its order)."""
        key = ("fid", *columns)
        if key not in self._sql:
            cols = [c for c in columns if c in self._present]
            select = ", ".join(f"a.{c}" for c in ["fid", *cols])
            self._sql[key] = cols, (
                f"SELECT {select}, {_WKB.format(g='a.' + GEOM)} FROM json_each(?) j "
                f"CROSS JOIN {ASSETS} a ON a.fid = j.value WHERE a.{LIVE}")
        return self._sql[key]

    def _read_fids(self, con, sql: str, cols: list[str], fids: np.ndarray) -> tuple:
        """(fids, columns, geometries) of the live assets among ``fids`` (ascending)."""
        rows = con.execute(sql, (json.dumps(fids.tolist()),)).fetchall()
        if not rows:
            return (np.zeros(0, dtype=np.int64), *self._arrays(cols, []))
        table = np.empty((len(rows), len(cols) + 2), dtype=object)
        table[:] = rows  # one C loop over the rows, not a Python list per column
        del rows
        out = {}
        for k, (c, t) in enumerate(zip(cols, _dtypes(tuple(cols))), start=1):
            # (numeric: SQL NULL becomes NaN, as in ``_arrays``)
            out[c] = np.ascontiguousarray(table[:, k]) if t is object else table[:, k].astype(t)
        wkb = np.ascontiguousarray(table[:, -1])
        if (wkb == b"").any():  # (as ``geom.header_length`` says of such a blob)
            raise ValueError("not a GeoPackage geometry blob (no 'GP' magic)")
        return table[:, 0].astype(np.int64), out, shapely.from_wkb(wkb)

    def owner_utilities(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for owner, utility in self.con.execute(
                f"SELECT DISTINCT owner, utility FROM {ASSETS} WHERE {LIVE}"):
            out.setdefault(owner, set()).add(utility)
        return out

    def clearance_bounds(self) -> dict[str, float]:
        """The recorded bounds; computed from the live assets (a full scan) when a register
        written by an older version has live assets but none recorded."""
        if not self.recorded_bounds_missing():
            return self.store.clearance_bounds()
        d, h, c = self.con.execute(
            f"SELECT MAX(diameter_mm), MAX(h_accuracy_m), MAX(crs_accuracy_m) FROM {ASSETS} "
            f"WHERE {LIVE}").fetchone()
        return {"diameter_mm": float(d or 0), "h_accuracy_m": float(h or 0),
                "crs_accuracy_m": float(c or 0), "any_null_accuracy": 1.0}

    def recorded_bounds_missing(self) -> bool:
        try:
            recorded = self.con.execute(
                "SELECT 1 FROM settings WHERE key = 'clearance_bounds'").fetchone()
        except sqlite3.Error:
            recorded = None
        if recorded is not None:
            return False
        return self.con.execute(
            f"SELECT 1 FROM {ASSETS} WHERE {LIVE} LIMIT 1").fetchone() is not None

    # -- register facts over this connection: plain SQLite, no frames (a dig check from the
    # command line then never imports pandas); the same answers as the store's frames
    def coverage_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        rows = self.con.execute("SELECT owner, geom FROM owner_coverage").fetchall() \
            if "owner_coverage" in self._tables else []
        if not rows:
            return np.empty(0, dtype=object), np.empty(0, dtype=object)
        owners = np.array([str(r[0]) for r in rows], dtype=object)
        return owners, decode_blobs([r[1] for r in rows])

    def works_arrays(self) -> Arrays:
        if "works" not in self._tables:
            return {}, np.empty(0, dtype=object)
        rows = self.con.execute(
            f"SELECT geom, {', '.join(WORKS_COLUMNS)} FROM works ORDER BY reference").fetchall()
        if not rows:
            return {}, np.empty(0, dtype=object)
        values = list(zip(*rows, strict=True))
        cols = {c: _objects(v) for c, v in zip(WORKS_COLUMNS, values[1:], strict=True)}
        return cols, decode_blobs(values[0])

    def open_deviations(self) -> list[dict]:
        if "deviations" not in self._tables:  # a register older than deviation reports
            return []
        cur = self.con.execute(
            "SELECT * FROM deviations WHERE status <> 'resolved' ORDER BY deviation_id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def newest_deliveries(self) -> dict[str, str]:
        return dict(self.con.execute(
            "SELECT owner, MAX(finished_at) FROM import_batches WHERE state = 'committed' "
            "AND owner IS NOT NULL GROUP BY owner"))

    def asset_arrays(self, columns: list[str]) -> Arrays:
        """Every live asset, for the in-memory index.

        Read in bulk with pyogrio (GDAL, Arrow) from a snapshot, then verified against this
        connection: a stale index could miss a newly imported asset. The live set is checked by
        count, sum, maximum and a sum of squares of its fids (rows are never rewritten, only
        retired and added, so a stale read changes these); on any mismatch the assets are read
        over SQLite itself, which always sees every committed batch.
        """
        try:
            fast = self._read_arrow(columns)
        except Exception:  # any GDAL problem: fall back to the SQLite reader below
            fast = None
        if fast is not None:
            return fast
        cols = [c for c in columns if c in self._present]
        rows = self.con.execute(
            f"SELECT {', '.join([*cols, GEOM])} FROM {ASSETS} WHERE {LIVE}").fetchall()
        return self._arrays(cols, rows)

    def _read_arrow(self, columns):
        # GDAL reads a snapshot, never the live file (see snapshot.py). No attribute filter:
        # GDAL's Arrow reader is much faster without one; retired versions are dropped here.
        cols = [c for c in columns if c in self._present]
        meta, table = read_arrow(self.con, Path(self.path), ASSETS,
                                 columns=[*cols, "retired_at"], return_fids=True)
        live = table["retired_at"].is_null().to_numpy(zero_copy_only=False)
        fids = table[meta["fid_column"] or "fid"].to_numpy().astype(np.int64)[live]
        m = fids % 1000003
        mine = (len(fids), int(fids.sum()), int(fids.max()) if len(fids) else None,
                int(((m * m) % 2147483647).sum()))
        theirs = self.con.execute(
            "SELECT COUNT(*), SUM(fid), MAX(fid), SUM(((fid % 1000003) * (fid % 1000003)) % 2147483647) "
            f"FROM {ASSETS} WHERE {LIVE}"
        ).fetchone()
        if mine[0] != theirs[0] or (mine[0] and mine != tuple(theirs)):
            return None
        out = {c: _column(table[c])[live] for c in cols}
        geoms = shapely.from_wkb(table[meta["geometry_name"]].to_numpy(zero_copy_only=False)[live])
        return out, geoms

    def close(self) -> None:
        for con in self._helpers:
            con.close()
        self._helpers.clear()
        self.con.close()
