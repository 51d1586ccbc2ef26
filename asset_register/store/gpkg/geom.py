"""GeoPackage geometry blobs (spec §2.1.3): encode in bulk, decode, and the SQL
functions (ST_MinX, …, ST_IsEmpty) the R*Tree triggers call.

Encoding is vectorised: headers for every row come from one numpy buffer, and
only the final byte-string join is per row.
"""

from __future__ import annotations

import sqlite3
import struct

import numpy as np
import shapely

_HEADER = np.dtype(
    [("magic", "S2"), ("version", "u1"), ("flags", "u1"), ("srs_id", "<i4"), ("env", "<f8", (4,))]
)
_ENV_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def to_wkb(geoms) -> np.ndarray:
    """ISO WKB, little endian, Z kept: the body of our GeoPackage blobs (and what we hash)."""
    return shapely.to_wkb(geoms, flavor="iso", byte_order=1, include_srid=False,
                          output_dimension=3)


HEADER_SIZE = _HEADER.itemsize


def headers(bounds: np.ndarray, srs_id: int) -> bytes:
    """The blob headers (little endian, XY envelope) of geometries with these shapely
    ``bounds`` (minx, miny, maxx, maxy), concatenated: ``HEADER_SIZE`` bytes each."""
    header = np.zeros(len(bounds), dtype=_HEADER)
    header["magic"] = b"GP"
    header["flags"] = 0b0000_0011  # little endian, envelope [minx, maxx, miny, maxy]
    header["srs_id"] = srs_id
    header["env"] = bounds[:, [0, 2, 1, 3]]
    return header.tobytes()


def encode(geoms: np.ndarray, srs_id: int, wkb: np.ndarray | None = None) -> list[bytes]:
    """Standard GeoPackage binaries (little endian, XY envelope, ISO WKB) for non-empty
    geometries; pass ``wkb`` (from ``to_wkb``) when it is already at hand."""
    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    if n == 0:
        return []
    raw = headers(shapely.bounds(geoms), srs_id)
    if wkb is None:
        wkb = to_wkb(geoms)
    size = _HEADER.itemsize
    return [raw[i * size : (i + 1) * size] + w for i, w in enumerate(wkb)]


def header_length(blob: bytes) -> int:
    if blob[:2] != b"GP" or len(blob) < 8:
        raise ValueError("not a GeoPackage geometry blob (no 'GP' magic)")
    return 8 + _ENV_BYTES.get((blob[3] >> 1) & 0b111, 0)


def decode(blobs) -> np.ndarray:
    """Shapely geometries from GeoPackage blobs (None stays None)."""
    wkb = [None if b is None else b[header_length(b):] for b in blobs]
    return shapely.from_wkb(np.array(wkb, dtype=object))


def _checked_header(blob: bytes) -> int:
    """The header's length, refusing (ValueError, as the readers do) a blob that is not a
    GeoPackage geometry or is cut short inside its header: the R*Tree triggers must not
    index it as empty or read past its end."""
    n = header_length(blob)
    if len(blob) < n:
        raise ValueError(f"truncated GeoPackage geometry blob ({len(blob)} bytes, its header "
                         f"needs {n})")
    return n


def _envelope(blob: bytes) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) from the header, or computed from the WKB when absent."""
    if blob is None:
        return None
    n = _checked_header(blob)
    if blob[3] & 0b1_0000:
        return None
    if n > 8:
        order = "<" if blob[3] & 1 else ">"
        return struct.unpack_from(order + "4d", blob, 8)
    g = shapely.from_wkb(blob[n:])
    if g.is_empty:
        return None
    minx, miny, maxx, maxy = g.bounds
    return (minx, maxx, miny, maxy)


def _st(index: int):
    def fn(blob):
        e = _envelope(blob)
        return None if e is None else e[index]

    return fn


def _is_empty(blob):
    if blob is None:
        return None
    _checked_header(blob)
    return 1 if blob[3] & 0b1_0000 else 0


def register_functions(con: sqlite3.Connection) -> None:
    """The SQL functions the GeoPackage R*Tree triggers need on this connection."""
    for i, name in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
        con.create_function(name, 1, _st(i), deterministic=True)
    con.create_function("ST_IsEmpty", 1, _is_empty, deterministic=True)
