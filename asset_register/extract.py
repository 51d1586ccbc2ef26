"""Offline extracts for field work, and bringing their notices back (``sync``).

An extract is an ordinary GeoPackage register holding the live assets that
intersect an area (plus an optional buffer), whole — geometries are never cut,
so a dig near the edge still sees an asset that crosses it. It carries the
provenance of those assets (their import batches, with the source's delivery
dates, so data currency reads the same), every owner, owner coverage clipped
to the area, planned works in the area, the source's settings, the rules the
check should use (setting ``rules_toml``) and an expiry date (setting
``extract_expires``); ``expiry.expiry_warning`` says when it is out of date.

Notice references never collide: the extract issues references with its own
prefix — the source prefix cut to five characters plus a three-character tag
chosen at random and unused by earlier extracts of the same source (recorded in
the source's audit log) — e.g. ``LBX`` → ``LBXK7Q-2026-00001``. ``sync`` copies
the extract's notices, owners' responses and offline audit entries into the
target register in one transaction; running it twice copies nothing twice,
and a reference already in the target with different content stops the sync.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import clock
from .errors import (
    FootprintError,
    NotARegisterError,
    PermissionDeniedError,
    RegisterReadOnlyError,
    ValidationError,
)
from . import settings as reg
from .model import ASSET_COLUMNS, BatchInfo, empty_assets
from .restricted import mask_restricted
from .store import (
    AUDIT_COLUMNS,
    NOTICE_COLUMNS,
    RESPONSE_COLUMNS,
    create_register,
    open_register,
    seal_extract,
)
from .transform import reproject_frame
from .vector_files import read_vector

DEFAULT_DAYS = 28
TAG_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I/O/0/1: read aloud over the phone
# Settings that describe one register and are not copied into an extract.
_OWN_SETTINGS = {"register_format", "working_crs", "created_at", "clearance_bounds",
                 "asset_extent", "notice_prefix"}
_BATCH_FIELDS = ("source_file", "layer", "sha256", "source_crs", "transformation",
                 "transformation_accuracy_m", "profile", "owner", "rows_read", "rows_repaired")
# Audit entries written while making the extract; everything after them happened offline.
_EXTRACT_ACTIONS = {"create_register", "import_batch", "add_works", "create_extract",
                    "audit_chain_started"}


@dataclass
class ExtractSummary:
    path: str
    assets: int
    batches: int
    owners: int
    works: int
    notice_prefix: str
    expires: str
    area: shapely.Geometry = field(repr=False)
    seal: object = None  # a contractor's extract: its SealVerdict (store/gpkg/seal.py)


def _issuer(src) -> str:
    """Who issues an extract, as its signature names them: the authority's name and code."""
    name, code = reg.raw(src, "authority_name") or "", reg.raw(src, "authority_code") or ""
    return f"{name} ({code})" if name and code else (name or code or src.display)


@dataclass
class SyncSummary:
    notices_added: int = 0
    notices_updated: int = 0
    notices_already: int = 0
    responses_added: int = 0
    audit_added: int = 0
    references: list[str] = field(default_factory=list)


# -- the area ----------------------------------------------------------------------------
def read_area(text: str, crs, buffer_m: float = 0.0) -> shapely.Geometry:
    """A polygonal area from WKT (in the register's CRS) or a vector file (any CRS)."""
    if buffer_m < 0:
        raise FootprintError(f"buffer {buffer_m} m is negative: give metres ≥ 0")
    path = Path(text)
    if path.exists() or path.is_symlink():
        frame = read_vector(path, None, "area file", FootprintError)
        if frame.crs is None:
            raise FootprintError(f"area file {text!r} has no CRS: save it with one")
        geom = shapely.union_all(reproject_frame(frame, crs, "area").geometry.array)
    else:
        try:
            geom = shapely.from_wkt(text)
        except shapely.errors.GEOSException:
            raise FootprintError(
                f"area {text[:60]!r} is neither an existing file nor WKT: give a polygon, e.g. "
                "'POLYGON ((530000 180000, 531000 180000, 531000 181000, 530000 180000))'") \
                from None
    geom = shapely.make_valid(geom)
    polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys or shapely.union_all(polys).is_empty:
        raise FootprintError(f"area {text[:60]!r} has no polygon: an extract needs an area")
    area = shapely.union_all(polys)
    return area.buffer(buffer_m) if buffer_m else area


def _polygonal(geom) -> shapely.Geometry | None:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    return shapely.multipolygons(parts) if parts else None


# -- making an extract -------------------------------------------------------------------
def _open_source(source: str):
    """The source opened writable when we may (to record the extract), else read-only."""
    try:
        return open_register(source), True
    except (RegisterReadOnlyError, PermissionDeniedError):
        return open_register(source, read_only=True), False


def _extract_entries(log: pd.DataFrame):
    """The details (dicts) of a register's audit entries (``log``) recording the extracts
    made of it; an unreadable detail is passed over."""
    for text in log.loc[log["action"] == "extract", "detail"]:
        try:
            detail = json.loads(text)
        except (TypeError, ValueError):
            continue
        if isinstance(detail, dict):
            yield detail


def _used_prefixes(src) -> set[str]:
    return {detail.get("notice_prefix") for detail in _extract_entries(src.audit_log())}


def extract_prefix(base: str, used: set[str]) -> str:
    from .notices.reference import normalise_prefix

    stem = normalise_prefix(base)[:5]
    for _ in range(1000):
        prefix = stem + "".join(secrets.choice(TAG_ALPHABET) for _ in range(3))
        if prefix not in used and prefix != normalise_prefix(base):
            return prefix
    raise ValidationError(f"no unused extract prefix left for {base!r}: change notice_prefix")


def make_extract(source: str, area: shapely.Geometry, out: str | Path, *, days: int = DEFAULT_DAYS,
                 rules_toml: str | None = None, today: date | None = None,
                 rules_source: str | None = None, restricted_free: bool = False,
                 signing_key=None) -> ExtractSummary:
    """Write the GeoPackage extract of ``source`` for ``area`` (working CRS) to ``out``.

    ``restricted_free``: a contractor's extract — restricted assets only as their owner and a
    coarse box (``restricted.mask_restricted``), whatever the extracting login may see —
    signed with ``signing_key`` (``signing.SigningKey``, required) and read-only
    (``store.seal_extract``): a contractor checks digs with it and changes nothing.

    ``rules_toml`` is the rules text to carry (read from the file ``rules_source``); by
    default the source's own (stored by content) or else the shipped defaults.
    """
    from .notices.reference import read_settings

    if days < 1:
        raise ValidationError(f"an extract must be valid for at least one day (got {days})")
    if restricted_free and signing_key is None:
        raise ValidationError("a contractor's extract is signed: give the authority's signing "
                              "key (create one with 'asset-register keys new')")
    today = today or clock.today()
    out = Path(out)
    src, _ = _open_source(source)
    with src:
        crs = src.crs
        dst = create_register(out, crs=crs.to_string())
        try:
            with dst:
                summary = _fill(src, dst, area, days, today, rules_toml, rules_source,
                                read_settings(src).prefix, restricted_free)
            from .use_log import bounded_wkt

            from .store.audit_chain import verify

            with open_register(str(out), read_only=True) as made:
                owners = sorted(made.stats()["by_owner"])
                made_id, made_head = reg.raw(made, "extract_id"), verify(made.audit_log()).head
            if restricted_free:
                summary.seal = seal_extract(out, signing_key, _issuer(src),
                                            clock.now().isoformat(timespec="seconds"))
            # recorded even when the source is open read-only (a use, like a check)
            src.record_use("extract", {
                "out": str(out), "notice_prefix": summary.notice_prefix,
                # what sync checks an extract against: its id and its log as it left here
                "extract_id": made_id, "audit_head": made_head,
                "assets": summary.assets, "expires": summary.expires,
                "footprint_wkt": bounded_wkt(area), "owners": owners,
                        "restricted_free": restricted_free, "summary": {"rows": summary.assets},
                **({"signed_by": signing_key.key_id} if restricted_free else {})})
        except BaseException:
            for p in (out, Path(f"{out}-wal"), Path(f"{out}-shm")):
                p.unlink(missing_ok=True)
            raise
    summary.path = str(out)
    return summary


def _fill(src, dst, area, days, today, rules_toml, rules_source, base_prefix,
          restricted_free=False) -> ExtractSummary:
    for key, value in src.settings().items():
        if key not in _OWN_SETTINGS and value is not None:
            dst.set_setting(key, value)  # copied as they are, even keys of a newer version
    owners = src.owners()
    for owner in owners:
        dst.upsert_owner(owner)
    # query_bbox, not read_assets: on a GeoPackage it reads through the store's own
    # connection (a second SQLite library in the process must not touch a WAL file).
    live = src.query_bbox(tuple(area.bounds))
    live = live[shapely.intersects(live.geometry.array, area)] if len(live) else live
    if restricted_free:
        live = mask_restricted(live)
    batches = src.batches()
    batches = batches[batches["state"] == "committed"]
    written = 0
    for b in batches.to_dict("records"):
        part = live[live["batch_id"] == b["batch_id"]]
        for delivery, chunk in _by_delivery(part, b.get("delivery")):
            fields = {k: _clean(b.get(k)) for k in _BATCH_FIELDS if k in b}
            for k in ("rows_read", "rows_repaired"):
                fields[k] = int(fields.get(k) or 0)
            info = BatchInfo(**fields, notes={"source_batch_id": int(b["batch_id"]),
                                    "source_notes": _clean(b.get("notes"))})
            res = dst.write_batch(chunk[list(ASSET_COLUMNS) + ["geometry"]], info,
                                  delivery=delivery)
            written += res.added
            versions = zip(chunk["asset_id"].tolist(), chunk["version"].astype(int).tolist(),
                           chunk["valid_from"].tolist()) if len(chunk) else []
            dst.restore_provenance(res.batch_id, b["started_at"], _clean(b.get("finished_at")),
                                   versions)
    cover = src.owner_coverage()
    for owner, geom in zip(cover["owner"], cover.geometry.array):
        clipped = _polygonal(shapely.intersection(geom, area))
        if clipped is not None:
            dst.set_owner_coverage(owner, clipped)
    works = src.works(bbox=tuple(area.bounds))
    works = works[shapely.intersects(works.geometry.array, area)] if len(works) else works
    if len(works):
        dst.add_works(works)
    prefix = extract_prefix(base_prefix, _used_prefixes(src))
    expires = (today + timedelta(days=days)).isoformat()
    own = {
        "notice_prefix": prefix, "extract_id": uuid.uuid4().hex, "extract_expires": expires,
        "extract_created_at": clock.now().isoformat(timespec="seconds"),
        "extract_source": src.display,
        "extract_source_created_at": reg.raw(src, "created_at") or "",
        "extract_base_prefix": base_prefix,
        "extract_area_wkt": shapely.to_wkt(area, rounding_precision=3),
    }
    own |= _carried_rules(src, rules_toml, rules_source)
    for key, value in own.items():
        reg.write(dst, key, value)
    dst.audit("create_extract", {k: v for k, v in own.items() if k != "extract_area_wkt"}
              | {"assets": written})
    return ExtractSummary(path="", assets=written, batches=len(batches), owners=len(owners),
                          works=len(works), notice_prefix=prefix, expires=expires, area=area)


def _carried_rules(src, rules_toml, rules_source) -> dict[str, str]:
    """The rules settings of the extract: the text given, else the source's stored rules
    (copied with its settings), else what an old source's path names, else the defaults."""
    if rules_toml is not None:
        return reg.rules_record(rules_toml, rules_source or "rules given to extract")
    if reg.raw(src, reg.RULES_TOML):
        return {}
    carried, _ = reg.rules_from_legacy_path(reg.raw(src, reg.LEGACY_RULES_FILE) or "")
    if not (carried.get(reg.RULES_TOML) or carried.get(reg.RULES_WARNING)):
        from .check.rules import default_rules_text

        carried = reg.rules_record(default_rules_text(reg.register_country(src)),
                                   "default_rules.toml (shipped)")
    return carried | {reg.LEGACY_RULES_FILE: ""}


def _by_delivery(part: gpd.GeoDataFrame, batch_delivery):
    if len(part) == 0:
        yield batch_delivery, empty_assets(part.crs)
        return
    keys = part["delivery"].astype(object).where(part["delivery"].notna(), None)
    for key in pd.unique(keys):
        yield key, part[keys.isna()] if key is None else part[keys == key]


def _clean(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return v.item() if isinstance(v, np.generic) else v


# -- sync --------------------------------------------------------------------------------
def sync_extract(extract: str | Path, target: str, *, allow_other_target: bool = False
                 ) -> SyncSummary:
    """Bring the notices, responses and offline audit entries of ``extract`` into ``target``."""
    with open_register(str(extract), read_only=True) as ex:
        extract_id = reg.raw(ex, "extract_id")
        if not extract_id:
            raise NotARegisterError(
                f"{str(extract)!r} is a register but not an offline extract: sync copies back "
                "from files made by 'asset-register extract'")
        origin = reg.raw(ex, "extract_source_created_at") or ""
        source_name = reg.raw(ex, "extract_source") or "unknown source"
        if ex.sealed:
            raise ValidationError(
                f"{str(extract)!r} is a signed, read-only contractor's extract: nothing was "
                "issued in it, so there is nothing to sync")
        prefix = reg.raw(ex, "notice_prefix") or ""
        made_at = reg.raw(ex, "extract_created_at") or ""
        notices, responses, log = ex.notices(), ex.responses(), ex.audit_log()
    summary = SyncSummary()
    with open_register(target) as tgt:
        created = reg.raw(tgt, "created_at") or ""
        if origin and created != origin and not allow_other_target:
            raise ValidationError(
                f"{tgt.display!r} is not the register this extract was "
                f"made from ({source_name}): sync into that register, or pass "
                "--allow-other-target if it was moved")
        with tgt.atomic():  # the target read once, in the transaction that writes it
            target_log, theirs = tgt.audit_log(), tgt.notices()
            issue = _issue_record(target_log, extract_id, prefix)
            if issue is None and not allow_other_target:
                raise ValidationError(
                    f"{tgt.display!r} has no record of issuing the extract {str(extract)!r} "
                    f"(notice prefix {prefix or 'none'}): nothing was synced — sync into the "
                    "register it came from, or pass --allow-other-target if it was moved or "
                    "was read-only when the extract was made")
            _check_prefix(tgt, prefix)
            offline = _offline_entries(log, issue or {}, extract_id)
            _check_notices(notices, prefix, made_at)
            _check_responses(theirs, responses, notices)
            _sync_notices(tgt, theirs, notices, prefix, summary)
            _sync_responses(tgt, responses, summary)
            _sync_audit(tgt, target_log, offline, extract_id, summary)
            tgt.audit("sync_extract", {"extract_id": extract_id, "file": str(extract),
                                       "notices_added": summary.notices_added,
                                       "notices_updated": summary.notices_updated,
                                       "responses_added": summary.responses_added})
    return summary


def _records(frame: pd.DataFrame, columns) -> list[dict]:
    cols = [c for c in columns if c in frame.columns]
    clean = frame[cols].astype(object).where(frame[cols].notna(), None)
    return [{k: _clean(v) for k, v in r.items()} for r in clean.to_dict("records")]


def _sync_notices(tgt, theirs: pd.DataFrame, notices: pd.DataFrame, prefix: str,
                  summary: SyncSummary) -> None:
    """The extract's notices into the target, whose own notices are ``theirs``."""
    have = {(r["reference"], int(r.get("version") or 1)): r
            for r in _records(theirs, NOTICE_COLUMNS)}
    for rec in _records(notices, NOTICE_COLUMNS):
        rec["version"] = int(rec.get("version") or 1)
        current = have.get((rec["reference"], rec["version"]))
        if current is None:
            tgt.record_notice(rec)
            summary.notices_added += 1
            summary.references.append(rec["reference"])
            continue
        changed = {k: v for k, v in rec.items() if current.get(k) != v}
        if not changed:
            summary.notices_already += 1
        elif prefix and rec["reference"].startswith(prefix + "-"):
            tgt.update_notice(rec["reference"], rec["version"], **changed)  # updated offline
            summary.notices_updated += 1
        else:
            raise ValidationError(
                f"notice {rec['reference']!r} version {rec['version']} is already in the target "
                f"with different content ({', '.join(sorted(changed))}): it was not issued from "
                "this extract; nothing was synced — re-issue it offline as a new notice")


def _response_key(r: dict) -> tuple:
    return (r.get("reference"), r.get("owner"), r.get("status"), r.get("recorded_at"))


def _sync_responses(tgt, responses: pd.DataFrame, summary: SyncSummary) -> None:
    have = {_response_key(r) for r in _records(tgt.responses(), RESPONSE_COLUMNS)}
    new = [r for r in _records(responses, RESPONSE_COLUMNS) if _response_key(r) not in have]
    tgt.copy_records("notice_responses", new)
    summary.responses_added += len(new)


# -- what sync accepts from an extract (each refusal stops the whole sync) ----------------
_REFUSED = "nothing was synced"


def _issue_record(target_log: pd.DataFrame, extract_id: str, prefix: str) -> dict | None:
    """The target's own record of making this extract (its 'extract' entry in its audit
    log): by the extract's id, or — for an extract made before ids were recorded — by its
    notice prefix."""
    by_prefix = None
    for detail in _extract_entries(target_log):
        if detail.get("extract_id") == extract_id:
            return detail
        if prefix and detail.get("notice_prefix") == prefix and not detail.get("extract_id"):
            by_prefix = detail
    return by_prefix


def _check_prefix(tgt, prefix: str) -> None:
    from .notices.reference import read_settings

    own = read_settings(tgt).prefix
    if not prefix or prefix == own:
        raise ValidationError(
            f"the extract numbers its notices with {prefix or 'no prefix'!r}, "
            f"{'the register' + chr(39) + 's own prefix' if prefix else 'not a prefix of its own'}"
            f": {_REFUSED} — make a new extract")


def _offline_entries(log: pd.DataFrame, issue: dict, extract_id: str) -> pd.DataFrame:
    """The entries written in the extract after it was made. Its chain must verify, and must
    still hold the entry the target recorded as its head when it was made (``audit_head``):
    everything up to that entry is what the target wrote, everything after it happened
    offline. An extract with no chain, a broken one or a rewritten start is refused."""
    from .store.audit_chain import verify

    if "hash" not in log.columns or log["hash"].isna().any():
        raise ValidationError(f"the extract's audit log has entries without a hash: {_REFUSED} "
                              "— make a new extract")
    head = issue.get("audit_head")
    verdict = verify(log, expect_head=head)
    if not verdict.ok:
        raise ValidationError(f"the extract's audit log was tampered with ({verdict.problem}): "
                              f"{_REFUSED} — make a new extract")
    made = log.index[log["action"] == "create_extract"]
    if head:
        start = int(np.flatnonzero(log["hash"].to_numpy() == head)[0]) + 1
    elif len(made):  # (an extract made before its head was recorded)
        start = int(log.index.get_loc(made[-1])) + 1
    else:
        raise ValidationError(f"the extract's audit log does not record its making: {_REFUSED}")
    created = [json.loads(d or "{}").get("extract_id") for d in log.loc[made, "detail"]]
    if extract_id not in created:
        raise ValidationError(f"the extract's audit log records another extract's making: "
                              f"{_REFUSED} — make a new extract")
    offline = log.iloc[start:]
    return offline[~offline["action"].isin(_EXTRACT_ACTIONS)]


def _check_notices(notices: pd.DataFrame, prefix: str, made_at: str) -> None:
    """Every notice of the extract is its own: a reference under its prefix, created after the
    extract was made."""
    from .errors import NoticeError
    from .notices.reference import parse_reference

    for rec in _records(notices, NOTICE_COLUMNS):
        ref = str(rec.get("reference") or "")
        try:
            parsed = parse_reference(ref)
        except NoticeError:
            parsed = None
        if parsed is None or parsed[0] != prefix:
            raise ValidationError(
                f"notice {ref!r} in the extract is not numbered under its prefix {prefix!r} "
                f"(references {prefix}-YYYY-NNNNN): it was not issued from this extract; "
                f"{_REFUSED}")
        if made_at and not _not_before(rec.get("created_at"), made_at):
            raise ValidationError(
                f"notice {ref!r} says it was created at {rec.get('created_at')}, before the "
                f"extract was made ({made_at}): {_REFUSED}")


def _not_before(when, made_at: str) -> bool:
    """Whether the time ``when`` (ISO 8601) is not before ``made_at``; an unreadable one is."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(str(when)) >= datetime.fromisoformat(made_at)
    except (TypeError, ValueError):
        return False


def _check_responses(theirs: pd.DataFrame, responses: pd.DataFrame, notices: pd.DataFrame
                     ) -> None:
    """Responses only with a response code, for a notice issued — offline in this extract or
    in the register (whose notices are ``theirs``)."""
    from .notices.vocab import RESPONSE_STATUSES

    issued = set(notices.loc[notices["status"] != "draft", "reference"]) if len(notices) else set()
    if len(theirs):
        issued |= set(theirs.loc[theirs["status"] != "draft", "reference"])
    for r in _records(responses, RESPONSE_COLUMNS):
        if r.get("status") not in RESPONSE_STATUSES:
            raise ValidationError(
                f"a response to {r.get('reference')!r} has the status {r.get('status')!r}, not a "
                f"response code ({', '.join(sorted(RESPONSE_STATUSES))}): {_REFUSED}")
        if r.get("reference") not in issued:
            raise ValidationError(
                f"a response of {r.get('owner')!r} is recorded for {r.get('reference')!r}, which "
                f"was never issued: responses are recorded only for issued notices; {_REFUSED}")


def _sync_audit(tgt, target_log: pd.DataFrame, offline: pd.DataFrame, extract_id: str,
                summary: SyncSummary) -> None:
    """Append the extract's offline entries (``_offline_entries``) to the target's chain as
    new entries (the target's time and user), each naming the extract and the original entry:
    an edited extract can add claims to the log, never back-dated entries."""
    have = {_synced_key(d) for d in target_log["detail"].dropna()}
    added = 0
    for r in _records(offline, [*AUDIT_COLUMNS, "id", "hash"]):
        origin = {"extract_id": extract_id, "entry": _clean(r.get("id")), "at": r["at"],
                  "user": r["user"], "hash": r.get("hash")}
        if (extract_id, origin["entry"], origin["at"]) in have:
            continue
        detail = json.loads(r["detail"] or "{}")
        detail = detail if isinstance(detail, dict) else {"value": detail}
        detail["synced_from"] = origin
        tgt.audit(r["action"], detail)
        added += 1
    summary.audit_added += added


def _synced_key(text: str):
    try:
        origin = json.loads(text).get("synced_from") or {}
    except (ValueError, AttributeError):
        return None
    return (origin.get("extract_id"), origin.get("entry"), origin.get("at"))
