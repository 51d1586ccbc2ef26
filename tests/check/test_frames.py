"""``check.frames.fast_frame`` builds GeoDataFrames through pandas' private ``_from_arrays``:
its frames must equal what the public ``geopandas.GeoDataFrame(...)`` constructor builds for
the same data — geometry, dtypes, index and CRS — empty results included, and so must the
check's own result frames.

"The same data" is each column with its numpy dtype: fast_frame keeps text as ``object``
with None for a missing value (what the check's callers test for), where pandas 3's
constructor left to infer would make it ``str`` with NaN; the last test pins that choice."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from asset_register.check import Checker, DigSite
from asset_register.check.frames import fast_frame

from .conftest import X0, Y0, asset

BNG = pyproj.CRS.from_epsg(27700)


def public(data: dict, crs, geometry: str = "geometry") -> gpd.GeoDataFrame:
    """The same frame through the public constructor, each column with its numpy dtype."""
    columns = {k: pd.Series(np.asarray(v), dtype=np.asarray(v).dtype)
               for k, v in data.items() if k != geometry}
    columns[geometry] = np.asarray(data[geometry], dtype=object)
    return gpd.GeoDataFrame(columns, geometry=geometry, crs=crs)


def assert_same(fast: gpd.GeoDataFrame, ref: gpd.GeoDataFrame) -> None:
    assert type(fast) is gpd.GeoDataFrame
    assert fast.geometry.name == ref.geometry.name
    assert list(fast.columns) == list(ref.columns)
    assert fast.dtypes.to_dict() == ref.dtypes.to_dict()
    assert fast.index.equals(ref.index) and type(fast.index) is type(ref.index)
    assert fast.crs == ref.crs and fast.geometry.crs == ref.crs
    assert fast.geom_type.equals(ref.geom_type)  # (geopandas' own check fails on a None)
    assert_geodataframe_equal(fast, ref, check_dtype=True, check_index_type=True,
                              check_crs=True)


def columns(n: int) -> dict:
    rng = np.random.default_rng(7)
    kinds = [shapely.Point(X0, Y0), shapely.LineString([(X0, Y0), (X0 + 5, Y0 + 1)]),
             shapely.box(X0, Y0, X0 + 2, Y0 + 2), None]
    return {
        "asset_id": np.array([f"A:{i}" for i in range(n)], dtype=object),
        "owner": np.array([None if i % 3 == 0 else "WAT" for i in range(n)], dtype=object),
        "distance_m": rng.uniform(0, 5, n),
        "depth_m": np.where(np.arange(n) % 2 == 0, np.nan, 1.2),
        "version": np.arange(n, dtype=np.int64),
        "restricted": np.arange(n) % 2 == 1,
        "geometry": np.array([kinds[i % len(kinds)] for i in range(n)], dtype=object),
    }


@pytest.mark.parametrize("n", [0, 1, 7])
@pytest.mark.parametrize("crs", [BNG, "EPSG:27700"])
def test_fast_frame_equals_the_public_constructor(n, crs):
    data = columns(n)
    frame = fast_frame(data, crs)
    assert len(frame) == n
    assert_same(frame, public(data, crs))
    assert frame.dtypes["geometry"] == "geometry" and frame.dtypes["asset_id"] == np.dtype(object)
    assert frame.dtypes["version"] == np.int64 and frame.dtypes["restricted"] == np.dtype(bool)


def test_fast_frame_with_another_geometry_name_and_no_other_column():
    geoms = np.array([shapely.Point(X0, Y0)], dtype=object)
    assert_same(fast_frame({"footprint": geoms}, BNG, geometry="footprint"),
                public({"footprint": geoms}, BNG, geometry="footprint"))
    empty = np.empty(0, dtype=object)
    assert_same(fast_frame({"footprint": empty}, BNG, geometry="footprint"),
                public({"footprint": empty}, BNG, geometry="footprint"))


def test_without_the_private_pandas_builder_the_frame_is_the_same(monkeypatch):
    data = columns(5)
    with_private = fast_frame(data, BNG)
    monkeypatch.delattr(pd.DataFrame, "_from_arrays")
    without = fast_frame(data, BNG)
    assert_same(without, public(data, BNG))
    assert_same(with_private, without)


def test_frames_behave_like_public_ones_afterwards():
    frame = fast_frame(columns(4), BNG)
    ref = public(columns(4), BNG)
    assert_same(frame.copy(), ref.copy())
    assert_same(frame[frame["distance_m"] >= 0], ref[ref["distance_m"] >= 0])
    assert_same(pd.concat([frame, frame], ignore_index=True), pd.concat([ref, ref], ignore_index=True))
    assert frame.to_crs(4326).crs.to_epsg() == 4326
    assert frame.to_json() == ref.to_json()


def _rebuilt(frame: gpd.GeoDataFrame, crs) -> gpd.GeoDataFrame:
    """The result's own columns passed through the public constructor."""
    data = {c: frame[c].to_numpy() for c in frame.columns if c != frame.geometry.name}
    data[frame.geometry.name] = frame.geometry.to_numpy()
    return public(data, crs, geometry=frame.geometry.name)


def test_check_results_equal_public_frames_with_and_without_conflicts(register):
    near = shapely.LineString([(X0 + 10.2, Y0 - 15), (X0 + 10.2, Y0 + 25)])
    store = register([asset("WAT:near", near, diameter_mm=150.0)])
    works = gpd.GeoDataFrame({"reference": ["W1"], "promoter": ["Gas Co"]},
                             geometry=[shapely.box(X0 + 2, Y0 + 2, X0 + 8, Y0 + 8)], crs=store.crs)
    store.add_works(works)
    with Checker(store) as checker:
        hit = checker.check(DigSite(shapely.box(X0, Y0, X0 + 10, Y0 + 10)))
        miss = checker.check(DigSite(shapely.box(X0 + 500, Y0 + 500, X0 + 510, Y0 + 510)))
    assert list(hit.conflicts["asset_id"]) == ["WAT:near"] and len(miss.conflicts) == 0
    for result in (hit, miss):
        assert_same(result.conflicts, _rebuilt(result.conflicts, store.crs))
        assert_same(result.works_overlapping, _rebuilt(result.works_overlapping, store.crs))
    assert list(hit.works_overlapping["reference"]) == ["W1"] and len(miss.works_overlapping) == 0


def test_text_stays_object_with_none_where_inference_would_make_str():
    data = columns(4)
    frame = fast_frame(data, BNG)
    assert frame["owner"].dtype == object and frame["owner"].iloc[0] is None
    inferred = gpd.GeoDataFrame({k: v for k, v in data.items()}, geometry="geometry", crs=BNG)
    text = [c for c in frame.columns if frame[c].dtype == object]
    assert text == ["asset_id", "owner"]
    if pd.api.types.is_string_dtype(inferred["owner"].dtype) and inferred["owner"].dtype != object:
        # pandas >= 3 infers str: the same values, with NaN for a missing one
        assert_same(frame.astype({c: inferred[c].dtype for c in text}), inferred)
    else:
        assert_same(frame, inferred)
