"""The audit log's hash chain: one entry's canonical content, its SHA-256, and verification.

Every entry carries ``prev_hash`` (the hash of the entry before it, GENESIS for the first)
and ``hash`` = SHA-256 of ``prev_hash`` followed by its canonical content: id, time, user,
action and detail (JSON with sorted keys), each written as ``<length>:<text>`` (``~`` for a
null) so no field can bleed into the next. The GeoPackage store computes it in Python; the
PostGIS server computes the very same text in a trigger (postgis/audit_sql.py), and
``verify`` re-computes it here for both.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

GENESIS = "0" * 64
HASHED_FIELDS = ("id", "at", "user", "action", "detail")


def canonical_detail(detail) -> str:
    """An entry's detail as stored and hashed: JSON, keys sorted, no spaces."""
    if isinstance(detail, str):
        try:
            detail = json.loads(detail)
        except ValueError:
            return detail
    return json.dumps(detail if detail is not None else {}, sort_keys=True, default=str,
                      ensure_ascii=False, separators=(",", ":"))


def _field(value) -> str:
    if value is None:
        return "~"
    text = str(value)
    return f"{len(text)}:{text}"


def entry_hash(prev_hash: str, entry_id, at, user, action, detail) -> str:
    """SHA-256 (hex) of ``prev_hash`` and the entry's canonical content."""
    content = prev_hash + "".join(_field(v) for v in (int(entry_id), at, user, action, detail))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def chain(rows, prev_hash: str = GENESIS) -> list[tuple[str, str, int]]:
    """(prev_hash, hash, id) for rows of (id, at, user, action, detail) in log order: the
    hashes an upgrade gives entries written before the log had a chain."""
    out = []
    for entry_id, at, user, action, detail in rows:
        h = entry_hash(prev_hash, entry_id, at, user, action, detail)
        out.append((prev_hash, h, int(entry_id)))
        prev_hash = h
    return out


@dataclass
class Verdict:
    """What ``verify`` found: ``problem`` is None when the whole chain holds."""

    entries: int
    head: str
    problem: str | None = None
    bad_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(log, expect_head: str | None = None) -> Verdict:
    """Walk the log (a frame in id order with prev_hash and hash) and name the first entry
    that was edited, inserted, reordered, or follows a deleted one."""
    if "hash" not in log.columns:
        return Verdict(len(log), GENESIS, "the register's audit log has no hash chain yet: "
                       "open it writable once to upgrade it", None)
    rows = log[["id", *HASHED_FIELDS[1:], "prev_hash", "hash"]].astype(object)
    rows = rows.where(rows.notna(), None).itertuples(index=False, name=None)
    prev, prev_id, seen = GENESIS, None, {GENESIS: None}
    count, entries = 0, list(rows)
    for i, (entry_id, at, user, action, detail, prev_hash, stored) in enumerate(entries):
        entry_id = int(entry_id)
        if stored is None or prev_hash is None:
            return Verdict(count, prev, f"entry {entry_id} ({action}) has no hash: it was "
                           "written around the audit chain", entry_id)
        if prev_hash != prev:
            after = "the start of the log" if prev_id is None else f"entry {prev_id}"
            if prev_hash in seen:  # it follows an earlier entry: those between were added
                j = -1 if prev_hash == GENESIS else [e[-1] for e in entries[:i]].index(prev_hash)
                first = entries[j + 1]
                bad = int(first[0])
                return Verdict(count, prev, f"entry {bad} ({first[3]}) was inserted into the "
                               "log or moved: the entries after it do not chain to it", bad)
            return Verdict(count, prev, f"entry {entry_id} ({action}) does not follow {after}: "
                           "an entry before it was deleted, inserted or reordered", entry_id)
        if entry_hash(prev_hash, entry_id, at, user, action, detail) != stored:
            return Verdict(count, prev, f"entry {entry_id} ({action}) was changed after it was "
                           "written: its content no longer matches its hash", entry_id)
        seen[stored] = entry_id
        prev, prev_id = stored, entry_id
        count += 1
    if expect_head is not None and expect_head not in seen:
        return Verdict(count, prev, f"hash {expect_head[:16]}… exported earlier is not in the "
                       "log: the log was rewritten or cut back since then", None)
    return Verdict(count, prev)
