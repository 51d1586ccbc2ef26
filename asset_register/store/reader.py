"""Live assets as plain arrays for the dig check: candidates in a box, every live asset, and
a change counter, through one reader per thread.

``AssetReader`` is the default: it asks the store (``candidate_arrays``, ``asset_arrays``,
``data_version``…). A backend with a faster path of its own (the GeoPackage R*Tree over a
read-only connection) returns its own reader from ``RegisterStore.reader()``. Columns come
back as numpy arrays: numbers as float64 with NaN for null, everything else as objects with
None; columns the register does not have are left out.
"""

from __future__ import annotations

import numpy as np

from ..model import ASSET_COLUMNS, STORE_COLUMNS

from ..lazy import lazy_module

pd = lazy_module("pandas")

Arrays = tuple[dict[str, np.ndarray], np.ndarray]
"""(column name -> values, geometries), one entry per live asset."""


def numeric(column: str) -> bool:
    return (ASSET_COLUMNS.get(column) or STORE_COLUMNS.get(column)) in ("float64", "int64")


def frame_arrays(frame: pd.DataFrame, columns: list[str]) -> dict[str, np.ndarray]:
    """The ``columns`` of ``frame`` (those it has) as plain arrays, nulls as NaN / None."""
    out = {}
    for col in columns:
        if col not in frame.columns:
            continue
        values = frame[col]
        if numeric(col):
            out[col] = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64,
                                                                       na_value=np.nan)
        else:
            out[col] = values.astype(object).where(values.notna(), None).to_numpy(dtype=object)
    return out


class AssetReader:
    """Array reads of one store's live assets for one thread (see module docstring)."""

    reads_version = False
    """True when ``candidates_at`` reads the candidates and the data version in one snapshot
    (one round trip to a server): a check then asks for nothing else while the version holds."""

    reads_in_bulk = False
    """True when ``candidates_many`` reads the candidates of many boxes at once from the
    register's own spatial index (no in-memory index of every asset needed for a batch)."""

    reads_rows = False
    """True when ``candidate_rows`` reads a box's candidates as the database's own rows (a
    single check's few candidates are checked row by row, with no arrays built)."""

    def __init__(self, store):
        self.store = store

    def data_version(self) -> int | None:
        """Changes whenever a write is committed; None when the store cannot tell (then a
        caller re-reads whatever it caches)."""
        return self.store.data_version()

    def candidate_arrays(self, bounds, columns: list[str]) -> Arrays:
        """Live assets whose geometry or bounding box meets ``bounds`` (a superset is fine:
        exact distances are the caller's job)."""
        return self.store.candidate_arrays(tuple(bounds), columns)

    def candidate_rows(self, bounds, columns: list[str]) -> tuple[list[str], list, np.ndarray]:
        """(the ``columns`` the register has, the rows of the live assets meeting ``bounds`` —
        tuples of those columns' values as the database gives them, None for null — and their
        geometries); only for a reader whose ``reads_rows`` is True."""
        raise NotImplementedError("this register's reader reads candidates as arrays only")

    def sample_values(self, columns: list[str], n: int) -> tuple[list[str], list]:
        """(the ``columns`` the register has, distinct combinations of their values among about
        ``n`` live assets spread over the register); only when ``reads_rows`` is True."""
        raise NotImplementedError("this register's reader reads candidates as arrays only")

    def candidates_at(self, bounds, columns: list[str]) -> tuple[dict[str, np.ndarray],
                                                                 np.ndarray, int | None]:
        """``candidate_arrays`` and the data version they belong to (here: read before and
        after them; None when a write came in between, or the store cannot tell)."""
        before = self.data_version()
        cols, geoms = self.candidate_arrays(bounds, columns)
        return cols, geoms, before if before is not None and self.data_version() == before \
            else None

    def asset_arrays(self, columns: list[str]) -> Arrays:
        """Every live asset, in one bulk read."""
        return self.store.asset_arrays(columns)

    def owner_utilities(self) -> dict[str, set[str]]:
        """The utilities each owner has live assets of."""
        return self.store.owner_utilities()

    def clearance_bounds(self) -> dict[str, float]:
        """``RegisterStore.clearance_bounds``, computed from the assets where a register
        written by an older version has none recorded."""
        return self.store.clearance_bounds()

    # -- what the check knows about the register besides its assets (read once per change)
    def coverage_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(owner codes, areas) of the owners' recorded coverage."""
        cov = self.store.owner_coverage()
        if cov is None or not len(cov):
            return np.empty(0, dtype=object), np.empty(0, dtype=object)
        return cov["owner"].astype(str).to_numpy(dtype=object), cov.geometry.to_numpy()

    def works_arrays(self) -> Arrays:
        """Every planned work: its columns as objects (None for null) and its footprints."""
        works = self.store.works()
        if works is None or not len(works):
            return {}, np.empty(0, dtype=object)
        works = works.reset_index(drop=True)
        geom = works.geometry.name
        return ({c: works[c].astype(object).where(works[c].notna(), None).to_numpy()
                 for c in works.columns if c != geom}, works.geometry.to_numpy())

    def open_deviations(self) -> list[dict]:
        """The deviation reports not resolved, oldest first, as records (DEVIATION_COLUMNS
        and ``deviation_id``)."""
        return self.store.deviations(open_only=True).to_dict("records")

    def newest_deliveries(self) -> dict[str, str]:
        """Each owner's newest committed delivery (ISO time)."""
        batches = self.store.batches()
        done = batches[(batches["state"] == "committed") & batches["owner"].notna()]
        # plain objects: a group-by over Arrow-backed text needs pyarrow's query engine
        # (acero), which the packaged app leaves out
        done = done[["owner", "finished_at"]].astype(object)
        return done.groupby("owner")["finished_at"].max().to_dict()

    def close(self) -> None:
        """Release what the reader holds (the default holds nothing)."""
