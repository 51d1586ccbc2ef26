"""Installation check of the packaged app: ``asset-register --bundle-check``.

Exercises, inside the installed bundle, what the build trims close to, and prints the
answers as JSON. An installer (or IT staff at an authority) runs it once after
installing; the smoke test runs it from the bundle and compares each answer with the
same function run by the development install (``python packaging/bundle_check.py``),
which has the complete libraries:

- ``icu``: Qt's collation (file dialogs sort with it), time-zone names and named codecs
  — the build keeps only part of ICU's data (English, Welsh, Gaelic, Irish locales;
  single-byte codecs);
- ``text``: a non-ASCII label laid out and drawn offscreen (fonts, shaping);
- ``proj``: CRS lookups and a transformation through pyproj and through GDAL — the
  bundle has one PROJ database for both — and the shipped grids (OSTN15, RDNAPTRANS):
  the accuracy of the transformation pyproj picks offline with them;
- ``arrow``: pyarrow compute and CSV, and an ADBC ingest into SQLite — the bundle
  leaves out pyarrow's dataset, Parquet, Acero and Substrait libraries;
- ``hashes``: the digests the register and notice packs record — the bundle has no
  OpenSSL for Python; hashlib uses its built-in implementations.

``where`` (not compared) says which PROJ database each library uses. ``proj_network``
(not compared: it differs by design) switches PROJ's network on, asks for a grid at a
loopback address served by a child process, and counts the requests that arrive: on
Linux the bundle's libcurl is a stub that makes no handle (build.spec), so none do and
the transformation fails cleanly; the development install's real libcurl does send one,
which shows the probe would see an attempt.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sqlite3
import sys
import tempfile
from pathlib import Path

LABEL = "Heol y Frenhines № 5 — Straße, Ærø, Łódź, Ελλάδα, £12·50"
WORDS = ["zebra", "Äpfel", "apple", "file10", "file2", "Ångström", "éclair", "eclair", "Llanelli", "llama",
         "ddraig", "Dŵr", "dŵr", "Ynys Môn"]


def icu() -> dict:
    from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone

    out: dict = {}
    for loc in ("en_GB", "cy_GB"):
        collator = QCollator(QLocale(loc))
        collator.setNumericMode(True)  # as QFileSystemModel sorts file names
        out[f"sorted_{loc}"] = sorted(WORDS, key=functools.cmp_to_key(collator.compare))
    london = QTimeZone(b"Europe/London")
    out["london"] = [london.isValid(), london.displayName(QTimeZone.TimeType.StandardTime,
                                                          QTimeZone.NameType.LongName, QLocale("en_GB")),
                     london.displayName(QTimeZone.TimeType.DaylightTime, QTimeZone.NameType.ShortName,
                                        QLocale("en_GB")),
                     london.displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName,
                                        QLocale("cy_GB"))]
    out["codecs"] = {name: QStringDecoder(name).isValid() for name in ("windows-1252", "ISO-8859-15", "IBM850")}
    out["upper"] = [QLocale("en_GB").toUpper("straße"), QLocale("tr_TR").toUpper("istanbul")]
    return out


def text() -> dict:
    from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QImage, QPainter

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    font = QFont(app.font())
    font.setPixelSize(20)
    image = QImage(900, 40, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    painter.drawText(4, 28, LABEL)
    painter.end()
    inked = sum(1 for y in range(0, 40, 2) for x in range(0, 900, 2) if image.pixelColor(x, y).lightness() < 128)
    metrics = QFontMetrics(font)
    return {"advance": metrics.horizontalAdvance(LABEL),
            "all_glyphs": all(metrics.inFont(c) for c in LABEL if c != " "), "inked": inked > 100}


def proj(work: Path) -> dict:
    import pyogrio
    from pyproj import CRS, Transformer

    from asset_register.grids import use_bundled_grids
    from asset_register.transform import plan_transform

    out = {code: CRS.from_epsg(code).name for code in (27700, 7405, 4258, 29903, 2157)}
    out["grids_complete"] = use_bundled_grids()
    for name, src, dst, area in (("grid_wgs84_bng", 4326, 27700, (-3.3, 51.4, -3.1, 51.6)),
                                 ("grid_etrs89_bng", 4258, 27700, (-3.3, 51.4, -3.1, 51.6)),
                                 ("grid_etrs89_rd", 4258, 28992, (4.4, 51.8, 4.6, 52.0))):
        plan = plan_transform(CRS.from_epsg(src), CRS.from_epsg(dst), area)
        out[name] = [plan.accuracy_m, plan.description]
    t = Transformer.from_crs(4326, 27700, always_xy=True)
    out["to_bng"] = [round(v, 3) for v in t.transform(-3.1791, 51.4816)]  # Cardiff
    # ETRS89 -> British National Grid through OSTN15 itself: only_best fails rather than fall back
    t = Transformer.from_crs(4258, 27700, always_xy=True, only_best=True)
    out["ostn15_to_bng"] = [*(round(v, 3) for v in t.transform(-3.1791, 51.4816)),
                            sorted(set(re.findall(r"[\w.-]+\.tif\b", t.get_last_used_operation().to_json())))]
    out["esri_wkt"] = CRS.from_wkt(CRS.from_epsg(27700).to_wkt("WKT1_ESRI")).to_epsg()
    # GDAL resolves the layer's CRS from its own reading of the same database
    src = work / "point.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {
        "name": "urn:ogc:def:crs:EPSG::27700"}}, "features": [{"type": "Feature", "properties": {"name": LABEL},
                                                               "geometry": {"type": "Point",
                                                                            "coordinates": [318000, 176000]}}]}),
                   encoding="utf-8")
    out["gdal_crs"] = pyogrio.read_info(src)["crs"]
    frame = pyogrio.read_dataframe(src)
    out["gdal_name"] = frame["name"].iloc[0]
    out["gdal_to_wgs84"] = [round(v, 6) for v in frame.to_crs(4326).geometry.iloc[0].coords[0]]
    return out


NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def _count_requests(conn, seconds: float = 120) -> None:
    """Child process: listen on a loopback port (sent to the parent), answer every request
    404, and send the number of requests when the parent says stop (or after ``seconds``)."""
    import socket
    import time

    deadline = time.monotonic() + seconds
    requests = 0
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.settimeout(0.2)
        conn.send(server.getsockname()[1])
        while not conn.poll() and time.monotonic() < deadline:
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            requests += 1
            with client:
                client.settimeout(5)
                try:
                    client.recv(65536)
                    client.sendall(NOT_FOUND)
                except OSError:
                    pass
    conn.send(requests)


def proj_network() -> dict:
    """PROJ's network switched on, a grid asked for at a loopback address: how many requests arrive.

    PROJ holds Python's lock while it downloads, so the server is a child process. Only
    127.0.0.1 is ever addressed, and PROJ's network is switched off again afterwards.
    """
    import multiprocessing

    import pyproj.network
    from pyproj import Transformer
    from pyproj.exceptions import ProjError

    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    server = ctx.Process(target=_count_requests, args=(theirs,), daemon=True)
    server.start()
    out: dict = {}
    saved = {k: os.environ.get(k) for k in ("no_proxy", "NO_PROXY")}
    try:
        if not ours.poll(60):
            raise RuntimeError("the loopback server of the network probe did not start")
        port = ours.recv()
        os.environ.update(no_proxy="127.0.0.1", NO_PROXY="127.0.0.1")  # straight to the loopback server
        pyproj.network.set_network_enabled(True)
        out["network_switched_on"] = pyproj.network.is_network_enabled()
        try:
            Transformer.from_pipeline(f"+proj=hgridshift +grids=http://127.0.0.1:{port}/uk_os_OSTN15_copy.tif")
            out["remote_grid"] = "opened"
        except ProjError:
            out["remote_grid"] = "not available"
    finally:
        pyproj.network.set_network_enabled(False)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        ours.send("stop")
        out["requests"] = ours.recv() if ours.poll(30) else None
        server.join(10)
        if server.is_alive():
            server.terminate()
    return out


def arrow(work: Path) -> dict:
    import io

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(io.BytesIO(("id,owner\n1,Dŵr Cymru\n2,FPL\n3,Dŵr Cymru\n").encode()))
    counts = pc.value_counts(table["owner"]).to_pylist()
    import adbc_driver_sqlite.dbapi as adbc  # as asset_register.store.gpkg.bulk ingests

    db = work / "ingest.sqlite"
    with adbc.connect(str(db)) as con:
        with con.cursor() as cur:
            cur.adbc_ingest("t", pa.table({"id": table["id"], "owner": table["owner"]}), mode="create")
        con.commit()
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT id, owner FROM t ORDER BY id").fetchall()
    return {"value_counts": sorted((c["values"], c["counts"]) for c in counts), "ingested": rows,
            "upper": pc.utf8_upper(table["owner"]).to_pylist()}


def hashes() -> dict:
    data = LABEL.encode()
    return {"sha256": hashlib.sha256(data).hexdigest(), "sha1": hashlib.sha1(data).hexdigest(),
            "md5": hashlib.md5(data).hexdigest()}


def where() -> dict:
    import pyproj

    root = Path(getattr(sys, "_MEIPASS", sys.prefix)).resolve()

    def rel(path: str | None) -> str | None:
        if not path:
            return None
        p = Path(path).resolve()
        return p.relative_to(root).as_posix() if root in p.parents else str(p)

    data, *grids = pyproj.datadir.get_data_dir().split(os.pathsep)  # the database, then the grids
    return {"pyproj_data": rel(data), "pyproj_grids": [rel(g) for g in grids],
            "PROJ_DATA": rel(os.environ.get("PROJ_DATA")), "frozen": bool(getattr(sys, "frozen", False))}


def run() -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        return {"icu": icu(), "text": text(), "proj": proj(work), "arrow": arrow(work), "hashes": hashes(),
                "where": where(), "proj_network": proj_network()}


def main() -> int:
    print(json.dumps(run(), ensure_ascii=False, indent=1, default=list))
    return 0


if __name__ == "__main__":
    sys.exit(main())
