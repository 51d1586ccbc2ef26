"""Signed, read-only GeoPackage extracts: sealing one, and checking a seal.

A sealed extract carries, in the table ``extract_signature``, an Ed25519 signature
(``asset_register.signing``) over a canonical digest of everything else in the file: the
schema (``sqlite_master``: tables, indexes, triggers, views), the header's application id and
user version, and the rows of every table, the GeoPackage R*Tree index included (read
through its virtual table, so deleting an index entry to hide an asset from a check changes
the digest). Rows are digested one by one and sorted, so the digest does not depend on the
order SQLite happens to store them in, only on what they hold.

Sealing also makes the file read-only three ways: the app opens a sealed file read-only
whatever it was asked for and refuses every write with one line (store.py); triggers refuse
``INSERT``, ``UPDATE`` and ``DELETE`` on every table for any SQLite client; and the file's
permission bits are set read-only. Whoever holds the file can still remove all three — but
any change to the content then no longer matches the signature, which ``verify`` reports.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

SIGNATURE_TABLE = "extract_signature"
FORMAT = "asset-register signed extract 1"
_VIRTUAL_SHADOWS = ("_node", "_rowid", "_parent")


@dataclass(frozen=True)
class SealVerdict:
    """What ``verify`` found: ``ok`` when the content matches the signature."""

    ok: bool
    key_id: str = ""
    public_key: str = ""
    issuer: str = ""
    signed_at: str = ""
    problem: str = ""

    def line(self, name: str) -> str:
        """One line for the user."""
        who = f"{self.issuer or 'an unnamed authority'} (key {self.key_id or 'unknown'})"
        if self.ok:
            return (f"{name} is a signed, read-only extract issued by {who} on "
                    f"{self.signed_at}: intact")
        return (f"{name} is NOT intact: {self.problem}; it claims to be issued by {who} — do "
                "not rely on it, ask the authority for a new extract")


def is_sealed(con: sqlite3.Connection) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                       (SIGNATURE_TABLE,)).fetchone() is not None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(con: sqlite3.Connection) -> tuple[list[str], list[str], list[str]]:
    """(ordinary tables, virtual tables, their shadow tables) of the file, without SQLite's
    own and the signature table; a virtual table's rows are read through it, not its
    shadow tables."""
    rows = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                       "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name != ?",
                       (SIGNATURE_TABLE,)).fetchall()
    virtual = sorted(n for n, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL"))
    shadows = {v + s for v in virtual for s in _VIRTUAL_SHADOWS}
    plain = sorted(n for n, sql in rows if n not in virtual and n not in shadows)
    return plain, virtual, sorted(shadows & {n for n, _ in rows})


def _row(values) -> bytes:
    """A row's canonical bytes: its values as a Python literal, every non-ASCII character
    escaped (``ascii``), so neither the platform nor the Python or Unicode version changes
    them; floats are written in full (shortest round-trip form), text and blobs unambiguously."""
    return ascii(tuple(values)).encode("ascii")


def content_digest(con: sqlite3.Connection) -> str:
    """SHA-256 (hex) of the file's schema, header fields and every table's rows, the
    signature table left out."""
    h = hashlib.sha256(FORMAT.encode() + b"\n")
    schema = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                         "WHERE tbl_name != ? ORDER BY type, name", (SIGNATURE_TABLE,))
    for row in schema:
        h.update(b"S" + _row(row))
    for pragma in ("application_id", "user_version"):
        h.update(b"P" + _row((pragma, con.execute(f"PRAGMA {pragma}").fetchone()[0])))
    plain, virtual, _ = _tables(con)
    for name in sorted(plain + virtual):
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({_quote(name)})")]
        rows = sorted(hashlib.sha256(_row(r)).digest()
                      for r in con.execute(f"SELECT * FROM {_quote(name)}"))
        h.update(b"T" + _row((name, len(cols), *cols, len(rows))))
        for digest in rows:
            h.update(digest)
    return h.hexdigest()


def _message(fields: dict) -> bytes:
    """What is signed: the digest and the signature row's own fields, as canonical JSON."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _refusal(name: str) -> str:
    return (f"this is a signed read-only extract: {name} cannot be changed; ask the issuing "
            "authority for a new extract")


def _refuse_writes(con: sqlite3.Connection, table: str) -> None:
    """Triggers refusing INSERT, UPDATE and DELETE on ``table`` with ``_refusal``'s line."""
    text = _refusal(table).replace("'", "''")
    for op in ("INSERT", "UPDATE", "DELETE"):
        con.execute(f"CREATE TRIGGER {_quote(f'sealed_no_{op.lower()}_{table}')} BEFORE {op} ON "
                    f"{_quote(table)} BEGIN SELECT RAISE(ABORT, '{text}'); END")


def seal(path: Path, key, issuer: str, signed_at: str) -> SealVerdict:
    """Make the extract at ``path`` read-only and sign it with ``key``
    (``signing.SigningKey``). The file must not be open elsewhere."""
    con = sqlite3.connect(str(path), isolation_level=None)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        # no -wal/-shm files: a reader needs nothing beside the file, and opens write nothing
        con.execute("PRAGMA journal_mode = DELETE")
        con.execute("BEGIN IMMEDIATE")
        plain, _, shadows = _tables(con)
        for table in plain + shadows:  # (on the R*Tree's shadow tables, its index too)
            _refuse_writes(con, table)
        con.execute(f"CREATE TABLE {SIGNATURE_TABLE} (format TEXT NOT NULL, key_id TEXT NOT NULL, "
                    "public_key TEXT NOT NULL, issuer TEXT NOT NULL, signed_at TEXT NOT NULL, "
                    "digest TEXT NOT NULL, signature TEXT NOT NULL)")
        con.execute("COMMIT")
        fields = {"format": FORMAT, "key_id": key.key_id, "public_key": key.public.hex(),
                  "issuer": issuer, "signed_at": signed_at, "digest": content_digest(con)}
        signature = key.sign(_message(fields)).hex()
        con.execute("BEGIN IMMEDIATE")
        con.execute(f"INSERT INTO {SIGNATURE_TABLE} (format, key_id, public_key, issuer, "
                    "signed_at, digest, signature) VALUES (?,?,?,?,?,?,?)",
                    (*fields.values(), signature))
        _refuse_writes(con, SIGNATURE_TABLE)
        con.execute("COMMIT")
    finally:
        con.close()
    mode = path.stat().st_mode
    path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return verify(path)


def _wal_header(path: Path) -> bool:
    """Whether the file's header says WAL mode (bytes 18 and 19 are 2)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(20)
    except OSError:
        return False
    return len(head) == 20 and head[18] == 2 and head[19] == 2


def read_uri(path: Path) -> str:
    """The URI every read-only connection of ours opens the register at ``path`` with.

    ``mode=ro``, except for a signed (sealed) extract whose header says WAL, with no
    ``-wal``, ``-shm`` or ``-journal`` beside it: that one is read ``immutable``. A sealed
    extract is made in rollback-journal mode, but a GIS program that opened it may have left
    it in WAL mode (the header is not part of the seal). SQLite would then make a ``-wal`` and
    ``-shm`` beside the file for every read, and cannot remove them: the extract's file is
    read-only. ``immutable`` reads the file as it is, without locks and without those files;
    that is right only for a file nobody writes: a sealed one, whose every table refuses
    writes. The seal is never touched (nothing is written). A WAL file already beside it
    means another connection may have it open (SQLite removes it when the last one closes):
    then the plain read-only way is taken and nothing is tidied.
    """
    real = Path(path).resolve()
    plain = f"{real.as_uri()}?mode=ro"
    if not _wal_header(real) or any(
            Path(f"{real}{s}").exists() for s in ("-wal", "-shm", "-journal")):
        return plain
    quiet = plain + "&immutable=1"
    return quiet if _sealed_file(real, quiet) else plain


_SEALED: dict[tuple, bool] = {}


def _sealed_file(real: Path, quiet: str) -> bool:
    """Whether the file (in WAL mode, nothing beside it) is sealed, read ``immutable``; one
    look per file while it is unchanged (an open asks three times)."""
    try:
        st = os.stat(real)
    except OSError:
        return False
    key = (str(real), st.st_ino, st.st_size, st.st_mtime_ns)
    if key not in _SEALED:
        try:
            con = sqlite3.connect(quiet, uri=True)
            try:
                found = is_sealed(con)
            finally:
                con.close()
        except sqlite3.Error:
            return False
        _SEALED.clear()  # one file at a time is plenty
        _SEALED[key] = found
    return _SEALED[key]


_CACHE: dict[tuple, SealVerdict] = {}


def verify(path: Path) -> SealVerdict | None:
    """The seal of the GeoPackage at ``path``: ``None`` when it has none (an ordinary register
    or extract). Read on a read-only connection; remembered while the file is unchanged."""
    st = os.stat(path)
    key = (str(Path(path).resolve()), st.st_ino, st.st_size, st.st_mtime_ns)
    if key not in _CACHE:
        con = sqlite3.connect(read_uri(Path(path)), uri=True)
        try:
            if not is_sealed(con):
                return None
            _CACHE.clear()  # one file at a time is plenty
            _CACHE[key] = _verify(con)
        finally:
            con.close()
    return _CACHE[key]


def _verify(con: sqlite3.Connection) -> SealVerdict:
    from ...signing import key_id, verify as signature_ok

    rows = con.execute(f"SELECT format, key_id, public_key, issuer, signed_at, digest, signature "
                       f"FROM {SIGNATURE_TABLE}").fetchall()
    if len(rows) != 1:
        return SealVerdict(False, problem=f"its signature table holds {len(rows)} rows, not one")
    fmt, kid, public, issuer, signed_at, digest, signature = (str(v or "") for v in rows[0])
    found = SealVerdict(False, kid, public, issuer, signed_at)
    try:
        pub, sig = bytes.fromhex(public), bytes.fromhex(signature)
    except ValueError:
        return _problem(found, "its signature is not readable")
    if fmt != FORMAT:
        return _problem(found, f"its signature is of an unknown format {fmt[:40]!r}")
    if key_id(pub) != kid:
        return _problem(found, "the key id does not belong to the public key it carries")
    fields = {"format": fmt, "key_id": kid, "public_key": public, "issuer": issuer,
              "signed_at": signed_at, "digest": digest}
    if not signature_ok(pub, _message(fields), sig):
        return _problem(found, "the signature does not match its record (issuer, date or digest "
                               "changed)")
    if content_digest(con) != digest:
        return _problem(found, "its content was changed after it was signed")
    return SealVerdict(True, kid, public, issuer, signed_at)


def _problem(found: SealVerdict, problem: str) -> SealVerdict:
    return SealVerdict(False, found.key_id, found.public_key, found.issuer, found.signed_at,
                       problem)


def refusal(name: str, verdict: SealVerdict | None) -> str:
    """The one-line error for a write to a sealed extract."""
    who = f" issued by {verdict.issuer}" if verdict and verdict.issuer else ""
    return (f"{name!r} is a signed, read-only extract{who}: it cannot be changed — work in "
            "the register it came from, or ask the authority for a new extract")
