"""SIGKILL an import into a PostGIS register at seeded points (tests/importers/test_kills.py
for the GeoPackage store): the server rolls the killed session back whole — no owner,
coverage or batch of it — the live count is exactly before or after, the next import works."""

from __future__ import annotations

import pytest

from tests import kill_harness as kh

pytestmark = [pytest.mark.postgis, pytest.mark.slow]
N = 25_000
KILLS = [("sent", 1), ("updating the owner's coverage", 2), ("committed", 3)]


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return kh.write_source(tmp_path_factory.mktemp("kills-pg") / "mains.gpkg", N)


@pytest.mark.parametrize(("stage", "seed"), KILLS)
def test_a_killed_import_leaves_the_postgis_register_whole(pg_url, tmp_path, source, stage,
                                                           seed):
    before, delay = kh.seeded(pg_url, seed, 0.3)
    kill = kh.kill_import(pg_url, source, tmp_path, stage, delay)
    outcome, problems = kh.judge(pg_url, kill, before, N)
    assert problems == [], (stage, delay, kill.seen[-3:])
    if stage == "committed":
        assert outcome == "after"
    assert kh.judge_next_import(pg_url, source, tmp_path, before, N) == []
