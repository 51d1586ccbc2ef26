"""The check's register facts read over SQLite give the same answers as the store's frames.

A GeoPackage check reads owners' coverage, planned works, open deviation reports and the
newest deliveries through its reader's own connection as plain arrays and records (so the
command line's check never imports pandas); the default reader builds them from the store's
frames. Both must give the same facts and so the same check, and a result read as columns
(the command line's report and JSON) must say what the same result read as frames says.
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
import shapely

from asset_register.check import Checker, CheckResult, DigSite
from asset_register.check.coordination import _dates
from asset_register.cli.check_cmd import render
from asset_register.deviations import add_report
from asset_register.lazy import plain_isna
from asset_register.store import AssetReader

from .conftest import X0, Y0, asset, write
from .test_owners_works_cli import _store

SITES = [
    DigSite(shapely.box(X0, Y0, X0 + 10, Y0 + 10), start=date(2026, 3, 2), end=date(2026, 3, 8),
            usrn="8400123", depth_m=0.4),
    DigSite(shapely.box(X0 + 28, Y0 + 58, X0 + 34, Y0 + 62), method="hand"),  # an unrecorded gas asset
    DigSite(shapely.box(X0 + 40, Y0 + 19, X0 + 44, Y0 + 23), reference="north"),  # reported elsewhere
    DigSite(shapely.box(X0 + 299, Y0 + 299, X0 + 302, Y0 + 301), method="trenchless"),
    DigSite(shapely.box(X0 + 5000, Y0 + 5000, X0 + 5004, Y0 + 5002)),  # nothing near
]


@pytest.fixture
def rich(register):
    """Assets of several owners (one abandoned, one deep, one of unknown pressure), coverage,
    planned works, deliveries and open, resolved and other deviation reports."""
    store = _store(register)
    write(store, [
        asset("OLD:1", shapely.LineString([(X0 - 5, Y0 + 2), (X0 + 15, Y0 + 2)]), owner="GAS",
              utility="gas", status="abandoned", pressure="LP"),
        asset("DEEP:1", shapely.LineString([(X0 - 5, Y0 + 8), (X0 + 15, Y0 + 8)]), owner="SEW",
              utility="sewer", depth_m=3.5, h_accuracy_m=None, quality_level="C"),
        asset("GAS:9", shapely.Point(X0 + 300, Y0 + 300), owner="GAS", utility="gas"),
    ], owner="GAS")
    add_report(store, "elsewhere", asset_id="WAT:1", accuracy_m=0.5,
               position=f"LINESTRING ({X0 + 30} {Y0 + 21}, {X0 + 60} {Y0 + 21})")
    add_report(store, "unrecorded", utility="gas", accuracy_m=0.2,
               position=f"LINESTRING ({X0 + 25} {Y0 + 60}, {X0 + 40} {Y0 + 60})")
    add_report(store, "unrecorded", utility="water", owner="WAT", position=f"POINT ({X0 + 300} {Y0 + 301})")
    add_report(store, "not_found", asset_id="BT:1")
    gone = add_report(store, "unrecorded", utility="gas", position=f"POINT ({X0 + 2} {Y0 + 2})")
    store.set_deviation_status([gone], "resolved", resolution="dug up: it was a drain")
    return store


def _plain(value):
    """A fact as comparable plain data (NaN and None alike, arrays as lists, shapes as WKB)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray | list | tuple):
        return [_plain(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if isinstance(value, shapely.Geometry):
        return shapely.to_wkb(value, hex=True)
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value


def test_the_sqlite_facts_are_the_frames_facts(rich):
    fast, plain = rich.reader(), AssetReader(rich)
    assert type(fast) is not AssetReader  # the GeoPackage's own reader
    try:
        for name in ("coverage_arrays", "works_arrays", "open_deviations", "newest_deliveries"):
            assert _plain(getattr(fast, name)()) == _plain(getattr(plain, name)()), name
        assert len(fast.open_deviations()) == 4 and len(fast.works_arrays()[1]) == 6
        assert set(fast.newest_deliveries()) == {"GAS"}
    finally:
        fast.close()


def _dicts(result: CheckResult) -> dict:
    out = result.to_dict()
    out.pop("seconds")
    return out


def test_the_check_is_the_same_through_either_reader(rich):
    with Checker(rich) as fast, Checker(rich, disk=False) as plain:
        for site in SITES:
            a, b = fast.check(site), plain.check(site)
            assert _dicts(a) == _dicts(b)
            assert render(a, "r.gpkg") == render(b, "r.gpkg")
        batch = fast.check_many(SITES)
        for i, site in enumerate(SITES):
            assert _dicts(batch[i])["conflicts"] == _dicts(fast.check(site))["conflicts"]
    seen = [_dicts(r) for r in batch]
    assert [len(d["conflicts"]) for d in seen][1:3] == [1, 1] and len(seen[0]["conflicts"]) >= 4
    assert len(seen[0]["works_overlapping"]) >= 2  # the dig meets works, reports and every kind


def test_a_result_read_as_columns_says_what_it_says_as_frames(rich):
    """The check hands its result over as columns; the frames are built when read. A result
    made from the frames themselves (as the notices' tests make one) reports the same."""
    with Checker(rich) as checker:
        for site in SITES:
            lazy = checker.check(site)
            text, doc = render(lazy, "r.gpkg"), _dicts(lazy)
            frames = CheckResult(**{**{k: getattr(lazy, k) for k in (
                "site", "owners_affected", "owners_no_conflict", "owners_no_data",
                "rules_version", "warnings", "seconds", "advice", "crs", "confidence")},
                "conflicts": lazy.conflicts, "works_overlapping": lazy.works_overlapping})
            assert render(frames, "r.gpkg") == text
            assert _dicts(frames) == doc
            assert lazy.summary() == frames.summary() == doc["summary"]
            assert lazy.conflicts.crs == rich.crs and list(lazy.conflicts["asset_id"]) == [
                c["asset_id"] for c in doc["conflicts"]]
            json.dumps(doc)  # JSON-ready


@pytest.mark.parametrize("values", [
    ["2026-03-01", None, "2026-12-31"], [], [None, None],
    ["2026-02-30", "2026-03-01"],  # not a day: NaT, as pandas coerces it
    ["1 March 2026", "2026-03-01"], ["2026-03-01T10:30", None], ["", "2026-03-01"],
])
def test_works_dates_are_parsed_as_pandas_parses_them(values):
    expected = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce").to_numpy(
        "datetime64[ns]")
    assert np.array_equal(_dates(values), expected, equal_nan=True)


@pytest.mark.parametrize("values", [
    ["2026-02-30", "2026-03-01"], ["2026-03-01", "2026-13-01", None], ["2026-02-29"],
])
def test_register_dates_that_are_not_days_are_missing_without_a_warning(values, recwarn):
    parsed = _dates(values)
    assert [str(v) for v in parsed.astype("datetime64[D]")] == [
        v if v in ("2026-03-01",) else "NaT" for v in values]
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]


def test_nulls_without_pandas_are_the_nulls_pandas_sees():
    for values in ([None, "a", float("nan"), 1.5, 0, "", np.datetime64("NaT")],
                   [1.0, np.nan], np.array(["2026-01-01", "NaT"], dtype="datetime64[ns]"),
                   np.array([1, 2]), np.array(["a", None], dtype=object),
                   np.array([[None, "b", np.float64("nan")], [3, "NaN", np.float32("nan")]],
                            dtype=object),
                   np.array([], dtype=object)):
        arr = np.asarray(values, dtype=object) if isinstance(values, list) else values
        assert plain_isna(arr).tolist() == pd.isna(arr).tolist()
