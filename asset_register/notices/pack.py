"""Write one coordinated notice pack for a checked dig, and record it in the register.

``write_notice_pack`` is what the CLI and the desktop dialog call. It checks the
inputs, reserves a reference, records the notice (draft), builds every file in
a temporary folder next to the target, renames the folder into place, then
records the files' SHA-256 hashes and marks the notice issued. A failure leaves
no pack folder and the notice recorded as ``failed`` (its reference is never
reused); a killed process leaves a draft that the next command rolls back the same
way (recovery.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import shapely

from .. import clock
from ..check.result import CheckResult
from ..errors import CancelledError, DuplicateRecordError, NoticeError, NotFoundError
from ..store.records import os_user
from .content import Promoter, assemble
from .datefmt import day_month_year
from .exports import write_csv, write_geojson
from .files import atomic_folder, check_writable, safe_name, sha256_file, unique_names
from .pdfdoc import render_pdf
from .recovery import recover, writer_detail
from .reference import new_reference, parse_reference, read_settings
from .schedule import notice_dates
from .sitelayers import check_usrn
from .streetmanager import USRN_MAX, USRN_MIN, build_request

Progress = Callable[[float, str], None]


@dataclass
class NoticePack:
    """What was written: the reference, the folder and every file with its SHA-256."""

    reference: str
    version: int
    status: str
    folder: Path
    files: dict[str, str]  # file name -> sha256
    owner_files: dict[str, str]  # owner code -> file name of that owner's notice
    valid_until: date
    content_hash: str  # SHA-256 over the sorted "name sha256" lines of the content files
    warnings: list[str] = field(default_factory=list)
    detail: dict = field(default_factory=dict)  # what the register records about the pack
    respond_by: date | None = None  # the owners' response deadline (before the works start)

    @property
    def paths(self) -> list[Path]:
        return [self.folder / name for name in self.files]


def _check_inputs(result: CheckResult, promoter: str) -> None:
    site = result.site
    if not (promoter or "").strip():
        raise NoticeError("no promoter given: name the organisation proposing the works "
                          "(--promoter)")
    if site.footprint is None or shapely.is_empty(site.footprint):
        raise NoticeError("the dig footprint is empty: draw or load a footprint first")
    if site.start and site.end and site.end < site.start:
        raise NoticeError(f"the proposed end date {site.end.isoformat()} is before the start "
                          f"date {site.start.isoformat()}: swap or correct them")
    if site.usrn is not None and str(site.usrn).strip():
        text = str(site.usrn).strip()
        if not text.isdigit() or not USRN_MIN <= int(text) <= USRN_MAX:
            raise NoticeError(f"USRN {site.usrn!r} is not a whole number between {USRN_MIN} and "
                              f"{USRN_MAX}: give the street's Unique Street Reference Number")


def _version_for(store, reissue: str | None) -> tuple[str | None, int]:
    if not reissue:
        return None, 1
    parse_reference(reissue)
    reference = reissue.strip().upper()
    existing = store.notices(reference)
    if existing is None or not len(existing):
        raise NotFoundError(f"notice {reference!r} is not in the register: check the reference "
                            "(asset-register notices REGISTER lists them)")
    return reference, int(existing["version"].max()) + 1


def write_notice_pack(
    store,
    result: CheckResult,
    out_dir: str | Path,
    *,
    promoter: str,
    promoter_contact: str | None = None,
    promoter_phone: str | None = None,
    promoter_email: str | None = None,
    promoter_swa_code: str | None = None,
    authority_swa_code: str | None = None,
    issued_by: str | None = None,
    issue: bool = True,
    reissue: str | None = None,
    street_manager: dict | None = None,
    scheme: str | None = None,
    rules=None,
    accept_short_notice: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> NoticePack:
    """Write the pack for ``result`` into ``out_dir/<reference>`` and record it.

    ``issue=False`` writes a draft (watermarked, status ``draft``). ``reissue`` names
    an existing reference: the pack becomes its next version (folder
    ``<reference>-v<n>``) and earlier versions are marked ``superseded``.
    ``street_manager`` overrides Street Manager fields such as ``activity_type``,
    ``traffic_management_type``, ``location_types``, ``application_type``.
    ``rules`` (default: the register's, ``rules_for``) set the notice period and response
    time; a start in the past or at short notice is refused unless ``accept_short_notice``.
    ``progress(fraction, message)`` is called between steps; ``cancel()`` returning
    True stops the work (CancelledError, no pack folder, the notice marked cancelled).
    """
    def report(fraction: float, message: str) -> None:
        if fraction < 1.0 and cancel is not None and cancel():
            raise CancelledError("notice pack cancelled: no pack was written")
        if progress is not None:
            progress(fraction, message)

    report(0.0, "checking the notice details")
    _check_inputs(result, promoter)
    for line in recover(store):  # an earlier export killed midway: rolled back first
        if progress is not None:
            progress(0.0, line)
    settings = read_settings(store)
    if rules is None:
        from ..check.rules import rules_for

        rules = rules_for(store)
    now = (now or clock.now()).astimezone(UTC)
    dates = notice_dates(now.date(), result.site.start, notice_days=rules.notice_period_days,
                         response_days=rules.response_days,
                         validity_days=settings.validity_days, accept_short=accept_short_notice,
                         calendar=settings.calendar)
    streets = check_usrn(store, result.site.footprint, result.site.usrn, rules.usrn_distance_m)
    folder = check_writable(Path(out_dir))
    who = issued_by or os_user()
    reference, version = _version_for(store, reissue)
    if reference is None:
        reference = new_reference(store, settings.prefix, now.date())
    valid_until = dates.valid_until
    status = "issued" if issue else "draft"
    site = result.site
    base = {
        "reference": reference, "version": version, "status": "draft",
        "created_at": now.isoformat(timespec="seconds"), "created_by": who,
        "valid_until": valid_until.isoformat(), "footprint_wkt": shapely.to_wkt(site.footprint),
        "promoter": promoter, "description": site.description or None,
        "usrn": str(site.usrn) if site.usrn else None,
        "start_date": site.start.isoformat() if site.start else None,
        "end_date": site.end.isoformat() if site.end else None,
        "rules_version": result.rules_version or None,
        "detail": writer_detail(folder),  # who writes it: see recovery.py
    }
    version = _record_draft(store, base, retries=5 if reissue else 0)
    target = folder / (safe_name(reference) + (f"-v{version}" if version > 1 else ""))
    try:
        pack = _build(store, result, target, reference=reference, version=version, status=status,
                      now=now, dates=dates, settings=settings, streets=streets,
                      promoter=Promoter(promoter.strip(), promoter_contact, promoter_phone,
                                        promoter_email,
                                        promoter_swa_code or settings.promoter_swa_code),
                      authority_swa=authority_swa_code or settings.swa_code,
                      street_manager=street_manager, scheme=scheme or settings.colour_scheme,
                      report=report)
    except BaseException as exc:
        state = "cancelled" if isinstance(exc, CancelledError) else "failed"
        try:  # record why the reference has no pack; never mask the original error
            store.update_notice(reference, version, status=state,
                                detail=json.dumps({"error": str(exc) or type(exc).__name__}))
        except Exception:  # the original error is the one to report
            pass
        raise
    store.update_notice(
        reference, version, status=status, folder=str(target), files=json.dumps(pack.files),
        content_hash=pack.content_hash,
        issued_at=now.isoformat(timespec="seconds") if issue else None,
        detail=json.dumps(pack.detail, default=str),
    )
    if version > 1 and issue:
        earlier = store.notices(reference)
        for v in earlier.loc[(earlier["version"] < version) & (earlier["status"] == "issued"),
                             "version"]:
            store.update_notice(reference, int(v), status="superseded")
    from ..use_log import bounded_wkt, result_owners

    owners = result_owners(result)[0]
    store.audit("notice_issued" if issue else "notice_drafted",
                {"reference": reference, "version": version, "folder": str(target),
                 "content_hash": pack.content_hash, "by": who,
                 "footprint_wkt": bounded_wkt(result.site.footprint), "summary": result.summary(),
                 "owners": owners})
    report(1.0, f"notice {reference} written")
    return pack


def _record_draft(store, row: dict, retries: int) -> int:
    """Record the notice as a draft; a re-issue racing another takes the next version."""
    for _ in range(retries + 1):
        try:
            store.record_notice(row)
            return row["version"]
        except DuplicateRecordError:  # this version was recorded by another session
            if not retries:
                raise
            row = {**row, "version": row["version"] + 1}
    raise NoticeError(f"notice {row['reference']} is being re-issued elsewhere at the same "
                      "time: try again")




CONTEXT_MARGIN_M = 30.0


def _site_box(content) -> tuple[float, float, float, float]:
    """The site's footprint grown by the widest clearance and a margin: what the map shows
    around the conflicts."""
    reach = float(np.nanmax(content.conflicts["clearance_m"].to_numpy(dtype=float,
                                                                     na_value=np.nan),
                            initial=0.0)) if len(content.conflicts) else 0.0
    x0, y0, x1, y1 = content.site.footprint.bounds
    pad = reach + CONTEXT_MARGIN_M
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


def _context_assets(store, content):
    """Recorded assets around the site that are not in conflict, for the summary map.

    Restricted (sensitive) assets are left out of this context; a restricted asset in
    conflict is of course still shown and listed.
    """
    try:
        near = store.query_bbox(_site_box(content), columns=["asset_id", "utility", "restricted"])
    except Exception:  # context is a courtesy: the notice must not fail for it
        return None
    keep = ~near["asset_id"].isin(content.conflicts["asset_id"]) & \
        ~near["restricted"].fillna(False).astype(bool)
    return near[keep.to_numpy()]


def _open_deviations(store, content):
    """Open deviation reports around the site, for the map: a record known to be wrong
    near the dig. Reports about restricted assets not in conflict are left out, as the
    context is; a report that cannot be read is a warning on the pack, never silence."""
    from ..deviation_marks import deviation_marks

    try:
        frame = store.deviations(open_only=True)
        marks = deviation_marks(frame)
        marks = marks and marks.meeting(_site_box(content))
        if marks is None:
            return None
        about = frame.set_index("deviation_id").loc[marks.ids, "asset_id"].to_numpy(dtype=object)
        shown = set(content.conflicts["asset_id"].astype(str))
        others = [a for a in about if isinstance(a, str) and a not in shown]
        secret = store.restricted_among(others)
        return marks.take(np.array([a not in secret for a in about], bool))
    except Exception as exc:
        content.warnings.append(f"open deviation reports could not be drawn on the map ({exc}): "
                                "see the deviations list before digging")
        return None


def _backdrop(store, footprint):
    """Streets and buildings around the site from the register's reference layers."""
    from .pdfbackdrop import read_backdrop  # reportlab colours: only when a pack is written

    try:
        return read_backdrop(store, footprint)
    except Exception:
        return None


def _build(store, result, target, *, reference, version, status, now, dates, settings, streets,
           promoter, authority_swa, street_manager, scheme, report) -> NoticePack:
    valid_until = dates.valid_until
    owners = {o.code: o.name for o in store.owners()}
    responses = store.responses(reference) if version > 1 else None
    content = assemble(
        result, reference=reference, version=version, status=status, issued_at=now,
        valid_until=valid_until, authority=settings.name, promoter=promoter,
        responses=responses, batches=store.batches(), owner_names=owners, scheme=scheme,
        crs=str(store.crs.to_string()), warnings=settings.warnings, british=settings.british,
        guidance=settings.guidance,
    )
    content.context = _context_assets(store, content)
    content.deviations = _open_deviations(store, content)
    content.backdrop = _backdrop(store, result.site.footprint)
    content.respond_by, content.short_notice = dates.respond_by, dates.short_notice
    if streets.message:
        content.warnings.append(streets.message)
    if result.site.start and result.site.start > valid_until:
        content.warnings.append(
            f"the works start on {day_month_year(result.site.start)}, after this notice expires on "
            f"{day_month_year(valid_until)}: re-issue it before work starts")
    # the DfT Street Manager record is for works in England: none for a site elsewhere
    record = build_request(content, swa_code=authority_swa, options=street_manager) \
        if content.british else None
    if record is not None:
        content.warnings += record.warnings()
    owner_names = unique_names([f"notice-{safe_name(o['code'], fallback='owner')}.pdf"
                                for o in content.owners_affected])
    steps = 5 + len(owner_names)
    with atomic_folder(target) as tmp:
        report(0.1, "writing the summary PDF")
        render_pdf(content, tmp / "summary.pdf")
        owner_files = {}
        for i, (o, name) in enumerate(zip(content.owners_affected, owner_names, strict=True)):
            report(0.1 + 0.8 * (i + 1) / steps, f"writing the notice to {o['name']}")
            render_pdf(content.for_owner(o["code"]), tmp / name, recipient=o)
            owner_files[o["code"]] = name
        report(0.1 + 0.8 * (steps - 3) / steps, "writing GeoJSON and CSV")
        write_geojson(content, tmp)
        write_csv(content, tmp)
        if record is not None:
            (tmp / "street-manager-work.json").write_text(
                json.dumps(record.request, indent=2, ensure_ascii=False), encoding="utf-8")
        files = {p.name: sha256_file(p) for p in sorted(tmp.iterdir())}
        content_hash = hashlib.sha256(
            "\n".join(f"{k} {v}" for k, v in sorted(files.items())).encode()).hexdigest()
        detail = {
            "conflicts": len(content.conflicts), "severity": content.severity_counts,
            "asset_ids": content.conflicts["asset_id"].astype(str).tolist(),
            "owners_affected": [o["code"] for o in content.owners_affected],
            "owners_no_conflict": [o["code"] for o in content.owners_no_conflict],
            "owners_no_data": [o["code"] for o in content.owners_no_data if o["code"]],
            "owner_files": owner_files, "grid_reference": content.grid_ref,
            "respond_by": dates.respond_by.isoformat(), "short_notice": dates.short_notice,
            "usrn_checked": streets.checked, "usrn_suggested": streets.suggestion,
            "streets_at_site": streets.nearby.to_dict("records"),
            "warnings": content.warnings,
            "confidence": content.confidence,
            "street_manager": None if record is None else {
                "defaulted": record.defaulted, "missing": record.missing},
        }
        manifest = {"reference": reference, "version": version, "status": status,
                    "issued_at": now.isoformat(timespec="seconds"),
                    "valid_until": valid_until.isoformat(), "authority": settings.name,
                    "promoter": promoter.name, "rules_version": content.rules_version,
                    "crs": content.crs, "files": files, "content_hash": content_hash, **detail}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False,
                                                      default=str), encoding="utf-8")
        files["manifest.json"] = sha256_file(tmp / "manifest.json")
    return NoticePack(reference, version, status, target, files, owner_files, valid_until,
                      content_hash, content.warnings, detail, dates.respond_by)
