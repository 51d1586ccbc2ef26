"""Delivery scope in ``write_batch`` (every backend): whole network, area extract, append."""

from __future__ import annotations

import shapely

from asset_register.model import BatchInfo
from tests.conftest import synthetic_assets

WEST = shapely.box(529900, 179900, 530500, 181100)  # synthetic assets span x 530000-531000
EAST = shapely.box(530500, 179900, 531100, 181100)
DELIVERY = "OPR:Elektriciteitskabel"


def _batch(n):
    return BatchInfo(source_file="levering.zip", layer="Elektriciteitskabel", sha256="cd" * 32,
                     owner="OPR", rows_read=n)


def _points(seed, x0):
    """Points only (so 'inside the area' is unambiguous), 0..500 m east of x0."""
    f = synthetic_assets(60, seed=seed, owner="OPR", x0=x0, size=480)
    f["geometry"] = shapely.centroid(f.geometry.array)
    return f


def _live(store):
    return set(store.read_assets(columns=["asset_id"])["asset_id"])


def test_two_areas_of_one_operator_both_stay_live(store):
    west, east = _points(1, 530010), _points(2, 530510)
    store.write_batch(west, _batch(60), delivery=DELIVERY, area=WEST)
    r = store.write_batch(east, _batch(60), delivery=DELIVERY, area=EAST)
    assert r.retired == 0 and r.added == 60
    assert _live(store) == set(west["asset_id"]) | set(east["asset_id"])


def test_area_redelivery_retires_only_what_vanished_inside(store):
    west, east = _points(1, 530010), _points(2, 530510)
    store.write_batch(west, _batch(60), delivery=DELIVERY, area=WEST)
    store.write_batch(east, _batch(60), delivery=DELIVERY, area=EAST)
    again = west.iloc[10:]  # ten assets of the west area were removed in the field
    r = store.write_batch(again, _batch(50), delivery=DELIVERY, area=WEST)
    assert (r.added, r.changed, r.unchanged, r.retired) == (0, 0, 50, 10)
    assert _live(store) == set(again["asset_id"]) | set(east["asset_id"])
    gone = store.get_asset(west["asset_id"].iloc[0], history=True)
    assert len(gone) == 1 and gone[0]["retired_at"] is not None  # retired, never deleted


def test_whole_network_delivery_still_supersedes_the_scope(store):
    west, east = _points(1, 530010), _points(2, 530510)
    store.write_batch(west, _batch(60), delivery=DELIVERY, area=WEST)
    store.write_batch(east, _batch(60), delivery=DELIVERY, area=EAST)
    r = store.write_batch(east.iloc[:5], _batch(5), delivery=DELIVERY)
    assert r.retired == 115 and _live(store) == set(east["asset_id"].iloc[:5])


def test_an_empty_area_appends(store):
    west, east = _points(1, 530010), _points(2, 530510)
    store.write_batch(west, _batch(60), delivery=DELIVERY)
    moved = west.iloc[:3].copy()
    moved["geometry"] = shapely.points(531500, 181500)  # a new version of three live ids
    r = store.write_batch(
        shapely_concat(east, moved), _batch(63), delivery=DELIVERY, area=shapely.Polygon())
    assert (r.added, r.changed, r.retired) == (60, 3, 0)
    assert _live(store) == set(west["asset_id"]) | set(east["asset_id"])
    assert store.get_asset(west["asset_id"].iloc[0])["geometry"].equals(
        shapely.Point(531500, 181500))


def shapely_concat(a, b):
    import pandas as pd

    return pd.concat([a, b], ignore_index=True)


def test_committed_is_reported_only_after_the_commit(store):
    seen = []

    def progress(fraction, message):
        seen.append((message, store.in_transaction()))

    store.write_batch(_points(1, 530010), _batch(60), delivery=DELIVERY, progress=progress)
    assert seen[-1] == ("committed", False)
    assert all(not inside for message, inside in seen if message == "committed")
    seen.clear()
    with store.atomic():  # inside a caller's transaction the batch is not committed yet
        store.write_batch(_points(2, 530510), _batch(60), delivery=DELIVERY, progress=progress)
    assert "committed" not in [message for message, _ in seen]
    assert seen[-1] == ("written; to be committed with the rest of the import", True)


def test_a_large_batch_inside_an_enclosing_transaction_keeps_the_spatial_index(store):
    """Several layers of one import share one transaction: a large one among them is
    written with its indexes rebuilt in bulk, and the register answers as before."""
    big = synthetic_assets(20_100, seed=3, owner="OPR", size=3000)
    with store.atomic():
        store.write_batch(_points(1, 530010), _batch(60), delivery=DELIVERY)
        store.write_batch(big, _batch(len(big)), delivery="OPR:ducts")
    late = _points(2, 530510)  # after it, a small batch is indexed row by row again
    store.write_batch(late, _batch(60), delivery="OPR:late")
    box = shapely.box(530400, 180400, 531200, 181200)
    frame = shapely_concat(shapely_concat(_points(1, 530010), big), late)
    expected = set(frame["asset_id"][shapely.intersects(frame.geometry.array, box)])
    assert set(store.query_bbox(box.bounds)["asset_id"]) == expected
    assert store.asset_count() == 60 + 20_100 + 60
    assert len(store.get_asset(big["asset_id"].iloc[7], history=True)) == 1
