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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

MIN_ROWS = 100_000  # below this, threads cost more than they save
MAX_WORKERS = 4
CHUNKS_PER_WORKER = 4  # lets GIL-bound and GIL-free parts of the chunks overlap
MIN_CHUNK = 25_000  # rows; smaller chunks cost more in calls than they gain in overlap


def workers() -> int:
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


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
