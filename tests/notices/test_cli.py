"""`asset-register notice / respond / notices / notice-settings`, end to end through the
real dig check on a register whose asset distances are known by construction."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest
import shapely
from pypdf import PdfReader

from asset_register.cli.main import main
from asset_register.model import BatchInfo, Owner

from .analytic import FOOTPRINT, X0, Y0

WKT = FOOTPRINT.wkt


def _assets(owner, rows):
    frame = gpd.GeoDataFrame(
        [{"asset_id": a, "owner": owner, "utility": u, "asset_class": c, "status": "in_service",
          "voltage": v, "pressure": p, "h_accuracy_m": 0.1, "diameter_mm": 100.0}
         for a, u, c, v, p, _ in rows],
        geometry=[g for *_, g in rows], crs=27700)
    return frame


@pytest.fixture
def checked_register(gpkg_store_factory):
    store = gpkg_store_factory("town.gpkg")
    store.set_setting("authority_name", "Borough of Example")
    store.set_setting("notice_prefix", "EXB")
    for o in (Owner("UKPN", "UK Power Networks", "0800 1"), Owner("SGN", "SGN", "0800 2"),
              Owner("TW", "Thames Water", "0800 3"), Owner("VM", "Virgin Media", "0800 4")):
        store.upsert_owner(o)
    data = {
        "UKPN": [("UKPN:HV-1", "electricity", "cable", "HV", None,
                  shapely.LineString([(X0 - 20, Y0 + 2), (X0 + 30, Y0 + 2)]))],      # inside
        "SGN": [("SGN:MP-1", "gas", "pipe", None, "MP",
                 shapely.LineString([(X0 - 20, Y0 + 6), (X0 + 30, Y0 + 6)]))],        # 2 m off
        "TW": [("TW:V-1", "water", "valve", None, None, shapely.Point(X0 - 0.3, Y0 + 1)),  # 0.3 m
               ("TW:WM-FAR", "water", "pipe", None, None,
                shapely.LineString([(X0 - 20, Y0 + 45), (X0 + 30, Y0 + 45)]))],      # 41 m off
    }
    for owner, rows in data.items():
        store.write_batch(_assets(owner, rows), BatchInfo(source_file=f"{owner}.shp", owner=owner))
        store.set_owner_coverage(owner, shapely.box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500))
    store.set_owner_coverage("VM", shapely.box(X0 + 5000, Y0, X0 + 6000, Y0 + 1000))
    path = store.location
    store.close()
    return path


def test_notice_respond_notices(checked_register, tmp_path, capsys, fixed_clock):
    out = tmp_path / "packs"
    code = main(["notice", checked_register, "--wkt", WKT, "--out", str(out),
                 "--promoter", "Acme Utilities", "--start", "2026-12-01", "--end",
                 "2026-12-04", "--usrn", "20601234", "--description", "New connection",
                 "--location-type", "footway", "--traffic-management", "two_way_signals"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    reference = re.search(r"notice (EXB-\d{4}-\d{5}) v1 issued", printed).group(1)
    folder = out / reference
    text = re.sub(r"\s", "", "".join(p.extract_text()
                                     for p in PdfReader(folder / "summary.pdf").pages))
    for asset in ("UKPN:HV-1", "SGN:MP-1", "TW:V-1"):
        assert asset in text
    assert "TW:WM-FAR" not in text
    assert "VirginMedia" in text  # owner with no data here
    assert {p.name for p in folder.glob("notice-*.pdf")} == {
        "notice-UKPN.pdf", "notice-SGN.pdf", "notice-TW.pdf"}
    req = json.loads((folder / "street-manager-work.json").read_text())
    assert req["location_types"] == ["footway"] and req["usrn"] == 20601234

    assert main(["respond", checked_register, reference, "TW", "affected_plans_sent",
                 "--note", "plans sent 2/12"]) == 0
    assert "outstanding: SGN, UKPN" in capsys.readouterr().out
    assert main(["notices", checked_register, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["reference"] == reference and rows[0]["outstanding"] == ["SGN", "UKPN"]
    assert main(["notices", checked_register]) == 0
    assert reference in capsys.readouterr().out
    assert main(["notices", checked_register, "--reference", reference.lower()]) == 0
    detail = capsys.readouterr().out
    assert "affected_plans_sent" in detail and "plans sent 2/12" in detail
    assert re.search(r"UKPN\s+awaiting", detail)
    assert main(["notices", checked_register, "--reference", reference, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["versions"][0]["status"] == "issued"
    assert {r["owner"]: r["status"] for r in shown["responses"]}["TW"] == "affected_plans_sent"


def test_cli_errors_are_one_line(checked_register, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["notice", checked_register, "--wkt", WKT, "--out", str(blocker),
                 "--promoter", "Acme"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("asset-register: error:") and "\n" not in err
    assert main(["notice", checked_register, "--wkt", WKT, "--out", str(tmp_path / "o"),
                 "--promoter", "Acme", "--start", "2026-12-05", "--end", "2026-12-01"]) == 1
    err = capsys.readouterr().err  # refused by the check or the notice, with both dates
    assert "2026-12-05" in err and "2026-12-01" in err and ("after" in err or "before" in err)
    assert main(["notice", checked_register, "--wkt", WKT, "--out", str(tmp_path / "o")]) == 1
    assert "--promoter" in capsys.readouterr().err
    assert main(["respond", checked_register, "EXB-2026-00077", "TW", "affected"]) == 1
    assert "not in the register" in capsys.readouterr().err


def test_notice_settings(checked_register, capsys):
    assert main(["notice-settings", checked_register, "--prefix", "lb-x", "--validity-days",
                 "15", "--authority-swa", "5990"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["reference_prefix"] == "LBX" and shown["validity_working_days"] == 15
    assert shown["settings"]["authority_swa_code"] == "5990"
