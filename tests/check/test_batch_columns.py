"""A batch's column work gives, row for row, what the same work gives one row at a time.

A batch of 100,000 footprints assesses its conflicts in one vectorised pass: texts built
only for the rows they concern (unknown classes, abandoned or disused assets, restricted
assets shown masked), quality-level uncertainties looked up without pandas, candidate
columns copied once (``Rows`` then ``take``). Each must give every row exactly what a
single check — the same code on one row — gives it.
"""

from __future__ import annotations

import numpy as np

from asset_register.check import load_rules
from asset_register.check.clearance import (
    CHECK_COLUMNS, NUMERIC, Rows, assess, classify, record_uncertainty, take,
)
from asset_register.model import MASKED_ID_PREFIX


def _columns(rng, n: int) -> dict[str, np.ndarray]:
    """Rows mixing known and unknown pressures and voltages, live, abandoned and disused
    assets, restricted (masked) ids, stated and missing accuracies and quality levels."""
    def pick(values):
        out = np.empty(n, dtype=object)
        out[:] = [values[i] for i in rng.integers(0, len(values), n)]
        return out

    cols = {c: np.where(rng.random(n) < 0.3, np.nan, rng.uniform(0, 3, n)) for c in NUMERIC}
    cols.update(
        asset_id=np.array([f"{MASKED_ID_PREFIX}{i}" if i % 7 == 0 else f"A{i}"
                           for i in range(n)], dtype=object),
        owner=pick(["WAT", "GAS", "ELEC", None]),
        utility=pick(["water", "gas", "electricity", "telecoms", "sewer", None]),
        asset_class=pick(["pipe", "cable", "duct", "precaution_zone", None]),
        status=pick(["live", "abandoned", "disused", None]),
        pressure=pick(["LP", "MP", "IP", "HP", None, "bogus"]),
        voltage=pick(["LV", "HV", "EHV", None]),
        material=pick(["PE", "steel", None]),
        quality_level=pick(["A", "B", "C", "D", "QL-B", None, "unheard of"]),
    )
    return {c: cols[c] for c in CHECK_COLUMNS}


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind == "f":
        return np.array_equal(a, b, equal_nan=True)
    return a.tolist() == b.tolist()


def test_a_batch_assesses_each_row_as_a_single_check_does():
    rng = np.random.default_rng(3)
    rules = load_rules()
    n = 3000  # above the memo's row count: the vectorised paths
    cols = _columns(rng, n)
    classes = classify(cols, rules)
    distance = np.where(rng.random(n) < 0.2, 0.0, rng.uniform(0, 4, n))
    clearance = rng.uniform(0.5, 5, n)
    dig = np.where(rng.random(n) < 0.5, np.nan, rng.uniform(0.2, 2, n))
    batch = assess(cols, distance, clearance, classes, rules, dig_depth_m=dig)
    texts = {k: 0 for k in ("Recorded as", "Restricted asset of", "unknown")}
    for i in range(n):
        one = assess(take(cols, [i]), distance[[i]], clearance[[i]], classes[[i]], rules,
                     dig_depth_m=dig[[i]])
        for k, v in one.items():
            assert _same(batch[k][[i]], v), (k, i)
        for t in texts:
            texts[t] += t in one["precaution"][0]
    assert all(texts.values()), texts  # every text was built somewhere in the batch
    assert _same(record_uncertainty(cols, rules),
                 np.concatenate([record_uncertainty(take(cols, [i]), rules) for i in range(n)]))


def test_rows_copy_each_column_once_as_take_would():
    rng = np.random.default_rng(4)
    cols = _columns(rng, 500)
    pairs = rng.integers(0, 500, 2000)  # an asset near many footprints repeats
    hit = np.flatnonzero(rng.random(2000) < 0.6)
    rows = Rows(cols, pairs)
    assert list(rows) == list(cols) and len(rows) == len(cols)
    plain = take(take(cols, pairs), hit)
    for k, v in take(rows, hit).items():
        assert _same(v, plain[k]), k
        assert _same(rows[k], cols[k][pairs]), k
