"""`asset-register-gui` refuses bad arguments on one line before any window opens (a bad
--size used to raise inside Qt and leave the process hanging)."""

from __future__ import annotations

import pytest

from ui.app import parse_args


@pytest.mark.parametrize("argv, words", [
    (["--size", "abc"], ["argument --size", "WIDTHxHEIGHT"]),
    (["--size", "0x10"], ["argument --size"]),
    (["--footprint", "POLYGON ((...))"], ["argument --footprint", "is neither a file nor WKT"]),
    (["--reference", "nosuch.gpkg:streets"], ["reference file 'nosuch.gpkg' does not exist"]),
])
def test_bad_arguments_are_one_line_errors(argv, words, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as done:
        parse_args(["town.gpkg", *argv])
    assert done.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("asset-register-gui: error:")
    assert all(w in err[0] for w in words), err[0]


def test_good_arguments_pass(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "streets.gpkg").write_bytes(b"")
    args = parse_args(["town.gpkg", "--size", "800x600", "--reference", "streets.gpkg:streets",
                       "--footprint", "POINT (530100 180100)"])
    assert (args.size, args.reference, args.footprint) == (
        "800x600", ["streets.gpkg:streets"], "POINT (530100 180100)")
