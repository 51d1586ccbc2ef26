"""The fast single check gives exactly the answers of the plain one.

The fast path of a single check reads candidates from the GeoPackage R*Tree over its own
connection, keeps the register's facts (bounds, owners, coverage, works, deviation reports,
newest deliveries, expiry) between checks while the data version stands still, classes a few
candidates through a memo, works out their clearances, precautions and order row by row and
builds its frames on first read. The plain path reads through the store's generic methods,
re-reads every fact on every check and does all of that with the vectorised code alone; a
batch (``check_many``) reads the in-memory index. On seeded random footprints over a
synthetic register — owners with and without contact details, full, partial and no
coverage, planned works, open deviation reports, restricted (masked) assets, assets at
exactly their clearance — all of them must give the same conflicts, distances, severities,
precautions, owners, warnings and confidence, to the last bit.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from asset_register.check import Checker, DigSite, clearance
from asset_register.check import classes as value_classes
from asset_register.check.rules import default_rules, parse_rules
from asset_register.deviations import add_report
from asset_register.model import BatchInfo, Owner, validate_assets
from asset_register.restricted import mask_restricted
from asset_register.store import create_register

from .test_property import random_assets

X0, Y0, SIZE = 530000.0, 180000.0, 300.0
EDGE_X, EDGE_Y = X0 + 1000.0, Y0 + 1000.0  # hand-placed edge cases, away from the random ones
OWNERS = np.array(["WAT", "GAS", "ELE", "NOC"], dtype=object)  # NOC: no contact details


def _assets(n: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    rows = random_assets(n, seed)
    for row in rows:
        row["owner"] = OWNERS[rng.integers(0, len(OWNERS))]
        row["asset_id"] = f"{row['owner']}:{row['asset_id']}"
        row["depth_m"] = None if rng.random() < 0.3 else round(float(rng.uniform(0.3, 3)), 2)
        row["v_accuracy_m"] = None if rng.random() < 0.5 else 0.2
        if row["utility"] == "gas" and rng.random() < 0.4:
            row["pressure_bar"] = float(rng.choice([0.03, 0.075, 1.5, 2.0, 6.0, 19.0]))
        if row["utility"] == "electricity" and rng.random() < 0.4:
            row["voltage_v"] = float(rng.choice([230.0, 1000.0, 11000.0, 33000.0]))
    return rows


def _edge_assets() -> list[dict]:
    """A water pipe at exactly its clearance (0.5 m, no uncertainty) from the edge site and one
    a millimetre beyond it; an HV cable inside it."""
    base = {"owner": "WAT", "utility": "water", "asset_class": "pipe", "status": "in_service",
            "h_accuracy_m": 0.0}
    return [
        {**base, "asset_id": "WAT:at-clearance",
         "geometry": shapely.LineString([(EDGE_X + 10.5, EDGE_Y), (EDGE_X + 10.5, EDGE_Y + 4)])},
        {**base, "asset_id": "WAT:beyond",
         "geometry": shapely.LineString([(EDGE_X - 0.501, EDGE_Y), (EDGE_X - 0.501, EDGE_Y + 4)])},
        {**base, "asset_id": "ELE:hv", "owner": "ELE", "utility": "electricity",
         "asset_class": "cable", "voltage": "HV",
         "geometry": shapely.LineString([(EDGE_X + 2, EDGE_Y - 5), (EDGE_X + 2, EDGE_Y + 9)])},
    ]


def _frame(store, rows) -> gpd.GeoDataFrame:
    return validate_assets(gpd.GeoDataFrame(rows, geometry="geometry", crs=store.crs))


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    store = create_register(tmp_path_factory.mktemp("fast") / "r.gpkg")
    for code in ("WAT", "GAS", "ELE"):
        store.upsert_owner(Owner(code, f"{code} Utilities", phone="0100", emergency_phone="0999",
                                 email=f"{code.lower()}@example.org"))
    store.write_batch(_frame(store, _assets(700, 11) + _edge_assets()),
                      BatchInfo(source_file="a", transformation_accuracy_m=None))
    store.write_batch(_frame(store, _assets(400, 12)),
                      BatchInfo(source_file="b", transformation_accuracy_m=0.7))
    # restricted assets as an offline extract holds them: owner, utility and a coarse box
    hidden = _frame(store, _assets(15, 13))
    hidden["restricted"] = True
    store.write_batch(mask_restricted(hidden), BatchInfo(source_file="restricted"))
    store.set_owner_coverage("WAT", shapely.box(X0 - 100, Y0 - 100, X0 + 1200, Y0 + 1200))
    store.set_owner_coverage("GAS", shapely.box(X0, Y0, X0 + SIZE / 2, Y0 + SIZE))  # part
    store.add_works(gpd.GeoDataFrame({
        "reference": ["NEAR", "STREET", "LATER", "CANCELLED", "UNDATED"],
        "usrn": [None, "8400123", None, None, None],
        "start_date": ["2026-03-01", "2026-03-05", "2026-06-01", "2026-03-01", None],
        "end_date": ["2026-03-10", "2026-03-06", "2026-06-10", "2026-03-10", None],
        "status": ["planned", "planned", "planned", "cancelled", "planned"],
        "promoter": ["BT", "WAT", "GAS", "ELE", "NOC"],
    }, geometry=[shapely.box(X0 + 100, Y0 + 100, X0 + 105, Y0 + 105),
                 shapely.box(X0 + 900, Y0, X0 + 905, Y0 + 5),
                 shapely.box(X0 + 150, Y0 + 120, X0 + 155, Y0 + 125),
                 shapely.box(X0 + 120, Y0 + 100, X0 + 125, Y0 + 105),
                 shapely.box(EDGE_X + 20, EDGE_Y, EDGE_X + 25, EDGE_Y + 5)], crs=store.crs))
    moved = store.read_assets(columns=["asset_id"])["asset_id"].iloc[5]
    add_report(store, "elsewhere", asset_id=moved, position=f"POINT ({X0 + 150} {Y0 + 150})",
               accuracy_m=0.3)
    add_report(store, "unrecorded", position=f"LINESTRING ({X0 + 140} {Y0 + 160}, "
               f"{X0 + 160} {Y0 + 160})", utility="gas", accuracy_m=0.2)
    add_report(store, "unrecorded", position=f"POINT ({X0 + 200} {Y0 + 60})", utility="water",
               owner="WAT")
    yield store
    store.close()


def _sites(n: int, seed: int) -> list[DigSite]:
    rng = np.random.default_rng(seed)
    sites = []
    for i in range(n):
        x, y = X0 + rng.uniform(-10, SIZE + 10), Y0 + rng.uniform(-10, SIZE + 10)
        ang = rng.uniform(0, np.pi)
        box = shapely.affinity.rotate(shapely.box(x - 5, y - 2, x + 5, y + 2), ang,
                                      use_radians=True)
        sites.append(DigSite(
            box, depth_m=None if rng.random() < 0.5 else float(rng.uniform(0.2, 2.5)),
            method=str(rng.choice(["hand", "mechanical", "trenchless"])),
            start=None if rng.random() < 0.3 else date(2026, 3, int(rng.integers(1, 9))),
            end=None if rng.random() < 0.5 else date(2026, 3, 9),
            usrn=None if rng.random() < 0.7 else "8400123", reference=f"site {i}",
            position_accuracy_m=float(rng.choice([0.0, 0.0, 0.35]))))
    # the edge cases: at exactly the clearance, nothing near at all, across the partial coverage
    sites.append(DigSite(shapely.box(EDGE_X, EDGE_Y, EDGE_X + 10, EDGE_Y + 4),
                         start=date(2026, 3, 2), reference="edge"))
    sites.append(DigSite(shapely.box(EDGE_X - 500, EDGE_Y - 500, EDGE_X - 490, EDGE_Y - 496),
                         reference="empty"))
    sites.append(DigSite(shapely.box(X0 + SIZE / 2 - 5, Y0 + 50, X0 + SIZE / 2 + 5, Y0 + 54),
                         reference="partial"))
    # beside the reported positions: an asset found elsewhere, unrecorded ones
    sites.append(DigSite(shapely.box(X0 + 145, Y0 + 149, X0 + 155, Y0 + 157),
                         start=date(2026, 3, 3), reference="reported"))
    sites.append(DigSite(shapely.box(X0 + 195, Y0 + 58, X0 + 205, Y0 + 62),
                         method="hand", reference="unrecorded water"))
    return sites


def _named(reference: str) -> DigSite:
    return next(s for s in _sites(0, seed=0) if s.reference == reference)


def _answers(result) -> dict:
    out = result.to_dict()
    out.pop("seconds")
    return out


def _same_frames(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> None:
    pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"),
                                  check_exact=True)
    assert a.crs == b.crs
    assert shapely.equals_exact(a.geometry.to_numpy(), b.geometry.to_numpy(), 0).all()


@pytest.fixture
def plain(monkeypatch):
    """A check through the store's generic reads, every fact re-read, classes vectorised."""

    def check(store, site):
        with monkeypatch.context() as m:
            m.setattr(clearance, "MEMO_ROWS", 0)
            m.setattr(clearance, "FEW_ROWS", 0)
            checker = Checker(store, disk=False)
            assert checker._version() is None  # nothing cached between checks
            return checker.check(site)

    return check


def test_fast_single_checks_give_the_plain_answers(register, plain, fixed_clock):
    sites = _sites(60, seed=3)
    fast = Checker(register)
    batch = Checker(register).check_many(sites)
    found = {"strike": 0, "danger": 0, "caution": 0}
    kinds = set()
    for i, site in enumerate(sites):
        ours = fast.check(site)
        theirs = plain(register, site)
        expected = _answers(theirs)
        got = _answers(ours)  # from the columns, before any frame is built
        assert got == expected, site.reference
        assert _answers(batch[i]) == expected, site.reference
        _same_frames(ours.conflicts, theirs.conflicts)
        _same_frames(ours.conflicts, batch[i].conflicts)
        _same_frames(ours.works_overlapping, theirs.works_overlapping)
        assert _answers(ours) == expected  # and from the frames once built
        for sev, n in ours.summary().items():
            found[sev] = found.get(sev, 0) + n
        kinds |= {w.split(" ")[0] for w in ours.warnings}
        kinds |= {c["precaution"].split(" ")[0] for c in got["conflicts"]}
        kinds |= {o.get("coverage", "") for o in got["owners_affected"]}
        kinds.add(got["confidence"]["grade"])
    # the sample reached what it was built to reach
    assert found["strike"] and found["danger"] and found["caution"]
    assert {"Restricted", "an", "asset", "full", "partial", "unrecorded", "D"} <= kinds, kinds
    fast.close()


def test_edge_cases(register, plain, fixed_clock):
    edge, empty, partial = _named("edge"), _named("empty"), _named("partial")
    r = Checker(register).check(edge)
    ids = r.conflicts["asset_id"].tolist()
    assert "WAT:at-clearance" in ids and "WAT:beyond" not in ids and "ELE:hv" in ids
    at = r.conflicts.set_index("asset_id").loc["WAT:at-clearance"]
    assert at["distance_m"] == at["clearance_m"] == 0.5
    assert r.works_overlapping["reference"].tolist() == ["UNDATED"]
    assert _answers(r) == _answers(plain(register, edge))
    e = Checker(register).check(empty)
    assert len(e.conflicts) == 0 and e.summary()["conflicts"] == 0
    assert _answers(e) == _answers(plain(register, empty))
    assert e.confidence == plain(register, empty).confidence
    p = Checker(register).check(partial)
    assert _answers(p) == _answers(plain(register, partial))


def test_single_checks_from_the_memory_index_give_the_disk_answers(register, fixed_clock):
    sites = _sites(25, seed=8)
    disk = [_answers(r) for r in map(Checker(register).check, sites)]
    checker = Checker(register)
    checker.memory_index()
    assert [_answers(checker.check(s)) for s in sites] == disk


@pytest.mark.parametrize("read", ["candidate_rows", "candidate_arrays"])
def test_a_batch_committed_while_candidates_are_read_is_checked_with_its_reach(
        gpkg_store_factory, fixed_clock, read):
    """The check looks at the data version once, after its read: an asset committed meanwhile
    whose clearance reaches past the bounds searched with is still found (from the R*Tree's
    rows, and through the arrays)."""
    store = gpkg_store_factory()
    site = DigSite(shapely.box(X0, Y0, X0 + 10, Y0 + 4))
    store.write_batch(_frame(store, [{**_edge_assets()[0], "geometry": shapely.Point(X0 + 60, Y0)}]),
                      BatchInfo(source_file="first"))
    checker = Checker(store)
    checker._reader.reads_rows = read == "candidate_rows"
    assert len(checker.check(site).conflicts) == 0
    original = getattr(checker._reader, read)
    far = {**_edge_assets()[0], "asset_id": "WAT:vague", "h_accuracy_m": 25.0,
           "geometry": shapely.Point(X0 + 30, Y0 + 2)}  # 20 m off, known to ±25 m

    def racing(*args, **kwargs):
        setattr(checker._reader, read, original)
        store.write_batch(_frame(store, [far]), BatchInfo(source_file="meanwhile"))
        return original(*args, **kwargs)

    setattr(checker._reader, read, racing)
    r = checker.check(site)
    assert r.conflicts["asset_id"].tolist() == ["WAT:vague"]
    assert checker.check(site).conflicts["asset_id"].tolist() == ["WAT:vague"]
    checker.close()


RULES = [
    default_rules(),
    parse_rules({"version": "t", "unknown": {"gas_pressure": "null", "electricity_voltage": "LV"},
                 "classes": [
                     {"name": "owner_zone", "match": {"owner": ["GAS"], "status": ["abandoned"]},
                      "clearance_m": 1, "precaution": "p"},
                     {"name": "gas_unknown", "match": {"utility": ["gas"], "pressure": ["null", "IP"]},
                      "clearance_m": 2, "precaution": "q", "high_risk": True},
                     {"name": "elec", "match": {"voltage": ["LV", "null"]}, "clearance_m": 1.5,
                      "precaution": "r"},
                     {"name": "all", "clearance_m": 0.5, "precaution": "s"}]}),
]


@pytest.mark.parametrize("rules", RULES, ids=["default", "custom"])
@pytest.mark.parametrize("seed", range(6))
def test_classes_through_the_memo_are_the_vectorised_classes(rules, seed, monkeypatch):
    if seed % 2:  # a memo that overflows (and starts again) gives the same answers
        monkeypatch.setattr(clearance, "MEMO_SIZE", 7)
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))

    def pick(values):
        return np.array([values[i] for i in rng.integers(0, len(values), n)], dtype=object)

    cols = {
        "utility": pick(["gas", "electricity", "water", "hazardous_pipeline", None]),
        "asset_class": pick(["pipe", "cable", "precaution_zone", None]),
        "status": pick(["in_service", "abandoned", "disused", None]),
        "owner": pick(["GAS", "ELE", "WAT"]),
        "pressure": pick(["LP", "MP", "IP", "HP", None]),
        "voltage": pick(["LV", "HV", "EHV", None]),
        "pressure_bar": pick([np.nan, 0.075, 0.0751, 2.0, 7.0, 8.5]).astype(np.float64),
        "voltage_v": pick([np.nan, 230.0, 1000.0, 1000.5, 30000.0, 33000.0]).astype(np.float64),
    }
    rules.check_memo.clear()
    for _ in range(2):  # filling the memo, then from it
        memo = clearance.classify(cols, rules)
        eff = value_classes.effective(cols, rules)
        assert np.array_equal(memo, clearance._classify(cols, rules, eff, n))
        through = clearance.effective(cols, rules)
        for key in ("pressure", "voltage", "class_basis", "class_note"):
            assert through[key].dtype == eff[key].dtype == object
            assert through[key].tolist() == eff[key].tolist(), key


@pytest.mark.parametrize("seed", range(4))
def test_coverage_without_the_buffer_is_the_coverage_with_it(seed):
    """Sites well inside an owner's area skip the buffer: the same full / partial / none as
    the mitred buffer of the site with the predicates on it, for any shape of area."""
    from asset_register.check.owners import OwnerDirectory

    rng = np.random.default_rng(seed)
    areas = [shapely.box(X0, Y0, X0 + 200, Y0 + 200),
             shapely.Polygon([(X0, Y0), (X0 + 300, Y0 + 40), (X0 + 120, Y0 + 260)]),
             shapely.Point(X0 + 150, Y0 + 150).buffer(60),
             shapely.box(X0 + 100, Y0 + 100, X0 + 300, Y0 + 300).difference(
                 shapely.box(X0 + 150, Y0 + 150, X0 + 200, Y0 + 200)),  # with a hole
             shapely.box(X0 + 190, Y0, X0 + 400, Y0 + 120)]
    owners = ["A", "B", "C", "D", "A"]
    # (owner codes, areas): the coverage as the store's reader gives it (coverage_arrays)
    directory = OwnerDirectory([], (np.array(owners, dtype=object), np.array(areas, dtype=object)))
    sites = np.array([shapely.affinity.rotate(shapely.box(x, y, x + rng.uniform(1, 30),
                                                          y + rng.uniform(0.5, 8)),
                                              rng.uniform(0, 180))
                      for x, y in zip(rng.uniform(X0 - 40, X0 + 420, 300),
                                      rng.uniform(Y0 - 40, Y0 + 320, 300), strict=True)])
    near = float(rng.choice([0.5, 3.0, 12.0]))
    got = directory.coverage_pairs(sites, near)
    buffered = shapely.buffer(sites, near, join_style="mitre")
    tree = shapely.STRtree(np.array(areas))
    site, j = tree.query(buffered, predicate="intersects")
    full = shapely.covers(np.array(areas)[j], buffered[site])

    def rows(s, o, k):
        return sorted(zip(s.tolist(), o.tolist(), k.tolist(), strict=True))

    expected = rows(site, np.array(owners, dtype=object)[j],
                    np.where(full, "full", "partial").astype(object))
    assert rows(got["site"], got["owner"], got["coverage"]) == expected
    assert (np.diff(got["site"]) >= 0).all()
    kinds = {k for *_, k in expected}
    assert kinds == {"full", "partial"}
    one = directory.coverage_pairs(sites[:1], near)
    assert rows(one["site"], one["owner"], one["coverage"]) == [r for r in expected if r[0] == 0]


@pytest.mark.parametrize("cell", [1000.0, 150.0, 60.0])
@pytest.mark.parametrize("seed", range(3))
def test_a_single_sites_coverage_from_its_grid_cell_is_its_own(seed, cell, monkeypatch):
    """A single site's coverage looked up by its grid cell (cells no area's edge crosses) is
    what testing the areas against the site's own mitred buffer gives, site by site, with
    cells large and small against areas of every shape."""
    from asset_register.check import owners as owners_module
    from asset_register.check.owners import OwnerDirectory

    monkeypatch.setattr(owners_module, "CELL_M", cell)
    rng = np.random.default_rng(10 + seed)
    areas = [shapely.box(X0 - 2000, Y0 - 2000, X0 + 3000, Y0 + 3000),  # holds whole cells
             shapely.Polygon([(X0, Y0), (X0 + 300, Y0 + 40), (X0 + 120, Y0 + 260)]),
             shapely.Point(X0 + 150, Y0 + 150).buffer(60),
             shapely.box(X0 + 100, Y0 + 100, X0 + 300, Y0 + 300).difference(
                 shapely.box(X0 + 150, Y0 + 150, X0 + 200, Y0 + 200)),  # with a hole
             shapely.box(X0 + 190, Y0, X0 + 400, Y0 + 120)]
    owners = np.array(["A", "B", "C", "D", "A"], dtype=object)
    directory = OwnerDirectory([], (owners, np.array(areas, dtype=object)))
    near = float(rng.choice([0.5, 3.0]))
    found = straddled = 0
    # among the small areas, and well inside the large one (cells it alone holds)
    xs = np.concatenate([rng.uniform(X0 - 40, X0 + 420, 120), rng.uniform(X0 + 1050, X0 + 1950, 40)])
    ys = np.concatenate([rng.uniform(Y0 - 40, Y0 + 320, 120), rng.uniform(Y0 + 1050, Y0 + 1950, 40)])
    for x, y in zip(xs, ys, strict=True):
        site = shapely.affinity.rotate(shapely.box(x, y, x + rng.uniform(1, 12),
                                                   y + rng.uniform(0.5, 4)), rng.uniform(0, 180))
        buffered = shapely.buffer(site, near, join_style="mitre")
        meets = shapely.intersects(np.array(areas), buffered)
        full = shapely.covers(np.array(areas), buffered)
        expected = sorted((o, "full" if f else "partial")
                          for o, m, f in zip(owners, meets, full, strict=True) if m)
        got = directory.coverage_pairs(np.array([site]), near)
        assert sorted(zip(got["owner"].tolist(), got["coverage"].tolist())) == expected
        assert got["site"].tolist() == [0] * len(expected)
        r = near * owners_module.MITRE_LIMIT
        answered = directory._in_cell(site, r) is not None
        found += answered
        x0, y0, x1, y1 = site.bounds
        cells = {(int((x0 - r) // cell), int((y0 - r) // cell)),
                 (int((x1 + r) // cell), int((y1 + r) // cell))}
        straddled += answered and len(cells) > 1
    assert found  # cells answered for some sites, the areas themselves for the others
    if cell < 1000:  # sites across a cell's edge, answered by the cells held by the same areas
        assert straddled
    assert any(v is None for v in directory._cells.values())  # (edges crossed those cells)


@pytest.mark.parametrize("cell", [1000.0, 150.0, 60.0])
@pytest.mark.parametrize("seed", range(2))
def test_a_batchs_coverage_from_grid_cells_is_each_sites_own(seed, cell, monkeypatch):
    """A batch takes the coverage of the sites whose area lies in cells no area's edge
    crosses from those cells, and tests the others' areas: each site gets the pairs, in the
    same order, of a single check of it, and the pairs the mitred buffer gives."""
    from asset_register.check import owners as owners_module
    from asset_register.check.owners import OwnerDirectory

    monkeypatch.setattr(owners_module, "CELL_M", cell)
    rng = np.random.default_rng(20 + seed)
    areas = np.array([shapely.box(X0 - 2000, Y0 - 2000, X0 + 3000, Y0 + 3000),
                      shapely.box(X0 - 1000, Y0 - 1000, X0 + 2500, Y0 + 2500),  # two hold cells
                      shapely.Polygon([(X0, Y0), (X0 + 300, Y0 + 40), (X0 + 120, Y0 + 260)]),
                      shapely.Point(X0 + 150, Y0 + 150).buffer(60),
                      shapely.box(X0 + 190, Y0, X0 + 400, Y0 + 120)], dtype=object)
    owners = np.array(["A", "B", "C", "D", "A"], dtype=object)
    near = float(rng.choice([0.5, 3.0]))
    r = near * owners_module.MITRE_LIMIT
    xs = np.concatenate([rng.uniform(X0 - 40, X0 + 420, 150), rng.uniform(X0 + 1050, X0 + 1950, 80),
                         rng.uniform(X0 - 2100, X0 + 3100, 40)])
    ys = np.concatenate([rng.uniform(Y0 - 40, Y0 + 320, 150), rng.uniform(Y0 + 1050, Y0 + 1950, 80),
                         rng.uniform(Y0 - 2100, Y0 + 3100, 40)])
    sites = [shapely.affinity.rotate(shapely.box(x, y, x + rng.uniform(1, 12), y + rng.uniform(0.5, 4)),
                                     rng.uniform(0, 180)) for x, y in zip(xs, ys, strict=True)]
    edge = X0 + 1200 - (X0 + 1200) % cell  # boxes whose grown box ends on a cell's edge
    sites += [shapely.box(edge - 10 - r, Y0 + 1500, edge - r, Y0 + 1504),
              shapely.box(edge + r, Y0 + 1500, edge + r + 10, Y0 + 1504)]
    sites = np.array(sites, dtype=object)
    batch = OwnerDirectory([], (owners, areas)).coverage_pairs(sites, near)
    assert (np.diff(batch["site"]) >= 0).all()
    at = np.searchsorted(batch["site"], np.arange(len(sites) + 1))
    from_cells = 0
    for i, site in enumerate(sites):
        alone = OwnerDirectory([], (owners, areas)).coverage_pairs(sites[i:i + 1], near)
        mine = slice(at[i], at[i + 1])
        assert batch["owner"][mine].tolist() == alone["owner"].tolist(), i
        assert batch["coverage"][mine].tolist() == alone["coverage"].tolist(), i
        buffered = shapely.buffer(site, near, join_style="mitre")
        expected = sorted((o, "full" if shapely.covers(a, buffered) else "partial")
                          for o, a in zip(owners, areas, strict=True)
                          if shapely.intersects(a, buffered))
        assert sorted(zip(alone["owner"].tolist(), alone["coverage"].tolist())) == expected, i
        from_cells += OwnerDirectory([], (owners, areas))._in_cell(site, r) is not None
    assert 0 < from_cells < len(sites)  # both ways were taken
