"""Property: the check equals a brute-force distance over every asset in the register.

The expected answer is computed here row by row in plain Python from the asset's fields
(an implementation independent of the vectorised code): no conflict may be missed and none
may be reported beyond its clearance — for single checks (R*Tree on disk) and batches
(in-memory STRtree) alike.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asset_register.check import Checker, DigSite
from asset_register.check.footprint import build
from asset_register.model import BatchInfo, validate_assets
from asset_register.store import create_register

X0, Y0, SIZE = 530000.0, 180000.0, 300.0
QL = {"D": 1.0, "C": 1.0, "B4": 1.0, "B3": 0.5, "B2": 0.25, "B1": 0.15, "A": 0.05}


PRESSURES, VOLTAGES = ["LP", "MP", "IP", "HP"], ["LV", "HV", "EHV"]


def pressure_class(bar):
    """IGEM bands by hand (the default rules' thresholds)."""
    if bar is None:
        return None
    if bar <= 0.075:
        return "LP"
    if bar <= 2.0:
        return "MP"
    return "IP" if bar <= 7.0 else "HP"


def voltage_class(volts):
    if volts is None:
        return None
    if volts <= 1000:
        return "LV"
    return "HV" if volts <= 30000 else "EHV"


def higher(a, b, order):
    """The higher of two classes (either may be None)."""
    known = [c for c in (a, b) if c is not None]
    return max(known, key=order.index) if known else None


def expected_clearance(row: dict, crs_acc: float) -> float:
    """DESIGN §5 by hand, one asset at a time. Unknown is dangerous: gas without a pressure
    and electricity without a voltage are high risk; a value never lowers the record's class."""
    if row["asset_class"] == "precaution_zone":
        return 0.0
    pressure = higher(row["pressure"], pressure_class(row.get("pressure_bar")), PRESSURES)
    voltage = higher(row["voltage"], voltage_class(row.get("voltage_v")), VOLTAGES)
    high = (
        (row["utility"] == "electricity" and voltage in ("HV", "EHV", None))
        or (row["utility"] == "gas" and pressure in ("MP", "IP", "HP", None))
        or row["utility"] == "hazardous_pipeline"
    )
    clearance = 3.0 if high else 0.5
    if row["h_accuracy_m"] is not None:
        unc = row["h_accuracy_m"]
    else:
        unc = QL.get(row["quality_level"], 1.0)
    half = (row["diameter_mm"] or 0.0) / 2000.0
    return clearance + unc + crs_acc + half


def random_assets(n: int, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.uniform(X0, X0 + SIZE, n)
    y = rng.uniform(Y0, Y0 + SIZE, n)
    kind = rng.integers(0, 5, n)
    ang = rng.uniform(0, np.pi, n)
    length = rng.uniform(1, 60, n)
    x2, y2 = x + length * np.cos(ang), y + length * np.sin(ang)
    geoms = []
    for i in range(n):
        if kind[i] == 0:
            geoms.append(shapely.Point(x[i], y[i]))
        elif kind[i] == 1:
            geoms.append(shapely.LineString([(x[i], y[i], -1.0), (x2[i], y2[i], -1.2)]))
        elif kind[i] == 2:
            geoms.append(shapely.MultiLineString([[(x[i], y[i]), (x2[i], y2[i])],
                                                  [(x[i] + 5, y[i] - 7), (x[i] + 9, y[i] - 2)]]))
        elif kind[i] == 3:
            geoms.append(shapely.box(x[i], y[i], x[i] + rng.uniform(0.5, 20), y[i] + rng.uniform(0.5, 20)))
        else:
            geoms.append(shapely.MultiPoint([(x[i], y[i]), (x2[i], y2[i])]))
    utility = rng.choice(["electricity", "gas", "water", "telecoms", "hazardous_pipeline", "sewer"], n)
    voltage = np.where(utility == "electricity", rng.choice(["LV", "HV", "EHV", None], n), None)
    pressure = np.where(utility == "gas", rng.choice(["LP", "MP", "IP", "HP", None], n), None)
    acls = np.where(kind == 3, rng.choice(["chamber", "precaution_zone"], n), "pipe")
    h = np.where(rng.random(n) < 0.4, None, rng.uniform(0, 2, n).round(3))
    ql = rng.choice(["D", "C", "B4", "B3", "B2", "B1", "A", None], n)
    diameter = np.where(rng.random(n) < 0.3, None, rng.integers(20, 1500, n).astype(float))
    status = rng.choice(["in_service", "abandoned", "disused", "proposed"], n)
    return [
        {"asset_id": f"P:{seed}-{i}", "owner": "P", "utility": utility[i], "asset_class": acls[i],
         "status": status[i], "voltage": voltage[i], "pressure": pressure[i],
         "h_accuracy_m": h[i], "quality_level": ql[i], "diameter_mm": diameter[i],
         "geometry": geoms[i]}
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A register of 1,500 random assets in two batches (CRS accuracy 0.0 / 0.7 m)."""
    import geopandas as gpd

    store = create_register(tmp_path_factory.mktemp("prop") / "r.gpkg")
    rows_a, rows_b = random_assets(900, 1), random_assets(600, 2)
    for rows, acc in ((rows_a, None), (rows_b, 0.7)):
        frame = validate_assets(gpd.GeoDataFrame(rows, geometry="geometry", crs=store.crs))
        store.write_batch(frame, BatchInfo(source_file="prop", transformation_accuracy_m=acc))
    truth = [(r, 0.0) for r in rows_a] + [(r, 0.7) for r in rows_b]
    geoms = np.array([r["geometry"] for r, _ in truth])
    clear = np.array([expected_clearance(r, a) for r, a in truth])
    ids = np.array([r["asset_id"] for r, _ in truth])
    checker = Checker(store)
    yield checker, geoms, clear, ids
    checker.close()
    store.close()


footprints = st.one_of(
    st.tuples(st.just("box"), st.floats(0, SIZE), st.floats(0, SIZE), st.floats(0.2, 30), st.floats(0.2, 30)),
    st.tuples(st.just("trench"), st.floats(0, SIZE), st.floats(0, SIZE), st.floats(1, 80), st.floats(0.1, 2)),
    st.tuples(st.just("point"), st.floats(0, SIZE), st.floats(0, SIZE), st.floats(0.1, 10), st.just(0.0)),
)


def make_site(spec) -> DigSite:
    kind, x, y, a, b = spec
    if kind == "box":
        return DigSite(shapely.box(X0 + x, Y0 + y, X0 + x + a, Y0 + y + b))
    if kind == "trench":
        line = shapely.LineString([(X0 + x, Y0 + y), (X0 + x + a, Y0 + y + a / 3)])
        fp = build([line], working_crs="EPSG:27700", width=b)
    else:
        fp = build([shapely.Point(X0 + x, Y0 + y)], working_crs="EPSG:27700", radius=a)
    return DigSite(fp.geometries[0])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(footprints, min_size=1, max_size=4))
def test_check_equals_brute_force(world, specs):
    checker, geoms, clear, ids = world
    sites = [make_site(s) for s in specs]
    batch = checker.check_many(sites)
    for i, site in enumerate(sites):
        d = shapely.distance(geoms, site.footprint)
        expected = set(ids[d <= clear + 1e-6])
        single = checker.check(site)
        got = set(single.conflicts["asset_id"])
        assert got == expected, (sorted(expected - got), sorted(got - expected))
        assert set(batch[i].conflicts["asset_id"]) == expected
        c = single.conflicts
        if len(c):
            assert (c["distance_m"] <= c["clearance_m"] + 1e-6).all()
            pos = {a: k for k, a in enumerate(ids)}
            idx = [pos[a] for a in c["asset_id"]]
            assert np.allclose(c["clearance_m"].to_numpy(), clear[idx])


asset_fields = st.fixed_dictionaries({
    "utility": st.sampled_from(["electricity", "gas", "water", "telecoms", "hazardous_pipeline",
                                "sewer", "district_heating"]),
    "voltage": st.sampled_from(["LV", "HV", "EHV", None]),
    "pressure": st.sampled_from(["LP", "MP", "IP", "HP", None]),
    "pressure_bar": st.sampled_from([None, 0.03, 0.075, 0.0751, 2.0, 2.01, 7.0, 8.0, 70.0]),
    "voltage_v": st.sampled_from([None, 230.0, 1000.0, 1000.5, 11000.0, 30000.0, 33000.0]),
    "asset_class": st.sampled_from(["pipe", "cable", "duct", "precaution_zone"]),
    "h_accuracy_m": st.one_of(st.none(), st.floats(0, 3).map(lambda v: round(v, 3))),
    "quality_level": st.sampled_from(["D", "C", "B4", "B3", "B2", "B1", "A", None]),
    "diameter_mm": st.one_of(st.none(), st.integers(10, 2000).map(float)),
    "status": st.sampled_from(["in_service", "abandoned", "disused", "unknown"]),
    "offset": st.sampled_from([-0.001, 0.0, 0.001]),
})


@settings(max_examples=15, deadline=None)
@given(st.lists(asset_fields, min_size=1, max_size=12), st.sampled_from([None, 0.4]))
def test_assets_at_their_clearance_plus_minus_one_millimetre(tmp_path_factory, specs, crs_acc):
    """Random asset fields; each asset placed at exactly its expected clearance + {-1, 0, +1} mm."""
    import geopandas as gpd

    store = create_register(tmp_path_factory.mktemp("edge") / "r.gpkg")
    rows, expected = [], set()
    for i, f in enumerate(specs):
        f = dict(f)
        offset = f.pop("offset")
        if f["utility"] != "electricity":
            f["voltage"] = None
        if f["utility"] != "gas":
            f["pressure"] = None
        row = {"asset_id": f"E:{i}", "owner": "E", **f}
        clear = expected_clearance(row, crs_acc or 0.0)
        x = X0 + 10 + clear + offset
        if f["asset_class"] == "precaution_zone":
            y = Y0 + 1 + 0.5 * (i % 16)  # within the footprint's y-range
            geom = shapely.box(x, y, x + 5, y + 0.4)  # zones: conflict on intersection
        else:
            geom = shapely.LineString([(x, Y0 - 5 - i), (x, Y0 + 15 + i)])
        rows.append({**row, "geometry": geom})
        if offset <= 0:
            expected.add(row["asset_id"])
    frame = validate_assets(gpd.GeoDataFrame(rows, geometry="geometry", crs=store.crs))
    store.write_batch(frame, BatchInfo(source_file="edge", transformation_accuracy_m=crs_acc))
    site = DigSite(shapely.box(X0, Y0, X0 + 10, Y0 + 10))
    with Checker(store) as checker:
        assert set(checker.check(site).conflicts["asset_id"]) == expected
        assert set(checker.check_many([site])[0].conflicts["asset_id"]) == expected
    store.close()
