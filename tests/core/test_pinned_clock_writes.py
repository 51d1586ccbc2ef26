"""Every timestamp an import writes comes from the product's one clock (``clock.now``), so
``ASSET_REGISTER_NOW`` pins it for tests and reproducible runs: the batch's start and end,
the versions' valid_from and retired_at, the owner's creation, the audit entry (GeoPackage;
PostGIS stamps its audit log in a server trigger)."""

from __future__ import annotations

import sqlite3

import geopandas as gpd
import shapely

from asset_register.model import BatchInfo, Owner, validate_assets

PINNED = "2026-11-23T09:30:00+00:00"
DAY = "2026-11-23T09:30:00"


def _rows(ids):
    return validate_assets(gpd.GeoDataFrame(
        [{"asset_id": i, "owner": "WSX", "utility": "water", "asset_class": "pipe",
          "status": "in_service", "h_accuracy_m": 0.5,
          "geometry": shapely.LineString([(530000 + k, 180000), (530010 + k, 180000)])}
         for k, i in enumerate(ids)], geometry="geometry", crs="EPSG:27700"))


def test_import_timestamps_follow_the_pinned_clock(store_factory, monkeypatch):
    monkeypatch.setenv("ASSET_REGISTER_NOW", PINNED)
    store = store_factory()
    store.upsert_owner(Owner("WSX", "Wessex Water"))
    store.write_batch(_rows(["A", "B"]), BatchInfo(source_file="one.gpkg", owner="WSX"),
                      delivery="WSX")
    store.write_batch(_rows(["A"]), BatchInfo(source_file="two.gpkg", owner="WSX"),
                      delivery="WSX")  # the whole network again: B is retired
    batches = store.batches()
    assert len(batches) == 2
    for col in ("started_at", "finished_at"):
        assert all(str(v).startswith(DAY) for v in batches[col]), batches[col].tolist()
    if not hasattr(store, "path"):
        return
    con = sqlite3.connect(store.path)
    try:
        valid = [r[0] for r in con.execute("SELECT valid_from FROM assets")]
        retired = [r[0] for r in con.execute("SELECT retired_at FROM assets "
                                             "WHERE retired_at IS NOT NULL")]
        owners = [r[0] for r in con.execute("SELECT created_at FROM owners")]
        audit = [r[0] for r in con.execute("SELECT at FROM audit_log")]
    finally:
        con.close()
    assert retired and audit
    for stamp in valid + retired + owners + audit:
        assert str(stamp).startswith(DAY), stamp
