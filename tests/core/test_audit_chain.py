"""The audit log's hash chain on both stores: every kind of tampering is named by verify."""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager

import pytest

from asset_register.store.audit_chain import GENESIS, canonical_detail, entry_hash, verify
from tests.audit_helpers import GPKG_UNCHAIN, PG_UNCHAIN


def _fill(store):
    for i in range(4):
        store.audit("note", {"n": i, "b": "x", "a": [1, 2]})
    return store.audit_log()


@contextmanager
def _raw(store):
    """A raw connection past the app (the file's holder / the database owner), with the
    append-only triggers switched off as such a person could."""
    if hasattr(store, "path"):
        con = sqlite3.connect(store.path, isolation_level=None)
        con.execute("DROP TRIGGER audit_log_no_update")
        con.execute("DROP TRIGGER audit_log_no_delete")
        try:
            yield lambda q, p=(): con.execute(q.replace("%s", "?"), p)
        finally:
            con.close()
    else:
        import psycopg

        with psycopg.connect(store.url_text.split("?")[0], autocommit=True) as conn:
            conn.execute(f"SET search_path TO {store.schema}, public")
            conn.execute("ALTER TABLE audit_log DISABLE TRIGGER USER")
            yield lambda q, p=(): conn.execute(q.replace("user,", '"user",'), p)


def test_entries_chain_and_verify(store):
    log = _fill(store)
    assert {"prev_hash", "hash"} <= set(log.columns)
    assert log["prev_hash"].iloc[0] == GENESIS
    assert (log["prev_hash"].iloc[1:].to_numpy() == log["hash"].iloc[:-1].to_numpy()).all()
    last = log.iloc[-1]
    assert json.loads(last["detail"]) == {"n": 3, "b": "x", "a": [1, 2]}
    assert last["detail"] == canonical_detail({"a": [1, 2], "b": "x", "n": 3})  # sorted keys
    assert last["hash"] == entry_hash(last["prev_hash"], last["id"], last["at"], last["user"],
                                      "note", last["detail"])
    verdict = verify(log)
    assert verdict.ok and verdict.entries == len(log) and verdict.head == last["hash"]
    assert verify(log, expect_head=log["hash"].iloc[2]).ok


def test_the_app_refuses_to_change_or_delete_entries(store):
    _fill(store)
    with pytest.raises(Exception, match="append-only"):
        with store.atomic() as con:
            con.execute("UPDATE audit_log SET action = 'x'")
    with pytest.raises(Exception, match="append-only"):
        with store.atomic() as con:
            con.execute("DELETE FROM audit_log")
    assert verify(store.audit_log()).ok


@pytest.mark.parametrize("kind", ["edited", "deleted", "inserted", "reordered", "unhashed"])
def test_each_kind_of_tampering_names_the_first_bad_entry(store, kind):
    log = _fill(store)
    ids = log["id"].tolist()
    victim = ids[2]
    with _raw(store) as run:
        if kind == "edited":
            run("UPDATE audit_log SET detail = %s WHERE id = %s", ('{"n":99}', victim))
            bad, words = victim, "was changed"
        elif kind == "deleted":
            run("DELETE FROM audit_log WHERE id = %s", (victim,))
            bad, words = ids[3], "does not follow"
        elif kind == "inserted":  # back-dated, sorts first, self-consistent hash
            h = entry_hash(GENESIS, -5, "2020-01-01T00:00:00.000+00:00", "boss", "check", "{}")
            run("INSERT INTO audit_log (id, at, user, action, detail, prev_hash, hash) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (-5, "2020-01-01T00:00:00.000+00:00", "boss", "check", "{}", GENESIS, h))
            bad, words = -5, "was inserted"
        elif kind == "reordered":  # swap two entries' positions (ids)
            run("UPDATE audit_log SET id = -1 WHERE id = %s", (ids[1],))
            run("UPDATE audit_log SET id = %s WHERE id = %s", (ids[1], ids[2]))
            run("UPDATE audit_log SET id = %s WHERE id = -1", (ids[2],))
            bad, words = ids[1], ""
        else:
            run("INSERT INTO audit_log (id, at, user, action, detail) VALUES (%s, %s, %s, %s, %s)",
                (ids[-1] + 10, "2020-01-01T00:00:00.000+00:00", "x", "check", "{}"))
            bad, words = ids[-1] + 10, "has no hash"
    verdict = verify(store.audit_log())
    assert not verdict.ok and verdict.bad_id == bad
    assert words in verdict.problem and "\n" not in verdict.problem


def test_cutting_the_tail_is_caught_by_an_exported_head(store):
    log = _fill(store)
    head = log["hash"].iloc[-1]
    with _raw(store) as run:
        run("DELETE FROM audit_log WHERE id = %s", (int(log["id"].iloc[-1]),))
    assert verify(store.audit_log()).ok  # a consistent log on its own...
    verdict = verify(store.audit_log(), expect_head=head)
    assert not verdict.ok and "not in the log" in verdict.problem  # ...but not the one exported


def _make_unchained(store) -> str:
    """The register as it was before the audit chain (GeoPackage 3, PostGIS 4)."""
    if hasattr(store, "path"):
        location = str(store.path)
        store.close()
        con = sqlite3.connect(location, isolation_level=None)
        for stmt in GPKG_UNCHAIN:
            con.execute(stmt)
        con.close()
        return location
    with store.atomic() as conn:
        for stmt in PG_UNCHAIN:
            conn.execute(stmt)
        conn.execute("INSERT INTO audit_log (id, at, \"user\", action, detail) VALUES "
                     "(100, '2025-01-01T00:00:00', 'old', 'note', '{\"z\": 1, \"a\": 2}')")
    store.close()
    return store.url_text


def test_an_old_register_is_chained_at_its_upgrade(store):
    from asset_register.store import open_register

    _fill(store)
    location = _make_unchained(store)
    with open_register(location) as s:
        applied = [m[:2] for m in s.applied_migrations()]
        assert ((4 if hasattr(s, "path") else 5), "audit_chain") in applied
        log = s.audit_log()
        started = log[log["action"] == "audit_chain_started"]
        assert len(started) == 1 and started.index[0] == log.index[-1]
        chained = len(log) - 1
        assert json.loads(started["detail"].iloc[0])["chained_entries"] == chained
        assert "starts at this upgrade" in started["detail"].iloc[0]
        assert verify(log).ok and log["hash"].notna().all()
        s.audit("after", {"k": 1})
        log = s.audit_log()
        assert log["action"].iloc[-1] == "after" and log["id"].iloc[-1] > log["id"].iloc[-2]
        assert verify(log).ok
