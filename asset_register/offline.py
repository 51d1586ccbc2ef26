"""Keeping GDAL offline: nothing in a delivery's content may make the product reach the network.

GDAL has no single switch that stops its HTTP client: a GeoJSON ``crs`` member of type
``link`` makes its GeoJSON driver fetch the address and use whatever is served there,
before any layer is read. So every GeoJSON is screened *before* GDAL opens it
(``refuse_crs_links``): a CRS given only as a web address is refused with a one-line
reason naming the layer. ``keep_gdal_offline`` (run when ``asset_register`` is imported,
before any GDAL use) also turns off what GDAL can be told to skip — GML schema and
WFS downloads, xlink resolution — and bounds any HTTP wait GDAL might still attempt.
PROJ's network is off in ``grids.py``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import IO

from .errors import AssetRegisterError, CRSError, ImportError_

# config option -> value, set as environment variables (GDAL reads them as config options)
GDAL_OFFLINE = {
    "GML_DOWNLOAD_WFS_SCHEMA": "NO",   # no DescribeFeatureType download for a GML file
    "GML_SKIP_RESOLVE_ELEMS": "ALL",   # never follow a GML xlink:href
    "GDAL_HTTP_MAX_RETRY": "0",        # if anything still fetches: one try, bounded
    "GDAL_HTTP_CONNECTTIMEOUT": "2",
    "GDAL_HTTP_TIMEOUT": "5",
}
JSON_SUFFIXES = (".json", ".geojson", ".geojsons", ".geojsonl", ".topojson")
# http(s)://www.opengis.net/def/crs/EPSG/0/27700 is an identifier GDAL resolves offline
OGC_CRS_URL = re.compile(r"^https?://www\.opengis\.net/def/crs/(EPSG|OGC)/[^/]+/[A-Za-z0-9.]+/?$",
                         re.IGNORECASE)
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^//")
CRS_KEY = re.compile(rb'"crs"\s*:\s*')
CHUNK = 1 << 20
WINDOW = 1 << 16  # a crs member is small: read at most this much of it


def keep_gdal_offline() -> None:
    """Set GDAL's offline config options (not overriding any the user set deliberately)."""
    for key, value in GDAL_OFFLINE.items():
        os.environ.setdefault(key, value)


def _urls(value) -> list[str]:
    if isinstance(value, str):
        return [value] if URL.match(value.strip()) and not OGC_CRS_URL.match(value.strip()) else []
    if isinstance(value, dict):
        return [u for v in value.values() for u in _urls(v)]
    if isinstance(value, list):
        return [u for v in value for u in _urls(v)]
    return []


def _crs_urls(fh: IO[bytes]) -> list[str]:
    """Web addresses in any ``"crs": {...}`` member of a JSON stream (read in chunks)."""
    found: list[str] = []
    buf = b""
    while True:
        chunk = fh.read(CHUNK)
        buf += chunk
        # a member starting within WINDOW of the end waits for the next chunk
        limit = len(buf) if not chunk else len(buf) - WINDOW
        for m in CRS_KEY.finditer(buf):
            if m.start() >= limit:
                break
            text = buf[m.end():m.end() + WINDOW].decode("utf-8", "replace")
            try:
                value, _ = json.JSONDecoder().raw_decode(text)
            except (ValueError, RecursionError):  # not parseable (or absurdly nested): any
                # quoted address in it still counts
                value = re.findall(r'"([A-Za-z][A-Za-z0-9+.-]*://[^"]*)"', text[:4096])
            found.extend(_urls(value))
        if not chunk:
            return found
        buf = buf[max(limit, 0):]


def refuse_crs_links(path: str | os.PathLike, what: str = "",
                     error: type[AssetRegisterError] = ImportError_) -> None:
    """Raise CRSError if a JSON file (or a zip's JSON member) gives its CRS as a web address.

    Runs before GDAL opens the file, so the address is never fetched. A path that is not a
    regular file or folder, and a zip over the archive limits, are refused first (``error``).
    """
    import zipfile  # here, not at the package's import, which every CLI start pays

    from .inputs import check_zip, require_file

    p = require_file(path, what, folders=True, error=error)
    label = f"{what} " if what else ""
    try:
        if p.is_file() and p.suffix.lower() in JSON_SUFFIXES:
            with open(p, "rb") as fh:
                _raise_for(fh, p, p.stem, label)
        elif p.is_file() and p.suffix.lower() == ".zip" and zipfile.is_zipfile(p):
            infos = check_zip(p, error)
            with zipfile.ZipFile(p) as z:
                for info in infos:
                    if info.filename.lower().endswith(JSON_SUFFIXES):
                        with z.open(info) as fh:
                            _raise_for(fh, p, Path(info.filename).stem, label)
    except (OSError, zipfile.BadZipFile, EOFError, ValueError):
        return  # unreadable: the reader that follows says why


def _raise_for(fh: IO[bytes], p: Path, layer: str, label: str) -> None:
    urls = _crs_urls(fh)
    if urls:
        raise CRSError(
            f"{label}{p}: layer {layer!r} gives its CRS only as a web address ({urls[0]}), which "
            "the register never fetches — ask the owner for the CRS as an EPSG code, or remove "
            "the file's \"crs\" member and import with --assume-crs EPSG:CODE"
        )
