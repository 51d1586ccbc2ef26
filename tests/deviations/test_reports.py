"""Deviation reports in the register, on every backend: each kind recorded with known content,
status moving on only forwards, resolved by the owner's re-delivery or by hand, and the
owners' export files (PDF text, GeoJSON in WGS 84 and the working CRS, IMKL-style JSON)."""

from __future__ import annotations

import hashlib
import json

import geopandas as gpd
import pyproj
import pypdf
import pytest
import shapely

from asset_register.deviations import add_report, reports
from asset_register.deviations.export import export_reports
from asset_register.errors import NotFoundError, ValidationError
from asset_register.model import BatchInfo, Owner, validate_assets

X0, Y0 = 530000.0, 180000.0


def _main(x_offset=0.0, y=Y0, depth=1.0):
    return {"asset_id": "W1", "owner": "WAT", "utility": "water", "asset_class": "pipe",
            "status": "in_service", "h_accuracy_m": 0.5, "depth_m": depth, "material": "PE",
            "geometry": shapely.LineString([(X0 + x_offset, y), (X0 + 50 + x_offset, y)])}


def _deliver(store, rows, name, profile=None):
    frame = validate_assets(gpd.GeoDataFrame(rows, geometry="geometry", crs=store.crs))
    return store.write_batch(frame, BatchInfo(source_file=name, owner="WAT", profile=profile),
                             delivery="WAT")


@pytest.fixture
def reg(store):
    store.upsert_owner(Owner("WAT", "Wessex Water"))
    cable = {**_main(), "asset_id": "E1", "owner": "ELE", "utility": "electricity",
             "asset_class": "cable", "geometry": shapely.LineString([(X0, Y0 + 30),
                                                                   (X0 + 50, Y0 + 30)])}
    _deliver(store, [_main()], "wat-1.xml", profile="imkl-2 (built-in IMKL/INSPIRE-UN reader)")
    store.write_batch(validate_assets(gpd.GeoDataFrame([cable], geometry="geometry",
                                                       crs=store.crs)),
                      BatchInfo(source_file="ele.gpkg", owner="ELE"), delivery="ELE")
    return store


def test_each_kind_is_recorded_with_the_record_it_was_made_against(reg, tmp_path):
    photo = tmp_path / "trench.jpg"
    photo.write_bytes(b"not really a jpeg")
    a = add_report(reg, "elsewhere", asset_id="W1", position=f"POINT ({X0 + 10} {Y0 + 4})",
                   accuracy_m=0.05, notes="main 4 m north", photos=[photo],
                   photo_folder=tmp_path / "photos", reference="AR-2026-0001")
    b = add_report(reg, "not_found", asset_id="E1")
    c = add_report(reg, "unrecorded", position=f"LINESTRING ({X0} {Y0 + 10}, {X0 + 5} {Y0 + 10})",
                   utility="gas", accuracy_m=0.2)
    d = add_report(reg, "attributes", asset_id="W1", found={"depth_m": 2.5, "material": "cast iron"})
    frame = reports(reg).set_index("deviation_id")
    assert list(frame.index) == [a, b, c, d]
    assert frame["kind"].tolist() == ["elsewhere", "not_found", "unrecorded", "attributes"]
    assert frame["status"].tolist() == ["new"] * 4
    assert frame.loc[a, "owner"] == "WAT" and frame.loc[b, "owner"] == "ELE"
    assert frame.loc[c, "owner"] is None and frame.loc[c, "utility"] == "gas"
    assert frame.loc[a, "geometry_wkt"] == f"POINT ({X0 + 10:g} {Y0 + 4:g})"
    assert frame.loc[a, "accuracy_m"] == 0.05 and frame.loc[a, "reference"] == "AR-2026-0001"
    assert frame.loc[a, "recorded"]["depth_m"] == 1.0
    assert frame.loc[a, "recorded"]["geometry_wkt"] == f"LINESTRING ({X0:g} {Y0:g}, {X0 + 50:g} {Y0:g})"
    assert frame.loc[d, "found"] == {"depth_m": 2.5, "material": "cast iron"}
    assert frame.loc[d, "recorded"]["material"] == "PE"
    sha = hashlib.sha256(b"not really a jpeg").hexdigest()
    [kept] = frame.loc[a, "photos"]
    assert kept["name"] == "trench.jpg" and kept["sha256"] == sha
    assert (tmp_path / "photos" / f"{sha}.jpg").read_bytes() == b"not really a jpeg"
    assert reg.audit_log()["action"].tolist().count("add_deviation") == 4


@pytest.mark.parametrize("kind, kwargs, message", [
    ("elsewhere", {"asset_id": "W1", "position": "POINT (1 2)"}, "accuracy"),
    ("elsewhere", {"asset_id": "NOPE", "position": "POINT (1 2)", "accuracy_m": 1}, "no live"),
    ("unrecorded", {"position": "POINT (1 2)"}, "utility"),
    ("attributes", {"asset_id": "W1", "found": {"depth_m": 1.0}}, "already says"),
    ("attributes", {"asset_id": "W1", "found": {"colour": "blue"}}, "cannot be reported"),
    ("elsewhere", {"asset_id": "W1", "position": "POLYGON ((0 0, 1 0, 1 1, 0 0))",
                   "accuracy_m": 1}, "point or a line"),
    ("sideways", {}, "not one of"),
])
def test_bad_reports_are_refused_and_nothing_is_recorded(reg, kind, kwargs, message):
    with pytest.raises((ValidationError, NotFoundError), match=message):
        add_report(reg, kind, **kwargs)
    assert reg.deviations().empty


def test_a_re_delivery_that_changes_the_asset_resolves_its_reports(reg):
    moved = add_report(reg, "elsewhere", asset_id="W1", position=f"POINT ({X0} {Y0 + 4})",
                       accuracy_m=0.1)
    other = add_report(reg, "not_found", asset_id="E1")
    assert reg.set_deviation_status([moved, other], "sent") == 2
    _deliver(reg, [_main()], "wat-2.xml")  # the same record again: nothing changes
    assert reports(reg, open_only=True)["deviation_id"].tolist() == [moved, other]
    result = _deliver(reg, [_main(y=Y0 + 4)], "wat-3.xml")
    frame = reports(reg).set_index("deviation_id")
    assert frame.loc[moved, "status"] == "resolved"
    assert frame.loc[moved, "resolution"] == (
        f"re-delivered: batch {result.batch_id} changed the asset")
    assert frame.loc[other, "status"] == "sent"  # another owner's asset: still open
    assert reg.set_deviation_status([moved], "acknowledged") == 0  # never goes back


def test_resolving_by_hand_needs_a_reason_and_status_moves_forward_only(reg):
    i = add_report(reg, "not_found", asset_id="E1")
    with pytest.raises(ValidationError, match="reason"):
        reg.set_deviation_status([i], "resolved")
    with pytest.raises(NotFoundError, match="no deviation report 99"):
        reg.set_deviation_status([99], "sent")
    assert reg.set_deviation_status([i], "acknowledged") == 1
    assert reg.set_deviation_status([i], "sent") == 0
    assert reg.set_deviation_status([i], "resolved", resolution="abandoned in 1990") == 1
    row = reports(reg).iloc[0]
    assert (row["status"], row["resolution"]) == ("resolved", "abandoned in 1990")
    assert row["acknowledged_at"] and row["resolved_at"] and row["sent_at"] is None


def test_export_writes_each_owner_its_files_and_marks_them_sent(reg, tmp_path):
    a = add_report(reg, "elsewhere", asset_id="W1", position=f"POINT ({X0 + 10} {Y0 + 4})",
                   accuracy_m=0.05, notes="main 4 m north", reference="AR-2026-0001")
    b = add_report(reg, "not_found", asset_id="E1", notes="trial hole empty")
    c = add_report(reg, "unrecorded", position=f"POINT ({X0} {Y0 + 10})", utility="gas")
    out = tmp_path / "out"
    written = export_reports(reg, out, issued="2026-05-04")
    assert sorted(written) == ["ELE", "WAT"]
    assert [f.name for f in written["WAT"]] == [
        "deviations-WAT.pdf", "deviations-WAT.geojson", "deviations-WAT.working-crs.geojson",
        "deviations-WAT.imkl.json"]  # WAT delivers IMKL, ELE does not
    assert [f.name for f in written["ELE"]] == [
        "deviations-ELE.pdf", "deviations-ELE.geojson", "deviations-ELE.working-crs.geojson"]
    wgs = json.loads((out / "deviations-WAT.geojson").read_text())
    [feature] = wgs["features"]
    assert "crs" not in wgs and feature["id"] == a
    lon, lat = pyproj.Transformer.from_crs(27700, 4326, always_xy=True).transform(X0 + 10, Y0 + 4)
    assert feature["geometry"]["coordinates"] == [round(lon, 7), round(lat, 7)]
    props = feature["properties"]
    assert (props["kind"], props["asset_id"], props["accuracy_m"], props["reference"]) == (
        "elsewhere", "W1", 0.05, "AR-2026-0001")
    assert props["recorded"]["material"] == "PE"
    local = json.loads((out / "deviations-WAT.working-crs.geojson").read_text())
    assert local["crs"]["properties"]["name"] == "EPSG:27700"
    assert local["features"][0]["geometry"]["coordinates"] == [X0 + 10, Y0 + 4]
    ele = json.loads((out / "deviations-ELE.working-crs.geojson").read_text())
    # a not-found report is placed at the recorded position
    assert ele["features"][0]["geometry"]["coordinates"] == [[X0, Y0 + 30], [X0 + 50, Y0 + 30]]
    imkl = json.loads((out / "deviations-WAT.imkl.json").read_text())
    assert imkl["netbeheerder"] == "WAT"
    assert [(m["id"], m["typeAfwijking"], m["imklIdentificatie"]) for m in imkl["meldingen"]] == [
        (a, "liggingAfwijkend", "W1")]
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(out / "deviations-WAT.pdf").pages)
    for expected in ("To Wessex Water (WAT)", f"Report {a}", "Found elsewhere", "asset W1",
                     "±0.05 m", "AR-2026-0001", "main 4 m north", "issued 2026-05-04"):
        assert expected in text, expected
    status = reports(reg).set_index("deviation_id")["status"]
    assert status.to_dict() == {a: "sent", b: "sent", c: "new"}  # no owner: not sent
    assert export_reports(reg, out) == {}  # nothing new to send
    assert sorted(export_reports(reg, out, resend=True)) == ["ELE", "WAT"]
    assert reports(reg).set_index("deviation_id")["status"].to_dict()[c] == "new"
