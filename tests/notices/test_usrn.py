"""The dig's USRN is checked against the register's streets reference layer: a street 430 m
away is refused (naming the streets at the site), the nearest street is suggested when no USRN
is given, and same-USRN coordination never lists works on the wrong street.

Streets are drawn at known distances from the analytic footprint (a 10 x 4 m box at X0, Y0).
"""

from __future__ import annotations

import json
import shutil
from datetime import date

import geopandas as gpd
import pytest
import shapely

from asset_register.check import Checker, default_rules
from asset_register.check.result import DigSite
from asset_register.check.rules import parse_rules
from asset_register.cli.main import main
from asset_register.errors import NoticeError
from asset_register.notices import write_notice_pack
from asset_register.notices.sitelayers import SETTING, check_usrn, layer_entries, streets_near

from .analytic import FOOTPRINT, X0, Y0, make_result

HIGH, CHURCH, STATION = "20700102", "20700103", "20700101"


def streets_file(folder, crs="EPSG:27700"):
    """High Street 8 m north of the footprint, Church Lane 15 m east, Station Road 430 m north."""
    frame = gpd.GeoDataFrame(
        {"name": ["High Street", "Church Lane", "Station Road"], "usrn": [HIGH, CHURCH, STATION]},
        geometry=[shapely.LineString([(X0 - 100, Y0 + 12), (X0 + 100, Y0 + 12)]),
                  shapely.LineString([(X0 + 25, Y0 - 100), (X0 + 25, Y0 + 2)]),
                  shapely.LineString([(X0 - 100, Y0 + 434), (X0 + 100, Y0 + 434)])],
        crs="EPSG:27700").to_crs(crs)
    path = folder / "streets.gpkg"
    frame.to_file(path, layer="streets", driver="GPKG")
    return path


@pytest.fixture
def with_streets(register, tmp_path):
    register.set_setting(SETTING, json.dumps(layer_entries(streets_file(tmp_path))))
    return register


def test_streets_near_at_known_distances(with_streets):
    near = streets_near(with_streets, FOOTPRINT, 1000)
    assert near["usrn"].tolist() == [HIGH, CHURCH, STATION]
    assert near["name"].tolist() == ["High Street", "Church Lane", "Station Road"]
    assert near["distance_m"].tolist() == pytest.approx([8.0, 15.0, 430.0])
    assert streets_near(with_streets, FOOTPRINT, 10)["usrn"].tolist() == [HIGH]


def test_streets_layer_in_another_crs(register, tmp_path):
    register.set_setting(SETTING, json.dumps(layer_entries(streets_file(tmp_path, "EPSG:4326"))))
    near = streets_near(register, FOOTPRINT, 1000)
    assert near["usrn"].tolist() == [HIGH, CHURCH, STATION]
    assert near["distance_m"].tolist() == pytest.approx([8.0, 15.0, 430.0], abs=0.01)


def test_wrong_usrn_refused_naming_the_streets_at_the_site(with_streets):
    with pytest.raises(NoticeError) as e:
        check_usrn(with_streets, FOOTPRINT, STATION, 20.0)
    assert str(e.value) == (
        "USRN 20700101 is Station Road, 430 m from the dig; streets at the site: High Street "
        "(USRN 20700102, 8.0 m); Church Lane (USRN 20700103, 15.0 m): give the USRN of the "
        "street the works are in")
    with pytest.raises(NoticeError, match="USRN 20799999 is not a street within 1000 m"):
        check_usrn(with_streets, FOOTPRINT, "20799999", 20.0)
    # the rules' distance decides: Church Lane (15 m) is at the site within 20 m, not within 10 m
    assert check_usrn(with_streets, FOOTPRINT, CHURCH, 20.0).checked
    with pytest.raises(NoticeError, match=r"USRN 20700103 is Church Lane, 15 m from the dig"):
        check_usrn(with_streets, FOOTPRINT, CHURCH, 10.0)


def test_nearest_usrn_suggested_when_none_given(with_streets, tmp_path, fixed_clock):
    check = check_usrn(with_streets, FOOTPRINT, None, 20.0)
    assert check.suggestion == HIGH and "High Street (USRN 20700102, 8.0 m)" in check.message
    pack = write_notice_pack(with_streets, make_result(usrn=None), tmp_path, promoter="Acme")
    assert pack.detail["usrn_suggested"] == HIGH
    assert any("no USRN given: the nearest street is High Street" in w for w in pack.warnings)


def test_no_streets_layer_means_unchecked(register, tmp_path, fixed_clock):
    check = check_usrn(register, FOOTPRINT, STATION, 20.0)
    assert not check.checked and "not checked" in check.message
    pack = write_notice_pack(register, make_result(usrn=STATION), tmp_path, promoter="Acme")
    assert pack.detail["usrn_checked"] is False


def test_same_usrn_coordination_never_on_the_wrong_street(with_streets, tmp_path, fixed_clock):
    works = gpd.GeoDataFrame(
        {"reference": ["W-HIGH", "W-STATION"], "usrn": [HIGH, STATION],
         "start_date": ["2026-12-01", "2026-12-01"], "end_date": ["2026-12-20", "2026-12-20"],
         "status": ["planned", "planned"]},
        geometry=[shapely.box(X0 + 60, Y0 + 10, X0 + 70, Y0 + 14),       # 60 m away, same street
                  shapely.box(X0 - 20, Y0 + 432, X0 - 10, Y0 + 436)],    # on Station Road
        crs="EPSG:27700")
    with_streets.add_works(works)
    site = DigSite(FOOTPRINT, start=date(2026, 12, 7), end=date(2026, 12, 9), usrn=STATION)
    with Checker(with_streets, default_rules()) as checker:
        wrong = checker.check(site)
        right = checker.check(DigSite(FOOTPRINT, start=date(2026, 12, 7), end=date(2026, 12, 9),
                                      usrn=HIGH))
    assert wrong.works_overlapping["reference"].tolist() == ["W-STATION"]  # what a wrong USRN does
    with pytest.raises(NoticeError, match="USRN 20700101 is Station Road, 430 m"):
        write_notice_pack(with_streets, wrong, tmp_path / "a", promoter="Acme")
    assert right.works_overlapping["reference"].tolist() == ["W-HIGH"]
    pack = write_notice_pack(with_streets, right, tmp_path / "b", promoter="Acme")
    listed = json.loads((pack.folder / "manifest.json").read_text())
    assert listed["usrn_checked"] is True and listed["streets_at_site"][0]["usrn"] == HIGH


def test_rules_distance_used_by_the_pack(with_streets, tmp_path, fixed_clock):
    base = {"version": "t", "classes": [{"name": "any", "clearance_m": 0.5, "precaution": "p"}]}
    tight = parse_rules({**base, "notices": {"usrn_distance_m": 10.0}}, "t.toml")
    with pytest.raises(NoticeError, match="Church Lane, 15 m"):
        write_notice_pack(with_streets, make_result(usrn=CHURCH), tmp_path, promoter="Acme",
                          rules=tight)


def test_cli_reference_setting_and_refusal(register_template, tmp_path, capsys, fixed_clock):
    reg = tmp_path / "r.gpkg"
    shutil.copyfile(register_template, reg)
    streets = streets_file(tmp_path)
    assert main(["notice-settings", str(reg), "--reference", str(streets)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["settings"]["reference_layers"] == [f"{streets.resolve()}|streets"]
    args = ["notice", str(reg), "--wkt", FOOTPRINT.wkt, "--promoter", "Acme", "--out",
            str(tmp_path / "out"), "--start", "2026-12-07", "--end", "2026-12-09"]
    assert main(args + ["--usrn", STATION]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "High Street (USRN 20700102, 8.0 m)" in err
    assert main(args) == 0
    assert "WARNING: no USRN given: the nearest street is High Street (USRN 20700102, 8.0 m); " \
           "give it with --usrn 20700102" in capsys.readouterr().out
    assert main(["notice-settings", str(reg), "--reference", str(tmp_path / "none.gpkg")]) == 1
    assert "does not exist" in capsys.readouterr().err
