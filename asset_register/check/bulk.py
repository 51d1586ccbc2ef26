"""A batch's candidates read from the register on disk, without an in-memory index.

``Checker.check_many`` on a reader that reads in bulk (the GeoPackage R*Tree:
``RTreeReader.candidates_many``) asks it for the candidates of every footprint at once:
each footprint's box grown by the same reach a single check searches with
(``Context.reach``: the largest effective clearance any asset can have, plus the site's
extra), so a batch meets exactly the assets the single checks would meet. Each candidate
asset is classed once however many footprints it is near; exact distances and everything
after are the checker's, the same code for every path.
"""

from __future__ import annotations

import numpy as np
import shapely

from .clearance import CHECK_COLUMNS, Rows, base_clearance, classify, normalise
from .context import Context
from .rules import Rules


def search_boxes(fps: np.ndarray, extra: np.ndarray, ctx: Context,
                 rules: Rules) -> np.ndarray:
    """Each footprint's box grown by its search reach: float64 (minx, maxx, miny, maxy)."""
    extras, which = np.unique(extra, return_inverse=True)
    reach = np.array([ctx.reach(rules, float(e)) for e in extras])[which.reshape(-1)]
    b = shapely.bounds(fps)
    return np.stack([b[:, 0] - reach, b[:, 2] + reach, b[:, 1] - reach, b[:, 3] + reach],
                    axis=1)


def disk_candidates(reader, rules: Rules, ctx: Context, fps: np.ndarray,
                    extra: np.ndarray) -> tuple:
    """(footprint index, columns, geometries, classes, base clearance) of the candidates of
    every footprint, as ``MemoryIndex.candidates`` gives them, read through ``reader``."""
    fi, ai, cols, geoms = reader.candidates_many(search_boxes(fps, extra, ctx, rules),
                                                 CHECK_COLUMNS)
    cols = normalise(cols)
    classes = classify(cols, rules)
    base = base_clearance(cols, rules, classes)
    return fi, Rows(cols, ai), geoms[ai], classes[ai], base[ai]  # (columns copied once: ``take``)
