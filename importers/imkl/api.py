"""Importing and inspecting IMKL/KLIC and INSPIRE-UN deliveries (CLI and app entry points).

``import_delivery`` writes one batch per network operator: a KLIC delivery is an
*area delivery* (delivery scope ``<operator>:imkl``, area = the request polygons),
so it supersedes only that operator's assets inside the area; an INSPIRE-UN file is
a whole-network delivery of the ``--owner`` given (scope ``<owner>:inspire-un``).
The dig polygon is kept under the KLIC number (``asset_register.deliveries``).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

import shapely

from asset_register.deliveries import DeliveryArea, record_delivery_area
from asset_register.errors import CancelledError, ImportError_
from asset_register.model import BatchInfo, Owner
from asset_register.store.base import RegisterStore

from ..sources import SourceInfo
from ..frames_job import write_frame
from ..job import LayerReport
from ..scope import area_note
from ..sources import LayerInfo
from . import build as buildmod
from .delivery import parse_file, read_delivery
from .source import DeliveryFile, find_delivery

PROFILE = "imkl-2 (built-in IMKL/INSPIRE-UN reader)"


def _file(path) -> DeliveryFile:
    found = find_delivery(path)
    if found is None:
        raise ImportError_(f"{path} is not an IMKL/KLIC or INSPIRE Utility Networks delivery")
    return found


def _owner_for(kind: str, owner: str | None, owner_name: str | None) -> Owner | None:
    if kind == "imkl" and owner:
        raise ImportError_("a KLIC/IMKL delivery names its own network operators (Beheerder, "
                           "bronhoudercode), each an owner: import it without --owner")
    if kind == "inspire" and not owner:
        raise ImportError_("INSPIRE Utility Networks GML names no network operator: give the "
                           "owner with --owner CODE (and --owner-name NAME)")
    return Owner(owner, owner_name or owner) if owner else None


def _scope(d, scope: str | None, area) -> tuple[str, shapely.Geometry | None, str | None]:
    """The delivery scope and area to write with (see ``import_delivery``)."""
    if scope is not None:
        return scope, area, None
    if d.kind != "imkl":
        return "network", None, None
    if d.area is None:
        return "append", None, ("the delivery has no request polygon, so it cannot say what it "
                                "supersedes: imported as additions, nothing retired")
    return "area", d.area, None


def _known_name(store: RegisterStore, o: Owner) -> Owner:
    """An operator the delivery names only by its code keeps the name the register has."""
    if o.name != o.code:
        return o
    old = store.owner(o.code)
    return replace(o, name=old.name) if old is not None and old.name else o


def _owner_report(d, code: str, path, scope: str, warnings: list[str]) -> LayerReport:
    part = d.parts[code]
    imkl = d.kind == "imkl"
    reasons = part.rejects["reason"].str.replace(r" '.*$| \(.*$", "", regex=True) \
        if len(part.rejects) else []
    return LayerReport(
        source=str(path), layer=f"imkl:{code}" if imkl else "inspire-un",
        delivery=f"{code}:imkl" if imkl else f"{code}:inspire-un", status="", scope=scope,
        rows_read=len(part.assets) + len(part.rejects), rejected=len(part.rejects),
        source_crs=d.source_crs, transformation=d.plan.description,
        accuracy_m=d.plan.accuracy_m, profile=PROFILE,
        rejects_by_reason=dict(Counter(reasons)), timings=dict(d.timings),
        warnings=(list(d.warnings) + warnings) if code == min(d.parts) else [])


def import_delivery(
    store: RegisterStore,
    path: str | Path,
    *,
    owner: str | None = None,
    owner_name: str | None = None,
    assume_crs: str | None = None,
    dry_run: bool = False,
    scope: str | None = None,
    area: shapely.Geometry | None = None,
    confirm_retire: bool = False,
    progress: Callable[[float, str], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> list[LayerReport]:
    """Import a delivery; one LayerReport per owner (see module docstring).

    ``scope``/``area`` override the delivery's own: by default a KLIC delivery is an
    area delivery over its request polygons (append when it has none) and an INSPIRE-UN
    file a whole-network delivery. Several owners are one transaction: all or nothing."""
    report = progress or (lambda f, m: None)
    file = _file(path)
    t0 = time.perf_counter()
    report(0.0, f"reading {file.name}")
    d = read_delivery(file, store.crs, owner=_owner_for(file.kind, owner, owner_name),
                      assume_crs=assume_crs, reference_extent=store.extent(),
                      progress=lambda f, m: report(0.5 * f, m), cancel=cancel)
    sha = file.sha256()
    imkl = d.kind == "imkl"
    scope, area, note = _scope(d, scope, area)
    reports, batch_ids = [], []
    codes = sorted(d.parts)
    with store.atomic() if len(codes) > 1 and not dry_run else nullcontext():
        for n, code in enumerate(codes):
            if cancel is not None and cancel():
                raise CancelledError("import cancelled: the register is unchanged")
            r = _owner_report(d, code, path, scope, [note] if note and n == 0 else [])
            done = store.find_batch(sha, r.layer)
            if done is not None and not dry_run and done.get("owner") == code:
                r.status, r.batch_id = "already imported", int(done["batch_id"])
                r.warnings.append(f"this exact delivery was imported as batch {r.batch_id}; "
                                  "nothing changed")
            else:
                part = d.parts[code]
                info = BatchInfo(
                    source_file=str(Path(path).resolve()), layer=r.layer, sha256=sha,
                    source_crs=d.source_crs, transformation=d.plan.description,
                    transformation_accuracy_m=d.plan.accuracy_m, profile=PROFILE, owner=code,
                    rows_read=r.rows_read,
                    notes={"delivery_reference": d.reference, "kind": d.kind,
                           **area_note(scope, area, str(path) if area is not None else None),
                           "warnings": r.warnings, "timings": d.timings},
                )
                result, notes = write_frame(
                    store, part.assets, info, owner=_known_name(store, part.owner),
                    rejects=part.rejects,
                    delivery=r.delivery, scope=scope, area=area, dry_run=dry_run,
                    confirm_retire=confirm_retire, cancel=cancel,
                    progress=lambda f, m, n=n: report(0.5 + 0.5 * (n + f) / len(codes),
                                                      f"{code}: {m}"))
                r.warnings += notes
                r.status = "dry run" if dry_run else "imported"
                r.batch_id = None if dry_run else result.batch_id
                r.imported = len(part.assets)
                r.added, r.changed = result.added, result.changed
                r.unchanged, r.retired = result.unchanged, result.retired
            if r.batch_id is not None:
                batch_ids.append(r.batch_id)
            r.seconds = time.perf_counter() - t0
            reports.append(r)
        if imkl and not dry_run and d.footprint is not None:  # with the batches
            ref = d.reference or Path(path).stem
            record_delivery_area(store, DeliveryArea(
                reference=ref, footprint=d.footprint, area=d.area, batches=tuple(batch_ids),
                owners=tuple(codes), source_file=str(Path(path).resolve())))
            reports[0].warnings.append(
                f"dig polygon kept as delivery area {ref!r}: check it with `asset-register "
                f"check REGISTER --delivery-area {ref}`")
    report(1.0, "done")
    return reports


def inspect_delivery(path: str | Path) -> SourceInfo:
    """What a delivery holds, by feature type, with its operators and request polygons —
    from one streaming pass (no GDAL layer scans)."""
    file = _file(path)
    j = parse_file(file, "INSPECT" if file.kind == "inspire" else None)
    geoms = buildmod.build([r.geoms for r in j.records])
    all_geoms = [g for r in j.records for g in r.geoms]
    src, _ = buildmod.source_crs(all_geoms)
    crs = src.to_string() if src is not None else None
    by_type: dict[str, list[int]] = {}
    for i, r in enumerate(j.records):
        by_type.setdefault(r.attrs["featureType"], []).append(i)
    layers = []
    for t, idx in sorted(by_type.items()):
        g = geoms[idx]
        ok = g[~shapely.is_missing(g)]
        kinds = sorted(set(shapely.get_type_id(ok).tolist()))
        names = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint",
                 5: "MultiLineString", 6: "MultiPolygon"}
        fields = sorted({k for i in idx for k in j.records[i].attrs})
        b = shapely.total_bounds(ok) if len(ok) else None
        info = LayerInfo(name=t, geometry_type="/".join(names.get(k, "?") for k in kinds) or None,
                         features=len(idx), fields=fields, crs=crs,
                         bounds=tuple(float(v) for v in b) if b is not None else None)
        bad = sum(1 for i in idx if j.records[i].reason)
        if bad:
            info.warnings.append(f"{bad} features would be rejected (no geometry or operator)")
        layers.append(info)
    kind = "IMKL (KLIC)" if file.kind == "imkl" else "INSPIRE Utility Networks"
    warnings = [f"{kind} delivery: links joined to their cable/pipe features"]
    if j.reference:
        warnings.append(f"KLIC number {j.reference}")
    for o in j.owners.values():
        contacts = ", ".join(x for x in (o.phone, o.emergency_phone, o.email) if x)
        warnings.append(f"network operator {o.code}: {o.name}" + (f" ({contacts})" if contacts else ""))
    for k, v in j.requests.items():
        warnings.append(f"{k}: {len(v)} polygon(s) — kept as the delivery area, not as assets")
    if j.skipped:
        warnings.append("not assets: " + ", ".join(f"{t} ×{n}" for t, n in sorted(j.skipped.items())))
    warnings += j.notes
    return SourceInfo(path=str(path), driver=kind, layers=layers, warnings=warnings)
