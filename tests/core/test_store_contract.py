"""The register store contract: every backend must pass these (see conftest STORE_BACKENDS)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asset_register.errors import CancelledError, NotFoundError, ValidationError
from asset_register.model import ASSET_COLUMNS, BatchInfo, Owner
from tests.conftest import synthetic_assets

BATCH = BatchInfo(source_file="delivery.gpkg", layer="mains", sha256="ab" * 32,
                  source_crs="EPSG:27700", transformation="none", transformation_accuracy_m=0.0,
                  owner="WSX", rows_read=200)


def _snapshot(store):
    """Everything a user could see of the register's content."""
    frame = store.read_assets()
    return (
        store.asset_count(),
        sorted(frame["asset_id"]),
        len(store.batches()),
        len(store.rejects()),
        store.stats()["by_utility"],
    )


def test_round_trip_of_every_canonical_field(store, assets_frame):
    store.write_batch(assets_frame, BATCH)
    back = store.read_assets().set_index("asset_id").loc[assets_frame["asset_id"]]
    src = assets_frame.set_index("asset_id")
    for col in ASSET_COLUMNS:
        if col == "asset_id" or col not in src:  # pressure_bar, voltage_v: their own test
            continue
        a = src[col].astype(object).where(src[col].notna(), None).tolist()
        b = back[col].astype(object).where(back[col].notna(), None).tolist()
        if col in ("depth_m", "diameter_mm", "h_accuracy_m", "v_accuracy_m", "pressure_bar",
                   "voltage_v"):
            np.testing.assert_allclose(np.array(a, float), np.array(b, float), err_msg=col)
        elif col == "restricted":
            assert [bool(v) for v in a] == [bool(v) for v in b]
        else:
            assert a == b, col
    assert shapely.equals_exact(back.geometry.array, src.geometry.array, tolerance=0).all()
    one = store.get_asset(assets_frame["asset_id"].iloc[4])
    assert one["attrs"] == json.loads(assets_frame["attrs"].iloc[4])
    assert one["source_file"] == "delivery.gpkg" and one["version"] == 1
    assert one["crs_accuracy_m"] == 0.0


def test_z_coordinates_are_kept(store, assets_frame):
    f = assets_frame.iloc[:3].copy()
    f["geometry"] = shapely.force_3d(f.geometry.array, 12.5)
    store.write_batch(f, BATCH)
    g = store.get_asset(f["asset_id"].iloc[0])["geometry"]
    assert g.has_z and shapely.get_coordinates(g, include_z=True)[0, 2] == 12.5


def test_reprojects_to_the_working_crs(store, assets_frame):
    wgs = assets_frame.to_crs(4326)
    store.write_batch(wgs, BATCH)
    back = store.read_assets().set_index("asset_id").loc[assets_frame["asset_id"]]
    d = shapely.hausdorff_distance(back.geometry.array, assets_frame.geometry.array)
    assert d.max() < 0.01  # forward and inverse pipelines agree to ~1 mm


def test_exception_mid_batch_leaves_register_as_it_was(store, assets_frame):
    store.upsert_owner(Owner("WSX", "Wessex Water"))
    store.write_batch(assets_frame.iloc[:50], BATCH)
    before = _snapshot(store)
    calls = []

    def progress(fraction, message):
        calls.append(fraction)
        if fraction > 0.2:
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        store.write_batch(synthetic_assets(30000, seed=2), BATCH, progress=progress)
    assert calls
    assert _snapshot(store) == before


def test_cancel_leaves_register_as_it_was(store, assets_frame):
    store.write_batch(assets_frame.iloc[:50], BATCH)
    before = _snapshot(store)
    with pytest.raises(CancelledError):
        store.write_batch(assets_frame, BATCH, cancel=lambda: True)
    assert _snapshot(store) == before


def test_redelivery_versions_and_retires(store, assets_frame):
    r1 = store.write_batch(assets_frame, BATCH, delivery="WSX:mains")
    assert (r1.added, r1.changed, r1.retired) == (200, 0, 0)
    second = assets_frame.iloc[:150].copy()
    second.loc[second.index[:10], "diameter_mm"] = 999.0
    extra = synthetic_assets(5, seed=9)
    r2 = store.write_batch(pd.concat([second, extra]), BATCH, delivery="WSX:mains")
    assert (r2.added, r2.changed, r2.unchanged, r2.retired) == (5, 10, 140, 50)
    assert store.asset_count() == 155
    hist = store.get_asset(assets_frame["asset_id"].iloc[0], history=True)
    assert [h["version"] for h in hist] == [1, 2]
    assert hist[0]["retired_at"] is not None and hist[1]["retired_at"] is None
    assert hist[1]["diameter_mm"] == 999.0
    gone = assets_frame["asset_id"].iloc[199]
    with pytest.raises(NotFoundError):
        store.get_asset(gone)
    assert store.get_asset(gone, history=True)[0]["retired_at"] is not None  # never deleted
    r3 = store.write_batch(pd.concat([second, extra]), BATCH, delivery="WSX:mains")
    assert (r3.added, r3.changed, r3.unchanged, r3.retired) == (0, 0, 155, 0)


def test_rejects_are_kept_with_reasons(store, assets_frame):
    rej = pd.DataFrame({"row": [3, 7], "reason": ["empty geometry", "unknown utility 'x'"],
                        "attrs": ['{"a": 1}', '{"b": 2}']})
    res = store.write_batch(assets_frame, BATCH, rejects=rej)
    got = store.rejects(res.batch_id)
    assert list(got["reason"]) == ["empty geometry", "unknown utility 'x'"]
    assert store.batches().iloc[-1]["rows_rejected"] == 2


def test_invalid_frames_are_refused(store, assets_frame):
    bad = assets_frame.copy()
    bad.loc[bad.index[3], "utility"] = "plasma"
    with pytest.raises(ValidationError, match="plasma"):
        store.write_batch(bad, BATCH)
    dup = pd.concat([assets_frame.iloc[:2], assets_frame.iloc[:1]])
    with pytest.raises(ValidationError, match="twice"):
        store.write_batch(dup, BATCH)
    assert store.asset_count() == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cx=st.floats(530000, 531000), cy=st.floats(180000, 181000),
    w=st.floats(0.5, 300), h=st.floats(0.5, 300), d=st.floats(0, 25),
)
def test_queries_equal_brute_force(loaded_store, cx, cy, w, h, d):
    store, frame = loaded_store
    box = (cx, cy, cx + w, cy + h)
    got = set(store.query_bbox(box, columns=["asset_id"])["asset_id"])
    expected = set(frame["asset_id"][shapely.intersects(frame.geometry.array, shapely.box(*box))])
    assert got == expected
    foot = shapely.box(*box)
    res = store.query_dwithin(foot, d, columns=["asset_id"])
    dist = shapely.distance(frame.geometry.array, foot)
    assert set(res["asset_id"]) == set(frame["asset_id"][dist <= d])
    if len(res):
        ref = dict(zip(frame["asset_id"], dist))
        assert np.allclose(res["distance_m"], [ref[a] for a in res["asset_id"]])


@pytest.fixture
def loaded_store(store_factory):
    store = store_factory("loaded.gpkg")
    frame = synthetic_assets(25000, seed=5)  # over the bulk-index threshold
    store.write_batch(frame, BATCH)
    store.write_batch(synthetic_assets(300, seed=6), BATCH)  # per-row index path
    frame = store.read_assets(columns=["asset_id"])
    return store, frame


def test_settings_owners_coverage_stats(store, assets_frame):
    store.set_setting("authority_name", "Wessex County Council")
    assert store.get_setting("authority_name") == "Wessex County Council"
    assert store.get_setting("nope", "d") == "d"
    store.upsert_owner(Owner("WSX", "Wessex Water", "0345 600 4600", "0345 600 4601", "a@b.c"))
    store.upsert_owner(Owner("WSX", "Wessex Water Services"))
    (o,) = store.owners()
    assert o.name == "Wessex Water Services" and o.phone == "0345 600 4600"
    store.write_batch(assets_frame, BATCH)
    area = shapely.box(530000, 180000, 531000, 181000)
    store.set_owner_coverage("WSX", area)
    cov = store.owner_coverage()
    assert list(cov["owner"]) == ["WSX"] and cov.geometry.iloc[0].equals(shapely.multipolygons([area]))
    s = store.stats()
    assert s["assets"] == 200 and s["by_owner"] == {"WSX": 200}
    assert sum(s["by_utility"].values()) == 200
    assert "WSX" in s["data_age"]
    ext = store.extent()
    b = assets_frame.total_bounds
    assert ext[0] <= b[0] and ext[1] <= b[1] and ext[2] >= b[2] and ext[3] >= b[3]
    assert np.allclose(ext, b, atol=0.1)
    cb = store.clearance_bounds()
    assert cb["diameter_mm"] == assets_frame["diameter_mm"].max()


def test_notice_sequence_and_responses(store):
    assert [store.next_notice_sequence("WSX", 2026) for _ in range(3)] == [1, 2, 3]
    assert store.next_notice_sequence("WSX", 2027) == 1
    store.record_notice({"reference": "WSX-2026-000001", "status": "draft"})
    store.update_notice("WSX-2026-000001", 1, status="issued")
    assert store.notices("WSX-2026-000001").iloc[0]["status"] == "issued"
    store.record_response("WSX-2026-000001", "WSX", "no_assets_affected")
    assert list(store.responses("WSX-2026-000001")["status"]) == ["no_assets_affected"]
    with pytest.raises(NotFoundError):
        store.record_response("NOPE", "WSX", "affected")


def test_works_round_trip(store):
    import geopandas as gpd

    works = gpd.GeoDataFrame(
        {"reference": ["W1", "W2"], "promoter": ["Gas Co", "Council"], "usrn": ["123", None],
         "start_date": ["2026-12-01", "2027-01-10"], "end_date": ["2026-12-05", "2027-01-20"]},
        geometry=[shapely.box(530000, 180000, 530010, 180010), shapely.box(0, 0, 1, 1)],
        crs="EPSG:27700",
    )
    assert store.add_works(works) == 2
    assert list(store.works()["reference"]) == ["W1", "W2"]
    assert list(store.works(bbox=(529990, 179990, 530005, 180005))["reference"]) == ["W1"]
    works.loc[0, "promoter"] = "Gas Company Ltd"
    store.add_works(works)
    assert store.works().iloc[0]["promoter"] == "Gas Company Ltd"


def test_audit_log_records_writes(store, assets_frame):
    store.write_batch(assets_frame, BATCH)
    log = store.audit_log()
    assert "import_batch" in set(log["action"])


def test_a_returning_asset_gets_the_next_version(store, assets_frame):
    one = assets_frame.iloc[:3]
    store.write_batch(one, BATCH, delivery="WSX:mains")
    store.write_batch(one.iloc[:2], BATCH, delivery="WSX:mains")  # the third is withdrawn
    back = store.write_batch(one, BATCH, delivery="WSX:mains")  # and delivered again
    assert (back.added, back.unchanged) == (1, 2)
    hist = store.get_asset(one["asset_id"].iloc[2], history=True)
    assert [h["version"] for h in hist] == [1, 2]
    assert hist[0]["retired_at"] is not None and hist[1]["retired_at"] is None


def test_pressure_and_voltage_values_round_trip_and_version(store, assets_frame):
    """The recorded values (schema 2 / PostGIS 3) are stored, and a changed value is a change;
    rows without values keep the hash they had before the fields existed."""
    f = assets_frame.iloc[:4].copy()
    f["pressure_bar"] = [8.0, None, 0.03, None]
    f["voltage_v"] = [None, 11000.0, None, None]
    store.write_batch(f, BATCH)
    back = store.read_assets().set_index("asset_id").loc[f["asset_id"]]
    assert back["pressure_bar"].tolist()[0] == 8.0 and back["voltage_v"].tolist()[1] == 11000.0
    assert back["pressure_bar"].isna().tolist() == [False, True, False, True]
    again = store.write_batch(f, BATCH)
    assert (again.unchanged, again.changed) == (4, 0)
    f2 = f.copy()
    f2["pressure_bar"] = [7.0, None, 0.03, None]  # one value changed
    res = store.write_batch(f2, BATCH)
    assert (res.changed, res.unchanged) == (1, 3)
    assert store.get_asset(f["asset_id"].iloc[0])["pressure_bar"] == 7.0


def test_get_assets_is_get_asset_for_each_live_id(store, assets_frame):
    """The bulk read answers as one ``get_asset`` per id: live assets only (a retired one
    and an unknown id are left out), every field and provenance the same."""
    store.write_batch(assets_frame, BATCH, delivery="WSX:mains")
    again = assets_frame.iloc[1:].copy()  # retires the first asset, changes the fourth
    again.loc[again.index[2], "diameter_mm"] = 999.0
    store.write_batch(again, BATCH, delivery="WSX:mains")
    ids = assets_frame["asset_id"].tolist()
    gone, wanted = ids[0], [ids[7], ids[3], ids[0], "no-such-asset", ids[3]]
    got = store.get_assets(wanted)
    assert sorted(got) == sorted({ids[7], ids[3]}) and gone not in got
    for asset_id in (ids[7], ids[3]):
        one = store.get_asset(asset_id)
        assert set(got[asset_id]) == set(one)
        for key, value in one.items():
            if key == "geometry":
                assert shapely.equals_exact(got[asset_id][key], value, tolerance=0)
            else:
                same_nan = value != value and got[asset_id][key] != got[asset_id][key]
                assert got[asset_id][key] == value or same_nan, key
    assert got[ids[3]]["version"] == 2 and got[ids[3]]["diameter_mm"] == 999.0
    assert store.get_assets([]) == {}


def test_restricted_among_is_the_restricted_flag_of_get_assets(store, assets_frame):
    """The restricted ids among some ids, read for that flag alone: exactly the live assets
    ``get_assets`` gives with ``restricted`` set (a retired restricted asset, an unknown id
    and a repeated id change nothing)."""
    frame = assets_frame.copy()
    frame["restricted"] = [i % 3 == 0 for i in range(len(frame))]
    store.write_batch(frame, BATCH, delivery="WSX:mains")
    store.write_batch(frame.iloc[1:], BATCH, delivery="WSX:mains")  # retires the first
    ids = frame["asset_id"].tolist()
    wanted = [*ids[:10], ids[3], "no-such-asset"]
    expected = {a for a, rec in store.get_assets(wanted).items() if rec["restricted"]}
    assert expected == {ids[3], ids[6], ids[9]}  # (ids[0] is restricted but retired)
    assert store.restricted_among(wanted) == expected
    assert store.restricted_among(iter(wanted)) == expected
    assert store.restricted_among([]) == set()
