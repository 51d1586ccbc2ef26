"""SIGKILL an import at seeded points (a few here; benchmarks/bench_kills.py runs many):
the register stays valid, holds exactly the state before or after the import, nothing of
the killed import (owner, coverage, batch, staging files) survives a rolled-back kill,
and the next import works. The PostGIS run is tests/postgis/test_kills_pg.py."""

from __future__ import annotations

import pytest

from tests import kill_harness as kh

pytestmark = pytest.mark.slow
N = 25_000  # over the bulk-staging threshold (store/gpkg/write.py BULK_INDEX_ROWS)

# (stage to kill at, seed of the delay within it): the staging files' life, the owner row
# and coverage being written inside the batch's transaction, and just after the commit
KILLS = [("staging", 1), ("copying assets", 2), ("updating the owner's coverage", 3),
         ("committed", 4)]


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return kh.write_source(tmp_path_factory.mktemp("kills") / "mains.gpkg", N)


@pytest.mark.parametrize(("stage", "seed"), KILLS)
def test_a_killed_import_leaves_a_valid_register_and_no_debris(tmp_path, source, stage, seed):
    location = str(tmp_path / "register.gpkg")
    # staging lasts only a few tens of ms for this size now: kill early in it, so that the
    # kill lands before the commit and the sweep of the staging files is exercised
    longest = 0.03 if stage == "staging" else 0.3
    before, delay = kh.seeded(location, seed, longest)
    kill = kh.kill_import(location, source, tmp_path, stage, delay)
    left = kh.staging_debris(location)
    outcome, problems = kh.judge(location, kill, before, N)
    assert problems == [], (stage, delay, kill.seen[-3:])
    if stage == "committed":  # reported once the commit returned and the staging was removed
        assert outcome == "after" and left == []
    elif kill.killed and stage == "staging" and not any("committed" in ln for ln in kill.seen):
        assert outcome == "before"
        assert left, "the kill left no staging files: the sweep was not exercised"
    assert kh.judge_next_import(location, source, tmp_path, before, N) == []


@pytest.mark.parametrize(("stage", "seed"), [("features 10,001", 5), ("features 20,001", 6),
                                             ("copying assets", 7)])
def test_a_killed_import_in_slices_leaves_a_valid_register_and_no_debris(tmp_path, source,
                                                                         stage, seed):
    """The layer in five slices kept in memory (each staged while the next is prepared):
    killed while a middle or the last slice is staged, or during the copy."""
    location = str(tmp_path / "register.gpkg")
    before, delay = kh.seeded(location, seed, 0.05)
    kill = kh.kill_import(location, source, tmp_path, stage, delay,
                          job_args={"pipe_rows": N // 5, "pipe_from": N // 5})
    assert any("staging assets" in line for line in kill.seen)  # it went in slices
    left = kh.staging_debris(location)
    outcome, problems = kh.judge(location, kill, before, N)
    assert problems == [], (stage, delay, kill.seen[-3:])
    if kill.killed and not any("committed" in ln for ln in kill.seen):
        assert outcome == "before"
        assert left or stage == "copying assets"
    assert kh.judge_next_import(location, source, tmp_path, before, N) == []
