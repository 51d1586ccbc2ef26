"""A generated many-layer GeoPackage of varied layers, and hostile variants of it (tests)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from tests.hostile import corpus

X0, Y0 = corpus.X0, corpus.Y0
COPIES = 40  # one-feature layers copied in SQL (layer_000…), as in the hostile corpus


def write(path: Path) -> Path:
    """``COPIES`` one-feature layers, then layers of other kinds: lines with typed fields,
    WGS84 points, 3D points, an empty layer, one without a spatial index or recorded
    extent, and an attribute table."""
    corpus._many_layers(path, shapely.Polygon(corpus._square()), COPIES)
    pipes = gpd.GeoDataFrame(
        {"asset_id": [11, 12, 13], "material": ["PE", "DI", None], "diameter": [90.0, 150.0, 63.5]},
        geometry=[shapely.LineString([(X0, Y0), (X0 + 10, Y0 + 5)]),
                  shapely.LineString([(X0 + 10, Y0 + 5), (X0 + 30, Y0 + 5)]),
                  shapely.LineString([(X0 - 4, Y0 - 2), (X0, Y0)])], crs="EPSG:27700")
    pyogrio.write_dataframe(pipes, path, layer="pipes")
    valves = gpd.GeoDataFrame({"ref": ["V-1", "V-2"]},
                              geometry=[shapely.Point(-0.12, 51.5), shapely.Point(-0.11, 51.51)],
                              crs="EPSG:4326")
    pyogrio.write_dataframe(valves, path, layer="valves_wgs84")
    chambers = gpd.GeoDataFrame({"depth": [1.2, 2.5]},
                                geometry=[shapely.Point(X0, Y0, 10.0), shapely.Point(X0 + 1, Y0, 9.0)],
                                crs="EPSG:27700")
    pyogrio.write_dataframe(chambers, path, layer="chambers_z")
    empty = gpd.GeoDataFrame({"name": pd.Series([], dtype=str)}, geometry=[], crs="EPSG:27700")
    pyogrio.write_dataframe(empty, path, layer="nothing_yet", geometry_type="Polygon")
    pyogrio.write_dataframe(pipes.iloc[:2], path, layer="unindexed", SPATIAL_INDEX="NO")
    pyogrio.write_dataframe(pd.DataFrame({"note": ["a", "b"]}), path, layer="notes")
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE gpkg_contents SET min_x = NULL WHERE table_name = 'unindexed'")
    con.close()
    return path


def hostile(good: Path, path: Path) -> Path:
    """The generated file with a gpkg_contents row naming a missing table, a layer whose
    srs_id has no row and one whose srs row holds no CRS, and a view registered as a layer."""
    shutil.copyfile(good, path)
    con = sqlite3.connect(path)
    with con:
        contents = con.execute("SELECT * FROM gpkg_contents WHERE table_name = 'pipes'").fetchone()
        geometry = con.execute("SELECT * FROM gpkg_geometry_columns WHERE table_name = 'pipes'"
                               ).fetchone()

        def register(name: str, srs_id: int) -> None:
            con.execute(f"INSERT INTO gpkg_contents VALUES ({','.join('?' * len(contents))})",
                        (name, contents[1], name, *contents[3:-1], srs_id))
            con.execute(f"INSERT INTO gpkg_geometry_columns VALUES "
                        f"({','.join('?' * len(geometry))})", (name, *geometry[1:3], srs_id,
                                                               *geometry[4:]))

        register("ghost", 27700)  # no such table
        con.execute('CREATE VIEW pipes_view AS SELECT * FROM "pipes"')
        register("pipes_view", 27700)
        con.execute('CREATE TABLE "no_srs_row" AS SELECT * FROM "pipes"')
        register("no_srs_row", 424242)
        con.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('junk', 777, 'NONE', 777, "
                    "'not a CRS at all', NULL)")
        con.execute('CREATE TABLE "junk_srs" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom LINESTRING, '
                    'asset_id INTEGER, material TEXT, diameter REAL)')
        con.execute('INSERT INTO "junk_srs" SELECT * FROM "pipes"')
        register("junk_srs", 777)
    con.close()
    return path
