"""Notice lifecycle after issue: owners' responses and what is still outstanding.

Positive-response tracking (as US 811 and KLIC do): every owner a notice went
to — affected owners and owners with data here but no conflict — is expected
to answer; a notice is complete only when each has. ``no_response`` records a
chase that went unanswered and keeps the owner outstanding.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from .. import clock
from ..errors import NoticeError, NotFoundError
from .content import RESPONSE_STATUSES
from .reference import parse_reference

ANSWERED = {"no_assets_affected", "affected", "affected_plans_sent"}


def _latest(store, reference: str) -> pd.Series:
    rows = store.notices(reference)
    if rows is None or not len(rows):
        raise NotFoundError(f"notice {reference!r} is not in the register: check the reference "
                            "(asset-register notices REGISTER lists them)")
    return rows.sort_values("version").iloc[-1]


def notified_owners(notice: pd.Series) -> list[str]:
    """Owners a notice asks to respond: affected ones and those with no conflict."""
    detail = json.loads(notice.get("detail") or "{}")
    return list(dict.fromkeys(detail.get("owners_affected", []) +
                              detail.get("owners_no_conflict", [])))


def record_response(store, reference: str, owner: str, status: str, note: str | None = None,
                    recorded_by: str | None = None) -> None:
    """Record one owner's answer to a notice (the latest answer per owner counts)."""
    parse_reference(reference)
    reference = reference.strip().upper()
    status = (status or "").strip().lower().replace("-", "_").replace(" ", "_")
    if status not in RESPONSE_STATUSES:
        raise NoticeError(f"response {status!r} is not one of {sorted(RESPONSE_STATUSES)}")
    notice = _latest(store, reference)
    if notice["status"] != "issued":
        raise NoticeError(f"notice {reference} v{notice['version']} is {notice['status']}, not "
                          "issued: owners answer issued notices (re-issue it with --reissue)")
    detail = json.loads(notice.get("detail") or "{}")
    known = set(notified_owners(notice)) | set(detail.get("owners_no_data", []))
    if owner not in known:
        raise NotFoundError(
            f"owner {owner!r} was not sent notice {reference}: it went to "
            f"{', '.join(sorted(known)) or 'no owners'}")
    store.record_response(reference, owner, status, note, recorded_by)
    store.audit("notice_response", {"reference": reference, "owner": owner, "status": status})


def latest_responses(store, reference: str) -> dict[str, str]:
    rows = store.responses(reference)
    out: dict[str, str] = {}
    if rows is not None and len(rows):
        for r in rows.itertuples(index=False):
            out[str(r.owner)] = str(r.status)
    return out


def notice_overview(store, today: date | None = None) -> pd.DataFrame:
    """One row per notice (latest version): status, validity and outstanding responses."""
    rows = store.notices()
    cols = ["reference", "version", "status", "issued_at", "valid_until", "expired",
            "promoter", "conflicts", "owners", "answered", "outstanding"]
    if rows is None or not len(rows):
        return pd.DataFrame(columns=cols)
    today = today or clock.today()
    latest = rows.sort_values(["reference", "version"]).groupby("reference").tail(1)
    out = []
    for n in latest.itertuples(index=False):
        notice = pd.Series(n._asdict())
        owners = notified_owners(notice)
        answers = latest_responses(store, n.reference)
        outstanding = [o for o in owners if answers.get(o) not in ANSWERED] \
            if n.status == "issued" else []
        detail = json.loads(n.detail or "{}")
        valid = date.fromisoformat(n.valid_until) if n.valid_until else None
        out.append((n.reference, int(n.version), n.status, n.issued_at, n.valid_until,
                    bool(valid and valid < today), n.promoter, detail.get("conflicts"),
                    len(owners), len(owners) - len(outstanding), outstanding))
    return pd.DataFrame(out, columns=cols)
