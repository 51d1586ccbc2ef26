"""`asset-register quality`: --json is the documented, stable layout with the known figures;
the text tables are for people; bad input is one line and a non-zero exit."""

from __future__ import annotations

import json

import pytest

from asset_register.cli.main import main

from .conftest import AREA, by_owner

TOP_KEYS = ["schema", "register", "crs", "on", "rules_version", "area", "assets",
            "accuracy_classes", "age_classes", "needs", "owners", "totals", "utilities",
            "no_owner_gap"]
OWNER_KEYS = ["owner", "assets", "accuracy", "age", "missing", "name", "utilities",
              "coverage_km2", "coverage_share", "open_deviations"]


@pytest.fixture
def path(known_register, monkeypatch):
    monkeypatch.setenv("ASSET_REGISTER_NOW", "2026-11-23T09:00:00+00:00")
    location = known_register.location
    known_register.close()
    return location


def test_json_layout_and_figures(path, capsys):
    assert main(["quality", path, "--area", AREA.wkt, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report) == TOP_KEYS
    assert report["schema"] == "asset-register/quality/1" and report["on"] == "2026-11-23"
    assert [r["owner"] for r in report["owners"]] == ["ELE", "GAS", "TEL"]
    assert all(list(r) == OWNER_KEYS for r in report["owners"])
    gas = by_owner(report)["GAS"]
    assert gas["accuracy"]["known_share"] == 0.9
    assert gas["age"]["captured_median"] == "2019-06-01"
    assert gas["missing"]["pressure"]["missing"] == 4
    assert [k["key"] for k in report["accuracy_classes"]] == [
        "le_0_3m", "le_0_5m", "le_1m", "over_1m", "records_only", "not_stated"]


def test_owner_option_and_text_tables(path, capsys):
    assert main(["quality", path, "--owner", "GAS", "--owner", "TEL"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Data quality of ")
    for title in ("Coverage", "Gaps:", "Accuracy", "Record age", "Attributes the rules need",
                  "Open deviation reports"):
        assert title in text
    lines = text.splitlines()
    gas = next(line.split() for line in lines if line.split()[:2] == ["GAS", "10"]
               or line.split()[:2] == ["GAS", "11"])
    assert gas[:3] == ["GAS", "11", "90.9"]  # whole register: 10 of 11 known
    assert not any(line.split()[:1] == ["ELE"] for line in lines)


def test_area_in_another_crs(path, capsys):
    ring = "(-0.2 51.4, 0.1 51.4, 0.1 51.6, -0.2 51.4)"  # London, in WGS 84
    assert main(["quality", path, "--area", f"POLYGON ({ring})", "--crs", "EPSG:4326",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["assets"] >= 0


def test_an_area_the_grid_transformation_cannot_reach_is_refused(path, capsys):
    # Off the coast of Africa: outside OSTN15, the transformation imports use. pyproj's
    # default would shift it by a ballpark guess; the register refuses it in one line.
    assert main(["quality", path, "--area", "POLYGON ((0 0, 1 0, 1 1, 0 0))", "--crs",
                 "EPSG:4326", "--json"]) == 1
    err = capsys.readouterr().err.strip()
    assert "cannot be transformed" in err and "OSTN15" in err and "\n" not in err


@pytest.mark.parametrize("args, message", [
    (["--area", "POLYGON ((1 2"], "is not WKT"),
    (["--area", "LINESTRING (0 0, 1 1)"], "must be a polygon"),
    (["--owner", "NOPE"], "owner 'NOPE' is not in this register"),
    (["--area", "POLYGON ((0 0, 1 0, 1 1, 0 0))", "--crs", "EPSG:999999"], "is not known"),
    (["--area", "POLYGON ((0 0, 1e400 0, 1 1, 0 0))"], "not numbers"),
])
def test_bad_input_is_one_line(path, capsys, args, message):
    assert main(["quality", path, *args]) != 0
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err
