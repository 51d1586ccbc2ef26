"""No import waits on its own transaction: an owner's all-rejected layer, then a good one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyogrio
import shapely

from asset_register.store import open_register

from .conftest import canonical_lines

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """The CLI in its own process, killed (and the test failed) if it ever hangs."""
    return subprocess.run([sys.executable, "-m", "asset_register.cli.main", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def test_a_good_layer_after_an_all_rejected_one_imports_without_hanging(tmp_path, register):
    bad = canonical_lines()
    bad["geometry"] = [shapely.LineString([(1, 1), (1, 1)])] * len(bad)  # collapse when repaired
    pyogrio.write_dataframe(bad, tmp_path / "bad.gpkg", layer="mains")
    pyogrio.write_dataframe(canonical_lines(), tmp_path / "good.gpkg", layer="mains")
    location = register.location
    register.close()
    common = ["--owner", "GAS", "--auto", "--utility", "gas"]
    first = _cli("import", location, str(tmp_path / "bad.gpkg"), *common)
    assert first.returncode == 0, first.stderr
    assert "all rejected" in first.stdout
    second = _cli("import", location, str(tmp_path / "good.gpkg"), *common)
    assert second.returncode == 0, second.stderr
    third = _cli("import", location, str(tmp_path / "good.gpkg"), *common)  # and again: idle
    assert third.returncode == 0, third.stderr
    with open_register(location) as store:
        live = store.read_assets()
        assert sorted(live["asset_id"]) == [f"GAS:P{i:03d}" for i in range(12)]
        assert (live["utility"] == "gas").all()
        assert len(store.rejects()) == 12
        cov = store.owner_coverage()
        assert list(cov["owner"]) == ["GAS"]
        assert shapely.covers(cov.geometry.iloc[0], live.geometry.array).all()


def test_a_snapshot_inside_the_registers_own_write_is_refused_not_awaited(register):
    from asset_register.errors import RegisterLockedError

    with register.atomic():
        try:
            register.read_arrow(["asset_id"])
        except RegisterLockedError as exc:
            assert "busy" in str(exc)
        else:
            raise AssertionError("a snapshot of an open write transaction was copied")
        assert register.read_assets().empty  # read_assets reads through the transaction
