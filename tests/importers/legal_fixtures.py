"""Hand-made legal files that once gave tracebacks: written byte by byte where no library
writes them (MultiPatch shapefiles, GeoPackage rows of any WKB type, raster-only GeoPackages)."""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

X, Y = 530100.0, 180100.0
# MultiPatch part types (Esri shapefile technical description)
TRIANGLE_STRIP, TRIANGLE_FAN, OUTER_RING, INNER_RING, FIRST_RING, RING = 0, 1, 2, 3, 4, 5

# Four chambers: a flat lid (one ring), a vertical wall strip (no footprint), a fan
# roof 5 m × 5 m, and a lid of two rings side by side (10 × 5 m and a 25 m² triangle).
PATCHES = [
    [(RING, [(X, Y, 0), (X + 10, Y, 0), (X + 10, Y + 5, 0), (X, Y + 5, 0), (X, Y, 0)])],
    [(TRIANGLE_STRIP, [(X, Y, 0), (X, Y, 3), (X + 10, Y, 0), (X + 10, Y, 3), (X + 10, Y + 5, 0),
                       (X + 10, Y + 5, 3)])],
    [(TRIANGLE_FAN, [(X + 20, Y + 20, 5), (X + 20, Y + 25, 0), (X + 25, Y + 25, 0), (X + 25, Y + 20, 0)])],
    [(OUTER_RING, [(X, Y, 0), (X + 10, Y, 0), (X + 10, Y + 5, 0), (X, Y + 5, 0), (X, Y, 0)]),
     (OUTER_RING, [(X + 50, Y, 0), (X + 60, Y, 0), (X + 60, Y + 5, 0), (X + 50, Y, 0)])],
]
FOOTPRINT_AREAS = {1: 50.0, 3: 25.0, 4: 75.0}  # by chamber number; chamber 2 is all wall



@contextmanager
def _edited(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to the GeoPackage at ``path``, committed and closed after the edits."""
    with closing(sqlite3.connect(path)) as con, con:
        yield con

def _shp_header(shape_type: int, length_words: int, pts: list) -> bytes:
    xs, ys, zs = zip(*pts, strict=True)
    return (struct.pack(">7i", 9994, 0, 0, 0, 0, 0, length_words) + struct.pack("<2i", 1000, shape_type)
            + struct.pack("<8d", min(xs), min(ys), max(xs), max(ys), min(zs), max(zs), 0, 0))


def _multipatch_record(parts) -> bytes:
    pts = [p for _, ring in parts for p in ring]
    xs, ys, zs = zip(*pts, strict=True)
    starts = np.cumsum([0] + [len(r) for _, r in parts[:-1]]).tolist()
    body = struct.pack("<i4d2i", 31, min(xs), min(ys), max(xs), max(ys), len(parts), len(pts))
    body += struct.pack(f"<{len(parts)}i", *starts) + struct.pack(f"<{len(parts)}i", *[t for t, _ in parts])
    body += b"".join(struct.pack("<2d", x, y) for x, y, _ in pts)
    body += struct.pack("<2d", min(zs), max(zs)) + struct.pack(f"<{len(pts)}d", *zs)
    body += struct.pack("<2d", 0, 0) + struct.pack(f"<{len(pts)}d", *([0.0] * len(pts)))  # M
    return body


def multipatch_shapefile(path: Path, with_dbf: bool = True, prj: bool = True) -> Path:
    """A shapefile of shape type 31 (MultiPatch) holding PATCHES, with a .dbf of CHAMBER_ID."""
    path = Path(path)
    if with_dbf:  # GDAL writes the .dbf (and .prj); the geometry files are replaced below
        frame = gpd.GeoDataFrame({"CHAMBER_ID": [f"MH{i}" for i in range(1, len(PATCHES) + 1)]},
                                 geometry=[shapely.Point(X, Y)] * len(PATCHES), crs="EPSG:27700")
        pyogrio.write_dataframe(frame, path, driver="ESRI Shapefile")
        if not prj:
            path.with_suffix(".prj").unlink()
    records = [_multipatch_record(p) for p in PATCHES]
    allpts = [pt for parts in PATCHES for _, ring in parts for pt in ring]
    shp, shx, offset = b"", b"", 50
    for i, body in enumerate(records, 1):
        shx += struct.pack(">2i", offset, len(body) // 2)
        shp += struct.pack(">2i", i, len(body) // 2) + body
        offset += 4 + len(body) // 2
    path.with_suffix(".shp").write_bytes(_shp_header(31, 50 + len(shp) // 2, allpts) + shp)
    path.with_suffix(".shx").write_bytes(_shp_header(31, 50 + len(shx) // 2, allpts) + shx)
    return path


def _gpkg_blob(wkb: bytes | None, empty: bool = False, srs: int = 27700) -> bytes | None:
    if wkb is None:
        return None
    return b"GP" + bytes([0, 0x01 | (0x10 if empty else 0)]) + struct.pack("<i", srs) + wkb


def circular_string_z() -> bytes:
    return struct.pack("<BII", 1, 1008, 3) + struct.pack("<9d", X, Y, 1, X + 10, Y + 10, 1, X + 20, Y, 1)


def tin_z() -> bytes:
    tri = struct.pack("<BIII", 1, 1017, 1, 4) + struct.pack("<12d", X, Y, 0, X + 10, Y, 0, X + 10, Y + 10, 1, X, Y, 0)
    return struct.pack("<BII", 1, 1016, 1) + tri


def geometry_typed_gpkg(path: Path) -> Path:
    """A GeoPackage whose first table is GEOMETRY-typed with z=2 (optional) holding every kind
    of row, a LINESTRING table flagged z=1 (mandatory) holding 2D rows, a good table, and an
    attribute-only table."""
    path = Path(path)
    first = gpd.GeoDataFrame({"ID": ["g0"]}, geometry=[shapely.Point(X, Y)], crs="EPSG:27700")
    pyogrio.write_dataframe(first, path, layer="anything", geometry_type="Unknown",
                            layer_options={"SPATIAL_INDEX": "NO"})
    zflag = gpd.GeoDataFrame({"ID": ["z1", "z2"]}, geometry=[
        shapely.LineString([(X, Y), (X + 50, Y + 10)]), shapely.LineString([(X, Y + 20), (X + 50, Y + 30)])],
        crs="EPSG:27700")
    pyogrio.write_dataframe(zflag, path, layer="zflagged", layer_options={"SPATIAL_INDEX": "NO"})
    good = gpd.GeoDataFrame({"ID": ["m1", "m2"]}, geometry=[
        shapely.LineString([(X, Y, 1), (X + 5, Y, 1)]), shapely.LineString([(X, Y + 5, 1), (X + 5, Y + 5, 2)])],
        crs="EPSG:27700")
    pyogrio.write_dataframe(good, path, layer="mains", layer_options={"SPATIAL_INDEX": "NO"})
    rows = [
        ("g1", shapely.to_wkb(shapely.LineString([(X, Y, 2), (X + 50, Y + 20, 3)]), flavor="iso"), False),
        ("g2", shapely.to_wkb(shapely.Polygon([(X, Y), (X + 10, Y), (X + 10, Y + 10)])), False),
        ("g3", circular_string_z(), False),
        ("g4", shapely.to_wkb(shapely.Point(np.nan, np.nan)), True),  # GeoPackage empty point
        ("g5", None, False),
        ("g6", tin_z(), False),
    ]
    with _edited(path) as con:
        con.execute("UPDATE gpkg_geometry_columns SET z = 2 WHERE table_name = 'anything'")
        con.execute("UPDATE gpkg_geometry_columns SET z = 1 WHERE table_name = 'zflagged'")
        con.executemany("INSERT INTO anything (geom, ID) VALUES (?, ?)",
                        [(_gpkg_blob(w, empty), i) for i, w, empty in rows])
        con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, txt TEXT)")
        con.execute("INSERT INTO notes (txt) VALUES ('call before digging')")
        con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('notes', 'attributes', 'notes')")
    return path


def _strip_vectors(path: Path) -> Path:
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(X, Y)], crs="EPSG:27700")
    pyogrio.write_dataframe(frame, path, layer="x", layer_options={"SPATIAL_INDEX": "NO"})
    with _edited(path) as con:
        con.execute("DROP TABLE x")
        con.execute("DELETE FROM gpkg_geometry_columns")
        con.execute("DELETE FROM gpkg_contents")
    return path


def empty_gpkg(path: Path) -> Path:
    """A valid GeoPackage with no tables of any kind."""
    return _strip_vectors(Path(path))


def raster_gpkg(path: Path) -> Path:
    """A GeoPackage holding one tile (raster) table and no vector table."""
    path = _strip_vectors(Path(path))
    with _edited(path) as con:
        con.executescript("""
            CREATE TABLE IF NOT EXISTS gpkg_tile_matrix_set (table_name TEXT NOT NULL PRIMARY KEY,
              srs_id INTEGER NOT NULL, min_x DOUBLE NOT NULL, min_y DOUBLE NOT NULL, max_x DOUBLE NOT NULL,
              max_y DOUBLE NOT NULL);
            CREATE TABLE IF NOT EXISTS gpkg_tile_matrix (table_name TEXT NOT NULL, zoom_level INTEGER NOT NULL,
              matrix_width INTEGER NOT NULL, matrix_height INTEGER NOT NULL, tile_width INTEGER NOT NULL,
              tile_height INTEGER NOT NULL, pixel_x_size DOUBLE NOT NULL, pixel_y_size DOUBLE NOT NULL,
              CONSTRAINT pk_ttm PRIMARY KEY (table_name, zoom_level));
            CREATE TABLE ortho (id INTEGER PRIMARY KEY AUTOINCREMENT, zoom_level INTEGER NOT NULL,
              tile_column INTEGER NOT NULL, tile_row INTEGER NOT NULL, tile_data BLOB NOT NULL,
              UNIQUE (zoom_level, tile_column, tile_row));
            INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id)
              VALUES ('ortho', 'tiles', 'ortho', 530000, 180000, 530256, 180256, 27700);
            INSERT INTO gpkg_tile_matrix_set VALUES ('ortho', 27700, 530000, 180000, 530256, 180256);
            INSERT INTO gpkg_tile_matrix VALUES ('ortho', 0, 1, 1, 256, 256, 1.0, 1.0);
        """)
    return path


GML_WITH_ATTRIBUTE_LAYER = """<?xml version="1.0" encoding="UTF-8"?>
<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:net="http://example.org/net" gml:id="fc">
  <gml:featureMember><net:Operator gml:id="op1"><net:name>Stadsnet</net:name></net:Operator></gml:featureMember>
  <gml:featureMember><net:Cable gml:id="c1"><net:cableId>C1</net:cableId><net:geometry>
    <gml:LineString gml:id="g1" srsName="urn:ogc:def:crs:EPSG::27700"><gml:posList>530100 180100 530150 180120</gml:posList>
    </gml:LineString></net:geometry></net:Cable></gml:featureMember>
  <gml:featureMember><net:Cable gml:id="c2"><net:cableId>C2</net:cableId><net:geometry>
    <gml:LineString gml:id="g2" srsName="urn:ogc:def:crs:EPSG::27700"><gml:posList>530200 180100 530250 180120</gml:posList>
    </gml:LineString></net:geometry></net:Cable></gml:featureMember>
  <gml:featureMember><net:Operator gml:id="op2"><net:name>Glasnet</net:name></net:Operator></gml:featureMember>
</gml:FeatureCollection>
"""
