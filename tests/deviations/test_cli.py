"""`asset-register deviation add|list|export|acknowledge|resolve` on a GeoPackage register:
what it records and prints, its files, and one-line errors."""

from __future__ import annotations

import json

import geopandas as gpd
import pyproj
import shapely

from asset_register.cli.main import main
from asset_register.deviations import reports
from asset_register.model import BatchInfo, Owner, validate_assets
from asset_register.store import open_register

X0, Y0 = 530000.0, 180000.0


def _register(gpkg_store_factory):
    store = gpkg_store_factory("town.gpkg")
    store.upsert_owner(Owner("WAT", "Wessex Water"))
    row = {"asset_id": "W1", "owner": "WAT", "utility": "water", "asset_class": "pipe",
           "status": "in_service", "h_accuracy_m": 0.5, "depth_m": 1.0,
           "geometry": shapely.LineString([(X0, Y0), (X0 + 50, Y0)])}
    store.write_batch(validate_assets(gpd.GeoDataFrame([row], geometry="geometry", crs=store.crs)),
                      BatchInfo(source_file="wat.gpkg", owner="WAT"), delivery="WAT")
    path = str(store.path)
    store.close()
    return path


def test_add_list_export_acknowledge_resolve(gpkg_store_factory, tmp_path, capsys):
    path = _register(gpkg_store_factory)
    lon, lat = pyproj.Transformer.from_crs(27700, 4326, always_xy=True).transform(X0 + 10, Y0 + 4)
    photo = tmp_path / "hole.png"
    photo.write_bytes(b"\x89PNG fake")
    assert main(["deviation", "add", path, "elsewhere", "--asset", "W1", "--at",
                 f"POINT ({lon:.9f} {lat:.9f})", "--crs", "EPSG:4326", "--accuracy", "0.3",
                 "--photo", str(photo), "--notes", "4 m north", "--reference", "DIG-7"]) == 0
    assert capsys.readouterr().out.startswith("deviation report 1 recorded: elsewhere, asset W1 "
                                              "(WAT)")
    assert main(["deviation", "add", path, "attributes", "--asset", "W1", "--depth", "2.2"]) == 0
    assert main(["deviation", "add", path, "unrecorded", "--at", f"POINT ({X0} {Y0 + 9})",
                 "--utility", "gas"]) == 0
    capsys.readouterr()
    with open_register(path, read_only=True) as store:
        frame = reports(store).set_index("deviation_id")
    x, y = shapely.from_wkt(frame.loc[1, "geometry_wkt"]).coords[0]
    assert abs(x - (X0 + 10)) < 0.01 and abs(y - (Y0 + 4)) < 0.01  # GPS in the working CRS
    assert (tmp_path / "town-deviation-photos").is_dir()
    assert main(["deviation", "list", path]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split()[:4] for ln in lines] == [["1", "new", "elsewhere", "W1"],
                                               ["2", "new", "attributes", "W1"],
                                               ["3", "new", "unrecorded", "(gas)"]]
    assert "depth_m 2.2" in lines[1]
    assert "±0.3 m" in lines[0] and "±" not in lines[1] + lines[2]  # accuracy only where given
    out = tmp_path / "to-owners"
    assert main(["deviation", "export", path, str(out)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "WAT: deviations-WAT.pdf, deviations-WAT.geojson, deviations-WAT.working-crs.geojson")
    assert len(json.loads((out / "deviations-WAT.geojson").read_text())["features"]) == 2
    assert main(["deviation", "acknowledge", path, "1", "2"]) == 0
    assert capsys.readouterr().out.strip() == "2 of 2 reports acknowledged"
    assert main(["deviation", "resolve", path, "2", "--reason", "depth re-measured"]) == 0
    capsys.readouterr()
    assert main(["deviation", "list", path, "--json", "--open"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["deviation_id"], r["status"]) for r in rows] == [(1, "acknowledged"), (3, "new")]


def test_bad_input_is_one_line_and_records_nothing(gpkg_store_factory, capsys):
    path = _register(gpkg_store_factory)
    assert main(["deviation", "add", path, "elsewhere", "--asset", "W1", "--at",
                 "POINT (1 2"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "is not WKT" in err
    assert main(["deviation", "add", path, "unrecorded", "--at", "POINT (1 2)"]) == 1
    assert "utility" in capsys.readouterr().err
    assert main(["deviation", "resolve", path, "5", "--reason", "x"]) == 1
    assert "no deviation report 5" in capsys.readouterr().err
    with open_register(path, read_only=True) as store:
        assert store.deviations().empty


def test_unknown_crs_is_one_line_and_records_nothing(gpkg_store_factory, capsys):
    path = _register(gpkg_store_factory)
    assert main(["deviation", "add", path, "elsewhere", "--asset", "W1", "--at",
                 f"POINT ({X0 + 10} {Y0 + 4})", "--crs", "EPSG:999999", "--accuracy", "0.3"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "EPSG:999999" in err and "EPSG:27700" in err
    with open_register(path, read_only=True) as store:
        assert store.deviations().empty
