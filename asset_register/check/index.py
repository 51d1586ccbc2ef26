"""Where conflict candidates come from: the register's R*Tree on disk, or an in-memory STRtree.

``DiskSource`` answers a single check straight from the GeoPackage R*Tree
(``rtree_assets_geom``) over its own read-only SQLite connection, so the first check after
opening a register needs no bulk load. ``StoreSource`` asks any ``RegisterStore`` for the
same box (the fallback for other backends). ``MemoryIndex`` holds every live asset with its
class and base clearance precomputed and a shapely STRtree, for batches of footprints.
Each source returns the assets whose bounding box meets a query box; exact distances are
the checker's job.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import shapely

from ..store.gpkg.geom import decode as decode_blobs
from ..store.gpkg.schema import ASSETS, GEOM
from .clearance import CHECK_COLUMNS, base_clearance, classify, normalise
from .rules import Rules

# The SQLite R*Tree stores 32-bit floats, rounded outwards; this extra margin (m) on every
# query box keeps a candidate search conservative whatever the rounding.
BOX_MARGIN_M = 0.5

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


class DiskSource:
    """Candidates from a GeoPackage register's R*Tree, read over a read-only connection."""

    def __init__(self, path: str | Path):
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        self.path = str(Path(path).resolve())
        self.con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        names = {r[0] for r in self.con.execute("SELECT name FROM sqlite_master")}
        rtree = f"rtree_{ASSETS}_{GEOM}"
        if ASSETS not in names or rtree not in names:
            self.con.close()
            raise ValueError(f"{path} has no {ASSETS} table with an R*Tree")
        cols = {r[1] for r in self.con.execute(f"PRAGMA table_info({ASSETS})")}
        self.columns = [c for c in CHECK_COLUMNS if c in cols]
        select = ", ".join(f"a.{c}" for c in self.columns)
        self.sql = (
            f"SELECT {select}, a.{GEOM} FROM {rtree} r JOIN {ASSETS} a ON a.fid = r.id "
            "WHERE r.maxx >= ? AND r.minx <= ? AND r.maxy >= ? AND r.miny <= ? "
            "AND a.retired_at IS NULL"
        )

    @classmethod
    def for_store(cls, store) -> DiskSource | None:
        """A disk source when ``store`` is a GeoPackage file with the register schema."""
        loc = getattr(store, "location", None)
        if not loc or not str(loc).lower().endswith(".gpkg") or not Path(loc).is_file():
            return None
        try:
            return cls(loc)
        except (sqlite3.Error, ValueError):
            return None

    def recorded_bounds_missing(self) -> bool:
        """True when the register has live assets but no recorded clearance bounds (e.g.
        written by an older version); the check then computes them itself."""
        try:
            recorded = self.con.execute(
                "SELECT 1 FROM settings WHERE key = 'clearance_bounds'").fetchone()
        except sqlite3.Error:
            recorded = None
        if recorded is not None:
            return False
        return self.con.execute(
            f"SELECT 1 FROM {ASSETS} WHERE retired_at IS NULL LIMIT 1").fetchone() is not None

    def computed_bounds(self) -> dict[str, float]:
        """The clearance bounds computed from the live assets (a full scan)."""
        d, h, c = self.con.execute(
            f"SELECT MAX(diameter_mm), MAX(h_accuracy_m), MAX(crs_accuracy_m) FROM {ASSETS} "
            "WHERE retired_at IS NULL").fetchone()
        return {"diameter_mm": float(d or 0), "h_accuracy_m": float(h or 0),
                "crs_accuracy_m": float(c or 0), "any_null_accuracy": 1.0}

    def data_version(self) -> int:
        """Changes whenever another connection commits to the register (PRAGMA data_version)."""
        return self.con.execute("PRAGMA data_version").fetchone()[0]

    def _arrays(self, rows) -> tuple[dict[str, np.ndarray], np.ndarray]:
        if not rows:
            return normalise({}), np.empty(0, dtype=object)
        cols = list(zip(*rows, strict=True))
        return normalise(dict(zip(self.columns, cols[:-1], strict=True))), decode_blobs(cols[-1])

    def candidates(self, bounds) -> tuple[dict[str, np.ndarray], np.ndarray]:
        x0, y0, x1, y1 = bounds
        return self._arrays(self.con.execute(self.sql, (x0, x1, y0, y1)).fetchall())

    def read_all(self) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Every live asset (CHECK_COLUMNS + geometry), for the in-memory index.

        Read in bulk with pyogrio (GDAL, Arrow) from a snapshot, then verified against this
        connection: a stale index could miss a newly imported asset. The live set is checked by count, sum,
        maximum and a sum of squares of its fids (rows are never rewritten, only retired and
        added, so a stale read changes these); on any mismatch the assets are read over
        SQLite itself, which always sees every committed batch.
        """
        try:
            fast = self._read_arrow()
        except Exception:  # any GDAL problem: fall back to the SQLite reader below
            fast = None
        if fast is not None:
            return fast
        sql = self.sql.split(" FROM ")[0].replace("a.", "")
        return self._arrays(self.con.execute(f"{sql} FROM {ASSETS} WHERE retired_at IS NULL").fetchall())

    def _read_arrow(self):
        from pathlib import Path

        from ..store.gpkg.snapshot import read_arrow

        # GDAL reads a snapshot, never the live file (see store/gpkg/snapshot.py). No attribute
        # filter: GDAL's Arrow reader is much faster without one; retired versions are
        # dropped here instead.
        meta, table = read_arrow(
            self.con, Path(self.path), ASSETS, columns=[*self.columns, "retired_at"],
            return_fids=True,
        )
        live = table["retired_at"].is_null().to_numpy(zero_copy_only=False)
        fids = table[meta["fid_column"] or "fid"].to_numpy().astype(np.int64)[live]
        m = fids % 1000003
        mine = (len(fids), int(fids.sum()), int(fids.max()) if len(fids) else None,
                int(((m * m) % 2147483647).sum()))
        theirs = self.con.execute(
            "SELECT COUNT(*), SUM(fid), MAX(fid), SUM(((fid % 1000003) * (fid % 1000003)) % 2147483647) "
            f"FROM {ASSETS} WHERE retired_at IS NULL"
        ).fetchone()
        if mine[0] != theirs[0] or (mine[0] and mine != tuple(theirs)):
            return None
        cols = {c: _column(table[c])[live] for c in self.columns}
        geoms = shapely.from_wkb(table[meta["geometry_name"]].to_numpy(zero_copy_only=False)[live])
        return normalise(cols), geoms

    def close(self) -> None:
        self.con.close()


class StoreSource:
    """Candidates through the store interface (any backend)."""

    def __init__(self, store):
        self.store = store

    def data_version(self) -> int | None:
        """The store's change counter when it has one; None makes the checker re-read
        what it caches on every check."""
        version = getattr(self.store, "data_version", None)
        return version() if version is not None else None

    def candidates(self, bounds) -> tuple[dict[str, np.ndarray], np.ndarray]:
        arrays = getattr(self.store, "candidate_arrays", None)
        if arrays is not None:  # plain arrays straight from the store: no frame round trip
            cols, geoms = arrays(tuple(bounds), CHECK_COLUMNS)
            return normalise(cols), geoms
        frame = self.store.query_bbox(tuple(bounds), columns=CHECK_COLUMNS)
        return normalise(frame), frame.geometry.to_numpy()

    def close(self) -> None:
        pass


class MemoryIndex:
    """Every live asset in memory with an STRtree, its class and base clearance precomputed."""

    def __init__(self, cols: dict[str, np.ndarray], geoms: np.ndarray, rules: Rules):
        self.cols = cols
        self.geoms = geoms
        self.tree = shapely.STRtree(geoms)
        self.classes = classify(cols, rules)
        self.base = base_clearance(cols, rules, self.classes)
        self.max_base = float(self.base.max()) if len(self.base) else 0.0

    @classmethod
    def from_store(cls, store, rules: Rules, disk: DiskSource | None = None) -> MemoryIndex:
        if disk is not None:
            return cls(*disk.read_all(), rules)
        frame = store.read_assets(columns=CHECK_COLUMNS)
        return cls(normalise(frame), frame.geometry.to_numpy(), rules)

    def pairs(self, footprints: np.ndarray, reach: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(footprint index, asset index) of every asset whose box is within ``reach`` of one.

        One bulk query of the footprints' boxes grown by their reach; the checker then takes
        exact distances of all pairs in one vectorised call. Measured on 1M assets and 10,000
        footprints this is twice as fast as ``query(predicate="dwithin")`` followed by the same
        distances (GEOS would compute each distance twice) and returns a superset of its pairs.
        """
        b = shapely.bounds(footprints)
        r = reach + BOX_MARGIN_M
        boxes = shapely.box(b[:, 0] - r, b[:, 1] - r, b[:, 2] + r, b[:, 3] + r)
        return self.tree.query(boxes)
