"""SIGKILL an import in parts into a PostGIS register (tests/importers/test_kills_in_parts.py
for the GeoPackage store) at each of its stages: while the first part is read, while a later
part is read, while the batch is encoded, sent and versioned by the server, while bounds and
coverage are updated, and just after the commit. The server rolls the killed session back
whole: the live count is exactly before or after, nothing of a rolled-back import survives
(owner, coverage, batch), no session of it is left on the server, its temporary file of parts
is gone with it, and the next import (in parts) works."""

from __future__ import annotations

import os
import time

import psycopg
import pytest

from tests import kill_harness as kh

pytestmark = [pytest.mark.postgis, pytest.mark.slow]
N = 25_000  # five parts of PARTS_KILL_ROWS: one bulk batch of 25,000 (a first load)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return kh.write_source(tmp_path_factory.mktemp("kills-parts-pg") / "mains.gpkg", N)


def _open_transactions(pg_server) -> list[str]:
    """Client sessions still in a transaction on the test server, other than this look: a
    killed import's backend goes once the server sees its connection closed (a statement
    running then is finished first, and never committed)."""
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        for _ in range(400):
            rows = conn.execute(
                "SELECT pid, state, left(query, 60) FROM pg_stat_activity WHERE pid <> "
                "pg_backend_pid() AND backend_type = 'client backend' "
                "AND xact_start IS NOT NULL").fetchall()
            if not rows:
                return []
            time.sleep(0.05)
    return [f"{pid} {state}: {query}" for pid, state, query in rows]


@pytest.mark.parametrize(("stage", "seed"), [(s, i) for i, s in enumerate(kh.PG_PART_STAGES)])
def test_an_import_in_parts_into_postgis_killed_leaves_the_register_as_it_was_or_whole(
        pg_server, pg_url, tmp_path, source, stage, seed, monkeypatch):
    temp = tmp_path / "temp"  # the import's temporary folder: its file of parts goes there
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    before, delay = kh.seeded(pg_url, seed, 0.05)
    kill = kh.kill_import(pg_url, source, tmp_path, stage, delay, part_rows=kh.PARTS_KILL_ROWS)
    assert any("features 1…" in line for line in kill.seen), "the import was not in parts"
    assert _open_transactions(pg_server) == []
    outcome, problems = kh.judge(pg_url, kill, before, N)
    assert problems == [], (stage, delay, kill.seen[-3:])
    assert kh.expected_outcome(kill, "postgis") in (None, outcome)
    assert os.listdir(temp) == []
    assert kh.judge_next_import(pg_url, source, tmp_path, before, N,
                                part_rows=kh.PARTS_KILL_ROWS) == []
    assert os.listdir(temp) == []


def test_every_stage_of_an_import_in_parts_into_postgis_is_reported(pg_url, tmp_path, source):
    """The kills above wait for each marker: an import in parts reports them all, in order
    (a marker renamed would otherwise fail the kill test only by its hang guard)."""
    kh.seeded(pg_url, 0, 0.0)
    kill = kh.kill_import(pg_url, source, tmp_path, "process finished", 0.0,
                          part_rows=kh.PARTS_KILL_ROWS)
    at = [next(i for i, line in enumerate(kill.seen) if stage in line)
          for stage in kh.PG_PART_STAGES]
    assert at == sorted(at)
