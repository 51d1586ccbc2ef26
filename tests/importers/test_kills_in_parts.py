"""SIGKILL an import in parts (a layer read, prepared and staged part by part, as a layer of
millions is) at each of its stages: while the first part is read, once parts are staged,
while a later part is read, while the batch is written, copied and indexed, and just after
the commit. The register holds exactly the state before or after the import, nothing of a
rolled-back import survives (owner, coverage, batch), no staging, spill, journal or WAL file
is left beside it once it is opened again, and the next import (in parts) works."""

from __future__ import annotations

import os

import pytest

from asset_register.store import create_register
from tests import kill_harness as kh

pytestmark = pytest.mark.slow
N = 25_000  # five parts of PARTS_KILL_ROWS


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return kh.write_source(tmp_path_factory.mktemp("kills-parts") / "mains.gpkg", N)


@pytest.mark.parametrize(("stage", "seed"), [(s, i) for i, s in enumerate(kh.PART_STAGES)])
def test_an_import_in_parts_killed_leaves_the_register_as_it_was_or_whole(
        tmp_path, source, stage, seed):
    folder = tmp_path / "share"
    folder.mkdir()
    location = str(folder / "register.gpkg")
    before, delay = kh.seeded(location, seed, 0.05)
    kill = kh.kill_import(location, source, tmp_path, stage, delay,
                          part_rows=kh.PARTS_KILL_ROWS)
    assert any("features 1…" in line for line in kill.seen), "the import was not in parts"
    outcome, problems = kh.judge(location, kill, before, N)
    assert problems == [], (stage, delay, kill.seen[-3:])
    assert kh.expected_outcome(kill, "gpkg") in (None, outcome)
    assert sorted(os.listdir(folder)) == ["register.gpkg"]
    assert kh.judge_next_import(location, source, tmp_path, before, N,
                                part_rows=kh.PARTS_KILL_ROWS) == []
    assert sorted(os.listdir(folder)) == ["register.gpkg"]


def test_a_part_kill_leaving_staging_is_caught_by_the_judge(tmp_path):
    """The judge itself: a staging or spill file beside the register is a broken promise
    (so the test above cannot pass by not looking)."""
    location = tmp_path / "register.gpkg"
    create_register(location).close()
    (tmp_path / ".register.gpkg.staging-1234.gpkg").write_bytes(b"x")
    (tmp_path / ".asset-register-import-abcd").write_bytes(b"x")
    assert kh.left_beside(str(location)) == [".asset-register-import-abcd",
                                             ".register.gpkg.staging-1234.gpkg"]
