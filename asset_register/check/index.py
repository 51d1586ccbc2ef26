"""The in-memory STRtree of every live asset, for batches of footprints.

Single checks take their candidates from the store's reader (``RegisterStore.reader()``:
the GeoPackage R*Tree over a read-only connection, or the store's own box query);
``MemoryIndex`` holds every live asset with its class and base clearance precomputed and a
shapely STRtree. Each returns the assets whose bounding box meets a query box; exact
distances are the checker's job.
"""

from __future__ import annotations

import numpy as np
import shapely

from .clearance import CHECK_COLUMNS, base_clearance, classify, normalise, take
from .rules import Rules

# The SQLite R*Tree stores 32-bit floats, rounded outwards; this extra margin (m) on every
# query box keeps a candidate search conservative whatever the rounding.
BOX_MARGIN_M = 0.5


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
    def from_reader(cls, reader, rules: Rules) -> MemoryIndex:
        """Every live asset, read in bulk through a store's reader."""
        cols, geoms = reader.asset_arrays(CHECK_COLUMNS)
        return cls(normalise(cols), geoms, rules)

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

    def candidates(self, footprints: np.ndarray, extra: np.ndarray) -> tuple:
        """(footprint index, columns, geometries, classes, base clearance) of the candidates
        of every footprint (``pairs`` within the largest base clearance plus its ``extra``)."""
        fi, ai = self.pairs(footprints, self.max_base + extra)
        return fi, take(self.cols, ai), self.geoms[ai], self.classes[ai], self.base[ai]
