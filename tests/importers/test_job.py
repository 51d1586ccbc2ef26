"""Import batches in a real register: versioned re-delivery, identical files, rejects, atomicity."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
import shapely

from asset_register.errors import CancelledError
from asset_register.store import open_register
from importers import ImportJob

from .conftest import canonical_lines, gas_profile

ROOT = Path(__file__).resolve().parents[2]


def _write(frame, path):
    pyogrio.write_dataframe(frame, path, driver="GPKG", layer="mains")
    return path


def _run(register, path, **kw):
    return ImportJob(register, path, owner="GAS", profile=gas_profile(), **kw).run()[0]


def _state(register):
    return (register.asset_count(), len(register.batches()), len(register.rejects()),
            len(register.owner_coverage()))


def test_redelivery_versions_assets_and_reports_the_diff(tmp_path, register):
    v1 = canonical_lines()
    r1 = _run(register, _write(v1, tmp_path / "v1.gpkg"))
    assert (r1.added, r1.changed, r1.unchanged, r1.retired) == (12, 0, 0, 0)
    v2 = v1[~v1["PIPE_ID"].isin(["P010", "P011"])].copy()
    v2.loc[v2["PIPE_ID"].isin(["P001", "P002"]), "DIAM_IN"] = 99
    extra = v1.iloc[:3].copy()
    extra["PIPE_ID"] = ["P100", "P101", "P102"]
    extra = extra.set_geometry(extra.geometry.translate(5, 5))
    v2 = pd.concat([v2, extra], ignore_index=True)
    r2 = _run(register, _write(v2, tmp_path / "v2.gpkg"))
    assert (r2.added, r2.changed, r2.unchanged, r2.retired) == (3, 2, 8, 2)
    assert register.asset_count() == 13
    history = register.get_asset("GAS:P001", history=True)
    assert [h["version"] for h in history] == [1, 2]
    assert history[0]["retired_at"] is not None and history[1]["retired_at"] is None
    assert history[1]["diameter_mm"] == pytest.approx(99 * 25.4)
    gone = register.get_asset("GAS:P010", history=True)  # retired, never deleted
    assert len(gone) == 1 and gone[0]["retired_at"] is not None


def test_identical_file_is_detected_and_changes_nothing(tmp_path, register):
    path = _write(canonical_lines(), tmp_path / "mains.gpkg")
    _run(register, path)
    before = _state(register)
    again = _run(register, path)
    assert again.status == "already imported" and "nothing changed" in again.warnings[0]
    assert _state(register) == before


def test_rejects_are_kept_with_reason_row_and_original_attributes(tmp_path, register):
    frame = canonical_lines()
    frame.loc[2, "geometry"] = None
    frame.loc[5, "PIPE_ID"] = "P004"  # duplicate of row 5 (1-based) → row 6 rejected
    report = _run(register, _write(frame, tmp_path / "bad.gpkg"))
    assert report.imported == 10 and report.rejected == 2
    rej = register.rejects(report.batch_id).sort_values("row")
    assert list(rej["row"]) == [3, 6]
    assert rej["reason"].iloc[0] == "no geometry (null)"
    assert rej["reason"].iloc[1].startswith("duplicate asset id 'GAS:P004' (also on source row 5)")
    attrs = json.loads(rej["attrs"].iloc[1])
    assert attrs["PIPE_ID"] == "P004" and attrs["MATERIAL"] == frame.loc[5, "MATERIAL"]
    assert shapely.from_wkt(rej["geometry_wkt"].iloc[1]).equals(frame.geometry.iloc[5])
    batch = register.batches().set_index("batch_id").loc[report.batch_id]
    assert batch["rows_read"] == 12 and batch["rows_rejected"] == 2


def test_owner_coverage_covers_every_asset_and_grows(tmp_path, register):
    _run(register, _write(canonical_lines(), tmp_path / "a.gpkg"))
    far = canonical_lines()
    far["PIPE_ID"] = "F" + far["PIPE_ID"]
    far = far.set_geometry(far.geometry.translate(3000, 0))
    ImportJob(register, _write(far, tmp_path / "b.gpkg"), owner="GAS", profile=gas_profile(),
              scope="append").run()  # more of the same layer: added, nothing retired
    assert register.asset_count() == 24
    cov = register.owner_coverage()
    area = cov.loc[cov["owner"] == "GAS"].geometry.iloc[0]
    assets = register.read_assets()
    assert shapely.covers(area, assets.geometry.array).all()
    assert area.area < 3 * 1600 * 1200 * 4  # a neighbourhood, not the whole country


def test_an_exception_mid_import_leaves_the_register_as_it_was(tmp_path, register, monkeypatch):
    _run(register, _write(canonical_lines(), tmp_path / "v1.gpkg"))
    before = _state(register)
    assets_before = register.read_assets().sort_values("asset_id").reset_index(drop=True)
    real_audit = register.audit

    def boom(action, detail=None):
        if action == "import_batch":  # the store's last step inside the batch transaction
            raise RuntimeError("disk on fire")
        return real_audit(action, detail)

    monkeypatch.setattr(register, "audit", boom)
    v2 = canonical_lines().iloc[:6]
    with pytest.raises(RuntimeError, match="disk on fire"):
        _run(register, _write(v2, tmp_path / "v2.gpkg"))
    assert _state(register) == before
    after = register.read_assets().sort_values("asset_id").reset_index(drop=True)
    assert after["content_hash"].tolist() == assets_before["content_hash"].tolist()


def test_a_failed_coverage_update_rolls_the_batch_back(tmp_path, register, monkeypatch):
    _run(register, _write(canonical_lines(), tmp_path / "v1.gpkg"))
    before = _state(register)
    far = canonical_lines()
    far["PIPE_ID"] = "F" + far["PIPE_ID"]
    far = far.set_geometry(far.geometry.translate(5000, 0))
    real = register.set_owner_coverage
    monkeypatch.setattr(register, "set_owner_coverage",
                        lambda *a: (_ for _ in ()).throw(RuntimeError("interrupted")))
    path = tmp_path / "far.gpkg"
    pyogrio.write_dataframe(far, path, driver="GPKG", layer="far")
    with pytest.raises(RuntimeError, match="interrupted"):
        _run(register, path)
    assert _state(register) == before  # batch and coverage land together or not at all
    monkeypatch.setattr(register, "set_owner_coverage", real)
    _run(register, path)
    assert register.asset_count() == 24
    cov = register.owner_coverage().geometry.iloc[0]
    assert shapely.covers(cov, register.read_assets().geometry.array).all()


def test_cancel_rolls_back(tmp_path, register):
    _run(register, _write(canonical_lines(), tmp_path / "v1.gpkg"))
    before = _state(register)
    job = ImportJob(register, _write(canonical_lines().iloc[:5], tmp_path / "v2.gpkg"), owner="GAS",
                    profile=gas_profile())
    job._progress = lambda f, m: job.cancel() if f >= 0.6 else None
    with pytest.raises(CancelledError, match="unchanged"):
        job.run()
    assert _state(register) == before


KILL_SCRIPT = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from asset_register.store import open_register
from importers import ImportJob
from tests.importers.conftest import gas_profile

with open_register(sys.argv[1]) as store:
    real = store.audit
    def audit(action, detail=None):
        if action == "import_batch":  # inside the batch transaction: every row is written
            Path(sys.argv[3]).write_text("inside")
            time.sleep(120)
        return real(action, detail)
    store.audit = audit
    ImportJob(store, sys.argv[2], owner="GAS", profile=gas_profile()).run()
"""


def test_a_killed_import_leaves_the_register_as_it_was(tmp_path, register):
    _run(register, _write(canonical_lines(), tmp_path / "v1.gpkg"))
    before = _state(register)
    location = register.location
    register.close()
    v2 = canonical_lines().iloc[:4]
    path = _write(v2, tmp_path / "v2.gpkg")
    marker = tmp_path / "marker"
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, location, str(path), str(marker),
                             str(ROOT)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, "the import process ended before it was killed"
            assert time.monotonic() < deadline, "the import never reached its write"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    with open_register(location) as store:
        assert _state(store) == before
        assert store.read_assets()["retired_at"].isna().all()
    con = sqlite3.connect(location)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT COUNT(*) FROM import_batches WHERE state != 'committed'").fetchone()[0] == 0
    con.close()


def test_dry_run_writes_nothing(tmp_path, register):
    (report,) = ImportJob(register, _write(canonical_lines(), tmp_path / "a.gpkg"), owner="GAS",
                          profile=gas_profile(), dry_run=True).run()
    assert report.status == "dry run" and report.imported == 12
    assert _state(register) == (0, 0, 0, 0)


def test_same_file_with_a_corrected_profile_is_a_real_reimport(tmp_path, register):
    path = _write(canonical_lines(), tmp_path / "mains.gpkg")
    _run(register, path)
    fixed = gas_profile()
    fixed.fields["material"].values["XX"] = "PE"  # the officer maps the unknown material
    (again,) = ImportJob(register, path, owner="GAS", profile=fixed).run()
    assert again.status == "imported" and (again.changed, again.unchanged) == (2, 10)
    other_owner = ImportJob(register, path, owner="GAS2", profile=fixed).run()[0]
    assert other_owner.status == "imported" and other_owner.added == 12


@pytest.mark.postgis
def test_the_same_import_job_writes_a_postgis_register(tmp_path, pg_store):
    v1 = canonical_lines()
    first = _run(pg_store, _write(v1, tmp_path / "v1.gpkg"))
    assert (first.added, first.rejected) == (12, 0)
    v2 = v1.iloc[2:].copy()
    v2.loc[v2["PIPE_ID"] == "P003", "DIAM_IN"] = 30
    second = _run(pg_store, _write(v2, tmp_path / "v2.gpkg"))
    assert (second.added, second.changed, second.unchanged, second.retired) == (0, 1, 9, 2)
    assert pg_store.asset_count() == 10
    assert "GAS" in set(pg_store.owner_coverage()["owner"])
    assert _run(pg_store, tmp_path / "v2.gpkg").status == "already imported"


def test_renumbered_rows_are_not_changes(tmp_path, register):
    """Owners' exports renumber FIDs: dropping the first rows must not version the rest."""
    v1 = canonical_lines()
    _run(register, _write(v1, tmp_path / "v1.gpkg"))
    r = _run(register, _write(v1.iloc[3:], tmp_path / "v2.gpkg"))
    assert (r.added, r.changed, r.unchanged, r.retired) == (0, 0, 9, 3)


CTRL_C_SCRIPT = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
register, source, marker, stage = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[5]
import importers.job as job
import importers.prepare as prep
from asset_register.store.gpkg import write as gpkg_write
from asset_register.store.gpkg.store import GeoPackageStore
from asset_register.cli.main import main


def stuck(real):
    # a long call that never looks for Ctrl-C (like one GDAL read or shapely operation)
    def hooked(*args, **kwargs):
        marker.write_text(stage)
        time.sleep(600)
        return real(*args, **kwargs)
    return hooked


if stage == "read":
    prep.read_layer = stuck(prep.read_layer)
elif stage == "geometry":
    prep.clean = stuck(prep.clean)
elif stage == "crs":
    prep.crsmod.reproject = stuck(prep.crsmod.reproject)
elif stage == "map":
    prep.map_layer = stuck(prep.map_layer)
elif stage == "coverage":  # inside the batch's transaction
    job.merged = stuck(job.merged)
elif stage == "commit":  # inside the batch's transaction, every row written
    real = GeoPackageStore.audit
    def audit(self, action, detail=None):
        if action == "import_batch":
            marker.write_text(stage)
            time.sleep(600)
        return real(self, action, detail)
    GeoPackageStore.audit = audit
elif stage == "store":  # one SQLite statement that only an interrupt ends
    real_rejects = gpkg_write._write_rejects
    def write_rejects(con, *args):
        marker.write_text(stage)
        con.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                    "SELECT count(*) FROM c").fetchone()
        return real_rejects(con, *args)
    gpkg_write._write_rejects = write_rejects
sys.exit(main(["import", register, source, "--owner", "GAS", "--auto", "--utility", "gas",
                "--confirm-retire"]))
"""


@pytest.mark.parametrize("stage", ["read", "geometry", "crs", "map", "store", "coverage",
                                   "commit"])
def test_ctrl_c_mid_import_leaves_the_register_as_it_was(tmp_path, register, stage):
    """Ctrl-C is sent once the import is known to be inside ``stage`` (a marker file, not
    a clock): the import ends promptly and the register is exactly as it was."""
    _run(register, _write(canonical_lines(), tmp_path / "v1.gpkg"))
    before = _state(register)
    live = sorted(register.read_assets()["asset_id"])
    location = register.location
    register.close()
    changed = canonical_lines().iloc[:4].copy()  # would retire 8 and change 4
    changed["DIAM_IN"] = 30
    path = _write(changed, tmp_path / "v2.gpkg")
    marker = tmp_path / "marker"
    proc = subprocess.Popen([sys.executable, "-c", CTRL_C_SCRIPT, location, str(path),
                             str(marker), str(ROOT), stage],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300  # a hang guard only: the marker decides
        while not (marker.exists() and marker.read_text()):  # (created, then written)
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert marker.read_text() == stage
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)  # a hang guard: the bound is ~1.5 s (see docs)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130 and "interrupted; the register is unchanged" in err, err
    assert "Traceback" not in err
    with open_register(location) as store:
        assert _state(store) == before
        assert sorted(store.read_assets()["asset_id"]) == live
        assert store.get_asset("GAS:P000")["version"] == 1
