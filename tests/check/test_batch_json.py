"""A batch's JSON, built for all its sites at once, is each site's own JSON, to the byte.

``CheckBatch.to_dict`` (what ``asset-register check --programme --json`` prints) works from
the batch's flat arrays: owner lists, confidence grades, summaries and records for every site
at once (check/batch_json.py). Each site's ``CheckResult.to_dict`` works its site out alone.
On a register holding every kind of asset and fact the check meets — restricted (masked)
assets, retired versions, an owner with no contact details, unrecorded finds with and without
an owner, unknown depths and sizes, an asset reported elsewhere, planned works, full, partial,
missing and elsewhere coverage, old and recent deliveries — a few hundred seeded footprints
must give the same JSON text both ways, site by site. So must the per-site path the batch
falls back to, and the columns turned into plain values (``records``) must be what the plain
value-by-value conversion gives.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
import shapely

from asset_register.check import Checker, DigSite
from asset_register.check import owners as owner_lists
from asset_register.check.result import records
from asset_register.check.rules import default_rules
from asset_register.model import BatchInfo, Owner

from .test_fast_path import SIZE, X0, Y0, _frame, _sites, register  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def everything(register):  # noqa: F811
    """The fast-path register with retired versions and an owner whose data lies elsewhere."""
    live = register.read_assets(columns=["asset_id", "owner", "utility", "asset_class",
                                         "status"])
    rows = [{**r, "h_accuracy_m": 0.2,  # moved: the old version is retired
             "geometry": shapely.Point(X0 + SIZE / 2 + (40.0 if i % 2 else -25.0), Y0 + i)}
            for i, r in enumerate(live[live["owner"] == "WAT"].head(25).to_dict("records"))]
    register.write_batch(_frame(register, rows), BatchInfo(source_file="moved"))
    register.upsert_owner(Owner("BT", "BT Openreach", phone="0800", emergency_phone="0999",
                                email="bt@example.org"))
    register.set_owner_coverage("BT", shapely.box(X0 + 5000, Y0, X0 + 6000, Y0 + 1000))
    return register


def _programme(n: int, seed: int) -> list[DigSite]:
    """``n`` seeded sites and the hand-placed ones, some starting years later, some with
    notes, some twice."""
    sites = _sites(n, seed=seed)
    rng = np.random.default_rng(seed)
    out = []
    for s in sites:
        if rng.random() < 0.2:
            s = dataclasses.replace(s, start=date(2033, 5, 1), end=None)
        if rng.random() < 0.1 or not s.reference.startswith("site"):  # (hand-placed: warned)
            s = dataclasses.replace(s, notes=("CRS assumed: EPSG:27700",))
        out.append(s)
    return out + out[:7]


def _text(result: dict) -> str:
    return json.dumps(result, sort_keys=False, ensure_ascii=False)


def _each_site_alone(batch) -> list[str]:
    return [_text(batch[i].to_dict()) for i in range(len(batch))]


@pytest.mark.parametrize("expected", [(), ("water", "gas", "district_heating", "street_lighting")],
                         ids=["shipped rules", "expected utilities"])
def test_a_batch_json_is_each_sites_json(everything, fixed_clock, expected):
    rules = dataclasses.replace(default_rules(), expected_utilities=expected)
    checker = Checker(everything, rules)
    sites = _programme(300, seed=31)
    batch = checker.check_many(sites)
    # owners' newest deliveries: one old, one recent (grades B and C by age)
    batch.ctx.delivered = {"WAT": "2019-02-01", "GAS": "2026-01-10", "ELE": "2023-06-30"}
    doc = batch.to_dict()
    assert doc["sites"] == len(sites) == len(doc["results"])
    alone = _each_site_alone(batch)
    for i, site in enumerate(sites):
        assert _text(doc["results"][i]) == alone[i], site.reference
    # and the same answers as a single check of the site (its own seconds apart)
    single = Checker(everything, rules)
    single._context_at(single._version()).delivered = batch.ctx.delivered
    for i in range(0, len(sites), 9):
        one = single.check(sites[i]).to_dict()
        assert {**one, "seconds": 0} == {**doc["results"][i], "seconds": 0}, sites[i].reference
    # the programme met what the register was built to show
    seen = set()
    for r in doc["results"]:
        seen |= {c["precaution"].split(" ")[0] for c in r["conflicts"]}
        seen |= {c["asset_id"].split(":")[0] for c in r["conflicts"]}
        seen |= {o.get("coverage") for o in r["owners_affected"]}
        seen |= {o.get("reason", "").split(" ")[0] for o in r["owners_no_data"]}
        seen |= {o["owner"] for o in r["owners_no_conflict"]}
        seen |= {f"no data {o['owner']}" for o in r["owners_no_data"]}
        seen |= {w.split(" ")[0] for w in r["warnings"]}
        seen |= {x[:2] for x in r["confidence"]["reasons"]}
        seen |= {"works" for _ in r["works_overlapping"]}
        seen |= {"no depth" for c in r["conflicts"] if c["depth_m"] is None}
        seen |= {"no size" for c in r["conflicts"] if c["diameter_mm"] is None}
    assert {"Restricted", "unrecorded", "full", "partial", "no data BT", "no data ELE", "its", "no", "WAT",
            "owner", "CRS", "an", "B:", "C:", "D:", "works", "no depth", "no size"} <= seen, seen
    if expected:
        assert any(o["owner"] is None for r in doc["results"] for o in r["owners_no_data"])
    checker.close()
    single.close()


def test_the_per_site_path_the_batch_falls_back_to(everything, fixed_clock, monkeypatch):
    """Values the batch path leaves alone (here: all of them) are worked out site by site."""
    batch = Checker(everything).check_many(_programme(40, seed=5))
    whole = [_text(r) for r in batch.to_dict()["results"]]
    monkeypatch.setattr(owner_lists.OwnerDirectory, "lists_all", lambda *a, **k: None)
    assert [_text(r) for r in batch.to_dict()["results"]] == whole == _each_site_alone(batch)


@pytest.mark.parametrize("sites", [
    [DigSite(shapely.box(X0 + 100, Y0 + 100, X0 + 110, Y0 + 104), reference="one")],
    [DigSite(shapely.box(X0 - 4000, Y0, X0 - 3990, Y0 + 4)),  # nothing near, outside
     DigSite(shapely.box(X0 - 5000, Y0, X0 - 4990, Y0 + 4))],
], ids=["one site", "no conflicts"])
def test_small_batches(everything, fixed_clock, sites):
    batch = Checker(everything).check_many(sites)
    assert [_text(r) for r in batch.to_dict()["results"]] == _each_site_alone(batch)
    assert batch.overview() == [([o["owner"] for o in r.owners_affected],
                                 len(r.works_overlapping), len(r.warnings)) for r in batch]


def _plain_records(columns: dict) -> list[dict]:
    """``records`` value by value, as it always was (the reference)."""
    names, values = list(columns), []
    for name in names:
        col = [None if v is None or (isinstance(v, float) and v != v)
               or any(v is m for m in (pd.NA, pd.NaT))
               else (v.item() if hasattr(v, "item") else v)
               for v in (columns[name].tolist() if hasattr(columns[name], "tolist")
                         else columns[name])]
        if name in ("distance_m", "clearance_m", "uncertainty_m"):
            col = [None if v is None else round(float(v), 3) for v in col]
        values.append(col)
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


@pytest.mark.parametrize("seed", [1, 2])
def test_records_are_the_plain_values(seed):
    rng = np.random.default_rng(seed)
    n = 20_000
    metres = np.concatenate([
        rng.uniform(0, 60, n // 4),  # any distance
        np.round(rng.uniform(0, 60, n // 4), 4) + 0.0005,  # halves at the millimetre
        rng.integers(0, 60_000, n // 4) / 1000 + rng.choice([-1, 1], n // 4) * 1e-12,
        rng.choice([0.0, -0.0, np.nan, np.inf, -np.inf, 2.0 ** 45 + 0.5, -1.5315, 1e-300,
                    0.0005, 1.0005, 2.675, 5e15], n - 3 * (n // 4)),
    ])
    rng.shuffle(metres)
    odd = np.array([None, "text", 3, True, 1.5, float("nan"), np.float64("nan"), np.str_("np"),
                    np.int64(7), np.float32(2.5), pd.NA, pd.NaT, np.datetime64("NaT"),
                    np.bool_(False)], dtype=object)
    columns = {
        "distance_m": metres,
        "clearance_m": metres.astype(np.float32),
        "uncertainty_m": np.where(rng.random(n) < 0.3, None, metres).astype(object),
        "h_accuracy_m": np.where(rng.random(n) < 0.5, np.nan, metres),
        "owner": rng.choice(np.array(["WAT", "GAS", None], dtype=object), n),
        "depth_m": rng.choice(np.array([None, 1.5, float("nan"), 2], dtype=object), n),
        "odd": rng.choice(odd, n),
        "abandoned": rng.random(n) < 0.5,
        "diameter_mm": rng.integers(0, 2000, n),
        "pressure_bar": rng.uniform(0, 10, n).astype(np.float32),
    }
    fast, plain = records(columns), _plain_records(columns)
    assert len(fast) == len(plain) == n
    for a, b in zip(fast, plain, strict=True):
        assert list(a) == list(b)
        for k in a:
            x, y = a[k], b[k]
            assert type(x) is type(y) and (x == y or x is y or (
                isinstance(x, float) and math.isnan(x) and math.isnan(y))), (k, x, y)
            if isinstance(x, float):
                assert math.copysign(1, x) == math.copysign(1, y), (k, x, y)
    assert records({}) == []
    assert records({"distance_m": np.empty(0)}) == []


@pytest.mark.parametrize("seed", [3, 4])
def test_owner_lists_of_every_site_are_each_sites(seed):
    """Owners with several coverage rows at one site (any full: covered), owners without
    contact details or coverage, finds of no known owner, expected utilities nobody holds."""
    from asset_register.check.deviations import UNKNOWN_OWNER

    rng = np.random.default_rng(seed)
    areas = np.array([shapely.box(0, 0, 1, 1)] * 4, dtype=object)
    directory = owner_lists.OwnerDirectory(
        [Owner(c, f"{c} Ltd", phone="0100") for c in ("A", "B", "C")],
        (np.array(["A", "B", "D", "A"], dtype=object), areas),
        {"A": {"water"}, "B": {"gas"}, "D": {"telecoms"}})
    n = 300
    rows = rng.integers(0, 6, n)
    site = np.repeat(np.arange(n), rows)
    owner = rng.choice(np.array(["A", "B", "C", "D", "E", UNKNOWN_OWNER], dtype=object), len(site))
    severity = rng.choice(np.array(["strike", "danger", "caution"], dtype=object), len(site))
    contact = rng.random(len(site)) < 0.3
    cov_rows = rng.integers(0, 5, n)
    cov_site = np.repeat(np.arange(n), cov_rows)
    cov_owner = rng.choice(np.array(["A", "B", "D", "E"], dtype=object), len(cov_site))
    cov_kind = rng.choice(np.array(["partial", "full"], dtype=object), len(cov_site))
    expected = ("water", "gas", "sewer")
    got = directory.lists_all(site, owner, severity, contact, cov_site, cov_owner, cov_kind, n,
                              expected)
    at, cov_at = np.searchsorted(site, np.arange(n + 1)), np.searchsorted(cov_site, np.arange(n + 1))
    whole = got.part(0, n)
    # made a range of sites at a time (as a programme's JSON is written): the same lists
    cuts = [0, 1, 2, 37, 38, 150, 299, n]
    parts = [got.part(a, b) for a, b in zip(cuts[:-1], cuts[1:])]
    assert [sum((p[k] for p in parts), []) for k in range(4)] == list(whole)
    assert got.part(5, 5) == ([], [], [], [])
    kinds = set()
    for i in range(n):
        a, b, c, d = at[i], at[i + 1], cov_at[i], cov_at[i + 1]
        want = directory.lists(owner[a:b], severity[a:b], contact[a:b], cov_owner[c:d],
                               cov_kind[c:d], expected)
        assert tuple(lists[i] for lists in whole) == want, i
        kind = got.kinds[got.kind[i]]
        assert (kind.no_conflict, kind.no_data) == want[1:3]
        assert kind.affected == [{"owner": o["owner"], "coverage": o["coverage"]}
                                 for o in want[0]]
        kinds |= {o["coverage"] for o in want[0]} | {len(want[3])}
    assert {"full", "partial", "unrecorded", 0, 1, 2} <= kinds
    assert len(got.kinds) < n  # sites of one kind share their lists' making
    # values the per-site lists would stumble on are left to them
    assert directory.lists_all(site, owner, np.full(len(site), "unheard of", dtype=object),
                               contact, cov_site, cov_owner, cov_kind, n, expected) is None


@pytest.mark.parametrize("seed", [6, 7])
def test_the_conflict_order_is_by_site_severity_distance_then_asset_id(seed, monkeypatch):
    """Many rows alike in site, severity and distance (0 m, NaN, -0.0): ordered by their asset
    ids as text, as one sort of every row by all four keys orders them."""
    from asset_register.check import clearance
    from asset_register.check.checker import _conflict_order

    monkeypatch.setattr(clearance, "FEW_ROWS", 0)  # (the arrays' way even for a few rows)
    rng = np.random.default_rng(seed)
    n = 5000
    site = np.sort(rng.integers(0, 300, n))
    severity = rng.choice(np.array(["strike", "danger", "caution"], dtype=object), n)
    distance = rng.choice([0.0, -0.0, 0.25, 1.5, np.nan, 0.1 + 0.2], n)
    ids = np.array([rng.choice([f"WAT:{k}", f"GAS:{k}", f"unrecorded:{k}", f"WAT:{k}\u00e9"])
                    for k in rng.integers(0, 40, n)], dtype=object)
    ids[::50] = None  # (as text: "None")
    rank = np.array([clearance.SEVERITY_RANK[v] for v in severity.tolist()])
    want = np.lexsort((ids.astype(str), distance, rank, site))
    assert np.array_equal(_conflict_order(site, severity, distance, ids), want)
    alone = np.arange(n)  # no two rows alike: the numeric sort alone
    assert np.array_equal(_conflict_order(alone, severity, alone * 1.0, ids), alone)


def test_the_programme_table_is_each_sites(everything, fixed_clock, monkeypatch):
    """``check --programme``'s table (owners affected, works, warnings of each site) from the
    flat arrays is what each site's result says, and so is the per-site path."""
    from asset_register.check import batch_json

    batch = Checker(everything).check_many(_programme(200, seed=13))
    want = [([o["owner"] for o in batch[i].owners_affected], len(batch[i].works_overlapping),
             len(batch[i].warnings)) for i in range(len(batch))]
    assert batch.overview() == want
    assert {w for _, w, _ in want} > {0} and {t for *_, t in want} > {0}
    assert any("NOC" in a for a, _, _ in want)  # (an owner without contact details: warned)
    monkeypatch.setattr(batch_json, "site_overview", lambda batch: None)
    assert batch.overview() == want


def _written(batch, size: int) -> str:
    from asset_register.check.batch_json import write_json

    out = io.StringIO()
    write_json(batch, out, size)
    return out.getvalue()


def _odd_programme(n: int, seed: int) -> list[DigSite]:
    """Seeded sites with references and descriptions beyond ASCII (and characters JSON
    escapes), depths missing and given."""
    sites = _programme(n, seed)
    names = ["Straße 12", "Café ☕ trench", "line\u2028sep \"quoted\" \\ back", "日本橋", None]
    return [dataclasses.replace(s, reference=names[i % len(names)] or s.reference,
                                description=f"réseau {i}\n", depth_m=(None, 1.2)[i % 2])
            for i, s in enumerate(sites)]


@pytest.mark.parametrize("size", [1, 7, 64, 2000])
def test_the_written_document_is_json_dumps_of_to_dict(everything, fixed_clock, size):
    """``check --programme --json`` writes the document a part of the sites at a time: the
    same text, to the byte, as ``json.dumps`` of the whole ``to_dict()`` (parts of one
    site, of a few, and one part of all), values NaN or None in the arrays (null in the
    text) and text beyond ASCII included."""
    batch = Checker(everything).check_many(_odd_programme(120, seed=23))
    batch.ctx.delivered = {"WAT": "2019-02-01", "GAS": "2026-01-10"}
    want = json.dumps(batch.to_dict(), ensure_ascii=False)
    assert np.isnan(batch.flat["depth_m"]).any() and np.isnan(batch.flat["h_accuracy_m"]).any()
    assert (batch.flat["depth_note"] == None).any()  # noqa: E711
    assert "null" in want and "NaN" not in want and "Straße" in want and "日本橋" in want
    assert _written(batch, size) == want
    assert json.loads(want)["results"][2]["site"]["reference"] == "line\u2028sep \"quoted\" \\ back"


def test_the_written_document_of_small_and_empty_programmes(everything, fixed_clock):
    checker = Checker(everything)
    for sites in ([], [DigSite(shapely.box(X0 + 100, Y0 + 100, X0 + 110, Y0 + 104),
                               reference="ünë")],
                  [DigSite(shapely.box(X0 - 4000, Y0, X0 - 3990, Y0 + 4))] * 3):
        batch = checker.check_many(sites)
        want = json.dumps(batch.to_dict(), ensure_ascii=False)
        assert _written(batch, 2) == _written(batch, 2000) == want
    assert json.loads(want)["results"][2]["conflicts"] == []
    empty = json.loads(_written(checker.check_many([]), 5))
    assert (empty["sites"], empty["results"]) == (0, [])


def test_the_written_document_on_the_per_site_path(everything, fixed_clock, monkeypatch):
    """Values the batch path leaves to the per-site path: written the same, part by part."""
    batch = Checker(everything).check_many(_odd_programme(30, seed=9))
    want = json.dumps(batch.to_dict(), ensure_ascii=False)
    monkeypatch.setattr(owner_lists.OwnerDirectory, "lists_all", lambda *a, **k: None)
    assert _written(batch, 4) == json.dumps(batch.to_dict(), ensure_ascii=False) == want


def test_the_written_document_without_the_c_encoder(everything, fixed_clock, monkeypatch):
    """Where Python has no C JSON encoder, json's own writes the same text."""
    from json import encoder

    batch = Checker(everything).check_many(_odd_programme(25, seed=4))
    want = json.dumps(batch.to_dict(), ensure_ascii=False)
    monkeypatch.setattr(encoder, "c_make_encoder", None)
    assert _written(batch, 6) == want


def test_the_document_is_written_as_it_is_made(everything, fixed_clock, monkeypatch):
    """Results are made for one part of the sites at a time, each part written before the
    next is made: the first sites are out before the last are made, never the whole list."""
    from asset_register.check import batch_json

    batch = Checker(everything).check_many(_programme(50, seed=8))
    made, writes = [], []
    part = batch_json._Whole.part
    monkeypatch.setattr(batch_json._Whole, "part",
                        lambda self, a, b, shared=False: made.append((a, b, len(writes)))
                        or part(self, a, b, shared))

    class Stream:
        def write(self, text):
            writes.append(text)

    batch_json.write_json(batch, Stream(), 16)
    n = len(batch)
    assert [(a, b) for a, b, _ in made] == [(a, min(a + 16, n)) for a in range(0, n, 16)]
    assert [w for *_, w in made] == list(range(1, len(made) + 1))  # each part written first
    assert "".join(writes) == json.dumps(batch.to_dict(), ensure_ascii=False)
