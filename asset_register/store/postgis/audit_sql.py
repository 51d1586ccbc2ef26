"""The PostGIS audit log's server side: the server numbers, times, signs and chains every entry.

A BEFORE INSERT trigger (SECURITY DEFINER, so it works for planners with only INSERT) takes
a transaction lock, gives the row the next id, the server's time and ``<os user>@<login>``
(the login from ``session_user``: a client cannot claim another), reads the last entry's
hash and fills ``prev_hash`` and ``hash`` with the same canonical text as
``store/audit_chain.py``. Whatever a client sends for those columns is overwritten, so a
back-dated entry or a forged hash cannot be written. UPDATE, DELETE and TRUNCATE are refused
by triggers for everyone (the grants already give no role below the owner those rights); the
owner can only get round that by disabling the triggers, which ``audit verify`` then catches.
"""

from __future__ import annotations

from ..audit_chain import canonical_detail, chain
from .records import SERVER_NOW



def _field(expr: str) -> str:
    return f"CASE WHEN {expr} IS NULL THEN '~' ELSE length({expr})::text || ':' || {expr} END"


HASH_EXPR = ("encode(sha256(convert_to(NEW.prev_hash || " + " || ".join(
    _field(e) for e in ("NEW.id::text", "NEW.at", 'NEW."user"', "NEW.action", "NEW.detail"))
    + ", 'UTF8')), 'hex')")


def trigger_sql(schema_ident: str, schema_literal: str) -> list[str]:
    """The sequence, functions and triggers of PostGIS migration 5 (schema name quoted as an
    identifier and as a literal). ``id`` loses its identity default: only the trigger numbers
    entries, after taking the lock, so id order is chain order."""
    return [
        "ALTER TABLE audit_log ALTER COLUMN id DROP IDENTITY IF EXISTS",
        "CREATE SEQUENCE audit_log_id_seq OWNED BY audit_log.id",
        "SELECT setval('audit_log_id_seq', coalesce((SELECT max(id) FROM audit_log), 0) + 1, "
        "false)",
        f"""CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
        SET search_path = {schema_ident}, pg_catalog AS $$
        DECLARE last_hash text;
        BEGIN
          IF current_setting('transaction_isolation') <> 'read committed' THEN
            RAISE EXCEPTION 'audit entries are written in READ COMMITTED transactions only'
              USING ERRCODE = 'insufficient_privilege';  -- a snapshot could miss the last entry
          END IF;
          PERFORM pg_advisory_xact_lock(hashtextextended('asset_register:' || {schema_literal}
                                                         || ':audit_log', 0));
          SELECT a.hash INTO last_hash FROM audit_log a ORDER BY a.id DESC LIMIT 1;
          NEW.id := nextval('audit_log_id_seq');
          NEW.at := {SERVER_NOW};
          NEW."user" := coalesce(nullif(split_part(coalesce(NEW."user", ''), '@', 1), ''),
                                 'unknown') || '@' || session_user;
          NEW.detail := coalesce(NEW.detail, '{{}}');
          PERFORM NEW.detail::jsonb;
          NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
          NEW.hash := {HASH_EXPR};
          RETURN NEW;
        END $$""",
        """CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
        END $$""",
        "CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW "
        "EXECUTE FUNCTION audit_log_chain()",
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW "
        "EXECUTE FUNCTION audit_log_append_only()",
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT "
        "EXECUTE FUNCTION audit_log_append_only()",
    ]


def upgrade(cur, schema_ident: str, schema_literal: str) -> int:
    """Add the hash columns, chain the entries already there (details canonicalised), then
    install the triggers; returns how many entries were chained."""
    cur.execute("ALTER TABLE audit_log ADD COLUMN prev_hash text, ADD COLUMN hash text")
    cur.execute('SELECT id, at, "user", action, detail FROM audit_log ORDER BY id')
    rows = [(i, at, user, action, canonical_detail(detail))
            for i, at, user, action, detail in cur.fetchall()]
    cur.executemany("UPDATE audit_log SET detail = %s WHERE id = %s", [(r[4], r[0]) for r in rows])
    cur.executemany("UPDATE audit_log SET prev_hash = %s, hash = %s WHERE id = %s", chain(rows))
    for stmt in trigger_sql(schema_ident, schema_literal):
        cur.execute(stmt)
    return len(rows)
