"""Nothing in a file's content makes the product reach the network: a GeoJSON CRS given as a
web address is refused before GDAL opens the file, and no connection is ever made."""

from __future__ import annotations

import json
import os
import socket
import threading

import pytest

from asset_register.cli.main import main
from asset_register.offline import GDAL_OFFLINE, refuse_crs_links
from asset_register.store import open_register

LINES = [{"type": "Feature", "properties": {"owner_ref": "P1"},
          "geometry": {"type": "LineString", "coordinates": [[530000, 180000], [530010, 180010]]}}]


class Listener:
    """A loopback TCP listener (bounded waits) that records whether anything connected and
    serves a CRS, so a fetch would also be used."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            with conn:
                conn.settimeout(1)
                try:
                    conn.recv(4096)
                    conn.sendall(b"HTTP/1.0 200 OK\r\n\r\n+proj=longlat +datum=WGS84 +no_defs\n")
                except OSError:
                    pass

    def close(self) -> int:
        if self.stop.is_set():
            return self.connections
        self.stop.set()
        self.thread.join(5)
        self.sock.setblocking(False)
        try:  # a connection queued by the kernel but not yet accepted still counts
            while True:
                self.sock.accept()[0].close()
                self.connections += 1
        except OSError:
            pass
        self.sock.close()
        return self.connections


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def _geojson(path, crs, *, crs_last=False):
    doc = {"type": "FeatureCollection", "features": LINES}
    doc = {**doc, "crs": crs} if crs_last else {"crs": crs, **doc}
    path.write_text(json.dumps(doc))
    return path


def _link(port):
    return {"type": "link", "properties": {"href": f"http://127.0.0.1:{port}/crs", "type": "proj4"}}


def _name(port):
    return {"type": "name", "properties": {"name": f"http://127.0.0.1:{port}/crs"}}


@pytest.mark.parametrize("kind", ["link", "name", "link_last"])
def test_inspect_import_and_check_refuse_a_crs_link_without_connecting(tmp_path, capsys, listener, kind):
    crs = (_name if kind == "name" else _link)(listener.port)
    path = _geojson(tmp_path / "mains.geojson", crs, crs_last=kind == "link_last")
    reg = tmp_path / "reg.gpkg"
    assert main(["init", str(reg), "--crs", "EPSG:27700"]) == 0
    capsys.readouterr()

    assert main(["inspect", str(path)]) != 0
    assert main(["import", str(reg), str(path), "--owner", "WSX", "--utility", "water",
                 "--assume-crs", "EPSG:27700"]) != 0
    assert main(["check", str(reg), "--footprint", str(path)]) != 0
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln]
    assert len(lines) == 3 and "Traceback" not in err
    for line in lines:
        assert f"layer 'mains' gives its CRS only as a web address (http://127.0.0.1:{listener.port}/crs)" in line
        assert "--assume-crs" in line
    assert listener.close() == 0
    assert open_register(reg).asset_count() == 0


def test_a_crs_link_past_the_first_chunk_is_found(tmp_path, listener):
    features = LINES * 20000  # several MB: the crs member comes after them
    doc = {"type": "FeatureCollection", "features": features, "crs": _link(listener.port)}
    path = tmp_path / "big.geojson"
    path.write_text(json.dumps(doc))
    assert path.stat().st_size > 2 << 20
    with pytest.raises(Exception, match="web address"):
        refuse_crs_links(path)
    assert listener.close() == 0


def test_a_crs_link_inside_a_zip_is_refused(tmp_path, listener):
    import zipfile

    inner = _geojson(tmp_path / "gas.geojson", _link(listener.port))
    zpath = tmp_path / "delivery.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.write(inner, "gas.geojson")
    with pytest.raises(Exception, match="layer 'gas' gives its CRS only as a web address"):
        refuse_crs_links(zpath)
    assert listener.close() == 0


def test_epsg_names_and_ogc_identifiers_still_import(tmp_path, capsys):
    reg = tmp_path / "reg.gpkg"
    assert main(["init", str(reg), "--crs", "EPSG:27700"]) == 0
    for i, name in enumerate(["urn:ogc:def:crs:EPSG::27700", "http://www.opengis.net/def/crs/EPSG/0/27700"]):
        path = _geojson(tmp_path / f"f{i}.geojson", {"type": "name", "properties": {"name": name}})
        refuse_crs_links(path)  # no error
        assert main(["import", str(reg), str(path), "--owner", f"O{i}", "--utility", "water"]) == 0
    capsys.readouterr()
    assets = open_register(reg).read_assets()
    assert sorted(assets["owner"]) == ["O0", "O1"]
    assert assets.geometry.bounds["minx"].round().tolist() == [530000.0, 530000.0]


def test_gdal_offline_options_are_set_on_import():
    for key, value in GDAL_OFFLINE.items():
        assert os.environ.get(key) == value
