"""Every command that reads a user's file, on every file of the hostile corpus (corpus.py).

Each file's commands run in one child process (runner.py) whose address space is bounded
(RLIMIT_AS) and whose every command has a time bound: a command that passes it is a hang,
reported as such, and the rest run in a fresh child. For each (file, command) the outcome
must be success with nothing on stderr, or exit 1 with exactly one ``asset-register: error:``
line naming the file — never a traceback — and a failed or read-only command leaves the
register's content exactly as it was. After each file, nothing new is beside the input (no
GDAL ``.gfs``, no extracted member) and nothing is left in the child's temporary folder.
"""

from __future__ import annotations

import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from . import corpus
from .runner import COMMANDS, digest

ROOT = Path(__file__).resolve().parents[2]
# bounds of one command: generous for a loaded 2-core machine; a real hang never ends
SECONDS = float(os.environ.get("HOSTILE_SECONDS", "120"))
MEMORY = int(float(os.environ.get("HOSTILE_MEMORY_GB", "4")) * 1024**3)
READ_ONLY = {"inspect", "footprint", "programme"}

CASES = corpus.NAMES


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _listing(folder: Path) -> set[str]:
    out = set()
    for base, dirs, files in os.walk(folder, followlinks=False):
        rel = os.path.relpath(base, folder)
        out.update(os.path.join(rel, n) for n in dirs + files)
    return out


def _child(register: Path, path: Path, names: list[str], tmp: Path):
    """Run ``names`` on ``path`` in one bounded child; yields each command's result, or
    ``{"command": name, "hung": True}`` for the first one that passes its time bound."""
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.hostile.runner", str(register), str(path), *names],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=_limit_memory, start_new_session=True)
    buf = b""
    try:
        for name in names:
            deadline = time.monotonic() + SECONDS
            while b"\n" not in buf:
                left = deadline - time.monotonic()
                ready = select.select([proc.stdout], [], [], max(left, 0))[0] if left > 0 else []
                if not ready:
                    yield {"command": name, "hung": True}
                    return
                chunk = os.read(proc.stdout.fileno(), 1 << 16)
                if not chunk:  # the child died (out of memory, signal): report its stderr
                    proc.wait(timeout=10)
                    tail = proc.stderr.read().decode("utf-8", "replace")
                    yield {"command": name, "died": proc.returncode, "stderr": tail}
                    return
                buf += chunk
            line, buf = buf.split(b"\n", 1)
            yield json.loads(line)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # our own child's process group
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()


@pytest.fixture(scope="session")
def hostile(tmp_path_factory):
    """(corpus folder, template register, {file: {command: result}} filled on demand)."""
    from asset_register.cli.main import main

    base = tmp_path_factory.mktemp("hostile")
    folder = base / "corpus"
    assert corpus.build(folder) == list(CASES)
    template = base / "template.gpkg"
    assert main(["init", str(template)]) == 0
    assert main(["import", str(template), str(ROOT / "examples" / "ducts.csv"), "--owner", "RF",
                 "--utility", "telecoms", "--assume-crs", "EPSG:27700"]) == 0
    return folder, template, {}


def _results(hostile, name: str) -> dict:
    folder, template, cache = hostile
    if name in cache:
        return cache[name]
    run = folder.parent / f"run-{len(cache)}"
    tmp = run / "tmp"
    tmp.mkdir(parents=True)
    register = run / "register.gpkg"
    shutil.copyfile(template, register)
    before = _listing(folder)
    results: dict = {}
    todo = list(COMMANDS)
    while todo:
        for r in _child(register, folder / name, todo, tmp):
            results[r["command"]] = r
        todo = [c for c in COMMANDS if c not in results]
    results["debris"] = {"beside": sorted(_listing(folder) - before),
                         "tmp": sorted(_listing(tmp))}
    cache[name] = results
    return results


def _problems(name: str, command: str, r: dict) -> list[str]:
    if r.get("hung"):
        return [f"hung: no result within {SECONDS:g} s"]
    if "died" in r:
        return [f"the process died (exit {r['died']}): {r['stderr'][-300:]}"]
    err, code = r["stderr"], r["code"]
    lines = err.splitlines()
    found = []
    if code == "traceback" or "Traceback" in err:
        found.append("traceback")
    elif code not in (0, 1):
        found.append(f"exit code {code}")
    if code == 0 and lines:
        found.append(f"stray stderr lines on success: {lines[:3]}")
    if code != 0:
        if len(lines) != 1:
            found.append(f"{len(lines)} stderr lines, not one: {lines[:4]}")
        elif not lines[0].startswith("asset-register: error: ") or name not in lines[0]:
            found.append(f"the error does not name {name}: {lines[0][:200]}")
        if r["changed"]:
            found.append("the register changed although the command failed")
    if command in READ_ONLY and r["content_changed"]:  # recording a check's use is allowed
        found.append("a read-only command changed the register")
    return found


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", CASES)
def test_every_command_ends_in_success_or_one_line(hostile, name, command):
    r = _results(hostile, name)[command]
    problems = _problems(name, command, r)
    assert not problems, f"{command} on {name}: " + "; ".join(problems) + \
        f"\nstderr: {r.get('stderr', '')[-1500:]}"


@pytest.mark.parametrize("name", CASES)
def test_no_file_is_left_beside_the_input_or_in_temp(hostile, name):
    debris = _results(hostile, name)["debris"]
    assert debris == {"beside": [], "tmp": []}


def test_the_register_is_checked_by_content(hostile, tmp_path):
    """The digest the tests rely on sees a change to any row (a test that can fail)."""
    _, template, _ = hostile
    copy = tmp_path / "r.gpkg"
    shutil.copyfile(template, copy)
    before = digest(str(copy))
    import sqlite3

    con = sqlite3.connect(copy)
    with con:
        con.execute("UPDATE owners SET name = 'changed' WHERE rowid = (SELECT MIN(rowid) FROM owners)")
    con.close()
    assert digest(str(copy)) != before
