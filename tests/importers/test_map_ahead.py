"""The field mapping run in a thread while the geometries are reprojected gives the answers of
mapping after the reprojection: same assets in the same order, same rejects and reasons, same
warnings; when the reprojection rejects rows the early mapping is dropped and done again on the
kept rows. Its errors reach the caller, and a cancelled import does not wait for it."""

from __future__ import annotations

import threading

import pandas as pd
import pyproj
import pytest
import shapely

import importers.prepare as prep
from asset_register.errors import CancelledError, ProfileError
from importers.sources import open_source

from .conftest import gas_profile
from .test_import_parts import source

BNG = pyproj.CRS("EPSG:27700")
MAP_FIELDS = prep.map_fields


def prepared(path, monkeypatch, *, ahead, **kwargs):
    monkeypatch.setattr(prep, "MAP_AHEAD_FROM", 0 if ahead else 10**12)
    calls = []

    def spy(table, src, *args, **kw):
        calls.append((threading.current_thread().name.startswith("import-map"), len(src)))
        return MAP_FIELDS(table, src, *args, **kw)

    monkeypatch.setattr(prep, "map_fields", spy)
    layer = prep.prepare_layer(open_source(path), "mains", gas_profile(), owner="GAS",
                               working_crs=BNG, **kwargs)
    return layer, calls


def same(a, b):
    pd.testing.assert_frame_equal(pd.DataFrame(a.assets.drop(columns="geometry")),
                                  pd.DataFrame(b.assets.drop(columns="geometry")))
    assert shapely.equals_exact(a.assets.geometry.array, b.assets.geometry.array, tolerance=0).all()
    pd.testing.assert_frame_equal(a.rejects, b.rejects)  # rows, reasons, attributes, WKT
    assert list(a.asset_rows) == list(b.asset_rows)
    assert a.warnings == b.warnings


def inside_source(tmp_path) -> str:
    """The parts test's layer without its row 4000 (far outside Great Britain): no row
    fails the reprojection."""
    import geopandas as gpd
    import pyogrio

    path = source(tmp_path)
    frame = pyogrio.read_dataframe(path)
    pyogrio.write_dataframe(gpd.GeoDataFrame(frame.drop(index=4000), crs=frame.crs), path,
                            layer="mains", driver="GPKG")
    return path


@pytest.mark.parametrize("outside", [False, True])
def test_mapping_ahead_gives_the_answers_of_mapping_after(tmp_path, monkeypatch, outside):
    path = source(tmp_path) if outside else inside_source(tmp_path)
    plain, plain_calls = prepared(path, monkeypatch, ahead=False)
    early, early_calls = prepared(path, monkeypatch, ahead=True)
    assert [threaded for threaded, _ in plain_calls] == [False]
    assert early_calls[0][0]  # mapped in the thread, on every cleaned row
    if outside:  # the early mapping dropped, the kept rows mapped again
        assert [c for c in early_calls[1:]] == [(False, early_calls[0][1] - 1)]
        assert any("could not be transformed" in r for r in early.rejects["reason"])
    else:
        assert len(early_calls) == 1
    assert len(early.rejects) >= 2 and any("duplicate" in r for r in early.rejects["reason"])
    same(plain, early)


def test_an_error_in_the_early_mapping_reaches_the_caller(tmp_path, monkeypatch):
    path = inside_source(tmp_path)
    monkeypatch.setattr(prep, "MAP_AHEAD_FROM", 0)

    def broken(*args, **kwargs):
        assert threading.current_thread().name.startswith("import-map")
        raise ProfileError("profile maps a field the layer lacks")

    monkeypatch.setattr(prep, "map_fields", broken)
    with pytest.raises(ProfileError, match="lacks"):
        prep.prepare_layer(open_source(path), "mains", gas_profile(), owner="GAS", working_crs=BNG)


def test_a_cancelled_import_does_not_wait_for_the_early_mapping(tmp_path, monkeypatch):
    path = inside_source(tmp_path)
    monkeypatch.setattr(prep, "MAP_AHEAD_FROM", 0)
    release, started = threading.Event(), threading.Event()

    def stuck(*args, **kwargs):
        started.set()
        release.wait(60)  # a mapping that does not finish while the import waits
        raise RuntimeError("not to be seen")

    asked = []

    def cancelled():  # the user cancels once the import waits for the mapping
        if started.is_set():
            asked.append(1)
        return len(asked) >= 2

    monkeypatch.setattr(prep, "map_fields", stuck)
    try:
        with pytest.raises(CancelledError):
            prep.prepare_layer(open_source(path), "mains", gas_profile(), owner="GAS",
                               working_crs=BNG, cancelled=cancelled)
        assert not release.is_set()  # cancelled while the mapping still ran
    finally:
        release.set()
