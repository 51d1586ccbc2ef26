"""A single check worked out row by row from the R*Tree's rows (check/single.py) gives, byte
for byte, the JSON of the vectorised check and of a batch, and the same frames.

Over a register with every kind of asset — restricted (masked) ones, abandoned and disused,
precaution zones, gas and electricity with and without recorded values, NULL numbers, assets
at exactly their clearance, planned works, full, partial and no coverage, owners without
contact details, open deviation reports with reported positions — seeded random footprints
of every method, depth, date and USRN are checked three ways: row by row (the fast path), by
the plain path (the store's generic reads, every fact re-read, every step vectorised) and in
one batch (``check_many``). Each must give the same ``to_json`` text (the time taken left out)
and the same conflict and works frames, to the last bit.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import numpy as np
import pytest
import shapely

from asset_register.check import Checker, DigSite, clearance, single
from asset_register.check.rules import default_rules

from .test_fast_path import RULES, X0, Y0, _same_frames, _sites, register  # noqa: F401


def _json(result) -> str:
    out = result.to_dict()
    out.pop("seconds")
    return json.dumps(out, ensure_ascii=False)


@pytest.fixture
def taken(monkeypatch):
    """Counts the single checks the row-by-row path answered (and those it passed on)."""
    seen = {"rows": 0, "passed on": 0}
    check_rows = single.check_rows

    def counted(*args):
        result = check_rows(*args)
        seen["rows" if result is not None else "passed on"] += 1
        return result

    monkeypatch.setattr("asset_register.check.checker.check_rows", counted)
    return seen


def _plain(store, site, rules, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(clearance, "MEMO_ROWS", 0)
        m.setattr(clearance, "FEW_ROWS", 0)
        checker = Checker(store, rules, disk=False)
        assert not checker._reader.reads_rows
        return checker.check(site)


def _more_sites(n: int, seed: int) -> list[DigSite]:
    """Footprints of every size, some over the densest assets, with notes and references."""
    rng = np.random.default_rng(seed)
    sites = []
    for i in range(n):
        if i % 3:  # among the assets
            x, y = X0 + rng.uniform(0, 300), Y0 + rng.uniform(0, 300)
        else:  # at the edge of them, where few are near (or none)
            x, y = X0 + rng.uniform(300, 380), Y0 + rng.uniform(-80, 380)
        w, h = rng.choice([1.0, 10.0, 40.0]), rng.choice([0.5, 4.0, 25.0])
        box = shapely.affinity.rotate(shapely.box(x, y, x + w, y + h), rng.uniform(0, 180))
        sites.append(DigSite(
            box, depth_m=[None, 0.0, 0.6, 3.5][int(rng.integers(0, 4))],
            method=str(rng.choice(["hand", "mechanical", "trenchless"])),
            start=None if rng.random() < 0.4 else date(2026, 3, int(rng.integers(1, 12))),
            usrn=None if rng.random() < 0.8 else "8400123",
            reference=None if rng.random() < 0.3 else f"dig {i}",
            position_accuracy_m=float(rng.choice([0.0, 0.35, 2.0])),
            notes=() if rng.random() < 0.8 else ("CRS assumed",)))
    return sites


@pytest.mark.parametrize("variant", ["default", "custom", "deeper lowers, extras, utilities"])
def test_single_checks_row_by_row_are_the_vectorised_and_batch_answers(
        register, variant, taken, fixed_clock, monkeypatch):  # noqa: F811
    rules = {
        "default": RULES[0], "custom": RULES[1],
        "deeper lowers, extras, utilities": dataclasses.replace(
            default_rules(), depth_lowers_severity=True,
            method_extra_m={"hand": 0.0, "mechanical": 0.5, "trenchless": 1.25},
            expected_utilities=("gas", "water", "telecoms")),
    }[variant]
    sites = _sites(80, seed=21) + _more_sites(120, seed=22)
    fast = Checker(register, rules)
    batch = Checker(register, rules).check_many(sites)
    seen = {"conflicts": 0, "empty": 0}
    texts = set()
    for i, site in enumerate(sites):
        ours = fast.check(site)
        expected = _json(_plain(register, site, rules, monkeypatch))
        assert _json(ours) == expected, site.reference
        assert _json(batch[i]) == expected, site.reference
        n = len(ours.conflict_columns()["asset_id"])
        seen["conflicts" if n else "empty"] += 1
        doc = ours.to_dict()
        texts |= {c["precaution"].split(" ")[0] for c in doc["conflicts"]}
        texts |= {"Recorded" for c in doc["conflicts"] if "Recorded as" in c["precaution"]}
        texts |= {"depth" for c in doc["conflicts"] if c["depth_note"]}
        texts |= {c["severity"] for c in doc["conflicts"]}
        texts |= {o["coverage"] for o in doc["owners_affected"]}
        texts |= {"works" for _ in doc["works_overlapping"]}
        texts |= {"no data" for _ in doc["owners_no_data"]}
        if i % 10 == 0:  # the frames, built from the rows when first read
            _same_frames(ours.conflicts, batch[i].conflicts)
            _same_frames(ours.works_overlapping, batch[i].works_overlapping)
            assert _json(ours) == expected  # (and the JSON from the frames once built)
    fast.close()
    # the row-by-row path answered nearly all (those near a reported position are passed on
    # to the vectorised path), and the sample reached what it was built to reach
    assert taken["rows"] >= len(sites) - 20 and taken["passed on"] >= 2, taken
    assert seen["conflicts"] > 50 and seen["empty"] > 15, seen
    assert {"Restricted", "Recorded", "depth", "strike", "danger", "caution", "full", "partial",
            "unrecorded", "works", "no data"} <= texts, texts


def test_a_register_without_some_columns_is_checked_row_by_row_as_through_arrays(
        register, fixed_clock, taken):  # noqa: F811
    """A register made before some columns existed: the rows hold None for them, as the
    arrays hold NaN / None."""
    sites = _sites(40, seed=5)
    by_rows, by_arrays = Checker(register), Checker(register)
    for checker in (by_rows, by_arrays):
        checker._reader._present -= {"pressure_bar", "voltage_v", "crs_accuracy_m", "material"}
        checker._reader._sql.clear()
    by_arrays._reader.reads_rows = False
    for site in sites:
        assert _json(by_rows.check(site)) == _json(by_arrays.check(site)), site.reference
    assert taken["rows"] >= len(sites) - 5


def test_a_check_after_a_write_reads_the_new_facts(register, fixed_clock):  # noqa: F811
    """The row-by-row path keeps the register's facts only while the data version holds."""
    site = _sites(0, seed=0)[0]  # the edge site
    checker = Checker(register)
    before = checker.check(site)
    register.set_owner_coverage("GAS", shapely.box(X0 + 900, Y0 + 900, X0 + 1100, Y0 + 1100))
    try:
        after = checker.check(site)
        assert _json(after) == _json(Checker(register, disk=False).check(site))
        assert _json(after) != _json(before)
    finally:
        register.set_owner_coverage("GAS", shapely.box(X0, Y0, X0 + 150, Y0 + 300))
    checker.close()


def test_the_first_check_classes_the_combinations_the_register_holds(register, fixed_clock):  # noqa: F811
    """The first single check classes, all at once, the combinations of class fields a sample
    spread over the register holds (here: all of its assets), with the vectorised code."""
    from asset_register.check.clearance import class_table

    rules = dataclasses.replace(default_rules())  # (a memo of its own)
    checker = Checker(register, rules)
    assert "rows" not in rules.check_memo
    checker.check(_sites(0, seed=0)[1])  # the empty site: no candidates of its own
    fields = class_table(rules).key_fields
    live = register.read_assets(columns=list(fields))
    held = {tuple(None if v is None or v != v else v for v in row)
            for row in live[list(fields)].astype(object).itertuples(index=False)}
    memo = rules.check_memo["rows"]
    assert held and held <= set(memo)
    checker.close()
