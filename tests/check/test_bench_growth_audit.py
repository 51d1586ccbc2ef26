"""The growth benchmark leaves a register it checks as it was unless asked (--audit): the
registers it is given are often shared benchmark registers, and a check's audit entry
goes into the register even when it is opened read-only."""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "bench_growth.py"


def _audit_entries(path: Path) -> list[str]:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT action FROM audit_log ORDER BY rowid")]
    finally:
        con.close()


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> Path:
    spec = importlib.util.spec_from_file_location("make_scale", ROOT / "benchmarks" / "make_scale.py")
    make_scale = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_scale)
    path = tmp_path_factory.mktemp("growth") / "scale.gpkg"
    make_scale.make_register(300, path)
    return path


def _check(register: Path, *flags: str) -> dict:
    env = {**os.environ, "ASSET_REGISTER_NOW": "2026-11-23T09:30:00+00:00",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, str(SCRIPT), "--child", "check", str(register), *flags],
                         capture_output=True, text=True, env=env, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_checks_write_no_audit_entry_by_default_nor_with_no_audit(register):
    before = _audit_entries(register)
    assert _check(register)["p99_ms"] > 0
    assert _check(register, "--no-audit")["p99_ms"] > 0
    assert _audit_entries(register) == before


def test_audit_records_each_timed_check_as_users_checks_are(register):
    before = _audit_entries(register)
    _check(register, "--audit")
    after = _audit_entries(register)
    assert after[:len(before)] == before
    spec = importlib.util.spec_from_file_location("bench_growth", SCRIPT)
    growth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(growth)
    assert after[len(before):] == ["check"] * growth.SINGLES
