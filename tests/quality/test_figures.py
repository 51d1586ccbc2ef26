"""Each quality figure on a register built so that every answer is known by construction
(tests/quality/conftest.py): for an area and for the whole register."""

from __future__ import annotations

import pytest
import shapely

from asset_register.deviations import add_report
from asset_register.errors import ValidationError
from asset_register.quality import quality_report
from asset_register.quality.classes import accuracy_classes, age_classes, day_numbers

from .conftest import AREA, ON, X0, Y0, by_owner


@pytest.fixture
def area_report(known_register):
    return quality_report(known_register, area=AREA.wkt, on=ON)


def test_assets_in_the_area_are_counted_per_owner(area_report):
    rows = by_owner(area_report)
    assert area_report["area"]["whole_register"] is False
    assert area_report["area"]["km2"] == pytest.approx(1.0)
    assert {o: r["assets"] for o, r in rows.items()} == {"ELE": 5, "GAS": 10, "TEL": 2}
    assert area_report["assets"] == area_report["totals"]["assets"] == 17
    assert rows["GAS"]["name"] == "Gas Co" and rows["GAS"]["utilities"] == ["gas"]


def test_coverage_and_gaps_per_utility(area_report):
    rows = by_owner(area_report)
    assert rows["GAS"]["coverage_km2"] == pytest.approx(1.0)
    assert rows["GAS"]["coverage_share"] == 1.0
    assert rows["ELE"]["coverage_km2"] == pytest.approx(0.5)
    assert rows["ELE"]["coverage_share"] == 0.5
    assert rows["TEL"]["coverage_km2"] is None and rows["TEL"]["coverage_share"] is None
    gaps = {u["utility"]: u for u in area_report["utilities"]}
    assert gaps["gas"]["gap_km2"] == pytest.approx(0.0) and gaps["gas"]["uncovered_share"] == 0.0
    assert gaps["electricity"]["gap_km2"] == pytest.approx(0.5)
    assert gaps["electricity"]["uncovered_share"] == 0.5
    assert gaps["telecoms"]["uncovered_share"] == 1.0
    assert gaps["telecoms"]["owners_without_coverage"] == ["TEL"]
    assert area_report["no_owner_gap"]["uncovered_share"] == 0.0  # GAS covers it all


def test_an_expected_utility_nobody_delivers_is_a_whole_gap(known_register):
    from dataclasses import replace

    from asset_register.check.rules import default_rules

    rules = replace(default_rules(), expected_utilities=("water",))
    report = quality_report(known_register, area=AREA.wkt, on=ON, rules=rules)
    water = {u["utility"]: u for u in report["utilities"]}["water"]
    assert water["owners"] == [] and water["expected"] is True
    assert water["uncovered_share"] == 1.0 and water["gap_km2"] == pytest.approx(1.0)


def test_accuracy_classes_and_quality_levels(area_report):
    gas = by_owner(area_report)["GAS"]["accuracy"]
    assert gas["classes"] == {"le_0_3m": 3, "le_0_5m": 3, "le_1m": 1, "over_1m": 1,
                              "records_only": 1, "not_stated": 1}
    assert (gas["h_accuracy_known"], gas["quality_level_known"], gas["known"]) == (6, 3, 9)
    assert gas["known_share"] == 0.9
    assert gas["quality_levels"] == {"A": 1, "B1": 0, "B2": 0, "B3": 1, "B4": 0, "C": 1,
                                     "D": 0, "none": 7}
    ele = by_owner(area_report)["ELE"]["accuracy"]
    assert ele["classes"]["records_only"] == 4 and ele["classes"]["not_stated"] == 1
    assert ele["known_share"] == 0.8
    assert by_owner(area_report)["TEL"]["accuracy"]["known_share"] == 0.0
    total = area_report["totals"]["accuracy"]
    assert total["known"] == 13 and total["known_share"] == round(13 / 17, 4)


def test_record_age_deliveries_and_capture_dates(area_report):
    gas = by_owner(area_report)["GAS"]["age"]
    assert (gas["newest_delivery"], gas["oldest_delivery"]) == ("2025-05-05", "2020-03-01")
    assert gas["captured_known"] == 8
    # sorted: 2010, 2010, 2019, 2019, 2024 ×4: the lower middle of eight is the fourth
    assert gas["captured_median"] == "2019-06-01"
    assert gas["older_than_5y_share"] == 0.5 and gas["older_than_10y_share"] == 0.25
    assert gas["classes"] == {"under_5y": 4, "5_to_10y": 2, "over_10y": 2, "unknown": 2}
    ele = by_owner(area_report)["ELE"]["age"]
    assert ele["newest_delivery"] == ele["oldest_delivery"] == "2024-02-02"
    assert ele["captured_median"] == "2025-01-01" and ele["classes"]["unknown"] == 1
    tel = by_owner(area_report)["TEL"]["age"]
    assert tel["newest_delivery"] == "2018-08-08"
    assert tel["captured_known"] == 0 and tel["captured_median"] is None
    assert tel["older_than_5y_share"] is None


def test_missing_attributes_come_from_the_rules(area_report):
    assert [n["field"] for n in area_report["needs"]] == ["voltage", "pressure", "depth_m"]
    gas, ele, tel = (by_owner(area_report)[o]["missing"] for o in ("GAS", "ELE", "TEL"))
    assert gas["pressure"] == {"needed": 10, "missing": 4, "missing_share": 0.4}
    assert gas["depth_m"] == {"needed": 10, "missing": 3, "missing_share": 0.3}
    assert gas["voltage"]["needed"] == 0
    # the precaution zone needs neither voltage nor depth
    assert ele["voltage"] == {"needed": 4, "missing": 2, "missing_share": 0.5}
    assert ele["depth_m"] == {"needed": 4, "missing": 0, "missing_share": 0.0}
    assert tel["depth_m"] == {"needed": 2, "missing": 2, "missing_share": 1.0}


def test_rules_without_a_pressure_class_do_not_ask_for_pressure(known_register):
    from asset_register.check.rules import parse_rules

    rules = parse_rules({"version": "1", "classes": [
        {"name": "all", "clearance_m": 0.5, "precaution": "dig carefully"}]})
    report = quality_report(known_register, area=AREA.wkt, on=ON, rules=rules)
    assert [n["field"] for n in report["needs"]] == ["depth_m"]


def test_open_deviations_per_owner_in_the_area_and_everywhere(known_register):
    add_report(known_register, "not_found", asset_id="G1")
    add_report(known_register, "unrecorded", position=f"POINT ({X0 + 3000} {Y0 + 10})",
               utility="gas", owner="GAS")
    done = add_report(known_register, "not_found", asset_id="E0")
    known_register.set_deviation_status([done], "resolved", resolution="re-delivered")
    inside = quality_report(known_register, area=AREA.wkt, on=ON)
    everywhere = quality_report(known_register, on=ON)
    assert by_owner(inside)["GAS"]["open_deviations"] == 1
    assert by_owner(everywhere)["GAS"]["open_deviations"] == 2
    assert by_owner(everywhere)["ELE"]["open_deviations"] == 0
    assert everywhere["totals"]["open_deviations"] == 2


def test_whole_register(known_register):
    report = quality_report(known_register, on=ON)
    assert report["area"]["whole_register"] is True
    # the box of the assets (to the pipe outside the area, x + 2005) and the coverage
    assert report["area"]["km2"] == pytest.approx(2.005)
    gas = by_owner(report)["GAS"]
    assert gas["assets"] == 11 and gas["age"]["classes"]["over_10y"] == 3
    assert gas["coverage_share"] == round(1.0 / 2.005, 4)


def test_a_small_and_a_large_area_read_the_same_assets(known_register, monkeypatch):
    """Small areas go through the spatial index, large ones through the bulk read."""
    import asset_register.quality.data as data

    small = quality_report(known_register, area=AREA.wkt, on=ON)
    monkeypatch.setattr(data, "CANDIDATE_SHARE", 0.0)
    bulk = quality_report(known_register, area=AREA.wkt, on=ON)
    assert small["owners"] == bulk["owners"]


def test_an_area_in_another_crs_is_reprojected(known_register):
    from pyproj import Transformer

    t = Transformer.from_crs(27700, 4326, always_xy=True)
    ring = [t.transform(x, y) for x, y in AREA.exterior.coords]
    wgs = shapely.Polygon(ring).wkt
    report = quality_report(known_register, area=wgs, crs="EPSG:4326", on=ON)
    assert {r["owner"]: r["assets"] for r in report["owners"]} == {"ELE": 5, "GAS": 10,
                                                                   "TEL": 2}


def test_owner_filter_and_bad_input(known_register):
    report = quality_report(known_register, owners=["ELE"], on=ON)
    assert [r["owner"] for r in report["owners"]] == ["ELE"]
    assert report["totals"]["assets"] == 18
    with pytest.raises(ValidationError, match="owner 'NOPE' is not in this register"):
        quality_report(known_register, owners=["NOPE"], on=ON)
    with pytest.raises(ValidationError, match="not WKT"):
        quality_report(known_register, area="POLYGON ((1 2", on=ON)
    with pytest.raises(ValidationError, match="must be a polygon"):
        quality_report(known_register, area="POINT (1 2)", on=ON)


def test_classes_vectorised_known_answers():
    import numpy as np

    acc = accuracy_classes([0.05, 0.3, 0.31, 0.5, 0.6, 1.0, 1.01, np.nan, np.nan, np.nan],
                           np.array([None, "D", None, None, None, None, None, "B4", "B1", "X"],
                                    dtype=object))
    assert acc.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 0, 5]
    days = day_numbers(np.array(["2021-11-24", "2021-11-23T08:00:00", "2016-11-23", None,
                                 "not a date"], dtype=object))
    # on 2026-11-23 a record of 2021-11-23 is exactly five years old, not older than five;
    # one of 2016-11-23 is exactly ten: older than five, not older than ten
    assert age_classes(days, ON).tolist() == [0, 0, 1, 3, 3]


def test_an_empty_register(gpkg_store_factory):
    report = quality_report(gpkg_store_factory(), on=ON)
    assert report["assets"] == 0 and report["owners"] == [] and report["utilities"] == []
    assert report["area"]["km2"] == 0.0 and report["totals"]["accuracy"]["known_share"] is None


def test_both_backends_give_the_same_figures(store, monkeypatch):
    """The same register on each backend (delivery days aside: each stamps its own), an area
    read in bulk and through the spatial index."""
    import asset_register.quality.data as data

    from .conftest import elec_rows, gas_rows, tel_rows

    import geopandas as gpd

    from asset_register.model import BatchInfo, Owner, validate_assets

    for code in ("GAS", "ELE", "TEL"):
        store.upsert_owner(Owner(code, code))
    for owner, rows in (("GAS", gas_rows()), ("ELE", elec_rows()), ("TEL", tel_rows())):
        frame = validate_assets(gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:27700"))
        store.write_batch(frame, BatchInfo(source_file=owner, owner=owner), delivery=owner)
    store.set_owner_coverage("GAS", AREA)
    add_report(store, "not_found", asset_id="G1")
    report = quality_report(store, area=AREA.wkt, on=ON)
    rows = by_owner(report)
    assert {o: r["assets"] for o, r in rows.items()} == {"ELE": 5, "GAS": 10, "TEL": 2}
    assert rows["GAS"]["accuracy"]["classes"] == {"le_0_3m": 3, "le_0_5m": 3, "le_1m": 1,
                                                  "over_1m": 1, "records_only": 1,
                                                  "not_stated": 1}
    assert rows["GAS"]["age"]["captured_median"] == "2019-06-01"
    assert rows["GAS"]["missing"]["pressure"]["missing"] == 4
    assert rows["ELE"]["missing"]["voltage"] == {"needed": 4, "missing": 2, "missing_share": 0.5}
    assert rows["GAS"]["coverage_km2"] == pytest.approx(1.0)
    assert rows["GAS"]["open_deviations"] == 1
    whole = quality_report(store, on=ON)
    assert by_owner(whole)["GAS"]["assets"] == 11 and whole["assets"] == 18
    monkeypatch.setattr(data, "CANDIDATE_SHARE", 1.0)  # the index path for any area
    assert quality_report(store, area=AREA.wkt, on=ON)["owners"] == report["owners"]


def test_an_area_holding_the_whole_register_reads_no_geometry(known_register, monkeypatch):
    calls = []
    read = known_register.read_arrow_slices
    monkeypatch.setattr(known_register, "read_arrow_slices",
                        lambda cols, **kw: calls.append(kw["read_geometry"]) or read(cols, **kw))
    big = shapely.box(X0 - 100, Y0 - 100, X0 + 3000, Y0 + 1100)
    report = quality_report(known_register, area=big.wkt, on=ON)
    assert report["assets"] == 18 and calls == [False]
    assert report["area"]["km2"] == pytest.approx(3.1 * 1.2)


def _fields(fields) -> dict:
    """AssetFields with its codes decoded to names (comparable whatever the code order)."""
    out = {k: v for k, v in vars(fields).items() if not k.endswith("names") and k != "present"}
    for codes, names in (("owner", "owner_names"), ("utility", "utility_names"),
                         ("asset_class", "class_names")):
        out[codes] = [None if c < 0 else getattr(fields, names)[c] for c in out[codes]]
        out[names] = getattr(fields, names)
    out.update({f"present_{k}": v for k, v in fields.present.items()})
    return {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in out.items()}


def test_the_whole_register_read_in_slices_gives_the_fields_and_figures_of_one_read(
        tmp_path, known_register, monkeypatch):
    """Read in slices (each made into fields as it is read, then joined) or as one table:
    the same fields row for row, the same names in the same order, the same report."""
    from asset_register.model import BatchInfo
    from asset_register.quality import data
    from asset_register.store import create_register
    from asset_register.store.gpkg import display
    from tests.conftest import synthetic_assets

    store = create_register(tmp_path / "three_owners.gpkg")
    for seed, owner in ((1, "WSX"), (2, "GAS"), (3, "BT")):  # owners first seen in later slices
        frame = synthetic_assets(120, seed=seed, owner=owner)
        frame.loc[frame.index[::7], "depth_m"] = None
        store.write_batch(frame, BatchInfo(source_file=f"{owner}.gpkg", owner=owner))
    results = {}
    for slices in (1, 32):
        monkeypatch.setattr(display, "MIN_SLICE_ROWS", 1 if slices > 1 else 10**9)
        monkeypatch.setattr(data, "FIELD_SLICES", slices)
        parts = []
        each = data._slice_fields
        monkeypatch.setattr(data, "_slice_fields", lambda meta, t: parts.append(t.num_rows) or each(meta, t))
        fields = data.read_fields(store)
        assert len(parts) == slices and sum(parts) == 360
        reports = [quality_report(s, on=ON) for s in (store, known_register)]
        monkeypatch.undo()
        results[slices] = (_fields(fields), reports)
    assert results[1][0]["n"] == 360 and results[1][0]["owner_names"] == ["WSX", "GAS", "BT"]
    assert results[32][0] == results[1][0]
    assert results[32][1] == results[1][1]
    store.close()


@pytest.mark.parametrize("size", [1, 3, 7])
def test_medians_one_group_at_a_time_are_the_sorted_lower_middles(size):
    import numpy as np

    from asset_register.quality.report import _medians

    rng = np.random.default_rng(size)
    groups = rng.integers(0, size, 5001) if size > 1 else np.zeros(5001, np.int64)
    groups[groups == size - 1] = 0 if size > 2 else groups[groups == size - 1]  # an empty group
    values = rng.integers(-5000, 20000, 5001)
    want = []
    for g in range(size):
        v = np.sort(values[groups == g])
        want.append(int(v[(len(v) - 1) // 2]) if len(v) else None)
    assert _medians(groups, values, size) == want
    assert size < 3 or want[-1] is None
