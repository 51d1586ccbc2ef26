"""PostgreSQL roles for a shared register: viewers, planners, importing editors, administrators.

Each register schema gets five group roles (no login), each a member of the one before:

* ``<schema>_viewer`` — reads (checks, maps, searches); restricted assets only as the
  masked rows of ``asset_view`` (see ``postgis/security.py``).
* ``<schema>_planner`` — a viewer that may also record notices (its own), take notice
  numbers through ``next_notice_number`` and record owners' responses to issued notices,
  and write the audit log. No write to assets, batches, owners, settings or sequences.
* ``<schema>_editor`` — a planner that may import, for the owners granted to it in
  ``editor_owners`` (``*``: every owner): insert assets and retire live ones under its own
  open import batch, nothing else; row-level security enforces it.
* ``<schema>_admin`` — an editor for every owner, cleared for restricted assets, who
  changes settings and rules and grants owners to editors.
* ``<schema>_restricted`` — no rights of its own: membership clears a login to see
  restricted assets in full.

Nobody but the schema owner may DELETE: the register retires, it never deletes. Logins
are members of one of the first four groups (plus ``restricted`` when cleared).
Passwords are hashed client-side (SCRAM-SHA-256 via libpq) so the plain text never reaches
the server's logs. Creating logins needs the CREATEROLE privilege.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from psycopg import errors as pg_errors
from psycopg import sql

from ...errors import PermissionDeniedError, ValidationError
from .connect import NAME_RE
from .records import now_sql
from .security import BATCH_PROGRESS

KINDS = ("viewer", "planner", "editor", "admin")  # each a member of the one before
# (table, privileges) each group gets on top of the group it is a member of.
GRANTS = {
    # a viewer's own uses (checks, searches, extracts): security.migration_8 lets it write
    # no other kind of entry
    "viewer": [("audit_log", "INSERT")],
    "planner": [("notices", "INSERT, UPDATE"), ("notice_responses", "INSERT"),
                ("audit_log", "INSERT"), ("deviations", "INSERT, UPDATE"),
                # the change counter a recorded deviation report raises (a number, no data)
                ("register_state", "UPDATE")],
    "editor": [("assets", "INSERT, UPDATE (retired_at)"), ("import_batches", "INSERT"),
               ("import_batches", f"UPDATE ({', '.join(BATCH_PROGRESS)})"),
               ("rejects", "INSERT"), ("owners", "INSERT, UPDATE"),
               ("owner_coverage", "INSERT, UPDATE"), ("works", "INSERT, UPDATE"),
               ("settings", "INSERT, UPDATE"), ("register_state", "UPDATE")],
    "admin": [("settings", "DELETE"), ("editor_owners", "INSERT, UPDATE, DELETE")],
}
# Before migration 6 (no notice-number function) planners wrote the sequence table directly.
LEGACY_PLANNER = [("notice_sequences", "INSERT, UPDATE")]


@dataclass(frozen=True)
class RoleNames:
    viewer: str
    planner: str
    editor: str
    admin: str
    restricted: str

    def of(self, kind: str) -> str:
        return getattr(self, kind)


def group_roles(schema: str) -> RoleNames:
    return RoleNames(*(f"{schema}_{k}" for k in (*KINDS, "restricted")))


def _role_exists(cur, name: str) -> bool:
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
    return cur.fetchone() is not None


def _denied(store, what: str) -> PermissionDeniedError:
    return PermissionDeniedError(
        f"user {store.url.user!r} may not {what} on {store.url.host}:{store.url.port}: run "
        "'asset-register roles' as the register's owner with the CREATEROLE privilege (or ask "
        "the database administrator)")


def _has(cur, schema: str, relation: str) -> bool:
    cur.execute("SELECT to_regclass(%s) IS NOT NULL",
                (sql.Identifier(schema, relation).as_string(cur.connection),))
    return bool(cur.fetchone()[0])


def _relations(cur, schema: str) -> set[str]:
    """The names of the tables, views and sequences in ``schema`` (one query)."""
    cur.execute("SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = %s", (schema,))
    return {r[0] for r in cur.fetchall()}


def apply_grants(cur, schema: str, database: str) -> bool:
    """(Re)apply every group's grants from scratch; False when the groups do not exist.

    Runs as the register's owner: from ``roles`` and after every migration, so tables that a
    migration adds get the same rules and rights a migration takes away are taken away.
    """
    names = group_roles(schema)
    present = [k for k in KINDS if _role_exists(cur, names.of(k))]
    if "planner" not in present or "editor" not in present:
        return False
    s = sql.Identifier(schema)
    relations = _relations(cur, schema)  # (a migration may not have added a table yet)
    guarded = "editor_owners" in relations  # migration 6 applied
    previous = None
    for kind in KINDS:
        if kind not in present:
            continue
        group = sql.Identifier(names.of(kind))
        cur.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(s, group))
        if previous is not None:
            cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(previous), group))
        else:
            cur.execute(sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
                sql.Identifier(database), group))
            cur.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, group))
            cur.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(s, group))
        grants = GRANTS[kind] + ([] if guarded or kind != "planner" else LEGACY_PLANNER)
        for table, privs in grants:
            if table in relations:
                cur.execute(sql.SQL("GRANT {} ON {} TO {}").format(
                    sql.SQL(privs), sql.Identifier(schema, table), group))
        if kind == "planner" and guarded:
            cur.execute(sql.SQL("GRANT EXECUTE ON FUNCTION {}(text, integer) TO {}").format(
                sql.Identifier(schema, "next_notice_number"), group))
        previous = names.of(kind)
    if "admin" in present and _role_exists(cur, names.restricted):
        cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(names.restricted),
                                                     sql.Identifier(names.admin)))
    return True


def grant_register_roles(store) -> RoleNames:
    """Create (if needed) the register's group roles and (re)apply their grants."""
    names = group_roles(store.schema)
    try:
        with store.atomic() as conn, conn.cursor() as cur:
            for kind in (*KINDS, "restricted"):
                if not _role_exists(cur, names.of(kind)):
                    cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(
                        sql.Identifier(names.of(kind))))
            apply_grants(cur, store.schema, store.url.database)
            store.audit("grant_register_roles", {k: names.of(k) for k in KINDS})
    except (PermissionDeniedError, pg_errors.InsufficientPrivilege):
        raise _denied(store, "create roles or grant on this register") from None
    return names


def create_login(store, name: str, kind: str, password: str | None = None, *,
                 owners: list[str] | None = None, cleared: bool | None = None) -> str | None:
    """Create login ``name`` (or move an existing one) into the ``kind`` group.

    ``owners``: the owner codes an editor may import (default ``*``, every owner);
    ``cleared``: add to (True) or remove from (False) the restricted-assets clearance.
    Returns the password when one was generated or set, else None (existing role kept its own).
    """
    if kind not in KINDS:
        raise ValidationError(f"role kind {kind!r} is not one of {', '.join(KINDS)}")
    if not NAME_RE.match(name):
        raise ValidationError(
            f"login name {name!r} is not usable: use lower-case letters, digits and '_'")
    if owners is not None and kind != "editor":
        raise ValidationError("owners are granted to editors only (--owner with --create-editor)")
    names = grant_register_roles(store)
    try:
        with store.atomic() as conn, conn.cursor() as cur:
            exists = _role_exists(cur, name)
            if not exists and password is None:
                password = secrets.token_urlsafe(18)
            if not exists:
                cur.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
            if password is not None:
                verifier = conn.pgconn.encrypt_password(
                    password.encode(), name.encode(), b"scram-sha-256").decode()
                cur.execute(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(name), sql.Literal(verifier)))
            for other in KINDS:  # one group only: moving down removes the rights above
                if other != kind:
                    cur.execute(sql.SQL("REVOKE {} FROM {}").format(
                        sql.Identifier(names.of(other)), sql.Identifier(name)))
            cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(names.of(kind)),
                                                         sql.Identifier(name)))
            if cleared is not None:
                cur.execute(sql.SQL("GRANT {} TO {}" if cleared else "REVOKE {} FROM {}").format(
                    sql.Identifier(names.restricted), sql.Identifier(name)))
            granted = _set_editor_owners(cur, name, kind, owners)
            store.audit("create_login", {"login": name, "role": kind, "created": not exists,
                                         "owners": granted, "cleared": cleared})
    except (PermissionDeniedError, pg_errors.InsufficientPrivilege):
        raise _denied(store, f"create or change login {name!r}") from None
    return password


def _set_editor_owners(cur, name: str, kind: str, owners) -> list[str]:
    """The owners ``name`` may import: replaced for an editor, none for any other kind."""
    if not _has(cur, cur.execute("SELECT current_schema()").fetchone()[0], "editor_owners"):
        return []
    cur.execute("DELETE FROM editor_owners WHERE login = %s", (name,))
    if kind != "editor":
        return []
    granted = sorted(set(owners)) if owners else ["*"]
    at, pinned = now_sql()  # the time every record of the register carries (records.py)
    cur.executemany(
        f"INSERT INTO editor_owners (login, owner, granted_at) VALUES (%s, %s, {at})",
        [(name, o, *pinned) for o in granted])
    return granted


def list_logins(store) -> list[tuple[str, str]]:
    """(login, kind) for every member of this register's groups: its highest kind, with
    ``+restricted`` when cleared for restricted assets."""
    names = group_roles(store.schema)
    groups = {names.of(k): k for k in (*KINDS, "restricted")}
    with store._lock, store._conn.cursor() as cur:
        cur.execute(
            "SELECT m.rolname, g.rolname FROM pg_auth_members am "
            "JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member "
            "WHERE g.rolname = ANY(%s) AND m.rolcanlogin ORDER BY m.rolname", (list(groups),))
        rows = cur.fetchall()
    best: dict[str, int] = {}
    cleared: set[str] = set()
    for login, group in rows:
        kind = groups[group]
        if kind == "restricted":
            cleared.add(login)
            best.setdefault(login, -1)
        else:
            best[login] = max(best.get(login, -1), KINDS.index(kind))
    return sorted((login, (KINDS[i] if i >= 0 else "no role")
                   + ("+restricted" if login in cleared else "")) for login, i in best.items())
