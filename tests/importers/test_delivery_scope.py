"""Deliveries as received: area extracts, additions, the retire guard and multi-layer
atomicity, through ImportJob and the CLI (GeoPackage; PostGIS where marked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from asset_register.errors import AssetRegisterError, ImportError_, RetireNotConfirmedError
from asset_register.store import open_register
from importers import ImportJob

from .conftest import canonical_lines, gas_profile

ROOT = Path(__file__).resolve().parents[2]


def _area_lines(x0: float, prefix: str, n: int = 8) -> gpd.GeoDataFrame:
    """``n`` short cables of one operator's delivery, all inside a 400 m square at x0."""
    f = canonical_lines().iloc[:n].copy()
    f["PIPE_ID"] = [f"{prefix}{i:02d}" for i in range(n)]
    xs = x0 + 20 + 40 * pd.RangeIndex(n).to_numpy()
    f["geometry"] = [shapely.LineString([(x, 180020), (x + 10, 180060)]) for x in xs]
    return f


AREA_A = shapely.box(530000, 180000, 530400, 180400)
AREA_B = shapely.box(531000, 180000, 531400, 180400)


def _file(frame, path, layer="mains"):
    pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG")
    return path


def _job(store, path, **kw):
    return ImportJob(store, path, owner="OPR", profile=gas_profile(), **kw).run()


def _live(store):
    return sorted(store.read_assets(columns=["asset_id"])["asset_id"])


def _content(store):
    """What a user could see: live ids with version, batches, rejects, coverage."""
    live = store.read_assets(columns=["asset_id", "version"])
    return (sorted(zip(live["asset_id"], live["version"])), len(store.batches()),
            len(store.rejects()), store.owner_coverage().geometry.to_wkt().tolist())


def _ids(prefix, n=8):
    return [f"OPR:{prefix}{i:02d}" for i in range(n)]


def test_two_areas_of_one_operator_are_both_live(tmp_path, register):
    a = _file(_area_lines(530000, "A"), tmp_path / "a.gpkg")
    b = _file(_area_lines(531000, "B"), tmp_path / "b.gpkg")
    _job(register, a, scope="area", area=AREA_A)
    r = _job(register, b, scope="area", area=AREA_B)[0]
    assert (r.added, r.retired, r.scope) == (8, 0, "area")
    assert _live(register) == _ids("A") + _ids("B")
    cov = register.owner_coverage().geometry.iloc[0]  # each area is covered, assets or not
    assert cov.covers(AREA_A) and cov.covers(AREA_B)
    notes = json.loads(register.batches()["notes"].iloc[-1])  # provenance: scope and area
    assert notes["scope"] == "area"
    assert shapely.from_wkt(notes["area_wkt"]).equals(AREA_B)


def test_an_area_redelivery_retires_only_what_vanished_inside(tmp_path, register):
    _job(register, _file(_area_lines(530000, "A"), tmp_path / "a.gpkg"), scope="area", area=AREA_A)
    _job(register, _file(_area_lines(531000, "B"), tmp_path / "b.gpkg"), scope="area", area=AREA_B)
    again = _area_lines(530000, "A").iloc[2:]  # two cables of area A were removed
    r = _job(register, _file(again, tmp_path / "a2.gpkg"), scope="area", area=AREA_A)[0]
    assert (r.added, r.changed, r.unchanged, r.retired) == (0, 0, 6, 2)
    assert _live(register) == _ids("A")[2:] + _ids("B")
    assert register.get_asset("OPR:A00", history=True)[0]["retired_at"] is not None


def test_an_append_adds_and_retires_nothing(tmp_path, register):
    _job(register, _file(_area_lines(530000, "A"), tmp_path / "a.gpkg"))
    more = _area_lines(531000, "B")
    r = _job(register, _file(more, tmp_path / "b.gpkg"), scope="append")[0]
    assert (r.added, r.retired) == (8, 0)
    assert _live(register) == _ids("A") + _ids("B")
    assert json.loads(register.batches()["notes"].iloc[-1])["scope"] == "append"


def test_scope_and_area_must_agree(tmp_path, register):
    path = _file(_area_lines(530000, "A"), tmp_path / "a.gpkg")
    with pytest.raises(ImportError_, match="needs its area"):
        _job(register, path, scope="area")
    with pytest.raises(ImportError_, match="only with an area delivery"):
        _job(register, path, area=AREA_A)


def test_a_large_retirement_needs_confirmation_and_changes_nothing_without_it(tmp_path, register):
    _job(register, _file(canonical_lines(), tmp_path / "all.gpkg"))
    before = _content(register)
    few = _file(canonical_lines().iloc[:4], tmp_path / "few.gpkg")
    with pytest.raises(RetireNotConfirmedError, match=r"retires 8 of owner OPR's 12 live assets"):
        _job(register, few)
    assert _content(register) == before
    dry = _job(register, few, dry_run=True)[0]  # the dry run says so, with the real counts
    assert (dry.status, dry.unchanged, dry.retired) == ("dry run", 4, 8)
    assert any("--confirm-retire" in w for w in dry.warnings)
    assert _content(register) == before
    r = _job(register, few, confirm_retire=True)[0]
    assert (r.unchanged, r.retired) == (4, 8)
    assert _live(register) == [f"OPR:P{i:03d}" for i in range(4)]


def test_two_same_named_files_name_the_earlier_one_and_what_to_do(tmp_path, register):
    """North and south halves of a network both saved as mains.gpkg: the second would
    retire the first's assets (one delivery to the register). The refusal names the
    earlier file and says what to do, in one line."""
    (tmp_path / "north").mkdir()
    (tmp_path / "south").mkdir()
    north = _file(_area_lines(530000, "N"), tmp_path / "north" / "mains.gpkg")
    south = _file(_area_lines(531000, "S"), tmp_path / "south" / "mains.gpkg")
    _job(register, north)
    before = _content(register)
    with pytest.raises(RetireNotConfirmedError) as err:
        _job(register, south)
    text = str(err.value)
    assert str(north.resolve()) in text and "same name" in text
    assert "--append" in text and "--confirm-retire" in text and "\n" not in text
    assert _content(register) == before
    _job(register, south, scope="append")  # as the message says: both parts live
    assert _live(register) == sorted(_ids("N") + _ids("S"))


def test_the_same_file_again_is_not_called_an_earlier_file(tmp_path, register):
    path = _file(canonical_lines(), tmp_path / "all.gpkg")
    _job(register, path)
    _file(canonical_lines().iloc[:4], path)  # the same file, now holding four
    with pytest.raises(RetireNotConfirmedError) as err:
        _job(register, path)
    assert "same name" not in str(err.value)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "asset_register.cli.main", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_the_cli_refuses_an_unconfirmed_retirement_in_one_line(tmp_path, register):
    _job(register, _file(canonical_lines(), tmp_path / "all.gpkg"))
    before = _content(register)
    location = register.location
    register.close()
    few = str(_file(canonical_lines().iloc[:4], tmp_path / "few.gpkg"))
    opts = ["--owner", "OPR", "--auto", "--utility", "gas"]
    out = _cli("import", location, few, *opts)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    line = out.stderr.strip()
    assert "\n" not in line and "retires 8 of owner OPR's 12" in line and "--confirm-retire" in line
    dry = _cli("import", location, few, *opts, "--dry-run")
    assert dry.returncode == 0
    assert "0 would be added, 0 would be changed, 4 unchanged, 8 would be retired, 0 rejected" \
        in dry.stdout
    with open_register(location) as store:
        assert _content(store) == before
    ok = _cli("import", location, few, *opts, "--yes")
    assert ok.returncode == 0, ok.stderr
    assert "0 added, 0 changed, 4 unchanged, 8 retired, 0 rejected" in ok.stdout
    with open_register(location) as store:
        assert store.asset_count() == 4


def test_the_cli_imports_an_area_delivery_from_an_area_file(tmp_path, register):
    _job(register, _file(_area_lines(530000, "A"), tmp_path / "a.gpkg"), scope="area", area=AREA_A)
    location = register.location
    register.close()
    area_file = tmp_path / "area-b.geojson"  # WGS 84: reprojected to the register's CRS
    gpd.GeoDataFrame(geometry=[AREA_B], crs="EPSG:27700").to_crs(4326).to_file(area_file)
    b = _file(_area_lines(531000, "B"), tmp_path / "b.gpkg")
    out = _cli("import", location, str(b), "--owner", "OPR", "--auto", "--utility", "gas",
               "--area", str(area_file))
    assert out.returncode == 0, out.stderr
    assert "diff (area delivery): 8 added, 0 changed, 0 unchanged, 0 retired, 0 rejected" in out.stdout
    with open_register(location) as store:
        assert _live(store) == _ids("A") + _ids("B")
        notes = json.loads(store.batches()["notes"].iloc[-1])
        assert notes["area_source"] == str(area_file)
        assert shapely.from_wkt(notes["area_wkt"]).symmetric_difference(AREA_B).area < 1.0
    bad = _cli("import", location, str(b), "--owner", "OPR", "--auto", "--area",
               str(tmp_path / "nosuch.geojson"))
    assert bad.returncode == 1 and "area file" in bad.stderr and "Traceback" not in bad.stderr


def _multi_layer(tmp_path, failing: bool) -> Path:
    path = tmp_path / "delivery.gpkg"
    _file(_area_lines(530000, "A"), path, layer="cables")
    pyogrio.write_dataframe(pd.DataFrame({"code": ["x", "y"], "name": ["X", "Y"]}), path,
                            layer="codes", driver="GPKG")  # an attribute-only table
    second = _area_lines(531000, "B")
    if failing:
        second = second.set_crs(None, allow_override=True)  # a layer the import refuses
    _file(second, path, layer="ducts")
    return path


def test_an_all_layers_import_is_atomic_and_names_the_failing_layer(tmp_path, register):
    _job(register, _file(_area_lines(532000, "C"), tmp_path / "c.gpkg", layer="cables"))
    before = _content(register)
    with pytest.raises(AssetRegisterError) as err:
        _job(register, _multi_layer(tmp_path, failing=True), all_layers=True, scope="append")
    assert "layer 'ducts' of delivery.gpkg" in str(err.value)
    assert "none of its 2 layers was imported" in str(err.value)
    assert _content(register) == before  # the 'cables' layer written first was rolled back


def test_an_attribute_only_layer_is_skipped_with_a_note(tmp_path, register):
    reports = _job(register, _multi_layer(tmp_path, failing=False), all_layers=True)
    by_layer = {r.layer: r for r in reports}
    assert by_layer["codes"].status == "skipped"
    assert "no geometry column" in by_layer["codes"].warnings[0]
    assert (by_layer["cables"].added, by_layer["ducts"].added) == (8, 8)
    assert _live(register) == _ids("A") + _ids("B")


def test_area_delivery_and_retire_guard_on_postgis(tmp_path, pg_store):
    _job(pg_store, _file(_area_lines(530000, "A"), tmp_path / "a.gpkg"), scope="area", area=AREA_A)
    _job(pg_store, _file(_area_lines(531000, "B"), tmp_path / "b.gpkg"), scope="area", area=AREA_B)
    r = _job(pg_store, _file(_area_lines(530000, "A").iloc[2:], tmp_path / "a2.gpkg"),
             scope="area", area=AREA_A)[0]
    assert (r.unchanged, r.retired) == (6, 2)
    assert _live(pg_store) == _ids("A")[2:] + _ids("B")
    before = _live(pg_store)
    with pytest.raises(RetireNotConfirmedError):  # a whole-network file of one area
        _job(pg_store, _file(_area_lines(530000, "A").iloc[:1], tmp_path / "one.gpkg"))
    assert _live(pg_store) == before


class _Task:
    """What ui.workers.Task offers run_import: progress and cancelled."""

    def __init__(self):
        self.messages = []

    def progress(self, fraction, message):
        self.messages.append(message)

    def cancelled(self):
        return False


def test_the_apps_import_process_passes_the_confirmation_through(tmp_path, register):
    from ui.import_process import ChildError, run_import

    _job(register, _file(canonical_lines(), tmp_path / "all.gpkg"))
    before = _content(register)
    location = register.location
    register.close()
    plan = [(str(_file(canonical_lines().iloc[:4], tmp_path / "few.gpkg")), None, gas_profile())]
    with pytest.raises(ChildError) as err:
        run_import(_Task(), location, plan, owner="OPR")
    assert isinstance(err.value.exc, RetireNotConfirmedError)
    with open_register(location) as store:
        assert _content(store) == before
    task = _Task()
    reports = run_import(task, location, plan, owner="OPR", confirm_retire=True)
    assert (reports[0].unchanged, reports[0].retired) == (4, 8)
    assert task.messages[-1].endswith("committed")
    with open_register(location) as store:
        assert store.asset_count() == 4


def test_an_all_layers_import_reports_committed_once_after_its_commit(tmp_path, register):
    seen = []

    def progress(fraction, message):
        seen.append((message, register.in_transaction()))

    ImportJob(register, _multi_layer(tmp_path, failing=False), owner="OPR", all_layers=True,
              profile=gas_profile(), progress=progress).run()
    committed = [(m, inside) for m, inside in seen if m.endswith(": committed") or m == "committed"]
    assert committed == [("committed", False)] and seen[-1] == ("committed", False)
