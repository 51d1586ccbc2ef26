"""A notice export killed midway is rolled back at the next command; listing never fails
on a notice being written (by this process, another one, or one that died)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from asset_register.cli.main import main
from asset_register.notices.pack import write_notice_pack
from asset_register.notices.recovery import writer_detail

from .analytic import make_result

ROOT = Path(__file__).resolve().parents[2]

KILLED_EXPORT = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
import asset_register.notices.pack as pack
from asset_register.store import open_register
from tests.notices.analytic import make_result

real = pack.render_pdf
def render_pdf(content, path, **kw):
    real(content, path, **kw)  # one file of the pack written, the rest never
    Path(sys.argv[3]).write_text("writing")
    time.sleep(120)
pack.render_pdf = render_pdf
with open_register(sys.argv[1]) as store:
    pack.write_notice_pack(store, make_result(), sys.argv[2], promoter="Acme")
"""


def _kill_at_marker(cmd, marker: Path) -> None:
    from tests.conftest import FIXED_NOW

    env = {**os.environ, "ASSET_REGISTER_NOW": FIXED_NOW.isoformat()}  # the pack's dates, any day
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 120  # a hang guard only: the marker decides
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "the export never reached its marker"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()


def _rows(store):
    frame = store.notices()
    return {(r["reference"], r["version"]): r for r in frame.to_dict("records")}


def test_a_killed_export_is_rolled_back_at_the_next_command(register, tmp_path, capsys, fixed_clock):
    path = register.location
    register.close()
    out = tmp_path / "packs"
    marker = tmp_path / "marker"
    _kill_at_marker([sys.executable, "-c", KILLED_EXPORT, path, str(out), str(marker),
                     str(ROOT)], marker)
    hidden = [p.name for p in out.iterdir()]
    assert len(hidden) == 1 and hidden[0].endswith(".partial"), hidden  # the debris it left
    # the next command: the listing names the notice, rolls it back and removes the folder
    assert main(["notices", path]) == 0
    captured = capsys.readouterr()
    assert "rolled back" in captured.err and "Traceback" not in captured.err
    line = next(x for x in captured.out.splitlines() if x.startswith("EXB-"))
    assert line.split()[2] == "failed"
    assert list(out.iterdir()) == []
    from asset_register.store import open_register

    with open_register(path) as store:
        (ref, version), row = next(iter(_rows(store).items()))
        assert row["status"] == "failed" and row["folder"] is None
        assert json.loads(row["detail"])["error"].startswith("interrupted")
        # the next notice gets the next reference; the rolled-back one is never reused
        pack = write_notice_pack(store, make_result(), out, promoter="Acme")
        assert pack.reference != ref and pack.status == "issued"
        assert sorted(p.name for p in out.iterdir()) == [pack.reference]
        assert _rows(store)[(ref, version)]["status"] == "failed"


def test_a_notice_being_written_is_listed_and_left_alone(register, tmp_path, capsys, fixed_clock):
    """A draft row of a live writer (here this process) and a draft row without any
    detail (as an older version wrote them, the row that made the listing fail)."""
    write_notice_pack(register, make_result(), tmp_path / "done", promoter="Acme")
    out = tmp_path / "packs"
    out.mkdir()
    partial = out / ".EXB-2026-00099.abc.partial"
    partial.mkdir()
    live = {"reference": "EXB-2026-00099", "version": 1, "status": "draft",
            "created_at": "2026-12-01T10:00:00+00:00", "valid_until": "2026-12-29",
            "footprint_wkt": "POINT (0 0)", "promoter": "Acme",
            "detail": writer_detail(out)}
    register.record_notice(live)
    register.record_notice({**live, "reference": "EXB-2026-00098", "detail": None,
                            "created_at": "2999-01-01T00:00:00+00:00"})
    path = register.location
    register.close()
    assert main(["notices", path]) == 0
    captured = capsys.readouterr()
    status = {x.split()[0]: x.split()[2] for x in captured.out.splitlines()
              if x.startswith("EXB-")}
    assert status["EXB-2026-00099"] == "writing" and status["EXB-2026-00098"] == "writing"
    assert sum(s == "issued" for s in status.values()) == 1
    assert "rolled back" not in captured.err
    assert partial.is_dir()  # a live writer's folder is never removed
    assert main(["notices", path, "--json"]) == 0
    listed = {r["reference"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed["EXB-2026-00099"]["conflicts"] is None
    assert listed["EXB-2026-00099"]["outstanding"] == []


def test_listing_while_another_program_writes_does_not_wait_and_rolls_back_later(
        register, tmp_path, capsys, fixed_clock):
    """An interrupted draft (its writer's process has ended) and the register's write lock
    held by another program: the listing shows the draft as interrupted at once, without
    waiting; the next listing with the register free rolls it back."""
    import socket
    import sqlite3

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    mark = {"host": socket.gethostname(), "pid": int(ended.stdout), "started": None,
            "out_dir": str(tmp_path)}
    register.record_notice({"reference": "EXB-2026-00042", "version": 1, "status": "draft",
                            "created_at": "2026-12-01T10:00:00+00:00",
                            "valid_until": "2026-12-29", "footprint_wkt": "POINT (0 0)",
                            "promoter": "Acme", "detail": json.dumps({"writing": mark})})
    (tmp_path / ".EXB-2026-00042.x1.partial").mkdir()
    path = register.location
    register.close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert main(["notices", path]) == 0
        captured = capsys.readouterr()
        assert "waiting" not in captured.err and "rolled back" not in captured.err
        assert captured.out.splitlines()[2].split()[:3] == ["EXB-2026-00042", "1", "interrupted"]
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert main(["notices", path]) == 0
    captured = capsys.readouterr()
    assert "notice EXB-2026-00042 v1 was interrupted" in captured.err
    assert captured.out.splitlines()[2].split()[:3] == ["EXB-2026-00042", "1", "failed"]
    assert not (tmp_path / ".EXB-2026-00042.x1.partial").exists()
