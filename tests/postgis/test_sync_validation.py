"""`sync` accepts from an extract only what the extract could have made itself: notices under
its own prefix made after it, responses to issued notices, and an audit log that still starts
as the register wrote it. Each refusal stops the whole sync and leaves the register as it was
(GeoPackage and PostGIS targets)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from asset_register.errors import ValidationError
from asset_register.extract import sync_extract
from asset_register.store import open_register
from asset_register.store.audit_chain import chain
from asset_register.store.gpkg.geom import register_functions
from tests.postgis.test_extract import _extract, _loc, _notice, source  # noqa: F401


def _state(store):
    return (len(store.notices()), len(store.responses()), len(store.audit_log()))


def _sql(path, *statements, params=()):
    """An edit with a plain SQLite tool, past the log's append-only triggers."""
    con = sqlite3.connect(path, isolation_level=None)
    register_functions(con)
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    for statement in statements:
        con.execute(statement, params) if params else con.execute(statement)
    con.close()


@pytest.fixture
def field(source, tmp_path, fixed_clock):  # noqa: F811
    """An extract with one notice issued offline (and its chain as the register recorded)."""
    s = _extract(source, tmp_path)
    _notice(s.path, tmp_path / "offline")
    with open_register(s.path, read_only=True) as ex:
        ref = ex.notices()["reference"].iloc[0]
    return source, s, ref


def _refused(target, s, match):
    before = _state(target)
    with pytest.raises(ValidationError, match=match):
        sync_extract(s.path, _loc(target))
    assert _state(target) == before


def test_a_clean_extract_syncs(field):
    target, s, ref = field
    assert sync_extract(s.path, _loc(target)).references == [ref]


def test_a_notice_under_the_registers_own_prefix_is_refused(field):
    target, s, _ = field
    with open_register(s.path) as ex:
        ex.record_notice({"reference": "LBX-2026-00077", "status": "issued"})
    _refused(target, s, "'LBX-2026-00077' in the extract is not numbered under its prefix.*"
                        "nothing was synced")


def test_a_notice_outside_the_extracts_range_is_refused(field):
    target, s, _ = field
    with open_register(s.path) as ex:
        ex.record_notice({"reference": "ZZZ-2026-00001", "status": "issued"})
    _refused(target, s, "'ZZZ-2026-00001'.*not numbered under its prefix")


def test_a_notice_dated_before_the_extract_was_made_is_refused(field):
    target, s, ref = field
    _sql(s.path, "UPDATE notices SET created_at = '2020-01-01T00:00:00+00:00'")
    _refused(target, s, f"'{ref}' says it was created at 2020-01-01.*before the extract was made")


def test_responses_for_notices_never_issued_are_refused(field):
    target, s, ref = field
    for reference, status in ((f"{s.notice_prefix}-2026-00099", "affected"),
                              ("LBX-2026-00050", "no_assets_affected")):
        with open_register(s.path) as ex:
            ex.copy_records("notice_responses", [{
                "reference": reference, "owner": "WSX", "status": status,
                "recorded_at": "2026-11-23T10:00:00+00:00", "recorded_by": "x"}])
        _refused(target, s, f"recorded for '{reference}', which was never issued")
        _sql(s.path, "DELETE FROM notice_responses")


def test_a_response_to_a_draft_or_with_no_response_code_is_refused(field):
    target, s, ref = field
    _sql(s.path, "INSERT INTO notice_responses (reference, owner, status, recorded_at) "
                 f"VALUES ('{ref}', 'WSX', 'pwned', '2026-11-23T10:00:00+00:00')")
    _refused(target, s, "has the status 'pwned', not a response code")
    _sql(s.path, "UPDATE notice_responses SET status = 'affected'",
         "UPDATE notices SET status = 'draft'")
    _refused(target, s, f"recorded for '{ref}', which was never issued")


def test_an_audit_log_without_hashes_is_refused(field):
    target, s, _ = field
    _sql(s.path, "UPDATE audit_log SET hash = NULL, prev_hash = NULL")
    _refused(target, s, "entries without a hash.*nothing was synced")


def test_an_audit_log_rewritten_consistently_is_refused(field):
    """The holder inserts a back-dated entry before the extract's making and recomputes the
    whole chain: the log verifies on its own, but no longer holds the head the register
    recorded when it made the extract."""
    target, s, _ = field
    con = sqlite3.connect(s.path)
    rows = con.execute("SELECT id, at, user, action, detail FROM audit_log ORDER BY id").fetchall()
    con.close()
    rows = [(rows[0][0] - 1, "2020-01-01T00:00:00.000+00:00", "boss", "check", "{}"), *rows]
    hashes = chain(rows)
    _sql(s.path, "DELETE FROM audit_log")
    for (i, at, user, action, detail), (prev, digest, _) in zip(rows, hashes):
        _sql(s.path, "INSERT INTO audit_log (id, at, user, action, detail, prev_hash, hash) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", params=(i, at, user, action, detail, prev,
                                                               digest))
    _refused(target, s, "tampered with.*exported earlier is not in the.*nothing was synced")


def test_an_extract_the_register_did_not_make_is_refused(field):
    target, s, _ = field
    _sql(s.path, "UPDATE settings SET value = 'f00d' WHERE key = 'extract_id'")
    _refused(target, s, "has no record of issuing the extract.*nothing was synced")


def test_an_extract_claiming_the_registers_prefix_is_refused(field):
    target, s, _ = field
    _sql(s.path, "UPDATE settings SET value = 'LBX' WHERE key = 'notice_prefix'")
    _refused(target, s, "numbers its notices with 'LBX', the register's own prefix")
    log = target.audit_log()
    detail = json.loads(log.loc[log["action"] == "extract", "detail"].iloc[-1])
    assert detail["notice_prefix"] == s.notice_prefix and detail["audit_head"]
