"""`asset-register init` / `info`: output, JSON, and one-line errors with non-zero exit."""

from __future__ import annotations

import json

from asset_register.cli.main import main
from asset_register.model import BatchInfo
from asset_register.store import open_register
from tests.conftest import synthetic_assets


def test_init_and_info(tmp_path, capsys):
    path = tmp_path / "town.gpkg"
    assert main(["init", str(path), "--authority-code", "WSX"]) == 0
    assert "created register" in capsys.readouterr().out
    with open_register(path) as s:
        s.write_batch(synthetic_assets(30), BatchInfo("a.gpkg", owner="WSX"))
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "live assets     30" in out and "EPSG:27700" in out
    assert main(["info", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["assets"] == 30 and data["authority"]["code"] == "WSX"
    assert data["by_owner"] == {"WSX": 30}


def test_errors_are_one_line_and_non_zero(tmp_path, capsys):
    junk = tmp_path / "junk.gpkg"
    junk.write_text("not a database")
    assert main(["info", str(junk)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("asset-register: error:") and "junk.gpkg" in err[0]
    assert main(["init", str(junk)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "g.gpkg"), "--crs", "EPSG:4326"]) == 1
    assert "not projected" in capsys.readouterr().err
    assert not (tmp_path / "g.gpkg").exists()
