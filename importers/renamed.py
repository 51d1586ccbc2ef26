"""A layer the owner has renamed: a re-delivery of the network it already delivered.

A delivery is the owner and the layer (``OWNER:layer``). An owner that re-delivers the same
network under another layer name (``gas_mains`` → ``Gas Mains 2026``) would otherwise start
a new delivery beside the old one: assets whose ids are already live stay in the old
delivery (so what vanished from the network is never retired), and assets whose ids carry
the layer's name (ids generated from their content, or ids scoped by layer) become a second
copy of every asset, each one reported twice by a dig check.

Before the batch is written, a layer that is new for its owner is matched against the
owner's other deliveries: a sample of its asset ids is looked up as they are and with the
old layer's name in place of the new one. When most of them are live in one earlier
delivery, the layer is imported as a re-delivery of it (its ids written as that delivery
writes them), so unchanged assets stay unchanged, changed ones get a new version and
missing ones are retired — the retire guard still stops a large retirement — and the
report says so.
"""

from __future__ import annotations

import numpy as np
import shapely

SAMPLE = 500  # ids looked up (spread evenly over the layer)
PLACES = 50  # geometries looked up when no id matched: the same pipes under new ids
SHARE = 0.5  # of the sample live in one earlier delivery: the same network


def earlier_deliveries(store, owner: str, layer: str, siblings=tuple) -> list[str]:
    """The owner's deliveries from other files (sorted) when layer ``layer`` is new for the
    owner; empty for the owner's first delivery or one it has made. ``siblings()`` names the
    layers of the layer's own file (asked only when there are other deliveries: naming a
    GML's layers reads the file)."""
    batches = store.batches()
    if batches.empty:
        return []
    mine = batches[(batches["owner"] == owner) & batches["delivery"].notna()]
    known = set(mine["delivery"].astype(str))
    if not known or f"{owner}:{layer}" in known:
        return []
    candidates = sorted(d for d in known if d.startswith(f"{owner}:"))
    if not candidates:
        return []
    ours = {f"{owner}:{s}" for s in siblings()}
    return [d for d in candidates if d not in ours]


def renamed_from(store, owner: str, layer: str, asset_ids, geometries,
                 siblings=tuple, olds: list[str] | None = None
                 ) -> tuple[str, str, int, int] | None:
    """(earlier delivery, its layer, ids of the sample found there, sample size) when the
    layer ``layer`` of ``owner`` is new and most of its assets (``asset_ids``, with their
    ``geometries`` in the register's CRS) are live in one other delivery of the owner;
    None otherwise. The layers ``siblings()`` of the same file are never taken for it (asked
    only when the owner has other deliveries: naming a GML's layers reads the file).
    An id that carries the layer's name matches only an asset of the same geometry: ids
    scoped by layer repeat across layers (mains/1 is not services/1). ``olds``: the
    ``earlier_deliveries``, when worked out already."""
    ids = np.asarray(asset_ids, dtype=object)
    if not len(ids):
        return None
    if olds is None:
        olds = earlier_deliveries(store, owner, layer, siblings)
    if not olds:
        return None
    at = np.unique(np.linspace(0, len(ids) - 1, min(SAMPLE, len(ids))).astype(int))
    sample = ids[at]
    geometry_of = dict(zip(map(str, sample), np.asarray(geometries, dtype=object)[at],
                           strict=True))
    ours = f"{owner}:{layer}/"
    lookup = {str(i): str(i) for i in sample}
    for old in olds:  # ids that carry the layer's name, as the earlier delivery wrote them
        theirs = f"{old}/"
        lookup.update({theirs + str(i)[len(ours):]: str(i) for i in sample
                       if str(i).startswith(ours)})
    found = store.get_assets(list(lookup))
    hits: dict[str, set[str]] = {}
    for asset_id, record in found.items():
        if record.get("owner") != owner or record.get("delivery") not in olds:
            continue
        given = lookup[asset_id]
        if asset_id != given and not _same_place(geometry_of[given], record.get("geometry")):
            continue
        hits.setdefault(record["delivery"], set()).add(given)
    if not hits:
        return None
    best = max(sorted(hits), key=lambda d: len(hits[d]))
    if len(hits[best]) < SHARE * len(sample):
        return None
    return best, best[len(owner) + 1:], len(hits[best]), len(sample)


def _same_place(a, b) -> bool:
    if a is None or b is None:
        return False
    return bool(shapely.equals_exact(shapely.force_2d(a), shapely.force_2d(b), tolerance=1e-6))


def as_delivery_of(asset_ids, owner: str, layer: str, old_layer: str):
    """The ids of a layer re-delivered under a new name, written as its earlier delivery
    writes them (``<owner>:<new layer>/…`` → ``<owner>:<old layer>/…``); other ids as given."""
    import pandas as pd

    ids = pd.Series(asset_ids, dtype="string")
    ours = f"{owner}:{layer}/"
    return ids.where(~ids.str.startswith(ours).fillna(False),
                     f"{owner}:{old_layer}/" + ids.str.slice(len(ours)))


def note(layer: str, earlier: str, hits: int, sample: int) -> str:
    share = "all" if hits == sample else f"{hits:,} of {sample:,}"
    return (f"layer {layer!r} is the network of delivery {earlier} under a new name ({share} "
            f"of the assets looked up are live there): imported as a re-delivery of {earlier}, "
            "so unchanged assets stay, changed ones get a new version and the ones it no longer "
            "holds are retired — not a second copy of every asset")


def same_places(store, owner: str, layer: str, geometries, siblings=tuple,
                olds: list[str] | None = None) -> tuple[str, int, int] | None:
    """(earlier delivery, geometries found there, looked up) when most of a sample of the
    layer's geometries are, exactly, live assets of one other delivery of the owner (one of
    ``olds``, the ``earlier_deliveries``, when given): the same network under new ids. None
    otherwise."""
    geoms = np.asarray(geometries, dtype=object)
    geoms = geoms[~shapely.is_missing(geoms)]
    if not len(geoms):
        return None
    ours = f"{owner}:{layer}"
    others = {f"{owner}:{s}" for s in siblings()} | {ours}
    sample = geoms[np.unique(np.linspace(0, len(geoms) - 1, min(PLACES, len(geoms))).astype(int))]
    hits: dict[str, int] = {}
    for geom in sample:
        near = store.query_bbox(tuple(shapely.bounds(geom)), columns=["owner", "delivery"])
        if near.empty or "delivery" not in near.columns:
            continue
        mine = (near["owner"] == owner).to_numpy()
        if olds is not None:
            near = near[mine & near["delivery"].isin(olds).to_numpy()]
        else:
            near = near[mine & ~near["delivery"].isin(list(others)).to_numpy()]
        same = near[[_same_place(geom, g) for g in near.geometry.array]]
        for delivery in set(same["delivery"].dropna().astype(str)):
            hits[delivery] = hits.get(delivery, 0) + 1
    if not hits:
        return None
    best = max(sorted(hits), key=hits.__getitem__)
    return (best, hits[best], len(sample)) if hits[best] >= SHARE * len(sample) else None


def continue_delivery(store, owner: str, report, prepared, siblings=tuple) -> None:
    """Before the batch is written: a layer that is the owner's earlier delivery under a new
    name goes on as that delivery (``report.delivery`` and the prepared assets' ids);
    ``siblings()`` names the layers of its file."""
    assets = prepared.assets
    if not len(assets):
        return
    olds = earlier_deliveries(store, owner, prepared.layer, siblings)
    if not olds:  # the owner's first delivery, or one it has made: nothing to match
        return
    geometries = np.asarray(assets.geometry.array)
    found = renamed_from(store, owner, prepared.layer, assets["asset_id"].to_numpy(dtype=object),
                         geometries, olds=olds)
    if found is None:
        if report.delivery == f"{owner}:{prepared.layer}":
            twin = same_places(store, owner, prepared.layer, geometries, olds=olds)
            if twin is not None:
                earlier, hits, looked = twin
                report.warnings.append(
                    f"layer {prepared.layer!r} holds the assets of delivery {earlier} "
                    f"under other ids ({hits} of {looked} looked up lie exactly on its assets): "
                    f"imported as a new delivery, so the register now holds both and a dig "
                    f"check lists such assets twice — ask {owner} whether the ids changed")
        return
    earlier, old_layer, hits, sample = found
    assets["asset_id"] = as_delivery_of(assets["asset_id"], owner, prepared.layer, old_layer)
    report.delivery = earlier
    report.warnings.append(note(prepared.layer, earlier, hits, sample))
