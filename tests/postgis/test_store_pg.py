"""PostGIS-specific behaviour beyond the shared store contract."""

from __future__ import annotations

import json
import shutil
import subprocess

import pandas as pd
import pytest
import shapely

from asset_register.errors import CancelledError
from asset_register.model import BatchInfo
from asset_register.store import open_register
from tests.conftest import synthetic_assets

pytestmark = pytest.mark.postgis
BATCH = BatchInfo(source_file="d.gpkg", owner="WSX")


def _indexes(store):
    return sorted(store._query(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = "
        "'assets'", (store.schema,)).itertuples(index=False, name=None))


@pytest.fixture
def small_bulk(monkeypatch):
    """Take the first-load path from 2,000 rows, so the tests stay small."""
    from asset_register.store.postgis import write as postgis_write

    monkeypatch.setattr(postgis_write, "BULK_ROWS", 2000)


def test_first_bulk_load_rebuilds_every_index(pg_store, small_bulk):
    before = _indexes(pg_store)
    assert any("gist" in d for _, d in before)
    res = pg_store.write_batch(synthetic_assets(3000, seed=1), BATCH)
    assert res.added == 3000
    assert _indexes(pg_store) == before
    plan = "\n".join(r[0] for r in pg_store._conn.execute(
        "EXPLAIN SELECT fid FROM assets WHERE ST_DWithin(geom, "
        "ST_SetSRID(ST_MakePoint(530500, 180500), 27700), 3)").fetchall())
    assert "assets_geom" in plan  # statistics gathered, GiST index chosen


def test_interrupted_bulk_load_keeps_the_indexes(pg_store, small_bulk):
    before = _indexes(pg_store)

    def progress(fraction, message):
        if message == "updating register bounds":  # indexes rebuilt, not yet committed
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        pg_store.write_batch(synthetic_assets(3000, seed=2), BATCH, progress=progress)
    assert _indexes(pg_store) == before
    assert pg_store.asset_count() == 0 and len(pg_store.batches()) == 0
    with pytest.raises(CancelledError):
        pg_store.write_batch(synthetic_assets(3000, seed=2), BATCH, cancel=lambda: True)
    assert _indexes(pg_store) == before


def test_a_returning_asset_gets_the_next_version(pg_store):
    frame = synthetic_assets(10, seed=3)
    pg_store.write_batch(frame, BATCH, delivery="WSX:a")
    pg_store.write_batch(frame.iloc[:5], BATCH, delivery="WSX:a")  # 5 withdrawn
    back = pg_store.write_batch(frame, BATCH, delivery="WSX:a")  # and delivered again
    assert (back.added, back.unchanged) == (5, 5)
    hist = pg_store.get_asset(frame["asset_id"].iloc[9], history=True)
    assert [h["version"] for h in hist] == [1, 2]
    assert hist[0]["retired_at"] is not None and hist[1]["retired_at"] is None


def test_attrs_text_is_kept_byte_for_byte(pg_store):
    frame = synthetic_assets(4, seed=4)
    odd = ['{"path": "C:\\\\data\\\\x", "q": "say \\"hi\\""}', '{"nl": "a\\nb", "tab": "\\t"}',
           '{"emoji": "🚧", "comma": "a,b"}', '{ "spaced" :  1 }']
    frame["attrs"] = odd
    pg_store.write_batch(frame, BATCH)
    back = pg_store.read_assets().set_index("asset_id").loc[frame["asset_id"], "attrs"]
    assert list(back) == odd
    assert [json.loads(a) for a in odd] == [pg_store.get_asset(i)["attrs"]
                                            for i in frame["asset_id"]]


def test_empty_strings_and_nulls_stay_apart(pg_store):
    frame = synthetic_assets(2, seed=5)
    frame["material"] = pd.array(["", None], dtype="string")
    pg_store.write_batch(frame, BATCH)
    got = pg_store.read_assets().set_index("asset_id").loc[frame["asset_id"], "material"]
    assert got.iloc[0] == "" and pd.isna(got.iloc[1])


def test_registered_in_geometry_columns_for_gis_clients(pg_store, pg_server):
    pg_store.write_batch(synthetic_assets(50, seed=6), BATCH)
    row = pg_store._conn.execute(
        "SELECT srid, type FROM geometry_columns WHERE f_table_schema = %s AND "
        "f_table_name = 'assets'", (pg_store.schema,)).fetchone()
    assert row == (27700, "GEOMETRY")
    if shutil.which("ogrinfo") is None:
        pytest.skip("ogrinfo (gdal-bin) not installed")
    url = pg_server.url()
    out = subprocess.run(["ogrinfo", "-ro", "-so", f"PG:{url}", f"{pg_store.schema}.assets"],
                         capture_output=True, text=True, timeout=60)
    assert "Feature Count: 50" in out.stdout, out.stderr
    assert "27700" in out.stdout


def test_store_works_through_a_url_with_libpq_options(pg_server, pg_store):
    url = pg_store.url_text + "&connect_timeout=5&application_name=field"
    with open_register(url, read_only=True) as store:
        assert store.asset_count() == 0
        hits = store.query_dwithin(shapely.Point(0, 0), 1.0)
        assert len(hits) == 0 and "distance_m" in hits.columns


def test_readers_cache_until_any_session_changes_the_data(pg_store):
    from asset_register.model import Owner

    reader = open_register(pg_store.url_text, read_only=True)
    try:
        v0 = reader.data_version()
        assert reader.owners() == [] and len(reader.owner_coverage()) == 0
        pg_store.upsert_owner(Owner("WSX", "Wessex Water"))  # another session writes
        assert reader.data_version() > v0
        assert [o.code for o in reader.owners()] == ["WSX"]
        pg_store.set_owner_coverage("WSX", shapely.box(0, 0, 10, 10))
        assert list(reader.owner_coverage()["owner"]) == ["WSX"]
        pg_store.write_batch(synthetic_assets(20, seed=7), BATCH)
        assert reader.clearance_bounds()["diameter_mm"] > 0 and reader.extent() is not None
        frame = reader.owner_coverage()
        frame.loc[0, "owner"] = "changed by the caller"
        assert list(reader.owner_coverage()["owner"]) == ["WSX"]  # callers get copies
    finally:
        reader.close()


def test_candidate_arrays_match_query_bbox(pg_store):
    from asset_register.check.clearance import CHECK_COLUMNS, NUMERIC

    frame = synthetic_assets(400, seed=8)
    frame.loc[frame.index[:5], "material"] = None
    pg_store.write_batch(frame, BATCH)
    box = (530100, 180100, 530600, 180500)
    cols, geoms = pg_store.candidate_arrays(box, CHECK_COLUMNS)
    ref = pg_store.query_bbox(box, columns=CHECK_COLUMNS)
    assert 0 < len(ref) < 400
    order = {a: i for i, a in enumerate(cols["asset_id"])}
    idx = [order[a] for a in ref["asset_id"]]
    assert sorted(order) == sorted(ref["asset_id"])
    assert shapely.equals_exact(geoms[idx], ref.geometry.array, 0).all()
    for c in CHECK_COLUMNS:
        got = cols[c][idx]
        if c in NUMERIC:
            assert got.dtype == float
            assert ((got == ref[c].to_numpy(dtype=float, na_value=float("nan")))
                    | (pd.isna(got) & ref[c].isna().to_numpy())).all(), c
        else:
            want = ref[c].astype(object).where(ref[c].notna(), None).tolist()
            assert got.tolist() == want, c
    empty, none = pg_store.candidate_arrays((0, 0, 1, 1), CHECK_COLUMNS)
    assert len(none) == 0 and all(len(v) == 0 for v in empty.values())


def test_a_dropped_session_is_reported_then_reopened(pg_store, pg_server):
    import psycopg

    from asset_register.errors import ConnectionError_

    pg_store.write_batch(synthetic_assets(10, seed=9), BATCH)
    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pg_store._raw.info.backend_pid,))
    with pytest.raises(ConnectionError_, match="try again"):
        pg_store.asset_count()
    assert pg_store.asset_count() == 10  # a new session, same schema and settings
    assert pg_store.write_batch(synthetic_assets(5, seed=10), BATCH).added == 5


def test_finalize_runs_inside_the_batch_transaction(pg_store):
    def cover(result):
        pg_store.set_owner_coverage("WSX", shapely.box(0, 0, 5, 5))
        assert result.added == 10

    pg_store.write_batch(synthetic_assets(10, seed=11), BATCH, finalize=cover)
    assert list(pg_store.owner_coverage()["owner"]) == ["WSX"]

    def fail(result):
        pg_store.set_owner_coverage("UKPN", shapely.box(0, 0, 5, 5))
        raise RuntimeError("coverage failed")
    with pytest.raises(RuntimeError):
        pg_store.write_batch(synthetic_assets(10, seed=12), BATCH, finalize=fail)
    assert pg_store.asset_count() == 10 and list(pg_store.owner_coverage()["owner"]) == ["WSX"]
