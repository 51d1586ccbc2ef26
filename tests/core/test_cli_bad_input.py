"""Bad input to any command: one line on stderr naming the problem, a non-zero exit, no
traceback, and the register exactly as it was (settings included)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asset_register.cli.main import main
from asset_register.model import BatchInfo
from asset_register.store import open_register
from tests.conftest import synthetic_assets


@pytest.fixture
def reg(tmp_path):
    path = tmp_path / "r.gpkg"
    assert main(["init", str(path), "--authority-code", "WSX"]) == 0
    with open_register(path) as s:
        s.write_batch(synthetic_assets(20), BatchInfo("a.gpkg", owner="WSX"))
    return path


def _state(path) -> dict:
    with open_register(path, read_only=True) as s:
        return {"assets": s.stats()["assets"], "batches": len(s.batches()), "works": len(s.works()),
                "settings": {k: s.get_setting(k) for k in (
                    "notice_validity_working_days", "notice_prefix", "authority_code")}}


def _one_line_error(capsys, *words) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("asset-register") and "error:" in err[0] and "Traceback" not in err[0]
    for w in words:
        assert w in err[0], err[0]
    return err[0]


def test_works_and_programme_files_that_are_missing_or_not_csv_or_not_wkt(reg, tmp_path, capsys):
    before = _state(reg)
    bad_wkt = tmp_path / "works.csv"
    bad_wkt.write_text("reference,wkt\nW1,\"POLYGON ((530000 180000, 530010 180000, 530010 180005, "
                       "530000 180000))\"\nW2,POLYGON ((...))\n", encoding="utf-8")
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"\x00\x01\xff\xfe")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    cases = [
        (["works", "import", str(reg), str(tmp_path / "planned_works.csv")],
         ["works file", "does not exist"]),
        (["works", "import", str(reg), str(tmp_path / "nosuch.geojson")], ["works file", "does not exist"]),
        (["works", "import", str(reg), str(bad_wkt), "--crs", "EPSG:27700"], ["row 2", "not WKT"]),
        (["works", "import", str(reg), str(binary), "--crs", "EPSG:27700"], ["not a readable CSV"]),
        (["works", "import", str(reg), str(empty), "--crs", "EPSG:27700"], ["not a readable CSV"]),
        (["check", str(reg), "--programme", str(tmp_path / "nosuch.csv")], ["programme", "does not exist"]),
        (["check", str(reg), "--programme", str(bad_wkt)], ["programme", "row 2", "not WKT"]),
        # an empty path is "." to the file system: it must not be read as the working folder
        (["import", str(reg), "", "--owner", "WSX"], ["no file given", "path is empty"]),
        (["import", str(reg), ""], ["no file given", "path is empty"]),
        (["inspect", ""], ["no file given", "path is empty"]),
        (["check", str(reg), "--footprint", " "], ["no footprint file given", "path is empty"]),
        (["check", str(reg), "--wkt", "POLYGON ((...))"], ["cannot be read"]),
        (["check", str(reg), "--wkt", "POINT (530100 180100)", "--radius", "2", "--start", "2026-13-45"],
         ["not a date", "YYYY-MM-DD"]),
    ]
    for argv, words in cases:
        assert main(argv) == 1, argv
        _one_line_error(capsys, *words)
    assert _state(reg) == before


def test_unknown_working_crs_is_refused_and_nothing_is_created(tmp_path, capsys):
    assert main(["init", str(tmp_path / "x.gpkg"), "--crs", "foo"]) == 1
    _one_line_error(capsys, "working CRS 'foo' is not known", "EPSG:")
    assert not (tmp_path / "x.gpkg").exists()


def test_bad_notice_settings_are_refused_before_anything_is_stored(reg, capsys):
    before = _state(reg)
    assert main(["notice-settings", str(reg), "--validity-days", "-3"]) == 1
    _one_line_error(capsys, "'notice_validity_working_days'", "'-3'", "from 1 to 260")
    assert main(["notice-settings", str(reg), "--prefix", "ABCDEFGHIJ", "--validity-days", "10"]) == 1
    _one_line_error(capsys, "'notice_prefix'", "'ABCDEFGHIJ'", "1 to 8 letters")
    assert _state(reg) == before
    # ...and the register still works: the settings can be shown and changed.
    assert main(["notice-settings", str(reg), "--prefix", "lb-x", "--validity-days", "10"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["reference_prefix"] == "LBX" and shown["validity_working_days"] == 10


def test_unknown_utility_and_unknown_batch(reg, tmp_path, capsys):
    before = _state(reg)
    delivery = tmp_path / "ducts.csv"
    delivery.write_text("id,WKT\nD1,\"LINESTRING (530000 180000, 530010 180000)\"\n", encoding="utf-8")
    assert main(["import", str(reg), str(delivery), "--owner", "RFB", "--utility", "fibre",
                 "--assume-crs", "EPSG:27700"]) == 1
    _one_line_error(capsys, "--utility 'fibre'", "telecoms")
    assert main(["profile", "propose", str(delivery), "--utility", "fibre"]) == 1
    _one_line_error(capsys, "--utility 'fibre'")
    assert main(["rejects", str(reg), "--batch", "999"]) == 1
    _one_line_error(capsys, "import batch 999 is not in the register")
    assert _state(reg) == before


def test_usage_errors_are_one_line_with_where_to_find_help(reg, capsys):
    with pytest.raises(SystemExit) as done:
        main(["check", str(reg), "--wkt", "POINT (1 1)", "--method", "dig"])
    assert done.value.code == 2
    line = _one_line_error(capsys, "invalid choice: 'dig'")
    assert line.endswith("(see 'asset-register check --help')")
    with pytest.raises(SystemExit):
        main(["works"])
    _one_line_error(capsys, "asset-register works: error:", "ACTION")


def test_sample_generator_refuses_a_folder_that_is_not_a_sample_town(tmp_path):
    from sample_data.generate import generate

    keep = tmp_path / "mine.txt"
    keep.write_text("precious")
    with pytest.raises(SystemExit, match="not a sample town folder"):
        generate(tmp_path)
    assert keep.read_text() == "precious"


@pytest.mark.skipif(not Path("/proc/self").exists(),
                    reason="needs Linux /proc (a folder no file can be created in)")
@pytest.mark.parametrize("command", ["init", "sample"])
def test_a_folder_that_refuses_files_is_a_one_line_error(command, capsys):
    assert main([command, "/proc/register.gpkg"]) == 1
    _one_line_error(capsys, "'/proc", "register.gpkg")


def test_a_profile_that_is_a_folder(reg, tmp_path, capsys):
    assert main(["profile", "check", str(tmp_path)]) == 1
    _one_line_error(capsys, "cannot be read", "give a TOML file")


def test_programme_and_works_values_that_are_not_numbers_or_dates_in_order(reg, tmp_path, capsys):
    before = _state(reg)
    programme = tmp_path / "programme.csv"
    programme.write_text('reference,wkt,depth_m,radius_m\nP1,"POINT (530100 180100)",1.0,2\n'
                         'P2,"POINT (530150 180100)",deep,2\n', encoding="utf-8")
    assert main(["check", str(reg), "--programme", str(programme)]) == 1
    _one_line_error(capsys, "P2: depth_m 'deep' is not a number")
    works = tmp_path / "works.csv"
    works.write_text('reference,wkt,start_date,end_date\nW1,"POINT (530100 180100)",2026-12-01,'
                     '2026-11-01\n', encoding="utf-8")
    assert main(["works", "import", str(reg), str(works), "--crs", "EPSG:27700"]) == 1
    _one_line_error(capsys, "'W1'", "is after end_date")
    works.write_text('reference,wkt,depth_m\nW1,"POINT (530100 180100)",1 m\n', encoding="utf-8")
    assert main(["works", "import", str(reg), str(works), "--crs", "EPSG:27700"]) == 1
    _one_line_error(capsys, "'W1'", "depth_m '1 m' is not a number")
    assert _state(reg) == before


def test_a_usrn_that_is_not_a_number(reg, tmp_path, capsys):
    assert main(["check", str(reg), "--wkt", "POINT (530100 180100)", "--radius", "2",
                 "--usrn", "Station Rd"]) == 1
    _one_line_error(capsys, "USRN 'Station Rd' is not a whole number")
    programme = tmp_path / "programme.csv"
    programme.write_text('reference,wkt,usrn,radius_m\nP1,"POINT (530100 180100)",S1,2\n',
                         encoding="utf-8")
    assert main(["check", str(reg), "--programme", str(programme)]) == 1
    _one_line_error(capsys, "P1: USRN 'S1' is not a whole number")
