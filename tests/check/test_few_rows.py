"""A single check's few candidates take row-by-row paths (precautions, restricted assets and
depth notes put together in Python, the conflict table ordered in Python, candidates read as
arrays already normalised); each must give exactly what the vectorised code gives.

Every branch is reached on seeded random rows: class notes of unknown pressure / voltage,
abandoned and disused assets, restricted (masked) ids, depths below the planned dig with and
without a vertical accuracy, per-row dig depths with gaps, rules that lower the severity of a
deeper asset, ties of severity and distance broken by asset id.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from asset_register.check import clearance
from asset_register.check.checker import _conflict_order
from asset_register.check.clearance import CHECK_COLUMNS, NUMERIC, assess, classify, normalise
from asset_register.check.rules import default_rules
from asset_register.model import MASKED_ID_PREFIX

from .test_property import random_assets


def _rows(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    rows = random_assets(n, seed)
    for i, row in enumerate(rows):
        row.pop("geometry")
        row["depth_m"] = None if rng.random() < 0.3 else round(float(rng.uniform(0.2, 3)), 2)
        row["v_accuracy_m"] = None if rng.random() < 0.5 else float(rng.choice([0.1, 0.4]))
        row["crs_accuracy_m"] = None if rng.random() < 0.5 else 0.7
        if row["utility"] == "gas" and rng.random() < 0.4:
            row["pressure_bar"] = float(rng.choice([0.03, 1.5, 6.0, 19.0]))
        if row["utility"] == "electricity" and rng.random() < 0.4:
            row["voltage_v"] = float(rng.choice([230.0, 11000.0, 33000.0]))
        if rng.random() < 0.15:  # a restricted asset as an extract holds it
            row["asset_id"] = f"{MASKED_ID_PREFIX}{i}"
        row["owner"] = str(rng.choice(["WAT", "GAS", None]))
    return {c: np.array([r.get(c) for r in rows], dtype=np.float64 if c in NUMERIC else object)
            for c in CHECK_COLUMNS}


def _same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        x, y = np.asarray(a[k]), np.asarray(b[k])
        assert x.dtype == y.dtype, k
        assert x.shape == y.shape, k
        assert [None if v != v else v for v in x.tolist()] == \
            [None if v != v else v for v in y.tolist()], k


@pytest.mark.parametrize("lowers", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_assess_row_by_row_equals_vectorised(seed, lowers, monkeypatch):
    rules = dataclasses.replace(default_rules(), depth_lowers_severity=lowers)
    rng = np.random.default_rng(100 + seed)
    for n in (1, 2, 7, 40):
        cols = normalise(_rows(n, seed * 50 + n))
        classes = classify(cols, rules)
        distance = np.where(rng.random(n) < 0.3, 0.0, rng.uniform(0, 3, n))
        clear = rng.uniform(0.5, 4, n)
        for dig in (None, 1.0, np.where(rng.random(n) < 0.3, np.nan, rng.uniform(0.2, 2.5, n))):
            few = assess(cols, distance, clear, classes, rules, dig_depth_m=dig)
            with monkeypatch.context() as m:
                m.setattr(clearance, "MEMO_ROWS", 0)
                m.setattr(clearance, "FEW_ROWS", 0)
                plain = assess(cols, distance, clear, classes, rules, dig_depth_m=dig)
            _same(few, plain)


def test_the_rows_reach_every_branch():
    """(The random rows above are worth comparing: every kind of text is in them.)"""
    rules = dataclasses.replace(default_rules(), depth_lowers_severity=True)
    texts, notes, lowered = set(), 0, 0
    for seed in range(6):
        cols = normalise(_rows(40, seed * 50 + 40))
        n = len(cols["asset_id"])
        out = assess(cols, np.full(n, 0.5), np.full(n, 1.0), classify(cols, rules), rules,
                     dig_depth_m=np.full(n, 0.5))
        texts |= {" ".join(p.split(" ")[:1]) for p in out["precaution"].tolist()}
        texts |= {"recorded" for p in out["precaution"].tolist() if "Recorded as" in p}
        texts |= {"unknown" for p in out["precaution"].tolist() if "Class unknown" in p}
        notes += sum(v is not None for v in out["depth_note"].tolist())
        lowered += int(((out["severity"] == "caution") & (out["depth_note"] != None)).sum())  # noqa: E711
    assert {"Restricted", "recorded", "unknown"} <= texts, texts
    assert notes and lowered


@pytest.mark.parametrize("seed", range(20))
def test_conflict_order_in_python_equals_lexsort(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 60))
    site = np.sort(rng.integers(0, 3, n)).astype(np.int64)
    severity = rng.choice(np.array(["strike", "danger", "caution"], dtype=object), n)
    distance = rng.choice([0.0, -0.0, 0.25, 1.5, 2.0], n)  # many ties
    asset_id = rng.choice(np.array(["b", "a", "restricted:9", "Z", "é"], dtype=object), n)
    rank = np.array([clearance.SEVERITY_RANK[v] for v in severity.tolist()])
    expected = np.lexsort((asset_id.astype(str), distance, rank, site))
    got = _conflict_order(site, severity, distance, asset_id)
    with monkeypatch.context() as m:
        m.setattr(clearance, "FEW_ROWS", 0)
        plain = _conflict_order(site, severity, distance, asset_id)
    assert plain.tolist() == expected.tolist()
    if got is None:
        assert (expected == np.arange(n)).all()
    else:
        assert got.tolist() == expected.tolist()
    in_order = expected
    again = _conflict_order(site[in_order], severity[in_order], distance[in_order],
                            asset_id[in_order])
    if n <= clearance.FEW_ROWS:
        assert again is None  # rows already in order are left as they are
    else:
        assert again.tolist() == list(range(n))


def test_normalised_columns_pass_through_and_others_are_normalised():
    cols = _rows(5, 1)
    same = normalise(cols)
    assert all(same[c] is cols[c] for c in CHECK_COLUMNS)  # the reader's arrays, kept
    # a text column given as a list, a numeric one as objects, one missing: normalised
    odd = dict(cols, owner=list(cols["owner"]), depth_m=cols["depth_m"].astype(object))
    del odd["material"]
    fixed = normalise(odd)
    assert fixed["owner"].dtype == object and fixed["depth_m"].dtype == np.float64
    assert fixed["material"].tolist() == [None] * 5
    _same({k: v for k, v in fixed.items() if k != "material"},
          {k: v for k, v in same.items() if k != "material"})


@pytest.mark.parametrize("seed", range(8))
def test_base_clearance_row_by_row_equals_vectorised(seed, monkeypatch):
    rules = default_rules()
    if seed % 2:  # rules with a stated CRS default and quality levels of their own
        rules = dataclasses.replace(rules, crs_unknown_m=0.25, unknown_uncertainty_m=2,
                                    quality_level_m={"A": 0.05, "B1": 0.3, "D": 3})
    for n in (1, 3, 40):
        cols = normalise(_rows(n, seed * 7 + n))
        classes = classify(cols, rules)
        few = clearance.base_clearance(cols, rules, classes)
        with monkeypatch.context() as m:
            m.setattr(clearance, "FEW_ROWS", 0)
            plain = clearance.base_clearance(cols, rules, classes)
        assert few.dtype == plain.dtype == np.float64
        assert few.tobytes() == plain.tobytes()  # to the last bit


@pytest.mark.parametrize("n", [0, 1, 6])
def test_a_check_without_conflicts_has_the_evaluated_empty_table(n, monkeypatch):
    """Candidates none of which is within its clearance (or none at all): the empty conflict
    table taken without assessing is the one the assessment builds, column for column."""
    import types

    import shapely

    from asset_register.check import Checker, DigSite

    rules = default_rules()
    cols = normalise(_rows(max(n, 1), 3))
    cols = {k: v[:n] for k, v in cols.items()}
    classes = classify(cols, rules)
    base = clearance.base_clearance(cols, rules, classes)
    far = np.array([shapely.Point(1000.0 + i, 1000.0) for i in range(n)], dtype=object)
    site = DigSite(shapely.box(0, 0, 10, 4))
    fps = np.array([site.footprint], dtype=object)

    def evaluate():
        return Checker._evaluate(types.SimpleNamespace(rules=rules), [site], fps, np.zeros(1),
                                 np.zeros(n, dtype=np.int64), cols, far, classes, base)

    quick = evaluate()
    with monkeypatch.context() as m:
        m.setattr(clearance, "FEW_ROWS", 0)
        plain = evaluate()
    assert list(quick) == list(plain)
    _same(quick, plain)
