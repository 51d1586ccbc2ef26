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
    """The generated file with the hostile corpus's broken catalogue rows beside ``pipes``
    (``corpus.break_catalogue``)."""
    shutil.copyfile(good, path)
    corpus.break_catalogue(path, "pipes")
    return path
