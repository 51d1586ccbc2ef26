"""No network from data, end to end in a separate process: a KML with a NetworkLink (and
remote styles and icons), a GML with remote xlink:href and xsi:schemaLocation, and a GeoJSON
whose CRS is a web address all point at a loopback listener started here; `inspect` and
`import` finish (bounded) with exit 0 or a one-line error, and the listener is never called."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.importers.test_offline import Listener

TIMEOUT_S = 120  # a hang, not a speed limit: each command takes about a second


def _kml(path, port):
    base = f"http://127.0.0.1:{port}"
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document>
  <name>mains</name>
  <Style id="s"><IconStyle><Icon><href>{base}/icon.png</href></Icon></IconStyle></Style>
  <NetworkLink><name>more</name><refreshVisibility>1</refreshVisibility>
    <Link><href>{base}/more.kml</href><refreshMode>onInterval</refreshMode></Link>
  </NetworkLink>
  <Folder><name>mains</name>
    <Placemark><name>P1</name><styleUrl>{base}/styles.kml#pipe</styleUrl>
      <ExtendedData><Data name="owner_ref"><value>P1</value></Data></ExtendedData>
      <LineString><coordinates>-0.1276,51.5072 -0.1270,51.5075</coordinates></LineString>
    </Placemark>
    <Placemark><name>P2</name><styleUrl>#s</styleUrl>
      <Point><coordinates>-0.1272,51.5073</coordinates></Point>
    </Placemark>
  </Folder>
</Document>
</kml>
""")
    return path


def _gml(path, port):
    base = f"http://127.0.0.1:{port}"
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<ogr:FeatureCollection xmlns:ogr="http://ogr.maptools.org/" xmlns:gml="http://www.opengis.net/gml"
    xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://ogr.maptools.org/ {base}/mains.xsd">
  <gml:featureMember>
    <ogr:mains gml:id="m1">
      <ogr:geometryProperty><gml:LineString srsName="EPSG:27700">
        <gml:coordinates>530000,180000 530010,180010</gml:coordinates>
      </gml:LineString></ogr:geometryProperty>
      <ogr:owner_ref>P1</ogr:owner_ref>
      <ogr:valve xlink:href="{base}/valves.gml#v1"/>
    </ogr:mains>
  </gml:featureMember>
  <gml:featureMember>
    <ogr:mains gml:id="m2">
      <ogr:geometryProperty xlink:href="{base}/geometries.gml#g2"/>
      <ogr:owner_ref>P2</ogr:owner_ref>
    </ogr:mains>
  </gml:featureMember>
</ogr:FeatureCollection>
""")
    return path


def _geojson(path, port):
    path.write_text(json.dumps({
        "type": "FeatureCollection",
        "crs": {"type": "link", "properties": {"href": f"http://127.0.0.1:{port}/crs",
                                               "type": "proj4"}},
        "features": [{"type": "Feature", "properties": {"owner_ref": "P1"}, "geometry": {
            "type": "LineString", "coordinates": [[530000, 180000], [530010, 180010]]}}]}))
    return path


MAKERS = {"mains.kml": _kml, "mains.gml": _gml, "mains.geojson": _geojson}


def _run(args, cwd, env):
    return subprocess.run([sys.executable, "-m", "asset_register.cli.main", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=TIMEOUT_S)


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_links_in_a_file_make_no_connection(tmp_path, name):
    listener = Listener()
    try:
        path = MAKERS[name](tmp_path / name, listener.port)
        env = {**os.environ, "ASSET_REGISTER_NOW": "2026-11-23T10:00:00",
               "XDG_CACHE_HOME": str(tmp_path / "cache")}
        for key in ("GML_SKIP_RESOLVE_ELEMS", "GML_DOWNLOAD_WFS_SCHEMA"):
            env.pop(key, None)  # what the product sets itself, not what this shell had
        reg = tmp_path / "reg.gpkg"
        assert _run(["init", str(reg)], tmp_path, env).returncode == 0
        done = [_run(["inspect", str(path)], tmp_path, env),
                _run(["import", str(reg), str(path), "--owner", "WSX", "--utility", "water",
                      "--assume-crs", "EPSG:27700", "--all-layers"], tmp_path, env)]
    finally:
        calls = listener.close()
    for d in done:
        assert d.returncode in (0, 1), (d.args[3:5], d.stderr[-800:])
        if d.returncode:
            assert d.stderr.count("\n") == 1 and "Traceback" not in d.stderr, d.stderr[-800:]
    assert calls == 0, f"{name}: {calls} connection(s) to the listener"
    if name != "mains.geojson":  # the data itself still imports
        assert done[1].returncode == 0, done[1].stderr


def test_the_listener_would_see_a_fetch(tmp_path, monkeypatch):
    """The control: with GDAL's xlink resolution switched on by hand, reading the same GML
    does call the listener — so the tests above would notice a connection."""
    import pyogrio

    listener = Listener()
    try:
        path = _gml(tmp_path / "mains.gml", listener.port)
        monkeypatch.setenv("GML_SKIP_RESOLVE_ELEMS", "NONE")
        monkeypatch.setenv("GDAL_HTTP_TIMEOUT", "2")
        pyogrio.read_dataframe(str(path))
    finally:
        calls = listener.close()
    assert calls >= 1
