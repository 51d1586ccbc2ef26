"""Delivery areas kept with the register: the dig polygon of a KLIC/IMKL delivery.

An area delivery (a KLIC request answered by the network operators) comes with the
polygon it was asked for — the dig polygon (``Graafpolygoon``) — and the larger area
its data covers (orientation/information polygon). Both are kept, in the working
CRS, under the delivery's reference (the KLIC number) in the register's settings,
and the batches it wrote name that reference in their notes; so the dig polygon can
be offered as the footprint to check: ``asset-register check REGISTER
--delivery-area 17G000041`` (a KLIC number or a batch id), or
``delivery_area(store, reference)`` from the app.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import shapely

from . import settings as reg
from .errors import NotFoundError

INDEX_KEY = "delivery_areas"
PREFIX = "delivery_area:"


@dataclass(frozen=True)
class DeliveryArea:
    """A delivery's reference, dig polygon and covered area (working CRS), and its batches."""

    reference: str
    footprint: shapely.Geometry
    area: shapely.Geometry | None
    batches: tuple[int, ...] = ()
    owners: tuple[str, ...] = ()
    source_file: str | None = None


def record_delivery_area(store, d: DeliveryArea) -> None:
    """Keep (or replace) a delivery's polygons under its reference."""
    reg.write(store, PREFIX + d.reference, json.dumps({
        "footprint": shapely.to_wkt(d.footprint, rounding_precision=-1),
        "area": shapely.to_wkt(d.area, rounding_precision=-1) if d.area is not None else None,
        "batches": list(d.batches), "owners": list(d.owners), "source_file": d.source_file,
    }))
    refs = delivery_references(store)
    if d.reference not in refs:
        reg.write(store, INDEX_KEY, json.dumps(refs + [d.reference]))


def delivery_references(store) -> list[str]:
    """References of every delivery area kept, oldest first."""
    return list(json.loads(reg.raw(store, INDEX_KEY) or "[]"))


def _load(store, reference: str) -> DeliveryArea | None:
    text = reg.raw(store, PREFIX + reference)
    if not text:
        return None
    d = json.loads(text)
    return DeliveryArea(
        reference=reference, footprint=shapely.from_wkt(d["footprint"]),
        area=shapely.from_wkt(d["area"]) if d.get("area") else None,
        batches=tuple(d.get("batches") or ()), owners=tuple(d.get("owners") or ()),
        source_file=d.get("source_file"),
    )


def delivery_area(store, reference: str | int) -> DeliveryArea:
    """The delivery area by KLIC number (or other reference) or by a batch id it wrote."""
    ref = str(reference).strip()
    found = _load(store, ref)
    if found is None and ref.isdigit():
        found = next((a for r in delivery_references(store)
                      if (a := _load(store, r)) and int(ref) in a.batches), None)
    if found is None:
        known = delivery_references(store)
        raise NotFoundError(
            f"no delivery area {ref!r} in this register: give a KLIC number or batch id of an "
            f"imported delivery ({', '.join(known[-5:]) if known else 'none imported yet'})")
    return found
