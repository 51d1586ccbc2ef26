"""Dig check recall on cases whose answers are known from analytic geometry.

Footprint: the 10 x 10 m box at (X0, Y0). An asset parallel to its east edge at offset d
is exactly d metres from it, so the expected clearances below are literal numbers from
DESIGN §5, not values computed by the code under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

from asset_register.check import Checker, DigSite, load_rules
from asset_register.check.programme import single_site
from asset_register.check.clearance import CHECK_COLUMNS
from asset_register.check.rules import parse_rules
from asset_register.errors import FootprintError, ValidationError
from asset_register.store import open_register

from .conftest import X0, Y0, asset, write

BOX = shapely.box(X0, Y0, X0 + 10, Y0 + 10)
SITE = DigSite(BOX)


def east(d: float, z: float | None = None) -> shapely.LineString:
    """A 40 m line parallel to the box's east edge, d metres from it."""
    x = X0 + 10 + d
    if z is None:
        return shapely.LineString([(x, Y0 - 15), (x, Y0 + 25)])
    return shapely.LineString([(x, Y0 - 15, z), (x, Y0 + 25, z)])


def ids(result) -> set[str]:
    return set(result.conflicts["asset_id"])


CLASSES = [
    ({"utility": "water"}, 0.5, "caution"),
    ({"utility": "telecoms", "asset_class": "duct"}, 0.5, "caution"),
    ({"utility": "electricity", "asset_class": "cable", "voltage": "LV"}, 0.5, "caution"),
    ({"utility": "electricity", "asset_class": "cable", "voltage": "HV"}, 3.0, "danger"),
    ({"utility": "electricity", "asset_class": "cable", "voltage": "EHV"}, 3.0, "danger"),
    ({"utility": "gas", "pressure": "LP"}, 0.5, "caution"),
    ({"utility": "gas", "pressure": "MP"}, 3.0, "danger"),
    ({"utility": "gas", "pressure": "IP"}, 3.0, "danger"),
    ({"utility": "gas", "pressure": "HP"}, 3.0, "danger"),
    ({"utility": "hazardous_pipeline"}, 3.0, "danger"),
    ({"utility": "district_heating"}, 0.5, "caution"),
    # unknown is dangerous: no voltage / no pressure -> the high-risk class
    ({"utility": "electricity", "asset_class": "cable"}, 3.0, "danger"),
    ({"utility": "gas"}, 3.0, "danger"),
    # classes from recorded values (IGEM bands; LV <= 1 kV < HV <= 30 kV < EHV)
    ({"utility": "gas", "pressure_bar": 0.03}, 0.5, "caution"),
    ({"utility": "gas", "pressure_bar": 0.075}, 0.5, "caution"),
    ({"utility": "gas", "pressure_bar": 0.1}, 3.0, "danger"),
    ({"utility": "gas", "pressure_bar": 8.0}, 3.0, "danger"),
    ({"utility": "electricity", "asset_class": "cable", "voltage_v": 230.0}, 0.5, "caution"),
    ({"utility": "electricity", "asset_class": "cable", "voltage_v": 1000.0}, 0.5, "caution"),
    ({"utility": "electricity", "asset_class": "cable", "voltage_v": 10000.0}, 3.0, "danger"),
]


@pytest.mark.parametrize("fields, clearance, severity", CLASSES)
def test_each_risk_class_at_clearance_plus_minus_one_millimetre(register, fields, clearance, severity):
    store = register([
        asset("WAT:inside", east(clearance - 0.001), **fields),
        asset("WAT:exact", east(clearance), **fields),
        asset("WAT:outside", east(clearance + 0.001), **fields),
        asset("WAT:crossing", shapely.LineString([(X0 - 5, Y0 + 5), (X0 + 15, Y0 + 5)]), **fields),
    ])
    for checker in (Checker(store), Checker(store, disk=False)):
        r = checker.check(SITE)
        assert ids(r) == {"WAT:inside", "WAT:exact", "WAT:crossing"}
        c = r.conflicts.set_index("asset_id")
        assert c.loc["WAT:exact", "clearance_m"] == pytest.approx(clearance)
        assert c.loc["WAT:exact", "distance_m"] == pytest.approx(clearance)
        assert c.loc["WAT:inside", "severity"] == severity
        assert c.loc["WAT:crossing", "severity"] == "strike"
        assert c.loc["WAT:crossing", "distance_m"] == 0.0
        batch = checker.check_many([SITE, SITE])
        assert ids(batch[0]) == ids(batch[1]) == ids(r)


def test_effective_clearance_adds_uncertainty_crs_accuracy_and_half_width(register):
    store = register([
        # 0.5 + h_accuracy 0.3 + diameter 400 mm / 2 + crs 0.25 = 1.25
        asset("WAT:a", east(1.249), h_accuracy_m=0.3, diameter_mm=400.0),
        asset("WAT:a_out", east(1.251), h_accuracy_m=0.3, diameter_mm=400.0),
    ], crs_accuracy_m=0.25)
    write(store, [
        # no h_accuracy: PAS 128 B2 -> 0.25 -> 0.75 (this batch has no CRS accuracy -> 0)
        asset("WAT:b", east(0.749), h_accuracy_m=None, quality_level="B2"),
        asset("WAT:b_out", east(0.751), h_accuracy_m=None, quality_level="B2"),
        # no accuracy at all: 1.0 m -> 1.5
        asset("WAT:c", east(1.499), h_accuracy_m=None),
        asset("WAT:c_out", east(1.501), h_accuracy_m=None),
        # HV, quality level D: 3 + 1 -> 4.0
        asset("WAT:d", east(3.999), h_accuracy_m=None, quality_level="D", utility="electricity",
              voltage="HV"),
        asset("WAT:d_out", east(4.001), h_accuracy_m=None, quality_level="D",
              utility="electricity", voltage="HV"),
    ])
    r = Checker(store).check(SITE)
    assert ids(r) == {"WAT:a", "WAT:b", "WAT:c", "WAT:d"}
    clear = r.conflicts.set_index("asset_id")["clearance_m"]
    assert clear.to_dict() == pytest.approx({"WAT:a": 1.25, "WAT:b": 0.75, "WAT:c": 1.5, "WAT:d": 4.0})


def test_multipart_and_3d_geometries(register):
    far = shapely.LineString([(X0 + 100, Y0), (X0 + 120, Y0)])
    store = register([
        asset("WAT:multi", shapely.MultiLineString([far, east(0.4)])),
        asset("WAT:multi_far", shapely.MultiLineString([far, east(0.6)])),
        asset("WAT:mpoint", shapely.MultiPoint([(X0 + 200, Y0), (X0 + 10.3, Y0 + 5)]),
              asset_class="valve"),
        # 3D: 2D distance 0.45 (3D distance would be 1.57): in conflict, distance 2D
        asset("WAT:z_in", east(0.45, z=-1.5)),
        asset("WAT:z_out", east(0.55, z=0.0)),
        asset("WAT:zpoly", shapely.Polygon([(X0 - 3, Y0, 2), (X0 - 0.2, Y0, 2), (X0 - 0.2, Y0 + 1, 2)]),
              asset_class="chamber"),
    ])
    r = Checker(store).check(SITE)
    assert ids(r) == {"WAT:multi", "WAT:mpoint", "WAT:z_in", "WAT:zpoly"}
    d = r.conflicts.set_index("asset_id")["distance_m"]
    assert d["WAT:multi"] == pytest.approx(0.4)
    assert d["WAT:mpoint"] == pytest.approx(0.3)
    assert d["WAT:z_in"] == pytest.approx(0.45)
    assert d["WAT:zpoly"] == pytest.approx(0.2)


def test_precaution_zones_conflict_on_intersection_only(register):
    zone = dict(utility="electricity", asset_class="precaution_zone", owner="ELE", h_accuracy_m=5.0)
    store = register([
        asset("ELE:touching", shapely.box(X0 + 9.999, Y0 + 2, X0 + 30, Y0 + 8), **zone),
        asset("ELE:gap", shapely.box(X0 + 10.001, Y0 + 2, X0 + 30, Y0 + 8), **zone),
        asset("ELE:around", shapely.box(X0 - 50, Y0 - 50, X0 + 60, Y0 + 60), **zone),
    ], owners=("ELE",))
    r = Checker(store).check(SITE)
    assert ids(r) == {"ELE:touching", "ELE:around"}
    c = r.conflicts.set_index("asset_id")
    assert set(c["severity"]) == {"danger"}  # a zone is never a 'strike' but is high risk
    assert (c["clearance_m"] == 0.0).all()
    assert "precaution zone" in c.loc["ELE:touching", "precaution"]
    assert r.owners_affected[0]["contact_required"] is True


def test_abandoned_assets_are_kept_and_marked(register):
    store = register([asset("WAT:old", east(0.2), status="abandoned"),
                      asset("WAT:dis", east(0.3), status="disused")])
    c = Checker(store).check(SITE).conflicts.set_index("asset_id")
    assert list(c.index) == ["WAT:old", "WAT:dis"]
    assert c["abandoned"].all()
    assert all("treat as live" in p for p in c["precaution"])


def test_depth_is_advisory_and_never_drops_a_conflict(register, tmp_path):
    hv = dict(utility="electricity", voltage="HV", depth_m=3.0)
    store = register([
        asset("WAT:deep", east(0.3), depth_m=3.0),
        asset("WAT:deep_hv", east(2.0), **hv),
        asset("WAT:deep_strike", shapely.LineString([(X0 - 5, Y0 + 5), (X0 + 15, Y0 + 5)]), **hv),
        asset("WAT:shallow", east(0.4), depth_m=0.4),
        asset("WAT:no_depth", east(0.45)),
    ])
    site = DigSite(BOX, depth_m=0.5)
    r = Checker(store).check(site)
    assert ids(r) == {"WAT:deep", "WAT:deep_hv", "WAT:deep_strike", "WAT:shallow", "WAT:no_depth"}
    c = r.conflicts.set_index("asset_id")
    assert "3.00 m is below the planned 0.50 m" in c.loc["WAT:deep", "depth_note"]
    assert pd.isna(c.loc["WAT:shallow", "depth_note"]) and pd.isna(c.loc["WAT:no_depth", "depth_note"])
    assert c.loc["WAT:deep_hv", "severity"] == "danger"  # default rules: depth changes nothing
    lower = load_rules().__dict__ | {"depth_lowers_severity": True}
    rules = type(load_rules())(**lower)
    c2 = Checker(store, rules).check(site).conflicts.set_index("asset_id")
    assert len(c2) == 5
    assert c2.loc["WAT:deep_hv", "severity"] == "caution"
    assert c2.loc["WAT:deep_strike", "severity"] == "strike"


def test_footprint_given_in_wgs84(register):
    to_ll = pyproj.Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    ll = shapely.transform(BOX, lambda xy: np.column_stack(to_ll.transform(xy[:, 0], xy[:, 1])))
    store = register([asset("WAT:f0", east(0.0)), asset("WAT:far", east(30.0))])
    site = single_site(store, wkt=f"SRID=4326;{ll.wkt}")
    acc = site.position_accuracy_m
    assert acc > 0  # the transformation's reported accuracy is added to every clearance
    write(store, [asset("WAT:in", east(0.5 + acc - 0.01)), asset("WAT:out", east(0.5 + acc + 0.01))])
    r = Checker(store).check(site)
    assert ids(r) == {"WAT:f0", "WAT:in"}
    assert r.conflicts.set_index("asset_id").loc["WAT:in", "clearance_m"] == pytest.approx(0.5 + acc)
    assert any("EPSG:4326" in w for w in r.warnings)


def test_bad_sites_are_refused(register):
    checker = Checker(register([asset("WAT:1", east(0.2))]))
    with pytest.raises(FootprintError):
        checker.check(DigSite(shapely.Polygon()))
    with pytest.raises(FootprintError, match="not a valid polygon"):
        checker.check(DigSite(shapely.Polygon([(X0, Y0), (X0 + 1, Y0 + 1), (X0 + 1, Y0), (X0, Y0 + 1)])))
    with pytest.raises(FootprintError, match="polygon"):
        checker.check(DigSite(shapely.LineString([(X0, Y0), (X0 + 1, Y0)])))
    with pytest.raises(ValidationError, match="method"):
        checker.check(DigSite(BOX, method="blasting"))
    with pytest.raises(FootprintError, match="wrong CRS"):
        checker.check(DigSite(shapely.box(0, 0, 10, 10)))


def test_empty_register_warns_instead_of_silent_no_conflicts(register):
    r = Checker(register([])).check(SITE)
    assert len(r.conflicts) == 0 and any("no assets" in w for w in r.warnings)


def test_checker_sees_assets_written_after_it_was_opened(register):
    store = register([asset("WAT:1", east(0.2))])
    checker = Checker(store)
    assert ids(checker.check(SITE)) == {"WAT:1"}
    checker.check_many([SITE])  # builds the in-memory index
    # A wider record arrives: its clearance reaches further than any asset before it.
    write(store, [asset("WAT:2", east(30.0), diameter_mm=60000.0)])
    assert ids(checker.check(SITE)) == {"WAT:1", "WAT:2"}
    assert ids(checker.check_many([SITE])[0]) == {"WAT:1", "WAT:2"}


def test_rules_version_and_method_extra_in_result(register):
    store = register([asset("WAT:1", east(0.9))])
    doc = {"version": "auth-7", "classes": [{"name": "all", "clearance_m": 0.5, "precaution": "p"}],
           "methods": {"trenchless": {"extra_clearance_m": 0.5, "advice": "bore carefully"}}}
    rules = parse_rules(doc)
    assert ids(Checker(store, rules).check(SITE)) == set()
    r = Checker(store, rules).check(DigSite(BOX, method="trenchless"))
    assert ids(r) == {"WAT:1"} and r.rules_version == "auth-7" and r.advice == ["bore carefully"]


def test_memory_index_read_is_never_stale(register):
    store = register([asset("WAT:1", east(0.2)), asset("WAT:2", east(5.0))])
    disk = store.reader()
    ids_of = lambda: set(disk.asset_arrays(CHECK_COLUMNS)[0]["asset_id"].tolist())  # noqa: E731
    fast = disk._read_arrow(CHECK_COLUMNS)
    assert fast is None or set(fast[0]["asset_id"]) == {"WAT:1", "WAT:2"}
    assert ids_of() == {"WAT:1", "WAT:2"}
    # A new batch still in the write-ahead log, and a re-delivery replacing WAT:2.
    write(store, [asset("WAT:3", east(0.3)), asset("WAT:2", east(6.0))])
    cols, geoms = disk.asset_arrays(CHECK_COLUMNS)
    assert set(cols["asset_id"].tolist()) == {"WAT:1", "WAT:2", "WAT:3"}
    moved = geoms[cols["asset_id"] == "WAT:2"][0]
    assert moved.equals(east(6.0))
    disk.close()


def test_memory_index_drops_retired_versions(register):
    store = register([asset("WAT:1", east(0.2)), asset("WAT:2", east(5.0))])
    write(store, [asset("WAT:2", east(0.4))])  # new version of WAT:2; the old one is retired
    store.close()  # folds the write-ahead log back, so the Arrow reader is used
    reopened = open_register(store.location, read_only=True)
    disk = reopened.reader()
    fast = disk._read_arrow(CHECK_COLUMNS)
    assert fast is not None
    cols, geoms = fast
    assert sorted(cols["asset_id"].tolist()) == ["WAT:1", "WAT:2"]
    assert geoms[cols["asset_id"] == "WAT:2"][0].equals(east(0.4))
    disk.close()
    reopened.close()


def test_missing_recorded_bounds_are_computed(register):
    """A register without recorded clearance bounds (older writer) still finds wide assets."""
    # clearance 0.5 + 6.0 half width; without bounds the search reaches only 3.0 + 1.0 (+0.5)
    store = register([asset("WAT:wide", east(6.4), diameter_mm=12000.0)])
    with store.atomic() as con:
        con.execute("DELETE FROM settings WHERE key = 'clearance_bounds'")
    assert store.clearance_bounds()["diameter_mm"] == 0.0
    assert ids(Checker(store).check(SITE)) == {"WAT:wide"}


def test_an_expired_offline_extract_warns_on_every_check(register):
    store = register([asset("WAT:near", east(0.2))])
    assert not any("expire" in w for w in Checker(store).check(SITE).warnings)
    store.set_setting("extract_expires", "2020-01-31")
    r = Checker(store).check(SITE)
    assert any("expired on 2020-01-31" in w for w in r.warnings)
    assert ids(r) == {"WAT:near"}  # the warning never replaces the conflicts
