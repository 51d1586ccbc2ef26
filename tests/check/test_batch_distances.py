"""A large batch's exact distances worked out in two threads (``checker._distances``) are
the distances worked out in one, pair by pair, and give the same answers."""

from __future__ import annotations

import numpy as np
import shapely

from asset_register.check import Checker
from asset_register.check import checker as checker_module

from .test_batch_warm import _json
from .test_fast_path import _sites, register  # noqa: F401 (fixture)


def test_distances_in_two_threads_are_those_in_one(monkeypatch):
    rng = np.random.default_rng(3)
    pts = shapely.points(rng.uniform(0, 100, (1001, 2)))
    lines = shapely.linestrings(rng.uniform(0, 100, (1001, 3, 2)))
    one = shapely.distance(lines, pts)
    monkeypatch.setattr(checker_module, "TWO_THREADS_PAIRS", 2)
    two = checker_module._distances(lines, pts)
    assert two.dtype == one.dtype and np.array_equal(two, one)
    assert checker_module._distances(lines[:1], pts[:1]).tolist() == one[:1].tolist()


def test_a_batch_with_distances_in_two_threads_gives_the_same_answers(register, fixed_clock,  # noqa: F811
                                                                     monkeypatch):
    sites = _sites(80, seed=9)
    plain = Checker(register).check_many(sites, index="disk")
    monkeypatch.setattr(checker_module, "TWO_THREADS_PAIRS", 2)
    calls = []
    distance = shapely.distance
    monkeypatch.setattr(checker_module.shapely, "distance",
                        lambda a, b: calls.append(len(a)) or distance(a, b))
    two = Checker(register).check_many(sites, index="disk")
    assert len(calls) >= 2  # (the halves)
    assert _json(two) == _json(plain)
