"""The check runs with the libraries the packaged app ships: pyarrow's query engine (acero) is
left out of the bundle (packaging/trim_modules.py), so nothing on the check's path may need it."""

from __future__ import annotations

import sys

import shapely

from asset_register.check import Checker, DigSite
from asset_register.model import BatchInfo
from tests.conftest import synthetic_assets


def test_a_check_with_its_confidence_needs_no_pyarrow_query_engine(gpkg_store_factory, monkeypatch):
    store = gpkg_store_factory()
    for owner in ("WSX", "SGD"):
        store.write_batch(synthetic_assets(50, owner=owner, seed=len(owner) + ord(owner[0])),
                          BatchInfo(source_file=f"{owner}.gpkg", owner=owner))
    monkeypatch.setitem(sys.modules, "pyarrow.acero", None)  # as in the packaged app
    with Checker(store) as checker:
        x0, y0, x1, y1 = store.extent()
        result = checker.check(DigSite(shapely.box(x0, y0, (x0 + x1) / 2, (y0 + y1) / 2)))
    assert result.confidence is not None and len(result.conflicts) > 0
