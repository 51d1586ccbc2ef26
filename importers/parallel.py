"""Split bulk array work across threads (shapely and pyproj release the GIL in their C loops).

Only large inputs are split; each chunk is a contiguous slice, results are concatenated
in order, so the output is identical to the single-threaded call.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

MIN_ROWS = 100_000  # below this, threads cost more than they save
MAX_WORKERS = 4


def workers() -> int:
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def chunk_map(fn: Callable[[np.ndarray], np.ndarray], values: np.ndarray) -> np.ndarray:
    """``fn(values)`` computed on contiguous chunks in threads; same result as one call."""
    n = len(values)
    k = workers()
    if k == 1 or n < MIN_ROWS:
        return fn(values)
    bounds = np.linspace(0, n, k + 1).astype(np.int64)
    chunks = [values[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    with ThreadPoolExecutor(k) as pool:
        parts = list(pool.map(fn, chunks))
    return np.concatenate(parts)
