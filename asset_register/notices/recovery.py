"""Notices whose export was interrupted: found, and rolled back at the next command.

``write_notice_pack`` records the notice as ``draft`` before it builds the pack, with a
mark of the process writing it (host, pid, start time) and the output folder in its
``detail``. A process killed while building leaves that row without a pack folder and a
hidden ``.<reference>.*.partial`` folder beside where the pack would have gone.

Such a notice is **rolled back**, not finished: the pack shows a dig check (width,
depth, method, rules, Street Manager choices) that the register does not keep, over data
that may have changed since, so rebuilding it would issue a notice nobody checked. The
row becomes ``failed`` with the reason, the hidden folder is removed, and the reference
is never reused (the planner writes the notice again and gets the next one). Only drafts
whose writer is gone are touched: a notice another process is writing right now is
listed as ``writing`` and left alone.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .. import clock
from ..liveness import mark_alive, process_mark
from .files import safe_name

WRITING = "writing"  # the key of the writer's mark in a draft's detail
# A draft recorded without a writer mark (before marks existed) is taken as interrupted
# once this old: no pack takes more than minutes to write.
UNMARKED_AFTER = timedelta(days=1)


def detail_of(value) -> dict:
    """A notice row's ``detail`` as a dict, whatever the row holds (NULL, NaN, bad JSON)."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or not value.strip():
        return {}
    try:
        parsed = json.loads(value)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def writer_detail(out_dir: Path) -> str:
    """The ``detail`` of a draft being written by this process into ``out_dir``."""
    return json.dumps({WRITING: {**process_mark(), "out_dir": str(out_dir)}})


def unfinished(row) -> bool:
    """A draft whose pack was never written (a finished ``--draft`` has its folder)."""
    folder = row.get("folder")
    has_folder = isinstance(folder, str) and bool(folder)
    return row.get("status") == "draft" and not has_folder


def interrupted(row, now: datetime | None = None) -> bool:
    """An unfinished draft whose writer has ended (killed, crashed, machine restarted)."""
    if not unfinished(row):
        return False
    mark = detail_of(row.get("detail")).get(WRITING)
    if mark is not None:
        return not mark_alive(mark)
    created = row.get("created_at")
    try:
        stamp = datetime.fromisoformat(str(created))
    except ValueError:
        return False
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return (now or clock.now()) - stamp > UNMARKED_AFTER


def partial_folders(row) -> list[Path]:
    """The hidden temporary folders the interrupted export of ``row`` left."""
    mark = detail_of(row.get("detail")).get(WRITING) or {}
    out_dir = mark.get("out_dir")
    if not out_dir:
        return []
    version = int(row.get("version") or 1)
    name = safe_name(str(row.get("reference"))) + (f"-v{version}" if version > 1 else "")
    try:
        return sorted(p for p in Path(out_dir).glob(f".{name}.*.partial") if p.is_dir())
    except OSError:
        return []


def _rows(store) -> list[dict]:
    frame = store.notices()
    if frame is None or not len(frame):
        return []
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [r for r in records if r.get("status") == "draft"]


def pending(store) -> list[dict]:
    """Interrupted notice exports waiting to be rolled back."""
    return [r for r in _rows(store) if interrupted(r)]


def recover(store) -> list[str]:
    """Roll back every interrupted notice export (writable store); one line each."""
    said = []
    for row in pending(store):
        for folder in partial_folders(row):
            shutil.rmtree(folder, ignore_errors=True)
        reference, version = str(row["reference"]), int(row["version"])
        reason = ("interrupted: the program writing its pack ended before it finished; "
                  "no pack was issued (write the notice again: it gets a new reference)")
        store.update_notice(reference, version, status="failed",
                            detail=json.dumps({"error": reason}))
        store.audit("notice_rolled_back", {"reference": reference, "version": version})
        said.append(f"notice {reference} v{version} was interrupted while being written: "
                    "rolled back (marked failed, its partial pack removed)")
    return said


def listed_status(row) -> str:
    """The status shown in listings: ``writing`` for a pack being written right now,
    ``interrupted`` for one whose writer is gone (rolled back at the next command)."""
    if unfinished(row):
        return "interrupted" if interrupted(row) else WRITING
    status = row.get("status")
    return status if isinstance(status, str) and status else "?"
