"""An IMKL/KLIC or INSPIRE-UN delivery read into one canonical frame per owner.

``read_delivery`` parses (streaming), joins links to their cable/pipe features,
builds the geometries in bulk, checks the CRS and reprojects to the register's
working CRS (the transformation and its accuracy recorded, as for every import), and
splits the result by network operator. It also carries the request polygons: the
dig polygon (``Graafpolygoon``) as the footprint to check, and the union of the
request polygons as the area the delivery answers for.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from asset_register.errors import CancelledError, ImportError_
from asset_register.model import ASSET_COLUMNS, Owner, empty_assets
from asset_register.transform import TransformPlan

from .. import crs as crsmod
from ..prepare import REJECT_COLUMNS
from . import build as buildmod
from . import vocab
from .join import Joined, join
from .parse import iter_features
from .source import DeliveryFile

# canonical fields set from the records (pressure_bar / voltage_v where the model has them)
CANONICAL = tuple(c for c in ("utility", "asset_class", "status", "depth_m", "depth_source",
                              "diameter_mm", "pressure", "voltage", "material", "h_accuracy_m",
                              "pressure_bar", "voltage_v") if c in ASSET_COLUMNS)
NUMERIC = tuple(c for c in CANONICAL if ASSET_COLUMNS[c] == "float64")
IMKL_CRS = "EPSG:28992"
DEPTH_SNAP_M = 1.0  # a depth point this close to one asset of its network is that asset's


@dataclass
class OwnerPart:
    """One owner's share of the delivery, ready for ``write_frame``."""

    owner: Owner
    assets: gpd.GeoDataFrame
    rejects: pd.DataFrame


@dataclass
class Delivery:
    """A delivery read and mapped (see module docstring)."""

    file: DeliveryFile
    kind: str
    parts: dict[str, OwnerPart]
    source_crs: str | None
    plan: TransformPlan | None
    reference: str | None
    footprint: shapely.Geometry | None  # dig polygon, working CRS
    area: shapely.Geometry | None  # union of request polygons, working CRS
    joined: Joined
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def parse_file(file: DeliveryFile, owner: str | None = None, *,
               progress: Callable[[float, str], None] | None = None,
               cancel: Callable[[], bool] | None = None) -> Joined:
    """Parse and join in one streaming pass (no geometry built yet); ``progress`` gets the
    share of the file read, ``cancel`` is polled every few thousand features."""
    size = file.size()

    def features(fh):
        for n, f in enumerate(iter_features(fh, file.name, vocab.NOT_READ)):
            if n % 4096 == 4095:
                if cancel is not None and cancel():
                    raise CancelledError("import cancelled: the register is unchanged")
                if progress is not None and size:
                    progress(min(fh.tell() / size, 1.0), f"reading {file.name}")
            yield f

    with file.open() as fh:
        joined = join(features(fh), file.kind, owner)
    if not joined.counts:
        raise ImportError_(f"{file.name} holds no features: nothing to import")
    if owner and len(joined.operators) > 1:  # never several operators under one --owner
        names = sorted(joined.operators)
        raise ImportError_(
            f"{file.name}: its networks name {len(names)} operators ({', '.join(names[:3])}"
            f"{'…' if len(names) > 3 else ''}): imported with --owner {owner} they would all "
            f"become {owner}'s and a dig check would send their conflicts to {owner}; split the "
            "file by network operator and import each part with its own --owner")
    return joined


def _apply_depths(j: Joined, geoms: np.ndarray, projected: bool) -> int:
    """Depth features onto their assets: by reference, else the one asset of the same
    network within DEPTH_SNAP_M. Returns how many assets got a depth."""
    by_id = {r.attrs.get("gml_id"): i for i, r in enumerate(j.records)}
    pending = []
    for targets, net, depth, geom in j.depths:
        hit = [by_id[t] for t in targets if t in by_id]
        if hit:
            pending += [(i, depth) for i in hit]
        elif geom is not None and geom.kind == "point" and projected:
            pending.append((None, depth, net, geom.parts[0][:2]))
    loose = [p for p in pending if p[0] is None]
    if loose:
        ok = ~shapely.is_missing(geoms)
        idx = np.flatnonzero(ok)
        tree = shapely.STRtree(geoms[ok])
        pts = shapely.points(np.array([p[3] for p in loose]))
        hits = tree.query(pts, predicate="dwithin", distance=DEPTH_SNAP_M)  # sorted by point
        bounds = np.searchsorted(hits[0], np.arange(len(loose) + 1))
        for k in range(len(loose)):
            near = hits[1][bounds[k]:bounds[k + 1]]
            cand = [idx[t] for t in near if j.records[idx[t]].network == loose[k][2]]
            if len(cand) == 1:
                pending.append((cand[0], loose[k][1]))
    done: set[int] = set()
    for item in pending:
        i, depth = item[0], item[1]
        if i is None:
            continue
        v = j.records[i].values
        if i in done:
            v["depth_m"] = min(v["depth_m"], depth)  # several depth points: the shallowest
        elif v["depth_m"] is None or v["depth_source"] == "standard":
            v["depth_m"], v["depth_source"] = depth, "recorded"
            done.add(i)
    return len(done)


def _rejects(rows: list[int], reasons: list[str], attrs: list[dict], geoms) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    return pd.DataFrame({
        "row": np.asarray(rows, dtype=np.int64) + 1, "reason": reasons,
        "attrs": [json.dumps(a, ensure_ascii=False, default=str) for a in attrs],
        "geometry_wkt": shapely.to_wkt(np.asarray(geoms, dtype=object), rounding_precision=-1),
    })


def _frames(j: Joined, geoms: np.ndarray, failed: np.ndarray, crs, owner_names: dict) -> dict:
    unusable = shapely.is_missing(geoms) | shapely.is_empty(geoms)  # one pass, not per record
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(j.records):
        if r.owner:
            groups.setdefault(r.owner, []).append(i)
    parts = {}
    for code, idx in groups.items():
        seen: set[str] = set()
        keep, rej, why = [], [], []
        for i in idx:
            r = j.records[i]
            aid = f"{code}:{r.source_id}"
            reason = r.reason or (
                "coordinates could not be transformed" if failed[i] else
                "no usable geometry (fewer than two points, or an empty polygon)"
                if unusable[i] else
                f"duplicate asset id {aid!r} in this delivery" if aid in seen else None)
            if reason:
                rej.append(i)
                why.append(reason)
            else:
                seen.add(aid)
                keep.append(i)
        recs = [j.records[i] for i in keep]
        data = {"asset_id": [f"{code}:{r.source_id}" for r in recs],
                "owner": [code] * len(recs)}
        for col in CANONICAL:
            data[col] = [r.values[col] for r in recs]
        data["attrs"] = [json.dumps(r.attrs, ensure_ascii=False, default=str) for r in recs]
        frame = gpd.GeoDataFrame(pd.DataFrame(data), geometry=gpd.GeoSeries(geoms[keep], crs=crs),
                                 crs=crs)
        for col in NUMERIC:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
        rejects = _rejects(rej, why, [j.records[i].attrs for i in rej], geoms[rej])
        parts[code] = OwnerPart(owner_names.get(code) or Owner(code, code), frame, rejects)
    return parts


def read_delivery(
    file: DeliveryFile,
    working_crs: pyproj.CRS,
    *,
    owner: Owner | None = None,
    assume_crs: str | None = None,
    reference_extent=None,
    progress: Callable[[float, str], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Delivery:
    """Read, join, build, reproject and split by owner (see module docstring)."""
    timings = {}
    t = time.perf_counter()
    j = parse_file(file, owner.code if owner else None, progress=progress, cancel=cancel)
    timings["parse"] = time.perf_counter() - t
    t = time.perf_counter()
    geoms = buildmod.build([r.geoms for r in j.records])
    reqs = {k: buildmod.polygon_union(v) for k, v in j.requests.items()}
    timings["geometry"] = time.perf_counter() - t
    t = time.perf_counter()
    all_geoms = [g for r in j.records for g in r.geoms] + [g for v in j.requests.values() for g in v]
    src, _ = buildmod.source_crs(all_geoms)
    notes = []
    if src is None and assume_crs is None and j.kind == "imkl":  # IMKL prescribes RD New
        assume_crs = IMKL_CRS
        notes.append(f"no srsName in the delivery: read as {IMKL_CRS} (RD New), as IMKL prescribes")
    src, more = crsmod.resolve_source_crs(src.to_string() if src is not None else None,
                                          assume_crs)
    warnings = notes + more + list(j.notes)
    present = ~shapely.is_missing(geoms)
    # the request polygons are checked too: a delivery with no assets still places its
    # area (and the owners' coverage) in the register
    req_present = np.array([g for g in reqs.values() if g is not None], dtype=object)
    xy = crsmod.sample_xy(np.concatenate([geoms[present], req_present]))
    warnings += crsmod.check_coordinates(src, xy, working_crs, reference_extent)
    plan = crsmod.plan_transform(src, working_crs, crsmod.lonlat_bounds(src, xy))
    warnings += plan.notes
    depth_hits = _apply_depths(j, geoms, not src.is_geographic)
    if depth_hits:
        warnings.append(f"{depth_hits} assets took their depth from depth (diepte) features")
    geoms, failed = crsmod.reproject(geoms, plan)
    req_keys = [k for k, g in reqs.items() if g is not None]
    req_geoms, _ = crsmod.reproject(np.array([reqs[k] for k in req_keys], dtype=object), plan)
    reqs = dict(zip(req_keys, req_geoms, strict=True))
    timings["crs"] = time.perf_counter() - t
    owners = dict(j.owners)
    if owner is not None:
        owners[owner.code] = owner
    parts = _frames(j, geoms, failed, working_crs, owners)
    for code, o in owners.items():  # operators in the delivery with nothing in it
        parts.setdefault(code, OwnerPart(o, empty_assets(working_crs),
                                         pd.DataFrame(columns=REJECT_COLUMNS)))
    unowned = sum(1 for r in j.records if not r.owner)
    if unowned:
        warnings.append(f"{unowned} features name no network operator and were not imported "
                        "(give --owner to import them under one owner)")
    polys = [g for g in reqs.values() if g is not None]
    area = shapely.union_all(polys) if polys else None
    footprint = next((reqs[k] for k in ("Graafpolygoon", "Orientatiepolygoon", "Informatiepolygoon")
                      if reqs.get(k) is not None), None)
    if j.skipped:
        warnings.append("not assets, not imported: " + ", ".join(
            f"{t} ×{n}" for t, n in sorted(j.skipped.items())))
    return Delivery(file, j.kind, parts, src.to_string(), plan, j.reference, footprint, area, j,
                    warnings, timings)

