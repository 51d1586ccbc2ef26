"""Rows grouped by site with numpy, for a batch's thousands of sites at once (a sort and
its run starts, not ``np.unique``: numpy 2.4's is slow on large inputs)."""

from __future__ import annotations

import numpy as np


def run_starts(key: np.ndarray) -> np.ndarray:
    """Where each run of equal values of the sorted ``key`` starts."""
    edge = np.ones(len(key), dtype=bool)
    np.not_equal(key[1:], key[:-1], out=edge[1:])
    return np.flatnonzero(edge)


def site_starts(site: np.ndarray, n_sites: int) -> np.ndarray:
    """Where each of ``n_sites`` sites' rows start in rows sorted by ``site``, and the end
    (site i's rows: ``at[i]:at[i + 1]``)."""
    return np.searchsorted(site, np.arange(n_sites + 1))


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of ``values`` (sorted, each once) by a sort and its run starts."""
    s = np.sort(values)
    return s[run_starts(s)]
