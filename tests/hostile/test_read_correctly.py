"""Hostile files that must be read, not just survived: what lands in the register is right.

Text in Windows encodings (a latin-1 GeoJSON, a cp1252 CSV) reads as the owner wrote it; a
GeoPackage of 898 layers lists every layer; a footprint of a million vertices or with a
self-intersection is checked or refused by name; a named pipe is refused before any open.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from asset_register.cli.main import main
from asset_register.store import open_register

from . import corpus

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    corpus._encodings(folder)
    corpus._vector_files(folder)
    return folder


@pytest.fixture
def register(tmp_path) -> str:
    path = str(tmp_path / "r.gpkg")
    assert main(["init", path]) == 0
    return path


def test_latin1_geojson_imports_with_its_accents(files, register, capsys):
    assert main(["import", register, str(files / "latin1.geojson"), "--owner", "HST",
                 "--utility", "water"]) == 0
    assert "read as Windows-1252" in capsys.readouterr().out
    with open_register(register) as store:
        live = store.read_assets()
    assert list(live["asset_id"]) == ["HST:LAT-1"]
    attrs = json.loads(live["attrs"].iloc[0])
    assert attrs["description"] == "Café Müller, Straße, à réparer"
    assert attrs["promoter"] == "Gaz Français"


@pytest.mark.parametrize("name, reference, text", [
    ("cp1252.csv", "CP-1", "Straße – Café “Müller” €5"),
    ("latin1.geojson", "LAT-1", "Café Müller, Straße, à réparer"),
])
def test_planned_works_in_windows_encodings_keep_their_text(files, register, name, reference, text):
    assert main(["works", "import", register, str(files / name), "--crs", "EPSG:27700"]) == 0
    with open_register(register) as store:
        works = store.works()
    assert list(works["reference"]) == [reference]
    assert works["description"].iloc[0] == text


def test_a_cp1252_programme_is_checked(files, register, capsys):
    assert main(["check", register, "--programme", str(files / "cp1252.csv"), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert [r["site"]["reference"] for r in results] == ["CP-1"]
    assert results[0]["site"]["description"] == "Straße – Café “Müller” €5"


def test_a_layer_without_attribute_fields_imports_its_geometries(files, register):
    assert main(["import", register, str(files / "no_fields.gpkg"), "--owner", "HST",
                 "--utility", "water", "--assume-crs", "EPSG:27700"]) == 0
    with open_register(register) as store:
        live = store.read_assets()
    assert len(live) == 2 and set(live["owner"]) == {"HST"}
    assert sorted(round(g.centroid.x) for g in live.geometry) == [530402, 530412]


def test_a_million_vertex_footprint_is_checked_and_a_bowtie_refused_by_name(files, register, capsys):
    assert main(["check", register, "--footprint", str(files / "million_vertices.gpkg"),
                 "--json"]) == 0
    import shapely

    site = json.loads(capsys.readouterr().out)["site"]
    assert shapely.from_wkt(site["footprint_wkt"]).area == pytest.approx(78.54, abs=0.01)  # r = 5 m
    assert main(["check", register, "--footprint", str(files / "self_intersecting.geojson")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "self_intersecting.geojson" in err[0] and "--make-valid" in err[0]


def test_every_layer_of_a_many_layer_geopackage_is_listed(tmp_path, capsys):
    """(The 898-layer file runs in test_hostile.py under its time bound; 150 layers here
    for the content: each layer read through its own one-layer view, none mixed up.)"""
    import shapely

    path = tmp_path / "layers.gpkg"
    corpus._many_layers(path, shapely.Polygon(corpus._square()), layers=150)
    assert main(["inspect", str(path), "--json"]) == 0
    layers = json.loads(capsys.readouterr().out)["layers"]
    assert [x["name"] for x in layers] == [f"layer_{i:03d}" for i in range(150)]
    assert all(x["features"] == 1 and x["fields"] == ["reference"] for x in layers)
    assert {x["crs"] for x in layers} == {"EPSG:27700"}


def test_a_named_pipe_is_refused_before_it_is_opened(tmp_path, register):
    fifo = tmp_path / "dig.geojson"
    os.mkfifo(fifo)  # opening it blocks until a writer comes: run in a process with a bound
    for argv in (["inspect", str(fifo)], ["check", register, "--footprint", str(fifo)]):
        done = subprocess.run([sys.executable, "-m", "asset_register.cli.main", *argv], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1
        assert done.stderr.splitlines() == [
            f"asset-register: error: {'footprint file ' if 'check' in argv else ''}{fifo} is a "
            "named pipe (FIFO), not a file: the register reads only regular files — save the "
            "data to a file and give that"]


def test_zip_limits_count_the_declared_inflated_bytes(tmp_path):
    from asset_register.errors import ImportError_
    from asset_register.inputs import check_zip

    corpus._zips(tmp_path)
    with pytest.raises(ImportError_, match=r"inflates to 64\.0 GB, more than"):
        check_zip(tmp_path / "bomb_claimed.zip")


def test_a_zip_member_that_inflates_beyond_its_header_is_refused(tmp_path):
    import zipfile

    from asset_register.errors import ImportError_
    from asset_register.inputs import check_zip, verify_sizes

    corpus._zips(tmp_path)
    lying = tmp_path / "bomb_short.zip"  # declares 200 bytes, inflates to 32 MB
    with pytest.raises(ImportError_, match="does not inflate to the 200 bytes its header declares"):
        verify_sizes(lying, check_zip(lying))
    honest = tmp_path / "honest.zip"
    with zipfile.ZipFile(honest, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("dig.geojson", "{}" + " " * 100_000)
        zf.writestr("empty.txt", "")
        zf.writestr("stored.txt", "abc", compress_type=zipfile.ZIP_STORED)
    verify_sizes(honest, check_zip(honest))  # no error


def test_no_gfs_is_written_beside_a_gml_footprint_works_file_or_area(tmp_path, capsys):
    folder = tmp_path / "delivery"
    folder.mkdir()
    corpus._specials(folder)
    for other in folder.iterdir():
        if other.name != "xlink.gml":
            other.unlink() if not other.is_dir() or other.is_symlink() else shutil.rmtree(other)
    gml = folder / "xlink.gml"
    register = str(tmp_path / "r.gpkg")
    assert main(["init", register]) == 0
    assert main(["import", register, str(ROOT / "examples" / "ducts.csv"), "--owner", "RF",
                 "--utility", "telecoms", "--assume-crs", "EPSG:27700"]) == 0
    capsys.readouterr()
    assert main(["check", register, "--footprint", str(gml), "--json"]) == 0
    import shapely

    site = json.loads(capsys.readouterr().out)["site"]
    assert shapely.from_wkt(site["footprint_wkt"]).area == pytest.approx(8.0)
    assert main(["works", "import", register, str(gml)]) == 0
    with open_register(register) as store:
        assert list(store.works()["reference"]) == ["X-1"]
    out = str(tmp_path / "extract.gpkg")
    assert main(["extract", register, "--area", str(gml), "--buffer", "200", "--out", out]) == 0
    assert "assets from" in capsys.readouterr().out
    assert sorted(p.name for p in folder.iterdir()) == ["xlink.gml"]
