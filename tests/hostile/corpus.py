"""A hostile-input corpus, generated (never committed): files no command may crash or hang on.

``build(folder)`` writes every case into ``folder`` and returns their names. Each case is
something a real delivery, a careless export or a malicious file can be: random bytes under
a GIS extension, text in the wrong encoding, a shapefile missing its sidecars, a footprint of
a million vertices, a named pipe, a symlink loop, zip bombs (whose headers claim far more
than this machine's memory, while the zip itself stays a few kilobytes), a GeoPackage of
~900 layers, one whose catalogue names a missing table, a view and CRSs that are not there,
GML and GeoJSON that name web addresses. Everything is seeded: the same bytes
on every run. ``python -m tests.hostile.corpus FOLDER`` writes it for a look by hand.
"""

from __future__ import annotations

import json
import os
import sqlite3
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np

X0, Y0 = 530400.0, 181000.0  # inside the test register's data (British National Grid)
MANY_LAYERS = 898
NAMES = (
    "bomb_claimed.zip",
    "bomb_ratio.zip",
    "bomb_short.zip",
    "broken_catalogue.gpkg",
    "broken_wkt.csv",
    "cp1252.csv",
    "crs_url.geojson",
    "deep.geojson",
    "device.geojson",
    "empty.geojson",
    "fifo.geojson",
    "folder.gpkg",
    "latin1.geojson",
    "long_line.csv",
    "loop_a.geojson",
    "loop_b.geojson",
    "many_entries.zip",
    "many_layers.gpkg",
    "million_vertices.gpkg",
    "network_link.kml",
    "no_dbf.shp",
    "no_fields.geojson",
    "no_fields.gpkg",
    "no_geometry.csv",
    "nul.csv",
    "nul.geojson",
    "random.csv",
    "random.dxf",
    "random.geojson",
    "random.gml",
    "random.gpkg",
    "random.kml",
    "random.shp",
    "random.zip",
    "self_intersecting.geojson",
    "traversal.zip",
    "xlink.gml",
)  # what build() writes, in order
RANDOM_SUFFIXES = (".csv", ".geojson", ".gpkg", ".shp", ".gml", ".zip", ".kml", ".dxf")


def _square(x=X0, y=Y0, d=4.0) -> list[list[float]]:
    return [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]


def _geojson(features: list[dict], crs: str | None = "urn:ogc:def:crs:EPSG::27700") -> dict:
    doc = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return doc


def _feature(props: dict, coords=None) -> dict:
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [coords or _square()]}}


def _write_json(path: Path, doc, encoding="utf-8") -> None:
    path.write_bytes(json.dumps(doc, ensure_ascii=False).encode(encoding))


def _random_files(d: Path, rng: np.random.Generator) -> None:
    for suffix in RANDOM_SUFFIXES:
        (d / f"random{suffix}").write_bytes(rng.integers(0, 256, 4096, dtype=np.uint8).tobytes())


def _encodings(d: Path) -> None:
    props = {"reference": "LAT-1", "description": "Café Müller, Straße, à réparer",
             "promoter": "Gaz Français"}
    _write_json(d / "latin1.geojson", _geojson([_feature(props)]), encoding="latin-1")
    wkt = "POLYGON ((530400 181000, 530404 181000, 530404 181004, 530400 181000))"
    text = ("reference,description,promoter,wkt\n"
            f'CP-1,"Straße – Café “Müller” €5",Société,"{wkt}"\n')
    (d / "cp1252.csv").write_bytes(text.encode("cp1252"))


def _csvs(d: Path) -> None:
    (d / "broken_wkt.csv").write_text(
        'reference,wkt\nW-1,"POLYGON ((530400 181000, 530404 181000, 5304"\n'
        'W-2,"LINESTRING (banana)"\n')
    (d / "no_geometry.csv").write_text("reference,description\nN-1,no shape here\nN-2,nor here\n")
    (d / "nul.csv").write_bytes(b"reference,wkt\nZ-1,\"POLYGON ((530400 181000, 530404 181000, "
                                b"530404\x00181004, 530400 181000))\"\n\x00\x00\x00\n")
    long_value = "x" * (10 * 1024 * 1024)
    (d / "long_line.csv").write_text(f"reference,description\nL-1,{long_value}")


def _vector_files(d: Path) -> None:
    import geopandas as gpd
    import pyogrio
    import shapely

    square = shapely.Polygon(_square())
    bare = gpd.GeoDataFrame(geometry=[square, shapely.Polygon(_square(X0 + 10))], crs="EPSG:27700")
    pyogrio.write_dataframe(bare, d / "no_fields.gpkg", layer="bare")
    _write_json(d / "no_fields.geojson", _geojson([_feature({}), _feature({}, _square(X0 + 10))]))
    with_dbf = gpd.GeoDataFrame({"reference": ["S-1"]}, geometry=[square], crs="EPSG:27700")
    pyogrio.write_dataframe(with_dbf, d / "no_dbf.shp")
    for sidecar in (".dbf", ".shx", ".prj", ".cpg"):
        (d / f"no_dbf{sidecar}").unlink(missing_ok=True)
    # a circle of a million vertices: a real footprint drawn at absurd resolution
    t = np.linspace(0, 2 * np.pi, 1_000_000, endpoint=False)
    ring = np.column_stack([X0 + 5 * np.cos(t), Y0 + 5 * np.sin(t)])
    big = gpd.GeoDataFrame({"reference": ["M-1"]}, geometry=[shapely.Polygon(ring)],
                           crs="EPSG:27700")
    pyogrio.write_dataframe(big, d / "million_vertices.gpkg", layer="footprint")
    bowtie = [[X0, Y0], [X0 + 4, Y0 + 4], [X0 + 4, Y0], [X0, Y0 + 4], [X0, Y0]]
    _write_json(d / "self_intersecting.geojson",
                _geojson([_feature({"reference": "B-1"}, bowtie)]))
    _many_layers(d / "many_layers.gpkg", square)
    pipes = gpd.GeoDataFrame({"asset_id": [11, 12], "material": ["PE", "DI"]},
                             geometry=[shapely.LineString(_square()[:2]),
                                       shapely.LineString(_square()[1:3])], crs="EPSG:27700")
    pyogrio.write_dataframe(pipes, d / "broken_catalogue.gpkg", layer="pipes")
    break_catalogue(d / "broken_catalogue.gpkg", "pipes")


def _many_layers(path: Path, square, layers: int | None = None) -> None:
    """A GeoPackage of ``layers`` (MANY_LAYERS) one-feature layers: one written by GDAL, then
    copied in SQL."""
    import geopandas as gpd
    import pyogrio

    one = gpd.GeoDataFrame({"reference": ["L-0"]}, geometry=[square], crs="EPSG:27700")
    pyogrio.write_dataframe(one, path, layer="layer_000", SPATIAL_INDEX="NO")
    con = sqlite3.connect(path)
    try:
        ddl = con.execute("SELECT sql FROM sqlite_master WHERE name = 'layer_000'").fetchone()[0]
        contents = con.execute("SELECT * FROM gpkg_contents WHERE table_name = 'layer_000'").fetchone()
        columns = con.execute("SELECT * FROM gpkg_geometry_columns WHERE table_name = 'layer_000'"
                              ).fetchone()
        with con:
            for i in range(1, layers or MANY_LAYERS):
                name = f"layer_{i:03d}"
                con.execute(ddl.replace('"layer_000"', f'"{name}"', 1).replace("layer_000", name, 1))
                con.execute(f'INSERT INTO "{name}" SELECT fid, geom, reference FROM "layer_000"')
                con.execute(f"INSERT INTO gpkg_contents VALUES ({','.join('?' * len(contents))})",
                            (name, *contents[1:2], name, *contents[3:]))
                con.execute(f"INSERT INTO gpkg_geometry_columns VALUES "
                            f"({','.join('?' * len(columns))})", (name, *columns[1:]))
    finally:
        con.close()


def break_catalogue(path: Path, like: str) -> None:
    """Register, beside the GeoPackage's layer ``like``: a table that does not exist
    ("ghost"), a view of ``like`` ("<like>_view"), a copy whose srs_id has no row in
    gpkg_spatial_ref_sys ("no_srs_row", no primary key either) and a copy whose srs row
    holds no CRS ("junk_srs")."""
    con = sqlite3.connect(path)
    try:
        with con:
            contents = con.execute("SELECT * FROM gpkg_contents WHERE table_name = ?", (like,)
                                   ).fetchone()
            geometry = con.execute("SELECT * FROM gpkg_geometry_columns WHERE table_name = ?",
                                   (like,)).fetchone()
            ddl = con.execute("SELECT sql FROM sqlite_master WHERE name = ?", (like,)).fetchone()[0]

            def register(name: str, srs_id: int) -> None:
                con.execute(f"INSERT INTO gpkg_contents VALUES ({','.join('?' * len(contents))})",
                            (name, contents[1], name, *contents[3:-1], srs_id))
                con.execute(f"INSERT INTO gpkg_geometry_columns VALUES "
                            f"({','.join('?' * len(geometry))})",
                            (name, *geometry[1:3], srs_id, *geometry[4:]))

            register("ghost", contents[-1])
            con.execute(f'CREATE VIEW "{like}_view" AS SELECT * FROM "{like}"')
            register(f"{like}_view", contents[-1])
            con.execute(f'CREATE TABLE no_srs_row AS SELECT * FROM "{like}"')
            register("no_srs_row", 424242)
            con.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('junk', 777, 'NONE', 777, "
                        "'not a CRS at all', NULL)")
            con.execute(ddl.replace(f'"{like}"', "junk_srs", 1))
            con.execute(f'INSERT INTO junk_srs SELECT * FROM "{like}"')
            register("junk_srs", 777)
    finally:
        con.close()


def _specials(d: Path) -> None:
    os.mkfifo(d / "fifo.geojson")
    (d / "folder.gpkg").mkdir()
    (d / "folder.gpkg" / "inside.txt").write_text("a folder named like a file\n")
    os.symlink("loop_b.geojson", d / "loop_a.geojson")
    os.symlink("loop_a.geojson", d / "loop_b.geojson")
    os.symlink("/dev/zero", d / "device.geojson")
    (d / "empty.geojson").write_bytes(b"")
    _write_json(d / "crs_url.geojson",
                _geojson([_feature({"reference": "U-1"})], crs=None) | {
                    "crs": {"type": "link", "properties": {
                        "href": "http://crs.example.invalid/27700.wkt", "type": "ogcwkt"}}})
    depth = 50_000
    (d / "deep.geojson").write_text(
        '{"type": "FeatureCollection", "crs": ' + "[" * depth + "]" * depth + ', "features": '
        '[{"type": "Feature", "properties": {"deep": ' + "[" * depth + "]" * depth + '}, '
        '"geometry": {"type": "Polygon", "coordinates": ' + "[" * depth + "]" * depth + "}}]}")
    (d / "nul.geojson").write_bytes(
        json.dumps(_geojson([_feature({"reference": "Z-1"})])).encode().replace(b'"Z-1"', b'"Z\x00-1"')
        + b"\x00" * 64)
    (d / "xlink.gml").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0"
    xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ex="http://example.invalid/ex"
    xsi:schemaLocation="http://example.invalid/ex http://schemas.example.invalid/ex.xsd">
  <wfs:member>
    <ex:Dig gml:id="d1">
      <ex:reference>X-1</ex:reference>
      <ex:status xlink:href="http://codes.example.invalid/status/planned"/>
      <ex:owner xlink:href="http://owners.example.invalid/o1#o1"/>
      <ex:geometry><gml:Polygon gml:id="p1" srsName="urn:ogc:def:crs:EPSG::27700">
        <gml:exterior><gml:LinearRing><gml:posList>{X0} {Y0} {X0 + 4} {Y0} {X0 + 4} {Y0 + 4}
          {X0} {Y0}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></ex:geometry>
    </ex:Dig>
  </wfs:member>
</wfs:FeatureCollection>
""")
    (d / "network_link.kml").write_text("""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><NetworkLink><name>remote</name>
<Link><href>http://kml.example.invalid/remote.kml</href></Link></NetworkLink>
<Placemark><name>K-1</name><Point><coordinates>-0.12,51.5</coordinates></Point></Placemark>
</Document></kml>
""")


def _patch_sizes(path: Path, compress_size: int, file_size: int) -> None:
    """Rewrite every entry's sizes in a zip's local and central headers (a lying zip)."""
    data = bytearray(path.read_bytes())
    for sig, at in ((b"PK\x03\x04", 18), (b"PK\x01\x02", 20)):
        pos = data.find(sig)
        while pos >= 0:
            struct.pack_into("<II", data, pos + at, compress_size, file_size)
            pos = data.find(sig, pos + 4)
    path.write_bytes(bytes(data))


def _zips(d: Path) -> None:
    feature = json.dumps(_geojson([_feature({"reference": "Z-1"})]))
    with zipfile.ZipFile(d / "traversal.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../../escaped.geojson", feature)
    with zipfile.ZipFile(d / "many_entries.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(5000):
            zf.writestr(f"part/{i:05d}.txt", f"{i}\n")
        zf.writestr("part/dig.geojson", feature)
    # a genuine bomb: 64 MB of spaces after a valid document, ~1000:1
    with zipfile.ZipFile(d / "bomb_ratio.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("dig.geojson", "w") as fh:
            fh.write(feature.encode())
            block = b" " * (1 << 20)
            for _ in range(64):
                fh.write(block)
    # headers claiming 16 entries × 4 GB inflated from 40 MB each (ratio 100, under any ratio
    # limit): 64 GB in all, more than this machine's memory, from a zip of a few kilobytes
    with zipfile.ZipFile(d / "bomb_claimed.zip", "w", zipfile.ZIP_STORED) as zf:
        for i in range(16):
            zf.writestr(f"dig_{i:02d}.geojson" if i == 0 else f"part_{i:02d}.bin", feature)
    _patch_sizes(d / "bomb_claimed.zip", 40_000_000, 4_000_000_000)
    # headers claiming 200 bytes while the entry inflates to 32 MB (a lie the other way)
    with zipfile.ZipFile(d / "bomb_short.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("dig.geojson", feature.encode() + b" " * (32 << 20))
    info = zipfile.ZipFile(d / "bomb_short.zip").infolist()[0]
    _patch_sizes(d / "bomb_short.zip", info.compress_size, 200)


def build(folder: str | os.PathLike) -> list[str]:
    """Write the corpus into ``folder`` (created); returns the names of its cases, sorted."""
    d = Path(folder)
    d.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(17)
    _random_files(d, rng)
    _encodings(d)
    _csvs(d)
    _vector_files(d)
    _specials(d)
    _zips(d)
    return sorted(p.name for p in d.iterdir())


if __name__ == "__main__":
    names = build(sys.argv[1])
    print(f"{len(names)} hostile files in {sys.argv[1]}")
