"""Surfaces GEOS cannot read — MultiPatch, TIN, PolyhedralSurface, Triangle — as footprints.

GDAL reads an Esri MultiPatch (shapefile shape type 31, File Geodatabase multipatch)
as TIN (triangle strips and fans) or MultiPolygon Z (rings), and other sources hold
PolyhedralSurface or Triangle geometries. GEOS has no such types, so their WKB is
rewritten to the MultiPolygon / Polygon it is made of (the byte layouts are the same,
only the type codes differ) and each row becomes the 2D outline of its faces — the
footprint a dig check needs. Faces that stand vertical have no footprint; a row with
nothing else is rejected with that reason.
"""

from __future__ import annotations

import struct

import numpy as np
import shapely

# ISO WKB base types rewritten here, and what they become
SURFACE_TYPES = {15: 6, 16: 6, 17: 3}  # PolyhedralSurface, TIN -> MultiPolygon; Triangle -> Polygon
NO_FOOTPRINT = "3D surface with no footprint (MultiPatch/TIN whose faces are all vertical)"


class WKBError(ValueError):
    """The WKB is not a surface this module can rewrite."""


def _type(code: int) -> tuple[int, int, int]:
    """(base type, ISO dimension offset or EWKB flags kept, coordinate count) of a type code."""
    flags = code & 0xF0000000
    iso = code & 0x0FFFFFFF
    base, thousands = iso % 1000, iso // 1000
    z = thousands in (1, 3) or bool(flags & 0x80000000)
    m = thousands in (2, 3) or bool(flags & 0x40000000)
    return base, code - base, 2 + z + m


def _rewrite(buf: bytearray, pos: int) -> int:
    """Rewrite the surface at ``pos`` in place; returns the position after it."""
    if pos + 5 > len(buf):
        raise WKBError("truncated WKB")
    order = "<" if buf[pos] == 1 else ">"
    (code,) = struct.unpack_from(order + "I", buf, pos + 1)
    base, rest, ncoord = _type(code)
    if base in (15, 16):  # a count of polygons / triangles, each a full geometry
        struct.pack_into(order + "I", buf, pos + 1, 6 + rest)
        (n,) = struct.unpack_from(order + "I", buf, pos + 5)
        pos += 9
        for _ in range(n):
            pos = _rewrite(buf, pos)
        return pos
    if base in (3, 17):  # rings of points
        struct.pack_into(order + "I", buf, pos + 1, 3 + rest)
        (nrings,) = struct.unpack_from(order + "I", buf, pos + 5)
        pos += 9
        for _ in range(nrings):
            (npts,) = struct.unpack_from(order + "I", buf, pos)
            pos += 4 + npts * ncoord * 8
        if pos > len(buf):
            raise WKBError("truncated WKB")
        return pos
    raise WKBError(f"WKB type {code} inside a surface")


def as_polygons(wkb: bytes) -> bytes:
    """The WKB of a PolyhedralSurface/TIN/Triangle as MultiPolygon/Polygon WKB."""
    buf = bytearray(wkb)
    _rewrite(buf, 0)
    return bytes(buf)


def footprints(wkbs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(2D footprint polygons, reason per row or None) of surface WKB values.

    Rows whose WKB cannot be read come back as None with the reason; rows whose faces
    are all vertical likewise (``NO_FOOTPRINT``).
    """
    n = len(wkbs)
    geoms = np.full(n, None, dtype=object)
    reasons = np.full(n, None, dtype=object)
    for i, value in enumerate(wkbs):  # rare path: only the surface rows of a layer
        try:
            geoms[i] = shapely.from_wkb(as_polygons(bytes(value)))
        except (WKBError, struct.error, shapely.errors.GEOSException) as exc:
            reasons[i] = f"3D surface geometry that cannot be read ({exc})"
    ok = ~shapely.is_missing(geoms)
    if not ok.any():
        return geoms, reasons
    rows = np.flatnonzero(ok)
    parts, idx = shapely.get_parts(geoms[rows], return_index=True)
    flat = shapely.force_2d(parts)
    flat_ok = shapely.area(flat) > 0  # vertical faces project to nothing
    flat = shapely.make_valid(flat[flat_ok])
    polys, pidx = shapely.get_parts(flat, return_index=True)
    keep = shapely.get_type_id(polys) == 3
    owner = rows[idx[flat_ok][pidx[keep]]]
    out = np.full(n, None, dtype=object)
    if keep.any():
        uniq, inv = np.unique(owner, return_inverse=True)
        merged = shapely.make_valid(shapely.multipolygons(polys[keep], indices=inv), method="structure")
        # faces that touch merge into one outline; one part stays a Polygon
        merged = shapely.buffer(merged, 0)
        single = shapely.get_num_geometries(merged) == 1
        merged[single] = shapely.get_geometry(merged[single], 0)
        out[uniq] = merged
    none = ok & shapely.is_missing(out)
    reasons[none] = NO_FOOTPRINT
    return out, reasons
