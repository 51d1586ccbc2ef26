"""The dig check with open deviation reports, on every backend: an asset reported elsewhere is
checked at both positions (never less cautious), an unrecorded asset as one of its utility
with an unknown owner flagged, and a resolved report no longer counts."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from asset_register.check import Checker, DigSite
from asset_register.check.deviations import UNKNOWN_OWNER
from asset_register.deviations import add_report
from asset_register.model import BatchInfo, Owner, validate_assets

X0, Y0 = 530000.0, 180000.0


def _box(x, y, w=4.0, h=2.0):
    return shapely.box(x, y, x + w, y + h)


@pytest.fixture
def reg(store):
    store.upsert_owner(Owner("WAT", "Wessex Water", phone="0100"))
    rows = [{"asset_id": "W1", "owner": "WAT", "utility": "water", "asset_class": "pipe",
             "status": "in_service", "h_accuracy_m": 0.0,
             "geometry": shapely.LineString([(X0, Y0), (X0 + 100, Y0)])}]
    store.write_batch(validate_assets(gpd.GeoDataFrame(rows, geometry="geometry",
                                                       crs=store.crs)),
                      BatchInfo(source_file="wat.gpkg", owner="WAT"), delivery="WAT")
    return store


# a footprint 20-22 m north of the recorded main: far from it, on the reported position
NORTH = _box(X0 + 40, Y0 + 20)
ON_RECORD = _box(X0 + 40, Y0 - 1)


def _ids(result):
    return result.conflicts["asset_id"].tolist()


def test_reported_position_conflicts_even_far_from_the_record(reg):
    with Checker(reg) as checker:
        assert _ids(checker.check(DigSite(NORTH))) == []
    dev = add_report(reg, "elsewhere", asset_id="W1", accuracy_m=0.5,
                     position=f"LINESTRING ({X0} {Y0 + 21}, {X0 + 100} {Y0 + 21})")
    for disk in (True, False):
        with Checker(reg, disk=disk) as checker:
            north = checker.check(DigSite(NORTH))
            assert _ids(north) == ["W1"]  # once, at the reported position inside the dig
            row = north.conflicts.iloc[0]
            assert row["distance_m"] == 0.0 and row["severity"] == "strike"
            assert row["uncertainty_m"] == 0.5  # the measured position's accuracy
            assert any(f"deviation report {dev}" in w for w in north.warnings)
            # the recorded position still counts: never less cautious
            assert _ids(checker.check(DigSite(ON_RECORD))) == ["W1"]
            batch = checker.check_many([DigSite(NORTH), DigSite(ON_RECORD), DigSite(
                _box(X0 + 40, Y0 + 50))])
            assert [_ids(r) for r in batch] == [["W1"], ["W1"], []]
            assert any(f"deviation report {dev}" in w for w in batch[0].warnings)
            assert not any("deviation report" in w for w in batch[2].warnings)
    reg.set_deviation_status([dev], "resolved", resolution="record corrected by hand")
    with Checker(reg) as checker:
        assert _ids(checker.check(DigSite(NORTH))) == []


def test_an_unrecorded_asset_conflicts_as_its_utility_and_an_unknown_owner_is_flagged(reg):
    gas = add_report(reg, "unrecorded", utility="gas", accuracy_m=0.2,
                     position=f"LINESTRING ({X0 + 30} {Y0 + 60}, {X0 + 60} {Y0 + 60})")
    known = add_report(reg, "unrecorded", utility="water", owner="WAT",
                       position=f"POINT ({X0 + 80} {Y0 + 60})")
    with Checker(reg) as checker:
        result = checker.check(DigSite(_box(X0 + 40, Y0 + 59)))
        [row] = result.conflicts.to_dict("records")
        assert (row["asset_id"], row["owner"], row["utility"]) == (
            f"unrecorded:{gas}", UNKNOWN_OWNER, "gas")
        assert any("owner is unknown" in w and f"report {gas}" in w for w in result.warnings)
        assert [o["owner"] for o in result.owners_affected] == [UNKNOWN_OWNER]
        other = checker.check(DigSite(_box(X0 + 78, Y0 + 59)))
        assert [(r["asset_id"], r["owner"]) for r in other.conflicts.to_dict("records")] == [
            (f"unrecorded:{known}", "WAT")]
        assert not any("owner is unknown" in w for w in other.warnings)


def test_the_confidence_grade_says_why(reg):
    from datetime import date, timedelta

    site = DigSite(ON_RECORD)
    with Checker(reg) as checker:
        first = checker.check(site).confidence
    assert first == {"grade": "B", "reasons": [
        "B: WAT has no coverage area recorded: its data may stop short of the site"]}
    reg.set_owner_coverage("WAT", shapely.box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500))
    delivered = date.fromisoformat(reg.batches()["finished_at"].iloc[-1][:10])
    with Checker(reg) as checker:
        assert checker.check(site).confidence["grade"] == "A"
        later = DigSite(ON_RECORD, start=delivered + timedelta(days=round(6 * 365.25) + 1))
        assert checker.check(later).confidence == {"grade": "C", "reasons": [
            "C: WAT's newest delivery is 6 years old at the dig's start"]}
    add_report(reg, "not_found", asset_id="W1")
    with Checker(reg) as checker:
        result = checker.check(site)
        assert result.confidence == {"grade": "C", "reasons": [
            "C: 1 record(s) near the dig have open deviation reports: they are known to be "
            "wrong"]}
        assert result.to_dict()["confidence"] == result.confidence
    add_report(reg, "unrecorded", utility="gas", position=f"POINT ({X0 + 42} {Y0 + 3})")
    with Checker(reg) as checker:
        grade = checker.check(site).confidence
    assert grade["grade"] == "D"
    assert grade["reasons"][0] == ("D: an asset nobody has a record of was found near here, "
                                   "owner unknown")


def test_an_unrecorded_find_is_no_record_and_no_owner_in_the_grade(reg):
    """The reasons name what was found: a find of no known owner is the D reason alone (never
    an owner called "unknown owner" with no coverage area), a find of a known owner is an asset
    missing from its records, and neither is counted as a record known to be wrong."""
    reg.set_owner_coverage("WAT", shapely.box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500))
    site = DigSite(ON_RECORD)
    add_report(reg, "not_found", asset_id="W1")
    add_report(reg, "unrecorded", utility="gas", position=f"POINT ({X0 + 42} {Y0 + 3})")
    with Checker(reg) as checker:
        result = checker.check(site)
    assert sorted(result.conflicts["owner"]) == sorted(["WAT", UNKNOWN_OWNER])
    assert result.confidence == {"grade": "D", "reasons": [
        "D: an asset nobody has a record of was found near here, owner unknown",
        "C: 1 record(s) near the dig have open deviation reports: they are known to be wrong"]}
    add_report(reg, "unrecorded", utility="water", owner="WAT",
               position=f"POINT ({X0 + 80} {Y0 + 60})")
    with Checker(reg) as checker:
        found = checker.check(DigSite(_box(X0 + 78, Y0 + 59)))
    assert [o["owner"] for o in found.owners_affected] == ["WAT"]
    assert found.confidence == {"grade": "C", "reasons": [
        "C: 1 asset(s) found near here are missing from their owners' records"]}
