"""An owner's data-sharing report: who looked at the owner's assets, when, why, and what
they got — every check, search, identify, extract, export and notice of the audit log whose
recorded owners name the owner or whose footprint touches the owner's assets or coverage.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from .errors import ValidationError
from .store.audit_chain import verify
from .use_log import USE_ACTIONS

REPORT_COLUMNS = ["id", "at", "user", "action", "purpose", "reference", "query", "owners",
                  "conflicts", "strike", "danger", "caution", "results", "footprint_wkt", "via",
                  "synced_from_extract", "hash"]


def _row(entry, detail: dict) -> dict:
    summary = detail.get("summary") or {}
    synced = detail.get("synced_from") or {}
    return {
        "id": int(entry.id), "at": synced.get("at") or entry.at,
        "user": synced.get("user") or entry.user, "action": entry.action,
        "purpose": detail.get("purpose"), "reference": detail.get("reference"),
        "query": detail.get("query") or detail.get("asset_id") or detail.get("out"),
        "owners": " ".join(str(o) for o in detail.get("owners") or []),
        "conflicts": summary.get("conflicts"), "strike": summary.get("strike"),
        "danger": summary.get("danger"), "caution": summary.get("caution"),
        "results": summary.get("hits", summary.get("rows", summary.get("sites"))),
        "footprint_wkt": detail.get("footprint_wkt"), "via": detail.get("via"),
        "synced_from_extract": synced.get("extract_id"), "hash": entry.hash,
    }


def _since(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValidationError(f"--since {text!r} is not a date: give it as YYYY-MM-DD") from None


def _touching(store, owner: str, wkts: list) -> np.ndarray:
    """Which footprints (WKT, None for none) meet the owner's live assets or coverage."""
    wkts = [w if isinstance(w, str) else None for w in wkts]
    geoms = shapely.from_wkt(np.asarray(wkts, dtype=object), on_invalid="ignore")
    cover = store.owner_coverage()
    theirs = [np.asarray(store.owner_geometries(owner), dtype=object),
              cover.geometry.to_numpy()[(cover["owner"] == owner).to_numpy()] if len(cover)
              else np.empty(0, dtype=object)]
    tree = shapely.STRtree(np.concatenate(theirs))
    hit = np.zeros(len(geoms), dtype=bool)
    have = ~shapely.is_missing(geoms)
    if have.any():
        found = tree.query(geoms[have], predicate="intersects")[0]
        hit[np.flatnonzero(have)[np.unique(found)]] = True
    return hit


def use_report(store, owner: str | None = None, since: str | None = None):
    """(report frame in REPORT_COLUMNS, the chain's verdict) of the register's uses."""
    if owner is not None and store.owner(owner) is None and not store.owner_asset_count(owner):
        raise ValidationError(f"no owner {owner!r} in the register: list them with "
                              "'asset-register info REGISTER'")
    log = store.audit_log()
    verdict = verify(log)
    rows = []
    for entry in log.itertuples(index=False):
        try:
            detail = json.loads(entry.detail or "{}")
        except ValueError:
            continue
        if entry.action in USE_ACTIONS and isinstance(detail, dict):
            rows.append(_row(entry, detail))
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS, dtype=object)
    start = _since(since)
    if start is not None:
        frame = frame[frame["at"].astype(str) >= start]
    if owner is not None and len(frame):
        named = frame["owners"].str.split().apply(lambda codes: owner in codes).to_numpy(bool)
        frame = frame[named | _touching(store, owner, frame["footprint_wkt"].tolist())]
    return frame.reset_index(drop=True), verdict


def write_report(frame: pd.DataFrame, out: Path, *, register: str, owner, since, verdict) -> None:
    """CSV (formula-leading text neutralised, UTF-8 with BOM) or JSON with the chain's state."""
    from .notices.exports import spreadsheet_safe

    suffix = out.suffix.lower()
    if suffix == ".csv":
        spreadsheet_safe(frame.astype(object).where(frame.notna(), None)).to_csv(
            out, index=False, encoding="utf-8-sig", lineterminator="\n")
    elif suffix == ".json":
        clean = frame.astype(object).where(frame.notna(), None)
        doc = {"register": register, "owner": owner, "since": since,
               "audit_chain": {"verified": verdict.ok, "problem": verdict.problem,
                               "entries": verdict.entries, "head_hash": verdict.head},
               "entries": clean.to_dict("records")}
        out.write_text(json.dumps(doc, indent=1, ensure_ascii=False, default=str), "utf-8")
    else:
        raise ValidationError(f"--out {str(out)!r} must end in .csv or .json")
