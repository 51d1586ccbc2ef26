"""Whether the process that left work behind still runs: what the debris clean-ups rely on."""

from __future__ import annotations

import subprocess
import sys

import pytest

from asset_register.liveness import HeldLock, lock_abandoned, mark_alive, process_mark


def _ended_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_marks_of_this_process_an_ended_one_and_a_reused_pid():
    me = process_mark()
    assert mark_alive(me)
    assert not mark_alive({**me, "pid": _ended_pid(), "started": None})
    if me["started"] is None:
        pytest.skip("process start times are not readable here (no /proc)")
    # the same pid with another start time: the pid now names a later process
    assert not mark_alive({**me, "started": str(int(me["started"]) - 1)})


def test_marks_that_cannot_be_checked_count_as_alive():
    me = process_mark()
    assert mark_alive({**me, "host": me["host"] + "-elsewhere", "pid": _ended_pid()})
    assert mark_alive(None) and mark_alive({}) and mark_alive({**me, "pid": "x"})


def test_a_held_lock_is_not_abandoned_until_released(tmp_path):
    lock = HeldLock(tmp_path / "a.lock")
    assert (tmp_path / "a.lock").exists() and not lock_abandoned(tmp_path / "a.lock")
    assert not (tmp_path / "a.lock.new").exists()
    lock.release()
    assert not (tmp_path / "a.lock").exists()
    assert not lock_abandoned(tmp_path / "a.lock")  # gone: nothing to sweep
