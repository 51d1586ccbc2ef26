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

``where`` (not compared) says which PROJ database each library uses.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
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
                "where": where()}


def main() -> int:
    print(json.dumps(run(), ensure_ascii=False, indent=1, default=list))
    return 0


if __name__ == "__main__":
    sys.exit(main())
