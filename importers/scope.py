"""Delivery scope: what an import supersedes, and the guard against retiring too much.

An owner's delivery comes in one of three shapes (docs/deliveries.md):

* ``network`` — the owner's whole layer, re-sent in full: live assets of the layer's
  delivery scope that the file no longer holds are retired (the default);
* ``area`` — an extract for one area (a KLIC/IMKL delivery, ``--area FILE``): only live
  assets of that scope that intersect the area and are absent are retired; the owner's
  assets elsewhere stay live;
* ``append`` — additions: nothing is retired (an id already live gets a new version).

Whatever the shape, an import that would retire more than ``RETIRE_SHARE`` of the
owner's live assets — and at least ``RETIRE_MIN`` of them — stops before it writes,
unless confirmed: a wrong file, or an area extract imported as a whole network, must not
silently empty the register.
"""

from __future__ import annotations

from pathlib import Path

import pyproj
import shapely

from asset_register.errors import ImportError_, RetireNotConfirmedError
from asset_register.transform import reproject_frame
from asset_register.vector_files import read_vector

SCOPES = ("network", "area", "append")
RETIRE_SHARE = 0.10  # more than this share of an owner's live assets needs confirmation …
RETIRE_MIN = 5  # … when at least this many would go (a few never need it)
EMPTY = shapely.Polygon()  # write_batch's area for an append: intersects nothing


def check_scope(scope: str, area: shapely.Geometry | None) -> None:
    """ImportError_ unless ``scope`` is known and ``area`` is given exactly for ``area``."""
    if scope not in SCOPES:
        raise ImportError_(f"unknown delivery scope {scope!r}: use one of {', '.join(SCOPES)}")
    if scope == "area" and (area is None or area.is_empty):
        raise ImportError_("an area delivery needs its area (--area FILE): a polygon file of "
                           "the area the delivery covers")
    if scope != "area" and area is not None:
        raise ImportError_(f"an area was given for a {scope!r} delivery: give the area only "
                           "with an area delivery (scope 'area', --area FILE)")


def store_area(scope: str, area: shapely.Geometry | None) -> shapely.Geometry | None:
    """The ``area`` argument of ``write_batch`` for a delivery of ``scope``."""
    return {"network": None, "area": area, "append": EMPTY}[scope]


def read_area(path: str | Path, crs: pyproj.CRS) -> shapely.Geometry:
    """The union of the polygons of a vector file, in ``crs`` (the register's)."""
    path = Path(path)
    if not path.exists():
        raise ImportError_(f"area file {path} does not exist: give a polygon file (GeoJSON, "
                           "GeoPackage, shapefile…) of the delivery's area")
    frame = read_vector(path, None, "area file", ImportError_)
    if frame.crs is None:
        raise ImportError_(f"area file {path} has no coordinate reference system: save it "
                           "with one (e.g. as GeoJSON, which is always WGS 84)")
    geoms = reproject_frame(frame, crs, "area").geometry.array
    polys = [g for g in shapely.get_parts(geoms[~shapely.is_missing(geoms)])
             if g.geom_type == "Polygon" and not g.is_empty]
    if not polys:
        raise ImportError_(f"area file {path} holds no polygon: the area of a delivery is a "
                           "polygon (e.g. the KLIC request polygon)")
    return shapely.make_valid(shapely.union_all(polys))


def check_retire(retired: int, live_before: int, *, owner: str, where: str,
                 confirmed: bool, earlier: str | None = None) -> str | None:
    """None when ``retired`` needs no confirmation; else the message saying so, raised as
    RetireNotConfirmedError unless ``confirmed`` (then returned as a note). ``earlier``: the
    file that delivered what would be retired, when it has this file's name (two parts of a
    network saved under one name are one delivery to the register): the message names it."""
    if retired < RETIRE_MIN or retired <= RETIRE_SHARE * live_before:
        return None
    share = retired / live_before if live_before else 1.0
    what = (f"{where}: this import retires {retired:,} of owner {owner}'s {live_before:,} live "
            f"assets ({share:.0%})")
    if confirmed:
        return f"{what}, confirmed"
    if earlier:
        raise RetireNotConfirmedError(
            f"{what}, more than {RETIRE_SHARE:.0%}, delivered by the earlier file of the same "
            f"name {earlier}: nothing was written. If both files are parts of the network, "
            "import this one with --append (or each with --area FILE); if it replaces the "
            "earlier one, run it again with --confirm-retire")
    raise RetireNotConfirmedError(
        f"{what}, more than {RETIRE_SHARE:.0%}: nothing was written. If the file is the "
        "owner's whole network, run it again with --confirm-retire; an extract of one area "
        "takes --area FILE, additions take --append")


def earlier_file(store, delivery: str | None, path: Path, batch_id: int) -> str | None:
    """The file of the delivery's last committed batch before ``batch_id`` (the one being
    written) when it is another file with the name of ``path`` (None otherwise)."""
    if not delivery:
        return None
    batches = store.batches()
    if not len(batches) or "delivery" not in batches.columns:
        return None
    mine = batches[(batches["delivery"].astype(object) == delivery)
                   & (batches["state"].astype(object) == "committed")
                   & (batches["batch_id"].astype("int64") < int(batch_id))]
    if not len(mine):
        return None
    last = str(mine["source_file"].iloc[-1])
    same = Path(last).name == path.name and Path(last) != path.resolve()
    return last if same else None


def area_note(scope: str, area: shapely.Geometry | None, area_source: str | None) -> dict:
    """The scope and area as recorded in the batch's provenance (``notes``)."""
    note = {"scope": scope}
    if area is not None:
        note["area_wkt"] = shapely.to_wkt(area, rounding_precision=3)
        if area_source:
            note["area_source"] = area_source
    return note
