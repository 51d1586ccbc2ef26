"""IMKL/KLIC and INSPIRE Utility Networks deliveries imported as received (issue 13, items 2 and 4).

Fixtures in data/imkl/ are hand-written in the structure of KLIC IMKL 2.0 deliveries:
26G000101 (operators KL1001: LV, 10 kV, telecom, a precaution zone; KL2002: an 8 bar
406 mm gas main, low-pressure gas, water), 26G000202 (KL1001, another area 2 km east)
and an INSPIRE-UN file with lat/lon-ordered ETRS89 links.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
import shapely

from asset_register.check import Checker
from asset_register.check.result import DigSite
from asset_register.cli.main import main
from asset_register.deliveries import delivery_area
from asset_register.errors import CancelledError, ImportError_, NotFoundError
from asset_register.store import create_register, open_register
from importers import inspect
from importers.imkl import find_delivery, import_delivery

DATA = Path(__file__).with_name("data") / "imkl"
AREA_A = DATA / "GI_gebiedsinformatielevering_26G000101_1.xml"
AREA_B = DATA / "GI_gebiedsinformatielevering_26G000202_1.xml"
INSPIRE = DATA / "inspire_un_links.gml"


@pytest.fixture
def rd_register(tmp_path):
    store = create_register(tmp_path / "nl.gpkg", crs="EPSG:28992")
    yield store
    store.close()


def _assets(store):
    return store.read_assets().set_index("asset_id")


def _attrs(frame, asset_id):
    return json.loads(frame.loc[asset_id, "attrs"])


def test_klic_delivery_one_owner_per_operator_with_contacts(rd_register):
    with pytest.raises(ImportError_, match="without --owner"):  # never lumped under one owner
        import_delivery(rd_register, AREA_A, owner="LUMP")
    seen = []
    reports = import_delivery(rd_register, AREA_A, progress=lambda f, m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    assert [(r.layer, r.status, r.imported, r.rejected) for r in reports] == [
        ("imkl:KL1001", "imported", 9, 0), ("imkl:KL2002", "imported", 3, 0)]
    owners = {o.code: o for o in rd_register.owners()}
    assert set(owners) == {"KL1001", "KL2002"}
    assert owners["KL1001"].name == "Voorbeeld Netbeheer B.V."
    assert owners["KL1001"].phone == "088-100 1000"
    assert owners["KL1001"].emergency_phone == "0800-100 1999"  # damage line, not the fault line
    assert owners["KL1001"].email == "klic@voorbeeldnet.example"
    assert owners["KL2002"].name == "Voorbeeld Gas & Water N.V."
    assert (owners["KL2002"].phone, owners["KL2002"].emergency_phone) == ("088-200 2000", "0800-9009")
    got = _assets(rd_register)
    assert set(got["owner"]) == {"KL1001", "KL2002"}
    assert rd_register.batches()["owner"].tolist() == ["KL1001", "KL2002"]


def test_links_joined_to_cables_and_pipes_with_every_attribute(rd_register):
    import_delivery(rd_register, AREA_A)
    a = _assets(rd_register)
    cols = ["utility", "asset_class", "status", "voltage", "pressure", "diameter_mm", "material",
            "h_accuracy_m"]
    row = lambda i: tuple(None if v != v else v for v in a.loc[i, cols])  # noqa: E731 (NaN -> None)
    assert row("KL1001:KL1001.EK_LS1") == ("electricity", "cable", "in_service", "LV", None, 42.0,
                                           None, 0.3)
    assert row("KL1001:KL1001.EK_LS2") == ("electricity", "cable", "disused", "LV", None, None,
                                           None, 0.5)
    assert row("KL1001:KL1001.EK_LS3") == ("electricity", "cable", "proposed", "LV", None, None,
                                           None, None)  # 'onbekend' accuracy stays unknown
    assert row("KL1001:KL1001.EK_MS1") == ("electricity", "cable", "in_service", "HV", None, None,
                                           None, 1.0)
    assert row("KL1001:KL1001.EK_MS2")[:4] == ("electricity", "cable", "in_service", "HV")  # thema
    assert row("KL1001:KL1001.MB1") == ("electricity", "duct", "in_service", "LV", None, 150.0,
                                        "PE", None)
    assert row("KL1001:KL1001.KAST1")[:3] == ("electricity", "cabinet", "in_service")
    assert row("KL1001:KL1001.TK1") == ("telecoms", "cable", "in_service", None, None, None,
                                        "fibre", 1.0)
    assert row("KL2002:KL2002.ghd_406") == ("gas", "pipe", "in_service", None, "HP", 406.0,
                                            "steel", 0.3)
    assert row("KL2002:KL2002.gld_110") == ("gas", "pipe", "in_service", None, "LP", 110.0, "PE", 0.5)
    assert row("KL2002:KL2002.wa_1") == ("water", "pipe", "proposed", None, None, 110.0, "PVC", 0.5)
    # geometry from the links: a two-segment curve is one line, two links a MultiLineString
    assert a.loc["KL1001:KL1001.EK_LS2", "geometry"].equals(
        shapely.LineString([(155010, 463080), (155100, 463080), (155100, 463150)]))
    ms1 = a.loc["KL1001:KL1001.EK_MS1", "geometry"]
    assert ms1.geom_type == "MultiLineString" and ms1.length == pytest.approx(100 + 100.125, abs=1e-3)
    assert a.loc["KL1001:KL1001.KAST1", "geometry"].equals(shapely.Point(155020, 463060))
    # depth: a depth point on the curve, the network's standard depth elsewhere, none for the MV
    assert (a.loc["KL1001:KL1001.EK_LS2", "depth_m"], a.loc["KL1001:KL1001.EK_LS2", "depth_source"]) \
        == (0.75, "recorded")
    assert (a.loc["KL1001:KL1001.EK_LS1", "depth_m"], a.loc["KL1001:KL1001.EK_LS1", "depth_source"]) \
        == (0.6, "standard")
    assert a.loc["KL1001:KL1001.EK_MS1", "depth_m"] != a.loc["KL1001:KL1001.EK_MS1", "depth_m"]
    # every original attribute kept, with units, plus the values read from them
    ms = _attrs(a, "KL1001:KL1001.EK_MS1")
    assert ms["nominalVoltage"] == "10" and ms["nominalVoltage_uom"] == "urn:ogc:def:uom:OGC::kV"
    assert ms["voltage_v"] == 10000.0 and ms["featureType"] == "Elektriciteitskabel"
    assert ms["link"] == ["nl.imkl-KL1001.ul_EK_MS1a", "nl.imkl-KL1001.ul_EK_MS1b"]
    assert ms["thema"].endswith("/Thema/middenspanning")
    gas = _attrs(a, "KL2002:KL2002.ghd_406")
    assert gas["pressure"] == "8" and gas["pressure_bar"] == 8.0
    assert gas["oilGasChemicalsProductType"].endswith("/naturalGas")
    assert _attrs(a, "KL1001:KL1001.EK_MS2")["nominalVoltage_nilReason"] == "withheld"


def test_precaution_zone_with_its_contact_and_no_drawing_aids(rd_register):
    import_delivery(rd_register, AREA_A)
    a = _assets(rd_register)
    ev = a.loc["KL1001:KL1001.EV1"]
    assert (ev["utility"], ev["asset_class"]) == ("electricity", "precaution_zone")
    assert ev["geometry"].normalize().equals(shapely.box(154990, 463110, 155210, 463135).normalize())
    attrs = json.loads(ev["attrs"])
    assert attrs["contactVoorzorgsmaatregel.naam"] == "Toezicht middenspanning"
    assert attrs["contactVoorzorgsmaatregel.telefoon"] == "088-100 4444"
    assert attrs["contactVoorzorgsmaatregel.email"] == "ev@voorbeeldnet.example"
    assert attrs["eisVoorzorgsmaatregel"] == "MS-T-W2"
    assert attrs["netbeheerderNetAanduiding"] == "MS-T"
    assert attrs["eisVoorzorgsmaatregelBijlage.bestandLocatie"] == \
        "bronnen/KL1001/EV_26G000101_middenspanning.pdf"
    assert attrs["eisVoorzorgsmaatregelBijlage.toelichting"].startswith("Middenspanning: toezicht")
    # annotations, dimension lines, extra geometry, request polygons and links are not assets
    types = {json.loads(t)["featureType"] for t in a["attrs"]}
    assert types == {"Elektriciteitskabel", "Mantelbuis", "Kast", "Telecommunicatiekabel",
                     "AanduidingEisVoorzorgsmaatregel", "OlieGasChemicalienPijpleiding",
                     "Waterleiding"}
    assert len(a) == 12
    assert not (a["asset_class"] == "precaution_zone").sum() - 1
    assert a.geometry.area.max() < 10_000  # the 40 000 m² dig polygon is not an asset


def test_dig_polygon_kept_and_offered_as_the_footprint(rd_register, tmp_path, capsys):
    reports = import_delivery(rd_register, AREA_A)
    area = delivery_area(rd_register, "26G000101")
    assert area.footprint.equals(shapely.box(155000, 463000, 155200, 463200))
    assert area.area.equals(shapely.box(154950, 462950, 155250, 463250))  # information polygon
    assert area.owners == ("KL1001", "KL2002")
    assert delivery_area(rd_register, reports[1].batch_id).reference == "26G000101"
    notes = rd_register.batches()["notes"].map(json.loads)
    assert notes.map(lambda n: n["delivery_reference"]).tolist() == ["26G000101", "26G000101"]
    with pytest.raises(NotFoundError, match="26G000101"):
        delivery_area(rd_register, "99X999999")
    rd_register.close()
    reg = str(tmp_path / "nl.gpkg")
    assert main(["check", reg, "--delivery-area", "26G000101", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["strike"] == 11  # every line and point inside the dig polygon
    assert {c["owner"] for c in out["conflicts"]} == {"KL1001", "KL2002"}


def test_8_bar_gas_main_and_10kv_cable_rated_danger(rd_register):
    import_delivery(rd_register, AREA_A)
    # a trench 1 m north of the gas main (it runs 155000 463170 -> 155200 463160)
    near_gas = shapely.box(155040, 463168.8, 155060, 463169.5)
    near_mv = shapely.box(155040, 463121.5, 155060, 463122.0)  # 1.5 m from the 10 kV cable
    with Checker(rd_register) as checker:
        gas = checker.check(DigSite(footprint=near_gas)).conflicts.set_index("asset_id")
        mv = checker.check(DigSite(footprint=near_mv)).conflicts.set_index("asset_id")
    g = gas.loc["KL2002:KL2002.ghd_406"]
    assert g["severity"] == "danger" and g["clearance_m"] >= 3.0
    m = mv.loc["KL1001:KL1001.EK_MS1"]
    assert m["severity"] == "danger" and m["clearance_m"] >= 3.0
    assert mv.loc["KL1001:KL1001.EV1", "severity"] == "danger"  # inside the precaution zone


def test_klic_zip_imports_with_no_owner_from_the_cli(tmp_path, capsys):
    zpath = tmp_path / "Levering_26G000101_1.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(AREA_A, "GI_gebiedsinformatielevering_26G000101_1.xml")
        zf.writestr("LI_26G000101_1.xml", "<Leveringsinformatie/>")
        zf.writestr("bronnen/KL1001/EV_26G000101_middenspanning.pdf", b"%PDF-1.4 fictitious")
        zf.writestr("bronnen/GB_26G000101.png", b"\x89PNG fictitious")
    assert find_delivery(zpath).member == "GI_gebiedsinformatielevering_26G000101_1.xml"
    reg = tmp_path / "r.gpkg"
    create_register(reg, crs="EPSG:28992").close()
    assert main(["import", str(reg), str(zpath)]) == 0
    out = capsys.readouterr().out
    assert "imkl:KL1001 → imported" in out and "imkl:KL2002 → imported" in out
    assert main(["import", str(reg), str(zpath)]) == 0  # the same delivery again: no change
    assert capsys.readouterr().out.count("already imported") == 2
    with open_register(reg) as store:
        assert store.asset_count() == 12
        assert {o.code for o in store.owners()} == {"KL1001", "KL2002"}


def test_second_area_of_one_operator_keeps_the_first(rd_register):
    import_delivery(rd_register, AREA_A)
    (b,) = import_delivery(rd_register, AREA_B)
    assert (b.layer, b.imported, b.retired) == ("imkl:KL1001", 4, 0)
    live = set(_assets(rd_register).index)
    assert {"KL1001:KL1001.EK_LS1", "KL1001:KL1001.EK_MS1", "KL1001:KL1001.EK_OOST1",
            "KL1001:KL1001.EK_OOST2", "KL2002:KL2002.ghd_406"} <= live
    assert len(live) == 16
    bed = _assets(rd_register).loc["KL1001:KL1001.KB_OOST"]
    assert (bed["asset_class"], bed["diameter_mm"], bed["voltage"]) == ("duct", 750.0, "LV")
    box = _assets(rd_register).loc["KL1001:KL1001.MOF_OOST"]
    assert (box["asset_class"], box["geometry"].wkt) == ("fitting", "POINT (157100 463050)")
    assert delivery_area(rd_register, "26G000202").footprint.equals(
        shapely.box(157000, 463000, 157200, 463200))
    cov = rd_register.owner_coverage().set_index("owner").geometry
    assert cov["KL1001"].covers(shapely.box(157000, 463000, 157200, 463200))
    assert cov["KL1001"].covers(shapely.box(154950, 462950, 155250, 463250))


def _area_a_without_ls3(tmp_path) -> Path:
    """Area A delivered again (KLIC 26G000303) with one low-voltage cable gone."""
    text = AREA_A.read_text(encoding="utf-8")
    cut = text[:text.index("<!-- remove:EK_LS3 -->")] + text[text.index("<!-- end:EK_LS3 -->"):]
    again = tmp_path / "GI_gebiedsinformatielevering_26G000303_1.xml"
    again.write_text(cut.replace("26G000101", "26G000303"), encoding="utf-8")
    return again


def test_redelivery_of_an_area_retires_only_what_vanished_there(rd_register, tmp_path):
    import_delivery(rd_register, AREA_A)
    import_delivery(rd_register, AREA_B)
    again = _area_a_without_ls3(tmp_path)
    reports = {r.layer: r for r in import_delivery(rd_register, again)}
    live = set(_assets(rd_register).index)
    assert {"KL1001:KL1001.EK_OOST1", "KL1001:KL1001.EK_OOST2", "KL1001:KL1001.EK_LS1"} <= live
    assert "KL1001:KL1001.EK_LS3" not in live
    assert reports["imkl:KL1001"].retired == 1 and reports["imkl:KL2002"].retired == 0
    assert len(live) == 15


def test_inspire_un_join_needs_an_owner_and_reads_lat_lon(rd_register):
    with pytest.raises(ImportError_, match="--owner"):
        import_delivery(rd_register, INSPIRE)
    assert rd_register.asset_count() == 0
    (r,) = import_delivery(rd_register, INSPIRE, owner="DENETZ", owner_name="Example Netz GmbH")
    assert (r.layer, r.imported, r.source_crs) == ("inspire-un", 6, "EPSG:4258")
    # ETRS89 -> RD through the shipped RDNAPTRANS grid: exact (docs/crs.md)
    assert r.accuracy_m == 0.0 and "rdtrans2018" in r.transformation
    a = _assets(rd_register)
    cols = ["utility", "asset_class", "status", "voltage", "pressure", "diameter_mm", "material"]
    row = lambda i: tuple(None if v != v else v for v in a.loc[i, cols])  # noqa: E731
    assert row("DENETZ:EL-11KV-1") == ("electricity", "cable", "in_service", "HV", None, None, None)
    assert row("DENETZ:GAS-4BAR-1") == ("gas", "pipe", "in_service", None, "IP", 200.0, None)
    assert row("DENETZ:WA-1") == ("water", "pipe", "abandoned", None, None, 150.0, "CI")
    assert row("DENETZ:SW-1") == ("sewer", "pipe", "in_service", None, None, 300.0, None)
    assert row("DENETZ:TH-1") == ("district_heating", "pipe", "proposed", None, None, None, None)
    assert row("DENETZ:TC-1") == ("telecoms", "cable", "in_service", None, None, None, "fibre")
    # latitude-first ETRS89 read the right way round: within 0.5 m of the RD points written
    el = a.loc["DENETZ:EL-11KV-1", "geometry"]
    assert shapely.Point(el.coords[0]).distance(shapely.Point(155100, 463050)) < 0.5
    assert rd_register.owner("DENETZ").name == "Example Netz GmbH"


def test_inspect_reads_the_delivery_once_and_names_the_operators():
    info = inspect(AREA_A)
    assert info.driver == "IMKL (KLIC)"
    counts = {layer.name: layer.features for layer in info.layers}
    assert counts == {"AanduidingEisVoorzorgsmaatregel": 1, "Elektriciteitskabel": 5, "Kast": 1,
                      "Mantelbuis": 1, "OlieGasChemicalienPijpleiding": 2,
                      "Telecommunicatiekabel": 1, "Waterleiding": 1}
    assert all(layer.crs == "EPSG:28992" for layer in info.layers)
    text = "\n".join(info.warnings)
    assert "KLIC number 26G000101" in text and "KL2002: Voorbeeld Gas & Water N.V." in text
    assert "Annotatie ×2" in text and "Maatvoering ×1" in text


def test_dtd_and_broken_files_refused_and_register_unchanged(rd_register, tmp_path):
    import_delivery(rd_register, AREA_A)
    before = rd_register.asset_count()
    bomb = tmp_path / "GI_gebiedsinformatielevering_bomb.xml"
    head = AREA_A.read_text(encoding="utf-8")
    bomb.write_text(head.replace(
        "<gml:FeatureCollection",
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
        "<gml:FeatureCollection", 1), encoding="utf-8")
    with pytest.raises(ImportError_, match="document type"):
        import_delivery(rd_register, bomb)
    cut = tmp_path / "GI_gebiedsinformatielevering_cut.xml"
    cut.write_text(head[: len(head) // 2], encoding="utf-8")
    with pytest.raises(ImportError_, match="not well-formed|truncated"):
        import_delivery(rd_register, cut)
    with pytest.raises(CancelledError):
        import_delivery(rd_register, AREA_B, cancel=lambda: True)
    assert rd_register.asset_count() == before


def _without(text: str, *markers: str) -> str:
    """The delivery text without the featureMember blocks holding any of ``markers``."""
    blocks = re.split(r"(?s)(<gml:featureMember>.*?</gml:featureMember>)", text)
    return "".join(b for b in blocks if not any(m in b for m in markers))


def test_operator_with_nothing_left_in_the_area_and_a_missing_link(rd_register, tmp_path):
    import_delivery(rd_register, AREA_A)
    text = _without(AREA_A.read_text(encoding="utf-8"), "<imkl:OlieGasChemicalienPijpleiding",
                    "<imkl:Waterleiding", 'gml:id="nl.imkl-KL1001.ul_TK1"')
    again = tmp_path / "GI_gebiedsinformatielevering_26G000404_1.xml"
    again.write_text(text.replace("26G000101", "26G000404"), encoding="utf-8")
    reports = {r.layer: r for r in import_delivery(rd_register, again)}
    gas = reports["imkl:KL2002"]
    assert (gas.imported, gas.retired) == (0, 3)  # it answered: nothing of it here any more
    el = reports["imkl:KL1001"]
    assert el.rejected == 1 and el.retired == 1  # the telecom cable lost its geometry
    rej = rd_register.rejects(el.batch_id)
    assert rej["reason"].tolist() == [
        "no geometry: its link(s) nl.imkl-KL1001.ul_TK1 are not in the delivery"]
    assert json.loads(rej["attrs"].iloc[0])["gml_id"] == "nl.imkl-KL1001.TK1"
    live = _assets(rd_register)
    assert set(live["owner"]) == {"KL1001"} and len(live) == 8
    assert rd_register.owner("KL2002").phone == "088-200 2000"  # still known, still a contact


def test_cli_dry_run_and_inspect(tmp_path, capsys):
    reg = tmp_path / "r.gpkg"
    create_register(reg, crs="EPSG:28992").close()
    assert main(["import", str(reg), str(AREA_A), "--dry-run", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(r["layer"], r["status"], r["imported"], r["scope"]) for r in out] == [
        ("imkl:KL1001", "dry run", 9, "area"), ("imkl:KL2002", "dry run", 3, "area")]
    with open_register(reg) as store:
        assert store.asset_count() == 0 and store.owners() == []
    assert main(["inspect", str(AREA_A)]) == 0
    text = capsys.readouterr().out
    assert "IMKL (KLIC), 7 layer(s)" in text and "Elektriciteitskabel: 5 ×" in text


def test_app_import_process_takes_the_operators_as_owners(tmp_path):
    """The desktop app's import child: a KLIC delivery ignores the dialog's owner."""
    import queue
    import threading

    from importers import Profile
    from ui.import_process import _child

    reg = tmp_path / "r.gpkg"
    create_register(reg, crs="EPSG:28992").close()
    messages = queue.Queue()
    wizard_profile = Profile(name="wizard")  # the wizard always sends a profile
    _child(messages, threading.Event(), str(reg), [(str(AREA_A), ["Elektriciteitskabel"],
                                                    wizard_profile)],
           {"owner": "TYPED", "owner_name": "Typed in the dialog"})
    last = None
    while not messages.empty():
        last = messages.get()
    assert last[0] == "done", last
    assert [r.layer for r in last[1]] == ["imkl:KL1001", "imkl:KL2002"]
    with open_register(reg) as store:
        assert {o.code for o in store.owners()} == {"KL1001", "KL2002"}
        assert store.asset_count() == 12


def test_area_deliveries_on_every_store(store_factory, tmp_path):
    """Two areas of one operator, then a re-delivery of the first, on GeoPackage and PostGIS."""
    store = store_factory(crs="EPSG:28992")
    import_delivery(store, AREA_A)
    import_delivery(store, AREA_B)
    again = _area_a_without_ls3(tmp_path)
    import_delivery(store, again)
    live = store.read_assets().set_index("asset_id")
    assert "KL1001:KL1001.EK_LS3" not in live.index and len(live) == 15
    assert live.loc["KL2002:KL2002.ghd_406", "pressure"] == "HP"
    assert live.loc["KL1001:KL1001.EK_MS1", "voltage"] == "HV"
    assert store.owner("KL1001").emergency_phone == "0800-100 1999"
    assert delivery_area(store, "26G000303").footprint.equals(
        shapely.box(155000, 463000, 155200, 463200))
    assert delivery_area(store, "26G000202").owners == ("KL1001",)


def test_vocabularies_of_code_lists_units_and_classes():
    from importers.imkl import vocab
    from importers.imkl.join import _utility
    from importers.imkl.parse import Feature

    assert vocab.code("https://definities.geostandaarden.nl/imkl2015/id/waarde/Thema/water/") == "water"
    assert vocab.uom("urn:ogc:def:uom:OGC::kV") == "kV" and vocab.uom("mm") == "mm"
    assert [vocab.accuracy_m(v) for v in ("tot30cm", "x/NauwkeurigheidXYvalue/tot100cm",
                                          "onbekend", None)] == [0.3, 1.0, None, None]
    assert vocab.pressure_bar({"druk": "100", "druk_uom": "urn:ogc:def:uom:OGC::mbar"}) == 0.1
    assert vocab.voltage_v({"nominaleSpanning": "0", "operatingVoltage": "20",
                            "operatingVoltage_uom": "kV"}) == 20000.0  # IMKL's 0 = not given
    assert vocab.diameter_mm({"pipeDiameter": "12,5", "pipeDiameter_uom": "cm"}) == 125.0
    assert [vocab.pressure_class(b) for b in (0.03, 0.1, 4, 8)] == ["LP", "MP", "IP", "HP"]
    assert [vocab.voltage_class(v) for v in (400, 10_000, 150_000)] == ["LV", "HV", "EHV"]
    assert vocab.material({"buismateriaalType": "…/PipeMaterialTypeIMKLValue/asbestos-cement"}) \
        == "asbestos cement"
    pipe = lambda product: Feature("OilGasChemicalsPipe", "", "p", {  # noqa: E731
        "oilGasChemicalsProductType": f"http://inspire.ec.europa.eu/codelist/x/{product}"})
    assert _utility(pipe("naturalGas"), None, "gas")[0] == "gas"
    assert _utility(pipe("crudeOil"), None, "gas")[0] == "hazardous_pipeline"


def test_imkl_without_srsname_is_read_as_rd_new(rd_register, tmp_path):
    text = re.sub(r' srsName="[^"]*"', "", AREA_B.read_text(encoding="utf-8"))
    bare = tmp_path / "GI_gebiedsinformatielevering_bare.xml"
    bare.write_text(text, encoding="utf-8")
    (r,) = import_delivery(rd_register, bare)
    assert r.source_crs == "EPSG:28992" and r.imported == 4
    assert any("read as EPSG:28992 (RD New)" in w for w in r.warnings)
    assert _assets(rd_register).loc["KL1001:KL1001.MOF_OOST", "geometry"].equals(
        shapely.Point(157100, 463050))
