"""Split bulk array work across threads (shapely and pyproj release the GIL in their C loops).

Only large inputs are split; each chunk is a contiguous slice, results are concatenated
in order, so the output is identical to the single-threaded call.

There are several chunks per thread, not one: part of each chunk's work holds the GIL
(shapely's ``set_coordinates`` rebuilding the reprojected geometries) while the rest does
not (pyproj's transform). With one chunk per thread both threads reach their GIL-bound
part together and queue for it; with smaller chunks one thread rebuilds geometries while
the other transforms, so both cores stay busy.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np

MIN_ROWS = 100_000  # below this, threads cost more than they save
MAX_WORKERS = 4
CHUNKS_PER_WORKER = 4  # lets GIL-bound and GIL-free parts of the chunks overlap
MIN_CHUNK = 25_000  # rows; smaller chunks cost more in calls than they gain in overlap


_local = threading.local()


def workers() -> int:
    """Threads to split work over: one per core (up to MAX_WORKERS), or one inside
    ``serial()`` in this thread."""
    if getattr(_local, "serial", False):
        return 1
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


@contextmanager
def serial():
    """Work split by this module runs on the calling thread only, for the block (in this
    thread). For work that already overlaps with another strand on the other core — a
    layer's next slice prepared while the store stages this one — where more threads
    only contend for the cores (and cost ~0.3 s more CPU a million lines)."""
    before = getattr(_local, "serial", False)
    _local.serial = True
    try:
        yield
    finally:
        _local.serial = before


def chunk_map(fn: Callable[[np.ndarray], np.ndarray], values: np.ndarray) -> np.ndarray:
    """``fn(values)`` computed on contiguous chunks in threads; same result as one call."""
    n = len(values)
    k = workers()
    if k == 1 or n < MIN_ROWS:
        return fn(values)
    count = max(k, min(k * CHUNKS_PER_WORKER, n // MIN_CHUNK))
    bounds = np.linspace(0, n, count + 1).astype(np.int64)
    chunks = [values[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    with ThreadPoolExecutor(k) as pool:
        parts = list(pool.map(fn, chunks))
    return np.concatenate(parts)
