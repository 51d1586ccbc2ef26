"""PostgreSQL roles for a shared register: read-only planners and importing editors.

Each register schema gets two group roles (no login):

* ``<schema>_planner`` — reads everything; may add notices, reserve notice
  numbers, record owners' responses and write the audit log. It has no INSERT,
  UPDATE, DELETE or TRUNCATE on assets, batches, rejects, owners, coverage,
  works or settings, so a planner cannot change assets even with raw SQL.
* ``<schema>_editor`` — a planner that may also import (insert and retire
  assets, batches, rejects, owners, coverage, works, settings). Nobody but the
  schema owner may DELETE: the register retires, it never deletes.

People get login roles that are members of one group. Passwords are hashed
client-side (SCRAM-SHA-256 via libpq) so the plain text never reaches the
server's logs. Creating roles needs the CREATEROLE privilege.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from psycopg import errors as pg_errors
from psycopg import sql

from ...errors import PermissionDeniedError, ValidationError
from .connect import NAME_RE

# Tables a planner (read-only role) may add rows to: notices and their sequence,
# owners' responses, deviation reports from site and the audit log. Everything else is the
# editors'.
PLANNER_WRITABLE = ("notices", "notice_sequences", "notice_responses", "deviations",
                    "audit_log")
EDITOR_WRITABLE = ("assets", "import_batches", "rejects", "owners", "owner_coverage", "works",
                   "settings", "register_state")

PLANNER_INSERT_ONLY = ("notice_responses", "audit_log")
# The change counter a planner raises when it records a deviation report (the checks of every
# desktop then re-read the reports): a number, no data.
PLANNER_UPDATE_ONLY = ("register_state",)


@dataclass(frozen=True)
class RoleNames:
    planner: str
    editor: str


def group_roles(schema: str) -> RoleNames:
    return RoleNames(planner=f"{schema}_planner", editor=f"{schema}_editor")


def _role_exists(cur, name: str) -> bool:
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
    return cur.fetchone() is not None


def _denied(store, what: str) -> PermissionDeniedError:
    return PermissionDeniedError(
        f"user {store.url.user!r} may not {what} on {store.url.host}:{store.url.port}: run "
        "'asset-register roles' as the register's owner with the CREATEROLE privilege (or ask "
        "the database administrator)")


def apply_grants(cur, schema: str, database: str) -> bool:
    """(Re)apply the planner/editor grants on every table; False when the groups do not exist.

    Runs as the register's owner: from ``roles`` and after every migration, so tables that a
    migration adds get the same rules.
    """
    names = group_roles(schema)
    if not (_role_exists(cur, names.planner) and _role_exists(cur, names.editor)):
        return False
    s = sql.Identifier(schema)
    planner, editor = sql.Identifier(names.planner), sql.Identifier(names.editor)
    cur.execute(sql.SQL("GRANT {} TO {}").format(planner, editor))
    cur.execute(sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
        sql.Identifier(database), planner))
    cur.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, planner))
    cur.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(s, planner))
    for table in PLANNER_WRITABLE:
        privs = "INSERT" if table in PLANNER_INSERT_ONLY else "INSERT, UPDATE"
        cur.execute(sql.SQL("GRANT {} ON {} TO {}").format(
            sql.SQL(privs), sql.Identifier(schema, table), planner))
    for table in PLANNER_UPDATE_ONLY:
        cur.execute(sql.SQL("GRANT UPDATE ON {} TO {}").format(
            sql.Identifier(schema, table), planner))
    for table in EDITOR_WRITABLE:
        cur.execute(sql.SQL("GRANT INSERT, UPDATE ON {} TO {}").format(
            sql.Identifier(schema, table), editor))
    return True


def grant_register_roles(store) -> RoleNames:
    """Create (if needed) the planner and editor group roles and (re)apply their grants."""
    names = group_roles(store.schema)
    try:
        with store.atomic() as conn, conn.cursor() as cur:
            for name in (names.planner, names.editor):
                if not _role_exists(cur, name):
                    cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
            apply_grants(cur, store.schema, store.url.database)
            store.audit("grant_register_roles", {"planner": names.planner,
                                                 "editor": names.editor})
    except PermissionDeniedError:
        raise _denied(store, "create roles or grant on this register") from None
    return names


def create_login(store, name: str, kind: str, password: str | None = None) -> str | None:
    """Create login ``name`` (or add an existing one) in the planner/editor group.

    Returns the password when one was generated or set, else None (existing role kept its own).
    """
    if kind not in ("planner", "editor"):
        raise ValidationError(f"role kind {kind!r} is not 'planner' or 'editor'")
    if not NAME_RE.match(name):
        raise ValidationError(
            f"login name {name!r} is not usable: use lower-case letters, digits and '_'")
    names = grant_register_roles(store)
    group = names.planner if kind == "planner" else names.editor
    other = names.editor if kind == "planner" else names.planner
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
            if kind == "planner":  # a planner must not keep editor rights from before
                cur.execute(sql.SQL("REVOKE {} FROM {}").format(
                    sql.Identifier(other), sql.Identifier(name)))
            cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group),
                                                         sql.Identifier(name)))
            store.audit("create_login", {"login": name, "role": kind, "created": not exists})
    except PermissionDeniedError:
        raise _denied(store, f"create or change login {name!r}") from None
    except pg_errors.InsufficientPrivilege:
        raise _denied(store, f"create or change login {name!r}") from None
    return password


def list_logins(store) -> list[tuple[str, str]]:
    """(login, 'planner'|'editor') for every member of this register's groups."""
    names = group_roles(store.schema)
    with store._lock, store._conn.cursor() as cur:
        cur.execute(
            "SELECT m.rolname, g.rolname FROM pg_auth_members am "
            "JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member "
            "WHERE g.rolname IN (%s, %s) AND m.rolcanlogin ORDER BY m.rolname",
            (names.planner, names.editor))
        rows = cur.fetchall()
    kinds = {names.planner: "planner", names.editor: "editor"}
    best: dict[str, str] = {}
    for login, group in rows:
        if best.get(login) != "editor":
            best[login] = kinds[group]
    return sorted(best.items())
