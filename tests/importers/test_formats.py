"""One canonical source written in every format owners deliver, imported, compared with the source."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely

from importers import ImportJob, inspect, propose_profile
from importers.sources import open_source

from .conftest import N_LINES, canonical_lines, gas_profile


def _shp(frame, d: Path) -> Path:
    pyogrio.write_dataframe(frame, d / "mains.shp", driver="ESRI Shapefile")
    return d / "mains.shp"


def _zip(frame, d: Path) -> Path:
    folder = d / "shp"
    folder.mkdir()
    _shp(frame, folder)
    with zipfile.ZipFile(d / "mains.zip", "w") as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"export/{f.name}")
    return d / "mains.zip"


def _csv_wkt(frame, d: Path) -> Path:
    p = d / "mains.csv"
    with open(p, "w", newline="") as fh:
        w = csv.writer(fh)
        cols = [c for c in frame.columns if c != "geometry"]
        w.writerow(cols + ["WKT"])
        for row, g in zip(frame[cols].itertuples(index=False), frame.geometry, strict=True):
            w.writerow(list(row) + [g.wkt])
    return p


def _csv_xy(frame, d: Path) -> Path:
    p = d / "chambers.csv"
    start = shapely.get_coordinates(frame.geometry.array)[::3]  # first vertex of each line
    with open(p, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["PIPE_ID", "DIAM_IN", "MATERIAL", "PRESSURE", "COVER_FT", "Easting", "Northing"])
        for row, (x, y) in zip(frame.drop(columns="geometry").itertuples(index=False), start, strict=True):
            w.writerow(list(row) + [repr(float(x)), repr(float(y))])
    return p


def _dxf(frame, d: Path) -> Path:
    """CAD drawings carry geometry and a CAD layer name, nothing else."""
    cad = frame[["geometry"]].assign(Layer="GAS-MAIN").set_crs(None, allow_override=True)
    pyogrio.write_dataframe(cad, d / "mains.dxf", driver="DXF")
    return d / "mains.dxf"


def _gdal(driver: str, name: str, crs: str | None = "EPSG:27700", **kw):
    def write(frame, d: Path) -> Path:
        f = frame if crs is None else frame.to_crs(crs)
        if crs is None:
            f = f.set_crs(None, allow_override=True)
        pyogrio.write_dataframe(f, d / name, driver=driver, **kw)
        return d / name
    return write


# format -> (writer, CRS stated by the user or None, position tolerance in metres, ids kept)
FORMATS = {
    "gpkg": (_gdal("GPKG", "mains.gpkg", layer="mains"), None, 1e-6, True),
    "shp": (_shp, None, 1e-6, True),
    "zipped-shp": (_zip, None, 1e-6, True),
    "geojson-wgs84": (_gdal("GeoJSON", "mains.geojson", "EPSG:4326"), None, 0.02, True),
    "gml": (_gdal("GML", "mains.gml", layer="mains"), None, 1e-6, True),
    "dxf": (_dxf, "EPSG:27700", 1e-6, False),
    "csv-wkt": (_csv_wkt, "EPSG:27700", 1e-6, True),
    "csv-xy": (_csv_xy, "EPSG:27700", 1e-6, True),
    "kml-wgs84": (_gdal("KML", "mains.kml", "EPSG:4326"), None, 0.02, True),
    "flatgeobuf": (_gdal("FlatGeobuf", "mains.fgb", layer="mains"), None, 1e-6, True),
    "filegdb": (_gdal("OpenFileGDB", "mains.gdb", layer="mains"), None, 1e-6, True),
    # MapInfo stores integer coordinates within the layer bounds: ~1 cm steps for BNG by default
    "mapinfo-tab": (_gdal("MapInfo File", "mains.tab", layer="mains"), None, 0.02, True),
}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_imports_the_same_assets(fmt, tmp_path, register):
    writer, assume, tol, ids_kept = FORMATS[fmt]
    src = canonical_lines()
    if fmt == "kml-wgs84":  # KML keeps a Name, not arbitrary ids: put the id there
        src = src.rename(columns={"PIPE_ID": "Name"})
    path = writer(src, tmp_path)
    profile = gas_profile()
    if fmt == "kml-wgs84":
        profile.fields["asset_id"].source = "Name"
    if fmt == "dxf":  # CAD keeps geometry and layer only
        profile.fields = {}
    (report,) = ImportJob(register, path, owner="GAS", profile=profile, assume_crs=assume).run()
    assert report.status == "imported", report
    assert report.rejected == 0 and report.imported == N_LINES
    got = register.read_assets()
    assert len(got) == N_LINES
    expected = src.to_crs("EPSG:27700")
    if fmt == "csv-xy":
        pts = shapely.get_coordinates(expected.geometry.array)[::3]
        expected = expected.set_geometry(shapely.points(pts))
    if ids_kept:
        key = "Name" if fmt == "kml-wgs84" else "PIPE_ID"
        got = got.set_index(got["asset_id"].str.removeprefix("GAS:")).loc[expected[key]]
        dist = shapely.hausdorff_distance(got.geometry.array, expected.geometry.array)
        assert dist.max() <= tol, (fmt, dist.max())
        if fmt not in ("kml-wgs84", "dxf"):
            np.testing.assert_allclose(got["diameter_mm"], expected["DIAM_IN"] * 25.4)
            np.testing.assert_allclose(got["depth_m"], expected["COVER_FT"] * 0.3048, rtol=1e-9)
            assert list(got["material"]) == ["PE", "CI", "steel", "PE", "XX", "CI"] * 2
            assert list(got["pressure"]) == list(expected["PRESSURE"])
    else:  # no ids: every source line is matched by exactly one imported line
        d = shapely.hausdorff_distance(np.asarray(got.geometry.array)[:, None],
                                       np.asarray(expected.geometry.array)[None, :])
        assert (d.min(axis=0) <= tol).all() and (d.min(axis=1) <= tol).all()
    if fmt == "geojson-wgs84":
        # OSTN15 ships with the package: ±1 m, not the ±2 m Helmert used without the grid
        assert report.accuracy_m == pytest.approx(1.0) and "OSTN15" in report.transformation
        assert set(register.read_assets(columns=["crs_accuracy_m"])["crs_accuracy_m"]) == {1.0}


def test_gml_leaves_no_sidecar_next_to_the_users_file(tmp_path, register):
    path = _gdal("GML", "mains.gml", layer="mains")(canonical_lines(), tmp_path)
    (tmp_path / "mains.xsd").unlink()  # without a schema GDAL would normally write mains.gfs
    before = sorted(p.name for p in tmp_path.iterdir())
    info = inspect(path)
    assert [layer.name for layer in info.layers] == ["mains"]
    ImportJob(register, path, owner="GAS", profile=gas_profile()).run()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_zip_with_many_shapefiles_lists_every_layer(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    frame = canonical_lines()
    pyogrio.write_dataframe(frame, folder / "mains.shp")
    pyogrio.write_dataframe(frame.iloc[:3], folder / "services.shp")
    archive = shutil.make_archive(str(tmp_path / "delivery"), "zip", folder)
    src = open_source(archive)
    assert sorted(src.layer_names()) == ["mains", "services"]
    counts = {layer.name: layer.features for layer in inspect(archive).layers}
    assert counts == {"mains": N_LINES, "services": 3}


def test_inspire_utility_network_gml(tmp_path, register):
    """INSPIRE US ElectricityCable features (nested ids, code-list hrefs, voltages with uom)."""
    path = tmp_path / "cables.gml"
    shutil.copyfile(Path(__file__).with_name("data") / "inspire_electricity_cables.gml", path)
    profile = propose_profile(path, utility="electricity")
    fields = profile.fields
    assert fields["asset_id"].source == "localId"
    assert fields["status"].source == "currentStatus_href"
    assert fields["voltage"].source == "operatingVoltage" and fields["voltage"].unit == "v"
    (report,) = ImportJob(register, path, owner="MPN", profile=profile).run()
    assert report.imported == 2 and report.source_crs == "EPSG:27700"
    got = register.read_assets().set_index("asset_id")
    assert got.loc["MPN:HV-0001", "voltage"] == "HV" and got.loc["MPN:LV-0002", "voltage"] == "LV"
    assert got.loc["MPN:HV-0001", "status"] == "in_service"
    assert got.loc["MPN:LV-0002", "status"] == "disused"
    assert got.loc["MPN:LV-0002", "asset_class"] == "cable"
    assert not any(p.suffix == ".gfs" for p in tmp_path.iterdir())


KML_WITH_SCHEMA = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Schema name="svc" id="svc"><SimpleField name="Owner" type="string"/>
<SimpleField name="Pressure" type="string"/><SimpleField name="Depth" type="string"/></Schema>
<Folder><name>Gas mains</name>
<Placemark><name>GM-1</name><ExtendedData><SchemaData schemaUrl="#svc">
<SimpleData name="Owner">SGN</SimpleData><SimpleData name="Pressure">7 bar</SimpleData>
<SimpleData name="Depth">1.1</SimpleData></SchemaData></ExtendedData>
<LineString><coordinates>-0.12760,51.50720,0 -0.12700,51.50720,0</coordinates></LineString>
</Placemark></Folder></Document></kml>
"""


@pytest.mark.parametrize("member", ["doc.kml", "files/site.kml"])
def test_a_kmz_keeps_its_placemarks_attributes(tmp_path, register, member):
    """A KMZ (Google Earth's zipped KML) read as such by GDAL lost every ExtendedData field
    (owner, pressure, depth): the gas main came in with no pressure. Its KML is read inside the
    zip, as the same KML file unzipped is: the 7 bar main is IP at 1.1 m."""
    kmz = tmp_path / "site.kmz"
    with zipfile.ZipFile(kmz, "w") as z:
        z.writestr(member, KML_WITH_SCHEMA)
        z.writestr("files/icon.png", b"\x89PNG\r\n")
    assert {"Owner", "Pressure", "Depth"} <= set(inspect(kmz).layers[0].fields)
    (report,) = ImportJob(register, kmz, owner="SGN").run()
    assert report.imported == 1
    got = register.read_assets().iloc[0]
    assert (got.utility, got.pressure, got.pressure_bar, got.depth_m) == ("gas", "IP", 7.0, 1.1)


@pytest.mark.parametrize("x, y", [("Easting (m)", "Northing (m)"), ("X_RD", "Y_RD"),
                                  ("x-coordinaat", "y-coordinaat"), ("EASTING_M", "NORTHING_M"),
                                  ("Rechtswert", "Hochwert"), ("X [m]", "Y [m]")])
def test_csv_coordinate_columns_named_with_units_or_in_dutch_and_german(tmp_path, register, x, y):
    """Survey spreadsheets name their coordinate columns 'Easting (m)', 'X_RD',
    'x-coordinaat', 'Rechtswert': the CSV was refused as having no geometry column."""
    path = tmp_path / "valves.csv"
    path.write_text(f'id;utility;"{x}";"{y}"\nV1;gas;530000.5;180000.25\nV2;water;530010;180010\n',
                    encoding="utf-8-sig")
    (report,) = ImportJob(register, path, owner="SUR", assume_crs="EPSG:27700").run()
    assert report.imported == 2
    got = register.read_assets().set_index("asset_id")
    assert got.loc["SUR:V1", "geometry"].equals(shapely.Point(530000.5, 180000.25))


def test_a_geojsons_nested_properties_are_mapped(tmp_path, register):
    """A web service's GeoJSON nests the attributes ("asset": {"utility": "gas", "pressure":
    "7 bar", "depth": 1.2}): they came in as one JSON text field and the import stopped
    asking for --utility. Nested members are fields of their own ('asset.pressure'), mapped."""
    path = tmp_path / "nested.geojson"
    path.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                    '{"id":"A","asset":{"utility":"gas","pressure":"7 bar","depth":1.2}},'
                    '"geometry":{"type":"LineString","coordinates":[[-0.1276,51.5072],'
                    '[-0.1270,51.5072]]}}]}', encoding="utf-8")
    assert {"asset.utility", "asset.pressure", "asset.depth"} <= set(inspect(path).layers[0].fields)
    (report,) = ImportJob(register, path, owner="SGN").run()
    assert report.imported == 1
    got = register.read_assets().iloc[0]
    assert (got.asset_id, got.utility, got.pressure, got.pressure_bar, got.depth_m) == (
        "SGN:A", "gas", "IP", 7.0, 1.2)
