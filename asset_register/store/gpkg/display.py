"""Bulk reads for drawing a GeoPackage register: the live assets as Arrow, in slices read at
once.

The map canvas opens on every live asset. GDAL reads them as Arrow from the register's
snapshot (never from the live file: see snapshot.py), and releases Python's interpreter
lock while it does, so a few consecutive ``fid`` ranges of that one snapshot are read in
parallel threads: one consistent view, every core at work. The slices come back in ``fid``
order, so concatenated they are exactly the rows of one ``read_arrow``.
"""

from __future__ import annotations

import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor

from ...errors import CancelledError
from .snapshot import Snapshots

MIN_SLICE_ROWS = 50_000  # below this a second GDAL read costs more than it saves


def workers() -> int:
    """Reading threads: two per core, at most four (GDAL reads without the interpreter
    lock, so a second thread per core reads while the first unpacks)."""
    return max(1, min(4, 2 * (os.cpu_count() or 1)))


def default_slices() -> int:
    """Two slices per thread, so threads that finish early take the remaining slices."""
    return 2 * workers()


def fid_cuts(con: sqlite3.Connection, table: str, slices: int) -> list[int]:
    """Interior cut points splitting ``table``'s fids into up to ``slices`` equal spans
    (none for a small or empty table)."""
    # two sub-queries: each is one b-tree seek (MIN and MAX together would scan the table)
    lo, hi = con.execute(f"SELECT (SELECT MIN(fid) FROM {table}), (SELECT MAX(fid) FROM {table})"
                         ).fetchone()
    if lo is None:
        return []
    span = hi - lo + 1
    n = max(1, min(int(slices), span // MIN_SLICE_ROWS))
    return [lo + (span * i) // n - 1 for i in range(1, n)]


def slice_filters(cuts: list[int]) -> list[str]:
    """SQL conditions ``fid <= c1``, ``fid > c1 AND fid <= c2``, …, ``fid > cN``: every fid is
    in exactly one slice, whatever rows the snapshot holds."""
    bounds = [None, *cuts, None]
    out = []
    for low, high in zip(bounds[:-1], bounds[1:]):
        parts = ([f"fid > {int(low)}"] if low is not None else []) + (
            [f"fid <= {int(high)}"] if high is not None else [])
        out.append(" AND ".join(parts) or "1")
    return out


def read_arrow_slices(snapshots: Snapshots, con: sqlite3.Connection, table: str, *, columns,
                      where: str, slices: int, read_geometry: bool = True, each=None,
                      cancel=None):
    """``(meta, [result per fid range])`` for the rows of ``table`` matching ``where``, read
    from one snapshot in parallel threads, in fid order. A result is the slice's Arrow
    table, or ``each(table)`` computed in the slice's own thread (so one slice is processed
    while GDAL still reads another).

    Only the cut points come from ``con`` (to balance the slices); the ranges are open at
    both ends and every row is read from the one snapshot, so together the slices hold
    exactly the snapshot's rows.

    ``cancel``: a function polled before the copy and before each slice is read; once it
    answers True, the slices not yet begun are skipped and ``CancelledError`` is raised
    (a register closed while it is read stops within a slice, not a whole read).
    """
    import pyogrio

    def check():
        if cancel is not None and cancel():
            raise CancelledError("the register's read was cancelled (the register was closed)")

    check()
    path = snapshots.get()
    filters = slice_filters(fid_cuts(con, table, slices))

    def read(condition):
        check()
        meta, arrow = pyogrio.read_arrow(path, layer=table, columns=list(columns),
                                         where=f"({where}) AND {condition}",
                                         read_geometry=read_geometry)
        return meta, (arrow if each is None else each(meta, arrow))

    if len(filters) == 1:
        results = [read(filters[0])]
    else:
        with ThreadPoolExecutor(min(len(filters), workers()), thread_name_prefix="gpkg-read") as pool:
            results = list(pool.map(read, filters))
    check()
    return results[0][0], [result for _, result in results]
