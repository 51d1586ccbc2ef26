"""The command line against a PostGIS register: init, import, info, check, roles."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
import shapely

from asset_register.cli.main import main
from asset_register.store import open_register

pytestmark = pytest.mark.postgis
TOWN = Path(__file__).resolve().parents[2] / "sample_data" / "town"


def test_cli_end_to_end_on_a_shared_register(pg_server, pg_url, capsys):
    delivery = TOWN / "electricity_mpn.geojson"
    if not delivery.exists():
        pytest.skip(f"sample delivery {delivery} is absent")
    assert main(["init", pg_url, "--authority-name", "Wessex", "--authority-code", "WSX"]) == 0
    assert "admin-secret" not in capsys.readouterr().out  # passwords are never shown
    assert main(["import", pg_url, str(delivery), "--owner", "MPN", "--auto",
                 "--utility", "electricity"]) == 0
    capsys.readouterr()
    assert main(["info", pg_url, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["assets"] > 0 and "MPN" in info["by_owner"]
    with open_register(pg_url, read_only=True) as store:
        one = store.read_assets(columns=["asset_id"]).iloc[0]
    dig = shapely.to_wkt(shapely.buffer(one.geometry.representative_point(), 1.0), 2)

    name = f"pl_{uuid.uuid4().hex[:8]}"
    assert main(["roles", pg_url, "--create-planner", name, "--password", "pw-1"]) == 0
    out = capsys.readouterr().out
    assert f"planner login {name}" in out and "pw-1" not in out
    planner = pg_server.url(user=name, password="pw-1", schema=pg_url.split("schema=")[1])
    assert main(["check", planner, "--wkt", dig, "--json"]) != 0  # a shared register: purpose
    assert "--purpose" in capsys.readouterr().err
    assert main(["check", planner, "--wkt", dig, "--json", "--purpose", "design enquiry"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert one.asset_id in {c["asset_id"] for c in result["conflicts"]}
    assert main(["audit", "verify", planner]) == 0  # a planner verifies the server's chain
    assert "verifies" in capsys.readouterr().out
    with open_register(pg_url, read_only=True) as store:  # recorded though opened read-only
        log = store.audit_log()
    check = log[log["action"] == "check"].iloc[-1]
    assert check["user"].endswith("@" + name)
    detail = json.loads(check["detail"])
    assert detail["purpose"] == "design enquiry" and "MPN" in detail["owners"]
    assert shapely.from_wkt(detail["footprint_wkt"]).buffer(0.1).contains(shapely.from_wkt(dig))
    other = TOWN / "heat_rhn.fgb"
    assert main(["import", planner, str(other), "--owner", "RHN", "--auto",
                 "--utility", "district_heating"]) != 0
    err = capsys.readouterr().err
    assert "planner" in err and "editor" in err
    assert main(["roles", pg_url, "--list"]) == 0
    assert f"{name}" in capsys.readouterr().out


def test_roles_needs_a_url(tmp_path, capsys):
    assert main(["roles", str(tmp_path / "town.gpkg"), "--create-planner", "x"]) != 0
    assert "not a PostgreSQL URL" in capsys.readouterr().err
