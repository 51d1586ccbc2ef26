"""The capabilities RegisterStore declares for its callers (the dig check's reader, Arrow reads,
settings, display name, copying records, duplicate keys, roles), on every backend: a
backend's own fast path must answer what the interface's defaults answer."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from asset_register.errors import DuplicateRecordError, ValidationError
from asset_register.model import BatchInfo
from asset_register.store import AssetReader, display_name, is_url

COLUMNS = ["asset_id", "owner", "utility", "depth_m", "diameter_mm", "pressure", "h_accuracy_m"]
BATCH = BatchInfo(source_file="delivery.gpkg", layer="mains", owner="WSX")


def _by_id(arrays) -> dict[str, tuple]:
    cols, geoms = arrays
    assert len(geoms) == len(cols["asset_id"])
    rows = {}
    for i, aid in enumerate(cols["asset_id"]):
        rows[aid] = tuple(None if isinstance(cols[c][i], float) and np.isnan(cols[c][i])
                          else cols[c][i] for c in COLUMNS) + (shapely.to_wkb(geoms[i]),)
    return rows


def test_the_backend_reader_answers_as_the_default_reader(store, assets_frame):
    frame = assets_frame.copy()
    frame.loc[frame.index[:5], "depth_m"] = np.nan  # nulls: NaN in numbers, None in text
    frame.loc[frame.index[:5], "pressure"] = None
    store.write_batch(frame, BATCH)
    own, default = store.reader(), AssetReader(store)
    try:
        every = _by_id(own.asset_arrays(COLUMNS))
        assert every == _by_id(default.asset_arrays(COLUMNS))
        assert set(every) == set(frame["asset_id"])
        cols, _ = own.asset_arrays(COLUMNS)
        assert cols["depth_m"].dtype == np.float64 and cols["pressure"].dtype == object
        assert None in set(cols["pressure"].tolist())
        box = (530100.0, 180100.0, 530400.0, 180300.0)
        inside = set(frame.loc[frame.intersects(shapely.box(*box)), "asset_id"])
        found, exact = _by_id(own.candidate_arrays(box, COLUMNS)), _by_id(
            default.candidate_arrays(box, COLUMNS))
        assert inside and set(exact) == inside and set(found) >= inside  # boxes may add some
        assert all(found[a] == exact[a] for a in inside)
        utilities = {}
        for owner, utility in zip(frame["owner"], frame["utility"]):
            utilities.setdefault(owner, set()).add(utility)
        assert own.owner_utilities() == default.owner_utilities() == utilities
        assert own.clearance_bounds() == store.clearance_bounds()
        before = own.data_version()
        store.set_setting("note", "changed")
        store.write_batch(frame.iloc[:3].assign(asset_id=["N1", "N2", "N3"]), BATCH)
        if before is not None:
            assert own.data_version() != before
        assert {"N1", "N2", "N3"} <= set(_by_id(own.asset_arrays(COLUMNS)))
    finally:
        own.close()
        default.close()


def test_arrow_reads_and_slices_hold_every_live_asset(store, assets_frame):
    store.write_batch(assets_frame, BATCH)
    ids = sorted(assets_frame["asset_id"])
    meta, table = store.read_arrow(["asset_id", "utility"])
    assert sorted(table["asset_id"].to_pylist()) == ids
    wkb = table[meta["geometry_name"]].to_numpy(zero_copy_only=False)
    by_id = dict(zip(table["asset_id"].to_pylist(), shapely.from_wkb(wkb)))
    src = dict(zip(assets_frame["asset_id"], assets_frame.geometry.array))
    assert all(shapely.equals(by_id[a], src[a]) for a in ids)
    meta, parts = store.read_arrow_slices(["asset_id"], read_geometry=False,
                                          each=lambda m, t: t["asset_id"].to_pylist())
    assert sorted(a for part in parts for a in part) == ids
    assert isinstance(store.snapshot_reads, bool)


def test_settings_and_the_name_shown_to_people(store):
    store.set_setting("authority_name", "Borough of Example")
    settings = store.settings()
    assert settings["authority_name"] == "Borough of Example"
    assert settings["working_crs"] == "EPSG:27700"
    assert settings == {k: store.get_setting(k) for k in settings}
    assert store.display == display_name(store.location)
    if is_url(store.location):
        assert store.display == store.url.display  # any password masked
        password = store.url_text.partition("://")[2].rpartition("@")[0].partition(":")[2]
        assert not password or password not in store.display
    else:
        assert store.display == store.location


def test_records_copied_from_another_register_keep_their_times(store, assets_frame):
    store.record_notice({"reference": "EXT-2026-00001", "status": "issued"})
    with store.atomic():
        n = store.copy_records("notice_responses", [
            {"reference": "EXT-2026-00001", "owner": "WSX", "status": "affected", "note": "n",
             "recorded_at": "2026-01-02T03:04:05.000+00:00", "recorded_by": "field"}])
    assert n == 1
    resp = store.responses("EXT-2026-00001").iloc[0]
    assert (resp["status"], resp["recorded_at"]) == ("affected", "2026-01-02T03:04:05.000+00:00")
    for table in ("assets", "audit_log"):  # audit entries are never copied with their times
        with pytest.raises(ValidationError, match="cannot be copied"):
            store.copy_records(table, [{"asset_id": "X", "at": "2026-01-02"}])
    result = store.write_batch(assets_frame.iloc[:2], BATCH)
    a, b = assets_frame["asset_id"].iloc[:2]
    store.restore_provenance(result.batch_id, "2025-05-05T00:00:00.000+00:00", None,
                             [(a, 7, "2025-05-05T00:00:00.000+00:00")])
    got = store.get_asset(a)
    assert got["version"] == 7 and got["valid_from"] == "2025-05-05T00:00:00.000+00:00"
    assert store.get_asset(b)["version"] == 1
    batch = store.batches().set_index("batch_id").loc[result.batch_id]
    assert batch["started_at"] == "2025-05-05T00:00:00.000+00:00"


def test_a_duplicate_notice_is_a_duplicate_record_error(store):
    store.record_notice({"reference": "WSX-2026-000001", "version": 1, "status": "draft"})
    with pytest.raises(DuplicateRecordError):
        store.record_notice({"reference": "WSX-2026-000001", "version": 1, "status": "draft"})
    assert len(store.notices("WSX-2026-000001")) == 1


def test_roles_exist_only_on_a_shared_register(gpkg_store_factory):
    store = gpkg_store_factory()
    for call in (store.grant_roles, store.logins, lambda: store.create_login("p", "planner")):
        with pytest.raises(ValidationError, match="roles exist only on a shared PostGIS"):
            call()
