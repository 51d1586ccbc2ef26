"""A many-layer GeoPackage described through its own catalogue (SQLite) gives exactly what
GDAL gives, layer by layer; hostile catalogues end in a warning or a one-line error."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from asset_register.cli.main import main
from importers import delivery_checks, sources
from importers.api import inspect
from importers.readers import read_layer, sample_geometries
from importers.sources import LayerInfo, open_source

from . import gpkg_many


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("gpkg_many")
    good = gpkg_many.write(d / "many.gpkg")
    return good, gpkg_many.hostile(good, d / "hostile.gpkg")


def _gdal_calls(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = sources.Source._gdal_layer_info

    def counted(self, layer):
        calls.append(layer)
        return real(self, layer)

    monkeypatch.setattr(sources.Source, "_gdal_layer_info", counted)
    return calls


def test_layer_infos_are_gdals_and_gdal_opens_once_per_kind(files, monkeypatch):
    good, _ = files
    calls = _gdal_calls(monkeypatch)
    source = open_source(good)
    names = source.layer_names()
    fast = {n: source.layer_info(n) for n in names}
    # the 40 copies share one kind (srs 27700, POLYGON): GDAL named it once; pipes, valves
    # and the 3D chambers each once; the empty, unindexed and attribute layers have no
    # recorded extent (or no geometry) and are read through GDAL
    assert calls == ["layer_000", "pipes", "valves_wgs84", "chambers_z", "nothing_yet",
                     "unindexed", "notes"]
    for name in names:
        assert fast[name] == source._gdal_layer_info(name), name
    assert fast["pipes"] == LayerInfo(
        name="pipes", geometry_type="LineString", features=3,
        fields=["asset_id", "material", "diameter"], crs="EPSG:27700",
        bounds=(530396.0, 180998.0, 530430.0, 181005.0))
    assert fast["layer_039"] == LayerInfo(
        name="layer_039", geometry_type="Polygon", features=1, fields=["reference"],
        crs="EPSG:27700", bounds=(530400.0, 181000.0, 530404.0, 181004.0))
    assert (fast["valves_wgs84"].crs, fast["valves_wgs84"].bounds) == ("EPSG:4326",
                                                                      (-0.12, 51.5, -0.11, 51.51))
    assert fast["chambers_z"].geometry_type == "Point Z"


def test_same_answers_for_a_second_layer_of_a_kind(files, monkeypatch):
    good, _ = files
    source = open_source(good)
    source.layer_info("layer_000")  # GDAL names the kind
    calls = _gdal_calls(monkeypatch)
    for name in ("layer_001", "layer_017", "layer_039"):
        assert source.layer_info(name) == source._gdal_layer_info(name)
    assert calls == ["layer_001", "layer_017", "layer_039"]  # only the comparison's own


def test_crs_sample_and_delivery_keys_match_gdal_reads(files, monkeypatch):
    good, _ = files
    source = open_source(good)
    for name in ("pipes", "chambers_z", "layer_005"):
        crs, geoms = sample_geometries(source, name, 2)
        raw = read_layer(source, name, max_features=2)
        assert crs == raw.crs
        assert len(geoms) == len(raw.geometry) == min(2, source.layer_info(name).features)
        assert all(shapely.equals_exact(geoms, raw.geometry, tolerance=0))
        assert shapely.has_z(geoms).tolist() == shapely.has_z(raw.geometry).tolist()
    fast = {n: delivery_checks._read_keys(source, n, ["asset_id"]) for n in ("pipes", "unindexed")}
    monkeypatch.setattr(sources.Source, "catalogue", lambda self: None)
    slow = {n: delivery_checks._read_keys(source, n, ["asset_id"]) for n in ("pipes", "unindexed")}
    assert fast == slow
    assert fast["pipes"].ids == {"11", "12", "13"} and fast["pipes"].features == 3


def test_inspect_reads_the_same_as_through_gdal(files, monkeypatch):
    good, bad = files
    fast = [inspect(good), inspect(bad)]
    by_name = {layer.name: layer for layer in fast[0].layers}
    assert len(by_name) == gpkg_many.COPIES + 6
    assert by_name["nothing_yet"].warnings == ["empty layer"]
    assert by_name["layer_000"].warnings == [] and by_name["valves_wgs84"].warnings == []
    # the 40 copies hold the same ids and geometry: each later one is named against layer_000
    assert sum("'layer_000' and 'layer_039'" in m for m in fast[0].warnings) == 1
    monkeypatch.setattr(sources.Source, "catalogue", lambda self: None)
    slow = [inspect(good), inspect(bad)]
    assert [i.layers for i in slow] == [i.layers for i in fast]
    # the same findings; the catalogue adds only that 'ghost' names no table
    assert slow[0].warnings == fast[0].warnings
    assert slow[1].warnings == [w for w in fast[1].warnings if "'ghost'" not in w]
    assert len(fast[1].warnings) == len(slow[1].warnings) + 1


def test_hostile_catalogue_gives_warnings_not_a_traceback(files, capsys):
    _, bad = files
    source = open_source(bad)
    assert "ghost" not in source.layer_names()  # a row naming a missing table is not a layer
    for name in ("pipes_view", "no_srs_row", "junk_srs"):
        assert source.layer_info(name) == source._gdal_layer_info(name)
    assert source.layer_info("pipes_view").features == 3
    assert source.layer_info("junk_srs").crs is None
    code = main(["inspect", str(bad), "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in out + err
    import json

    layers = {layer["name"]: layer for layer in json.loads(out)["layers"]}
    for name in ("no_srs_row", "junk_srs"):  # no CRS: the advice names one to assume
        assert any("no coordinate reference system" in w and "--assume-crs EPSG:27700" in w
                   for w in layers[name]["warnings"]), layers[name]
    assert layers["pipes_view"]["features"] == 3
    assert [w for w in json.loads(out)["warnings"] if "ghost" in w] == [
        "the GeoPackage's contents list names 'ghost' but the file holds no such table: not a "
        "layer; ask the owner for a complete export if it should hold data"]


def test_a_blob_that_is_not_geopackage_geometry_is_read_through_gdal(files, tmp_path):
    import shutil
    import sqlite3

    good, _ = files
    path = tmp_path / "raw_wkb.gpkg"
    shutil.copyfile(good, path)
    con = sqlite3.connect(path)
    with con:  # plain WKB where a GeoPackage blob belongs (a careless writer)
        con.execute("UPDATE unindexed SET geom = ? WHERE fid = 1",
                    (shapely.to_wkb(shapely.LineString([(0, 0), (1, 1)])),))
    con.close()
    source = open_source(path)
    assert source.catalogue().read("unindexed", []) is None
    assert source.catalogue().read("valves_wgs84", []) is not None
    crs, geoms = sample_geometries(source, "unindexed", 10)
    raw = read_layer(source, "unindexed", max_features=10)
    assert crs == raw.crs and len(geoms) == len(raw.geometry)
    assert np.array_equal(shapely.is_missing(geoms), shapely.is_missing(raw.geometry))


def test_blob_headers_are_stripped_in_bulk():
    import struct

    import pyarrow as pa

    from importers.gpkg_catalogue import strip_headers

    line = shapely.LineString([(530400, 181000), (530410, 181005)])

    def blob(envelope: int, extra_flags: int = 0) -> bytes:  # little-endian header, srs 27700
        size = (0, 32, 48, 48, 64)[envelope]
        return (b"GP\x00" + bytes([(envelope << 1) | 1 | extra_flags]) + struct.pack("<i", 27700)
                + b"\x00" * size + shapely.to_wkb(line))

    out = strip_headers(pa.array([blob(1), None, blob(4), blob(0), blob(2)], type=pa.binary()))
    assert [None if v is None else shapely.from_wkb(v) == line for v in out.to_pylist()] == [
        True, None, True, True, True]
    assert strip_headers(pa.array([], type=pa.binary())).to_pylist() == []
    for bad in (blob(0, 0x20), b"GP", shapely.to_wkb(line), blob(0)[:8]):  # extended, short, bare
        assert strip_headers(pa.array([blob(1), bad], type=pa.binary())) is None
