"""A notice pack for a site outside Great Britain (a Dutch register in RD New, EPSG:28992):
no DfT Street Manager record and no British National Grid GeoJSON — both were written with the
site reprojected into BNG coordinates that do not exist (E 919683 N 256030 for Utrecht) —
and the GeoJSON in the register's own CRS instead."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import geopandas as gpd
import shapely

from asset_register.notices import write_notice_pack

from .analytic import FOOTPRINT, X0, Y0, conflict_rows, make_result

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
DX, DY = 160000.0 - X0, 450000.0 - Y0  # the analytic site moved to Utrecht, RD New


def _moved(geom):
    return shapely.affinity.translate(geom, DX, DY)


def test_a_dutch_pack_has_no_british_files(gpkg_store_factory, tmp_path):
    store = gpkg_store_factory("rd.gpkg", crs="EPSG:28992")
    rows = conflict_rows()
    rows = gpd.GeoDataFrame(rows.drop(columns="geometry"),
                            geometry=[_moved(g) for g in rows.geometry], crs="EPSG:28992")
    footprint = _moved(FOOTPRINT)
    pack = write_notice_pack(store, make_result(rows, footprint=footprint), tmp_path / "out",
                             promoter="Stedin", promoter_phone="1", now=NOW)
    names = sorted(p.name for p in pack.folder.iterdir())
    assert "street-manager-work.json" not in names and "conflicts-bng.geojson" not in names
    assert "conflicts-working-crs.geojson" in names and "conflicts.geojson" in names
    assert pack.detail["street_manager"] is None and pack.detail["grid_reference"] is None
    assert not any("Street Manager" in w for w in pack.warnings)
    local = gpd.read_file(pack.folder / "conflicts-working-crs.geojson")
    assert local.crs.to_epsg() == 28992
    assert shapely.hausdorff_distance(local.geometry.iloc[0], footprint) < 0.01
    manifest = json.loads((pack.folder / "manifest.json").read_text())
    assert sorted(manifest["files"]) == [n for n in names if n != "manifest.json"]


def test_a_british_pack_keeps_them(gpkg_store_factory, tmp_path):
    store = gpkg_store_factory("gb.gpkg", crs="EPSG:27700")
    pack = write_notice_pack(store, make_result(), tmp_path / "out", promoter="Acme",
                             promoter_phone="1", now=NOW)
    names = {p.name for p in pack.folder.iterdir()}
    assert {"street-manager-work.json", "conflicts-bng.geojson"} <= names
    assert "conflicts-working-crs.geojson" not in names
    assert pack.detail["street_manager"] is not None
