"""What a user with real deliveries ran into: KML attributes held only as HTML in the
placemarks' descriptions (ArcGIS "Layer to KML", Google Earth), layers mixing points, lines
and polygons, the pressure of KLIC oil pipelines, and layers the owner renamed between
deliveries. Each fixture is written here in the shape those exports have."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from asset_register.check import Checker, DigSite
from asset_register.cli.main import main
from asset_register.errors import ImportError_
from asset_register.store import create_register, open_register
from importers import ImportJob, propose_profile
from importers.imkl import import_delivery
from importers.kml_fields import parse_description

from .conftest import canonical_lines

IMKL = Path(__file__).with_name("data") / "imkl" / "GI_gebiedsinformatielevering_26G000101_1.xml"

# ArcGIS "Layer to KML": a title row, then a nested two-column table; <Null> for empty values
ARCGIS = """<html xmlns:fo="http://www.w3.org/1999/XSL/Format"><head><META http-equiv="Content-Type"
content="text/html"><script>window.location='http://example.invalid/'</script></head>
<body style="margin:0px 0px 0px 0px;overflow:auto;background:#FFFFFF;">
<table style="font-family:Arial,Verdana,Times;font-size:12px;text-align:left;width:100%">
<tr style="text-align:center;font-weight:bold;background:#9CBCE2"><td>{title}</td></tr>
<tr><td><table style="font-family:Arial,Verdana,Times;font-size:12px;text-align:left">
<tr><td>MAIN_ID</td><td>{id}</td></tr>
<tr bgcolor="#D4E4F3"><td>OWNER</td><td>{owner}</td></tr>
<tr><td>PRESSURE</td><td>{pressure}</td></tr>
<tr bgcolor="#D4E4F3"><td>DIAM_MM</td><td>{diam}</td></tr>
<tr><td>MATERIAL</td><td>{material}</td></tr>
<tr bgcolor="#D4E4F3"><td>REMARKS</td><td>&lt;Null&gt;</td></tr>
</table></td></tr></table><img src="http://example.invalid/logo.png"></body></html>"""


def _placemark(name: str, description: str, coords: str, kind: str = "LineString") -> str:
    return (f"<Placemark><name>{name}</name><description><![CDATA[{description}]]></description>"
            f"<{kind}><coordinates>{coords}</coordinates></{kind}></Placemark>")


def _kml(path: Path, placemarks: list[str], folder: str = "GasMains") -> Path:
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/'
                    f'kml/2.2"><Document><Folder><name>{folder}</name>{"".join(placemarks)}'
                    "</Folder></Document></kml>\n", encoding="utf-8")
    return path


def _line(i: int) -> str:  # in London, a few metres apart
    return f"-0.1,{51.5 + i * 0.0001:.4f},0 -0.0995,{51.5 + i * 0.0001:.4f},0"


def _arcgis_kml(tmp_path, owners=("Southern Gas &amp; Co",) * 3) -> Path:
    rows = [("GM-1", "7 bar", "180", "PE&nbsp;100"), ("GM-2", "75 mbar", "90", "PE"),
            ("GM-3", "&lt;Null&gt;", "250", "CI")]
    return _kml(tmp_path / "gas.kml", [
        _placemark(f"main {i}", ARCGIS.format(title="gas_mains", id=r[0], owner=o,
                                             pressure=r[1], diam=r[2], material=r[3]), _line(i))
        for i, (r, o) in enumerate(zip(rows, owners, strict=True))])


def test_kml_html_table_attributes_are_read_and_mapped(tmp_path):
    """Before: the owner's fields were one HTML blob in 'description', ids came from the
    placemark names and the pressure, size and material were lost to the mapping."""
    src = _arcgis_kml(tmp_path)
    reg = tmp_path / "r.gpkg"
    create_register(reg, crs="EPSG:27700").close()
    assert main(["import", str(reg), str(src), "--owner", "SGD", "--utility", "gas"]) == 0
    with open_register(reg) as store:
        live = store.read_assets().set_index("asset_id").sort_index()
    assert list(live.index) == ["SGD:GM-1", "SGD:GM-2", "SGD:GM-3"]
    assert live["pressure_bar"].tolist()[:2] == [7.0, 0.075]
    assert live.loc["SGD:GM-3", "pressure"] is None or live["pressure"].isna()["SGD:GM-3"]
    assert live["diameter_mm"].tolist() == [180.0, 90.0, 250.0]
    attrs = json.loads(live.loc["SGD:GM-1", "attrs"])
    assert attrs["OWNER"] == "Southern Gas & Co"  # entities decoded
    assert attrs["MATERIAL"] == "PE 100" and attrs["REMARKS"] is None  # &nbsp;, <Null>
    assert attrs["description"].startswith("<html")  # the title row: the original is kept
    assert "example.invalid" not in json.dumps({k: v for k, v in attrs.items()
                                                if k != "description"})


def test_kml_description_owners_are_never_lumped_under_one_owner(tmp_path):
    src = _arcgis_kml(tmp_path, owners=("Southern Gas", "Northern Gas", "Southern Gas"))
    with create_register(tmp_path / "r.gpkg", crs="EPSG:27700") as store:
        with pytest.raises(ImportError_, match="'OWNER' column names 2 owners"):
            ImportJob(store, src, owner="SGD", utility="gas").run()
        assert store.asset_count() == 0


def test_kml_name_value_lines_and_malformed_html(tmp_path):
    src = _kml(tmp_path / "ducts.kml", [
        _placemark("a", "DUCT_ID: D-1<br>Owner: Open Fibre<br/>Depth (m): 0,6<br>"
                   "Plan: http://example.invalid/p.pdf", _line(0)),
        _placemark("b", "DUCT_ID: D-2<br>Owner: Open Fibre<br>Depth (m): 0.45", _line(1)),
        _placemark("c", "<table><tr><td>DUCT_ID<td>D-3<tr><td>Owner</td><td>Open Fibre"
                   "</table><b>unclosed <i", _line(2)),
        _placemark("d", "<p>Just a note, <b>no fields</p>", _line(3)),
    ], folder="ducts")
    with create_register(tmp_path / "r.gpkg", crs="EPSG:27700") as store:
        (report,) = ImportJob(store, src, owner="OFL", utility="telecoms").run()
        live = store.read_assets().set_index("asset_id").sort_index()
    assert report.imported == 4 and report.rejected == 0
    assert any("attributes read from the placemarks' HTML descriptions" in w
               for w in report.warnings)
    # DUCT_ID is empty on the last placemark: the ids are the placemarks' names
    assert list(live.index) == ["OFL:a", "OFL:b", "OFL:c", "OFL:d"]
    attrs = {i: json.loads(live.loc[i, "attrs"]) for i in live.index}
    assert [attrs[i]["DUCT_ID"] for i in live.index] == ["D-1", "D-2", "D-3", None]
    assert attrs["OFL:a"]["Plan"] == "http://example.invalid/p.pdf"
    assert attrs["OFL:a"]["description"] is None  # every line of it is a field
    assert attrs["OFL:c"]["Owner"] == "Open Fibre"  # unclosed cells and tags
    assert live["depth_m"].tolist()[:2] == [pytest.approx(0.6), pytest.approx(0.45)]
    assert attrs["OFL:d"]["description"] == "<p>Just a note, <b>no fields</p>"  # kept whole


@pytest.mark.parametrize("text, fields, whole", [
    ("<table><tr><th>Field Name</th><th>Field Value</th></tr><tr><td>A</td><td>1 &amp; 2"
     "</td></tr></table>", {"A": "1 & 2"}, True),
    ("<script>A: 1</script>B: 2", {"B": "2"}, True),
    ("<<<>>></td></tr></table>", {}, False),
    ("see http://example.invalid/x", {}, False),
    ("", {}, False),
])
def test_description_parsing(text, fields, whole):
    assert parse_description(text) == (fields, whole)


def test_a_mixed_geometry_layer_keeps_each_features_kind(tmp_path):
    """Before: every feature of a layer of points, lines and polygons became 'other' (the
    dig check then gave the water main the class of an unknown thing)."""
    frame = gpd.GeoDataFrame({"id": ["W1", "W2", "W3", "W4", "E1"],
                              "network": ["water"] * 4 + ["electricity"]}, geometry=[
        shapely.LineString([(530000, 180000), (530010, 180000)]),
        shapely.Point(530005, 180005),
        shapely.box(530000, 180010, 530010, 180020),
        shapely.MultiLineString([[(530000, 180030), (530010, 180030)]]),
        shapely.LineString([(530000, 180040), (530010, 180040)])], crs="EPSG:27700")
    path = tmp_path / "mixed.geojson"
    frame.to_file(path, driver="GeoJSON")
    profile = propose_profile(path)
    assert profile.constants["asset_class"] == "by_geometry"
    with create_register(tmp_path / "r.gpkg", crs="EPSG:27700") as store:
        ImportJob(store, path, owner="RVW").run()
        live = store.read_assets().set_index("asset_id")["asset_class"].to_dict()
    assert live == {"RVW:W1": "pipe", "RVW:W2": "other", "RVW:W3": "precaution_zone",
                    "RVW:W4": "pipe", "RVW:E1": "cable"}


def test_by_geometry_fills_only_what_a_class_field_leaves_empty(tmp_path):
    frame = gpd.GeoDataFrame({"id": ["A", "B"], "kind": ["valve", None]}, geometry=[
        shapely.Point(530000, 180000), shapely.LineString([(530000, 180001), (530009, 180001)])],
        crs="EPSG:27700")
    path = tmp_path / "net.gpkg"
    frame.to_file(path, layer="net")
    prof = tmp_path / "p.toml"
    prof.write_text('format = 1\n[constants]\nutility = "water"\nasset_class = "by_geometry"\n'
                    '[fields.asset_id]\nsource = "id"\n[fields.asset_class]\nsource = "kind"\n',
                    encoding="utf-8")
    reg = tmp_path / "r.gpkg"
    create_register(reg, crs="EPSG:27700").close()
    assert main(["import", str(reg), str(path), "--owner", "W", "--profile", str(prof)]) == 0
    with open_register(reg) as store:
        live = store.read_assets().set_index("asset_id")["asset_class"].to_dict()
    assert live == {"W:A": "valve", "W:B": "pipe"}


def test_klic_oil_pipeline_keeps_its_pressure_and_stays_high_risk(tmp_path):
    """Before: a crude-oil pipe's 8 bar was only in its attributes, never in pressure_bar."""
    text = IMKL.read_text(encoding="utf-8")
    block = re.search(r'(?s)<imkl:OlieGasChemicalienPijpleiding gml:id="nl\.imkl-KL2002\.ghd_406">'
                      r".*?</imkl:OlieGasChemicalienPijpleiding>", text).group(0)
    oil = block.replace("OilGasChemicalsProductTypeValue/naturalGas",
                        "OilGasChemicalsProductTypeValue/crudeOil")
    net = re.search(r'(?s)<imkl:Utiliteitsnet gml:id="nl\.imkl-KL2002\.net_ghd">.*?'
                    r"</imkl:Utiliteitsnet>", text).group(0)
    path = tmp_path / "GI_gebiedsinformatielevering_26G000101_1.xml"
    path.write_text(text.replace(block, oil).replace(
        net, net.replace("Thema/gasHogeDruk", "Thema/buisleidingGevaarlijkeInhoud")),
        encoding="utf-8")
    with create_register(tmp_path / "nl.gpkg", crs="EPSG:28992") as store:
        import_delivery(store, path)
        live = store.read_assets().set_index("asset_id")
        pipe = live[live["attrs"].str.contains("ghd_406")].iloc[0]
        assert pipe["utility"] == "hazardous_pipeline"
        assert pipe["pressure_bar"] == 8.0 and pipe["pressure"] == "HP"
        site = shapely.Point(*shapely.get_coordinates(pipe.geometry)[0]).buffer(0.5)
        with Checker(store) as checker:
            result = checker.check(DigSite(site))
    c = result.conflicts.set_index("asset_id").loc[pipe.name]
    assert c["severity"] == "strike" and bool(c["contact_owner"])
    assert c["pressure_bar"] == 8.0


def test_generic_oil_pipeline_layer_keeps_its_pressure(tmp_path):
    frame = gpd.GeoDataFrame({"id": ["O1", "G1"], "product": ["crude oil", "natural gas"],
                              "pressure_bar": [40.0, 4.0]}, geometry=[
        shapely.LineString([(530000, 180000), (530010, 180000)]),
        shapely.LineString([(530000, 180005), (530010, 180005)])], crs="EPSG:27700")
    path = tmp_path / "pipelines.gpkg"
    frame.to_file(path, layer="OilGasChemicalsPipe")
    with create_register(tmp_path / "r.gpkg", crs="EPSG:27700") as store:
        ImportJob(store, path, owner="PL").run()
        live = store.read_assets().set_index("asset_id")
    assert live.loc["PL:O1", "utility"] == "hazardous_pipeline"
    assert live.loc["PL:O1", "pressure_bar"] == 40.0 and live.loc["PL:G1", "pressure"] == "IP"


def _gas(tmp_path, name: str, layer: str, rows=slice(None), ids=True) -> Path:
    frame = canonical_lines().iloc[rows]
    if not ids:
        frame = frame.drop(columns="PIPE_ID")
    path = tmp_path / name
    frame.to_file(path, layer=layer)
    return path


def renamed_re_delivery(store, tmp_path, ids: bool):
    """The gas mains delivered as ``gas_mains``, then ten of them from another file as
    ``Gas Mains 2026``: the second report, checked to be a re-delivery of the first."""
    ImportJob(store, _gas(tmp_path, "a.gpkg", "gas_mains", ids=ids), owner="SGD",
              utility="gas").run()
    (report,) = ImportJob(store, _gas(tmp_path, "b.gpkg", "Gas Mains 2026", slice(0, 10),
                                      ids=ids), owner="SGD", utility="gas").run()
    assert report.delivery == "SGD:gas_mains"
    assert (report.added, report.unchanged, report.retired) == (0, 10, 2)
    assert store.asset_count() == 10
    return report


@pytest.mark.parametrize("ids", [True, False], ids=["source ids", "generated ids"])
def test_a_renamed_layer_is_a_re_delivery_not_a_second_copy(tmp_path, ids):
    """Before: with its own ids the renamed layer left the two pipes it dropped live for
    ever (still in the old delivery); with generated ids every pipe was in twice."""
    with create_register(tmp_path / "r.gpkg", crs="EPSG:27700") as store:
        report = renamed_re_delivery(store, tmp_path, ids)
        assert any("under a new name" in w for w in report.warnings)
        # the next delivery under the new name goes on with the same delivery
        (again,) = ImportJob(store, _gas(tmp_path, "c.gpkg", "Gas Mains 2026", slice(0, 9),
                                         ids=ids), owner="SGD", utility="gas").run()
        assert (again.delivery, again.retired, store.asset_count()) == ("SGD:gas_mains", 1, 9)


def _renumbered(tmp_path, layer: str, prefix: str, dy: float = 0.0) -> Path:
    """The canonical lines under ids of their own (moved ``dy`` metres north)."""
    frame = canonical_lines()
    frame["PIPE_ID"] = [f"{prefix}{i}" for i in range(len(frame))]
    frame["geometry"] = frame.geometry.translate(0, dy)
    path = tmp_path / f"{prefix}.gpkg"
    frame.to_file(path, layer=layer)
    return path


def test_a_new_layer_of_other_assets_is_its_own_delivery(tmp_path):
    with create_register(tmp_path / "r.gpkg", crs="EPSG:27700") as store:
        ImportJob(store, _gas(tmp_path, "a.gpkg", "gas_mains"), owner="SGD", utility="gas").run()
        services = _renumbered(tmp_path, "gas_services", "S", dy=5)
        (report,) = ImportJob(store, services, owner="SGD", utility="gas").run()
        assert report.delivery == "SGD:gas_services" and report.added == len(canonical_lines())
        assert store.asset_count() == 2 * len(canonical_lines())
        assert not [w for w in report.warnings if "under other ids" in w]


def test_layer_scoped_ids_of_another_layer_are_not_taken_for_a_rename(tmp_path):
    """Ids scoped by layer repeat across layers (mains/1, services/1): a later file's
    services are their own delivery, however their numbers match the mains'."""
    prof = tmp_path / "p.toml"
    prof.write_text('format = 1\n[source]\nid_scope = "layer"\n[constants]\nutility = "gas"\n'
                    'asset_class = "pipe"\n[fields.asset_id]\nsource = "PIPE_ID"\n',
                    encoding="utf-8")
    from importers.profiles import load_profile

    profile = load_profile(prof)
    with create_register(tmp_path / "r.gpkg", crs="EPSG:27700") as store:
        ImportJob(store, _gas(tmp_path, "a.gpkg", "mains"), owner="SGD", profile=profile).run()
        services = canonical_lines()
        services["geometry"] = services.geometry.translate(0, 5)
        services.to_file(tmp_path / "s.gpkg", layer="services")
        (report,) = ImportJob(store, tmp_path / "s.gpkg", owner="SGD", profile=profile).run()
        assert report.delivery == "SGD:services" and report.added == len(services)
        assert store.asset_count() == 2 * len(services)


def test_inspect_lists_the_description_fields_for_the_mapping_page(tmp_path):
    """The import wizard's mapping table offers the fields ``inspect`` lists: before, its
    source field boxes said '—' while the preview showed the mapped values."""
    from importers import inspect

    (layer,) = inspect(_arcgis_kml(tmp_path)).layers
    assert {"MAIN_ID", "OWNER", "PRESSURE", "DIAM_MM", "MATERIAL", "REMARKS"} <= set(layer.fields)


def test_a_renamed_and_renumbered_layer_is_named_as_a_second_copy(tmp_path):
    """New ids on the same pipes cannot be taken for the old ones; the report says the
    register now holds both, instead of adding them in silence."""
    with create_register(tmp_path / "r.gpkg", crs="EPSG:27700") as store:
        ImportJob(store, _gas(tmp_path, "a.gpkg", "gas_mains"), owner="SGD", utility="gas").run()
        renumbered = _renumbered(tmp_path, "mains_v2", "X")
        (report,) = ImportJob(store, renumbered, owner="SGD", utility="gas").run()
        assert report.delivery == "SGD:mains_v2" and report.added == len(canonical_lines())
        (note,) = [w for w in report.warnings if "under other ids" in w]
        assert "delivery SGD:gas_mains" in note and "12 of 12" in note
