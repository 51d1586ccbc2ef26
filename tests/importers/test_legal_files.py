"""Legal files that once gave tracebacks: each gets an import or a one-line reason naming the
layer, and the register holds exactly what it should."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from asset_register.errors import ImportError_
from importers import ImportJob
from importers.api import inspect
from importers.profiles import FieldRule, Profile

from .legal_fixtures import (
    FOOTPRINT_AREAS,
    GML_WITH_ATTRIBUTE_LAYER,
    X,
    Y,
    empty_gpkg,
    geometry_typed_gpkg,
    multipatch_shapefile,
    raster_gpkg,
)


def _profile(id_field: str | None = None) -> Profile:
    fields = {"asset_id": FieldRule(source=id_field)} if id_field else {}
    return Profile(name="legal", constants={"utility": "sewer", "asset_class": "chamber"}, fields=fields)


def _import(store, path, owner="OWN", id_field=None, **kw):
    return ImportJob(store, path, owner=owner, profile=_profile(id_field), **kw).run()


def test_multipatch_shapefile_imports_footprints_and_rejects_walls(tmp_path, register):
    path = multipatch_shapefile(tmp_path / "chambers.shp")
    (report,) = _import(register, path, id_field="CHAMBER_ID")
    assert report.status == "imported" and report.rows_read == 4
    assert report.imported == 3 and report.rejected == 1
    assert any("MultiPatch/TIN" in w and "footprint" in w for w in report.warnings)
    got = register.read_assets().set_index("asset_id")
    assert sorted(got.index) == ["OWN:MH1", "OWN:MH3", "OWN:MH4"]
    for n, area in FOOTPRINT_AREAS.items():
        geom = got.geometry[f"OWN:MH{n}"]
        assert geom.geom_type in ("Polygon", "MultiPolygon") and geom.area == pytest.approx(area)
    fan = got.geometry["OWN:MH3"]
    assert shapely.equals(shapely.force_2d(fan), shapely.box(X + 20, Y + 20, X + 25, Y + 25))
    rejects = register.rejects()
    assert list(rejects["row"]) == [2]
    assert "no footprint" in rejects["reason"].iloc[0] and "vertical" in rejects["reason"].iloc[0]
    assert json.loads(rejects["attrs"].iloc[0]) == {"CHAMBER_ID": "MH2"}


def test_inspect_of_a_folder_holding_a_multipatch_shapefile(tmp_path):
    folder = tmp_path / "delivery"
    folder.mkdir()
    multipatch_shapefile(folder / "chambers.shp")
    lines = gpd.GeoDataFrame({"PIPE": ["P1"]}, geometry=[shapely.LineString([(X, Y), (X + 9, Y)])], crs=27700)
    pyogrio.write_dataframe(lines, folder / "pipes.shp")
    info = inspect(folder)
    by_name = {layer.name: layer for layer in info.layers}
    assert set(by_name) == {"chambers", "pipes"}
    assert by_name["chambers"].features == 4 and by_name["chambers"].fields == ["CHAMBER_ID"]
    assert by_name["chambers"].warnings == [] and by_name["pipes"].warnings == []


def test_shapefile_without_dbf_or_prj_imports_geometry_only(tmp_path, register):
    path = multipatch_shapefile(tmp_path / "bare.shp", with_dbf=False, prj=False)
    assert not path.with_suffix(".dbf").exists()
    (layer,) = inspect(path).layers
    assert layer.fields == [] and "no coordinate reference system" in layer.warnings[0]
    (report,) = _import(register, path, assume_crs="EPSG:27700")
    assert report.imported == 3 and report.rejected == 1
    assert register.asset_count() == 3
    assert register.rejects()["attrs"].tolist() == ["{}"]


def test_geometry_typed_and_z_flagged_geopackage_tables(tmp_path, register):
    path = geometry_typed_gpkg(tmp_path / "typed.gpkg")
    # --layer naming a good table, behind a GEOMETRY-typed first table
    (mains,) = _import(register, path, owner="M", id_field="ID", layers=["mains"])
    assert mains.imported == 2
    got = register.read_assets().set_index("asset_id")
    assert sorted(got.index) == ["M:m1", "M:m2"] and shapely.has_z(got.geometry.array).all()
    (z,) = _import(register, path, owner="Z", id_field="ID", layers=["zflagged"])
    assert z.imported == 2 and z.rejected == 0
    (anything,) = _import(register, path, owner="A", id_field="ID", layers=["anything"])
    assert anything.rows_read == 7 and anything.imported == 5 and anything.rejected == 2
    got = register.read_assets().set_index("asset_id")
    kinds = {i: g.geom_type for i, g in got.geometry.items() if i.startswith("A:")}
    assert kinds == {"A:g0": "Point", "A:g1": "LineString", "A:g2": "Polygon",
                     "A:g3": "LineString",  # the CircularString, linearised
                     "A:g6": "Polygon"}  # the TIN, as its footprint
    assert got.geometry["A:g1"].has_z and got.geometry["A:g6"].area == pytest.approx(50.0)
    arc = got.geometry["A:g3"]
    assert np.allclose(arc.coords[0][:2], (X, Y)) and np.allclose(arc.coords[-1][:2], (X + 20, Y))
    reasons = register.rejects().set_index("row")["reason"]
    assert reasons[5] == "empty geometry" and reasons[6] == "no geometry (null)"


def test_all_layers_skips_attribute_only_tables_with_a_note(tmp_path, register):
    path = geometry_typed_gpkg(tmp_path / "typed.gpkg")
    reports = _import(register, path, owner="ALL", id_field="ID", all_layers=True)
    status = {r.layer: r.status for r in reports}
    assert status == {"anything": "imported", "zflagged": "imported", "mains": "imported", "notes": "skipped"}
    note = next(r for r in reports if r.layer == "notes").warnings
    assert note == ["layer 'notes' is attribute-only (no geometry column): not importable as assets; skipped"]
    assert register.asset_count() == 5 + 2 + 2


def test_gml_with_attribute_only_feature_types(tmp_path, register):
    path = tmp_path / "net.gml"
    path.write_text(GML_WITH_ATTRIBUTE_LAYER, encoding="utf-8")
    layers = {layer.name: layer for layer in inspect(path).layers}
    assert "attribute-only" in layers["Operator"].warnings[0] and layers["Cable"].warnings == []
    reports = _import(register, path, owner="NET", id_field="cableId", all_layers=True)
    assert [(r.layer, r.status) for r in reports] == [("Operator", "skipped"), ("Cable", "imported")]
    assert sorted(register.read_assets()["asset_id"]) == ["NET:C1", "NET:C2"]
    assert not list(tmp_path.glob("*.gfs"))


def test_geometry_only_layer_with_null_geometries(tmp_path, register):
    path = tmp_path / "geomonly.gpkg"
    frame = gpd.GeoDataFrame(geometry=[None, shapely.Point(X, Y), None,
                                       shapely.LineString([(X, Y), (X + 10, Y)])], crs="EPSG:27700")
    pyogrio.write_dataframe(frame, path, layer="pts")
    assert pyogrio.read_info(path)["fields"].tolist() == []
    (report,) = _import(register, path)
    assert report.imported == 2 and report.rejected == 2
    rejects = register.rejects()
    assert list(rejects["row"]) == [1, 3] and set(rejects["reason"]) == {"no geometry (null)"}
    assert set(rejects["attrs"]) == {"{}"}
    got = register.read_assets()
    assert sorted(got.geometry.geom_type) == ["LineString", "Point"]


@pytest.mark.parametrize(("make", "reason"), [
    (empty_gpkg, "is an empty GeoPackage: it holds no vector layers"),
    (raster_gpkg, "holds no vector layers (a GeoPackage of 1 tiles table only)"),
])
def test_geopackages_without_vector_layers_get_a_one_line_reason(tmp_path, register, make, reason):
    path = make(tmp_path / "nothing.gpkg")
    for call in (lambda: inspect(path), lambda: _import(register, path)):
        with pytest.raises(ImportError_) as exc:
            call()
        message = str(exc.value)
        assert reason in message and "corrupt" not in message and "\n" not in message
    assert register.asset_count() == 0 and register.batches().empty


def test_a_row_with_an_unreadable_geometry_blob_is_rejected_or_named(tmp_path, register):
    import sqlite3

    path = tmp_path / "blob.gpkg"
    frame = gpd.GeoDataFrame({"ID": ["b1", "b2"]}, geometry=[shapely.Point(X, Y), shapely.Point(X + 1, Y)],
                             crs="EPSG:27700")
    pyogrio.write_dataframe(frame, path, layer="pts", layer_options={"SPATIAL_INDEX": "NO"})
    with sqlite3.connect(path) as con:  # a GeoPackage header followed by WKB of an unknown type
        con.execute("UPDATE pts SET geom = ? WHERE ID = 'b2'",
                    (b"GP\x00\x01" + (27700).to_bytes(4, "little") + b"\x01\x63\x00\x00\x00\x00\x00",))
    (report,) = _import(register, path, id_field="ID")  # GDAL hands the bad blob over as null
    assert report.imported == 1 and report.rejected == 1
    assert list(register.read_assets()["asset_id"]) == ["OWN:b1"]
    assert json.loads(register.rejects()["attrs"].iloc[0]) == {"ID": "b2"}


def test_library_errors_become_one_line_naming_the_layer(tmp_path, register, monkeypatch):
    import importers.mapping as mapping

    path = tmp_path / "ok.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"ID": ["a"]}, geometry=[shapely.Point(X, Y)], crs=27700), path,
                            layer="pts")

    def broken(*args, **kwargs):
        raise shapely.errors.GEOSException("IllegalArgumentException: something GEOS did not expect\ndetail")

    monkeypatch.setattr(mapping, "map_layer", broken)
    monkeypatch.setattr("importers.prepare.map_layer", broken)
    with pytest.raises(ImportError_) as exc:
        _import(register, path, id_field="ID")
    assert str(exc.value).startswith(f"layer 'pts' of {path} cannot be imported: IllegalArgumentException")
    assert "\n" not in str(exc.value) and register.asset_count() == 0


def test_gml_is_parsed_once_and_the_schema_cached_outside_the_users_folder(tmp_path, monkeypatch):
    from pathlib import Path

    folder = tmp_path / "delivery"
    folder.mkdir()
    path = folder / "net.gml"
    path.write_text(GML_WITH_ATTRIBUTE_LAYER, encoding="utf-8")
    opened = []
    for name in ("read_info", "read_arrow"):
        real = getattr(pyogrio, name)
        monkeypatch.setattr(pyogrio, name, lambda p, *a, _real=real, **k: opened.append(str(p)) or _real(p, *a, **k))
    info = inspect(path)
    assert [layer.name for layer in info.layers] == ["Operator", "Cable"]
    assert sorted(p.name for p in folder.iterdir()) == ["net.gml"]  # nothing written beside it
    # only the first probe opens the user's file; every later open uses the cached schema
    assert opened[0] == str(path) and len(opened) > 4
    cached = {p for p in opened[1:]}
    assert len(cached) == 1
    link = Path(cached.pop())
    assert link != path and link.name == "net.gml"
    assert not link.parent.exists()  # the cached copy went with the source inspect opened
    from importers.sources import open_source

    source = open_source(path)
    cache = Path(source.gdal_path).parent
    assert (cache / "net.gfs").is_file() and cache != folder
    del source
    import gc

    gc.collect()
    assert not cache.exists()


def test_gml_inside_a_zip_is_read_from_one_extracted_copy(tmp_path, register):
    import zipfile

    path = tmp_path / "Levering_123.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Levering_123/GI_gebiedsinformatielevering.xml", GML_WITH_ATTRIBUTE_LAYER)
        zf.writestr("Levering_123/Kaart.pdf", b"%PDF-1.4 not a map")
    from importers.sources import open_source

    source = open_source(path)
    assert source.driver == "GML" and not source.gdal_path.startswith("/vsizip/")
    assert source.gdal_path.endswith("GI_gebiedsinformatielevering.xml")
    # a schemaLocation naming a web address is never fetched
    assert source.open_options["DOWNLOAD_SCHEMA"] == "NO" and source.open_options["WRITE_GFS"] == "NO"
    assert source.layer_names() == ["Operator", "Cable"]
    reports = _import(register, path, owner="NET", id_field="cableId", all_layers=True)
    assert [(r.layer, r.status) for r in reports] == [("Operator", "skipped"), ("Cable", "imported")]
    batch = register.batches().iloc[0]
    assert batch["source_file"] == str(path.resolve())  # provenance names the delivery, not the copy
    assert sorted(register.read_assets()["asset_id"]) == ["NET:C1", "NET:C2"]


def test_geojson_id_property_that_gdal_also_takes_as_the_fid(tmp_path, register):
    """GDAL's own test file shape (ids 0, 1, null, 1, null): the "id" property is read as
    GDAL's FID and again as a field; it used to crash inspect and import with a KeyError."""
    points = [[-1.5 + i * 1e-4, 52.5] for i in range(5)]
    ids = [0, 1, None, 1, None]
    path = tmp_path / "ids.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": i, "seq": n},
         "geometry": {"type": "Point", "coordinates": p}}
        for n, (i, p) in enumerate(zip(ids, points, strict=True))]}), encoding="utf-8")
    layer, = inspect(path).layers
    assert (layer.features, layer.fields) == (5, ["id", "seq"])
    (report,) = _import(register, path)  # no id column: 'id' repeats, so ids are generated
    assert (report.imported, report.rejected) == (5, 0)
    attrs = [json.loads(a) for a in register.read_assets()["attrs"]]
    assert sorted((a["seq"], a["id"]) for a in attrs) == [
        (0, 0), (1, 1), (2, None), (3, 1), (4, None)]
