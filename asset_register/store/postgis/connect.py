"""Connecting to a PostGIS register from a ``postgresql://`` URL, with errors that say what to do.

A register URL is a libpq URL plus one optional query parameter, ``schema``
(default ``asset_register``), naming the PostgreSQL schema that holds the
register, e.g. ``postgresql://planner@db.council.local:5432/registers?schema=north``.
Passwords may come from the URL, ``PGPASSWORD`` or ``~/.pgpass`` (libpq's rules);
they are never echoed in messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from ...errors import ConnectionError_, NotARegisterError, RegisterNotFoundError
from ..credentials import display_name, encoded, is_url, scrub

DEFAULT_SCHEMA = "asset_register"  # the register's schema when the URL names none
# A schema or login name we create: lower-case SQL identifier, PostgreSQL's 63 bytes at most.
NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
URL_HELP = "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]"


@dataclass(frozen=True)
class RegisterURL:
    conninfo: str  # the URL without our own parameters, for libpq
    schema: str
    display: str  # the URL with any password masked, for messages and the audit log
    host: str
    port: str
    database: str
    user: str


def parse_url(url: str) -> RegisterURL:
    """Split a register URL into libpq's part and the register schema; raise on nonsense.

    No message carries the password, however it is written."""
    if not is_url(url):
        raise ConnectionError_(f"{display_name(url)!r} is not a PostgreSQL URL: write it as {URL_HELP}")
    try:
        return _parse_url(encoded(url))
    except ConnectionError_ as exc:
        raise ConnectionError_(scrub(str(exc), url)) from None


def _parse_url(url: str) -> RegisterURL:
    try:
        parts = urlsplit(url)
        params = parse_qsl(parts.query, keep_blank_values=True)
        port = str(parts.port or "5432")
    except ValueError as exc:
        raise ConnectionError_(f"{_mask(url)!r} is not a valid PostgreSQL URL ({exc}): write "
                               f"it as {URL_HELP}") from None
    schema = DEFAULT_SCHEMA
    rest = []
    for key, value in params:
        if key == "schema":
            schema = value
        else:
            rest.append((key, value))
    if not NAME_RE.match(schema):
        raise ConnectionError_(
            f"schema {schema!r} in {_mask(url)!r} is not usable: use lower-case letters, digits "
            "and '_' (e.g. ?schema=asset_register)")
    database = parts.path.lstrip("/")
    if not database:
        raise ConnectionError_(f"{_mask(url)!r} names no database: write it as {URL_HELP}")
    conninfo = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(rest), ""))
    try:
        conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError as exc:
        raise ConnectionError_(f"{_mask(url)!r} is not a valid PostgreSQL URL ({_first(exc)}): "
                               f"write it as {URL_HELP}") from None
    return RegisterURL(conninfo=conninfo, schema=schema, display=_mask(url),
                       host=parts.hostname or "localhost", port=port, database=database,
                       user=parts.username or "(default user)")


_mask = display_name


LOCK_TIMEOUT_S = 60


def connect(url: RegisterURL) -> psycopg.Connection:
    """An autocommit connection (transactions are explicit), or a ConnectionError_ that helps
    (never carrying the password, even inside a library's message)."""
    try:
        return _connect(url)
    except (ConnectionError_, RegisterNotFoundError) as exc:
        raise type(exc)(scrub(str(exc), url.conninfo)) from None


def _connect(url: RegisterURL) -> psycopg.Connection:
    where = f"{url.host}:{url.port}"
    try:
        conn = psycopg.connect(url.conninfo, autocommit=True, application_name="asset-register",
                               connect_timeout=10)
    except psycopg.ProgrammingError as exc:
        raise ConnectionError_(f"{url.display!r} is not a valid PostgreSQL URL ({_first(exc)}): "
                               f"write it as {URL_HELP}") from None
    except psycopg.OperationalError as exc:
        text = str(exc)
        low = text.lower()
        if "invalid" in low and ("value" in low or "parameter" in low or "option" in low):
            raise ConnectionError_(f"{url.display!r} is not a valid PostgreSQL URL "
                                   f"({_first(exc)}): write it as {URL_HELP}") from None
        if "password authentication failed" in low or "no password supplied" in low \
                or "authentication failed" in low:
            raise ConnectionError_(
                f"the server at {where} refused the credentials of user {url.user!r}: check the "
                "user name and password in the URL (or PGPASSWORD / ~/.pgpass), or ask the "
                "database administrator for a planner or editor login") from None
        if "does not exist" in low and "database" in low:
            raise RegisterNotFoundError(
                f"database {url.database!r} does not exist on {where}: check the URL, or ask the "
                f"administrator to create it (CREATE DATABASE {url.database}; then "
                "CREATE EXTENSION postgis)") from None
        if "role" in low and "does not exist" in low:
            raise ConnectionError_(
                f"user {url.user!r} does not exist on {where}: check the user name in the URL, or "
                "ask the administrator to create it with 'asset-register roles'") from None
        if "no pg_hba.conf entry" in low:
            raise ConnectionError_(
                f"the server at {where} does not accept connections from this computer for "
                f"user {url.user!r}: ask the administrator to allow it in pg_hba.conf") from None
        raise ConnectionError_(
            f"cannot reach the PostgreSQL server at {where} ({_first(exc)}): check that the "
            "server is running, that host and port in the URL are right, and that the network "
            "allows the connection") from None
    # No statement waits forever on another session's lock: 'the register is busy' instead
    # (write_batch allows its own batches the same bound).
    conn.execute(f"SET lock_timeout = '{LOCK_TIMEOUT_S}s'")
    # (The live check's query is planned once for any box by a setting of its own function,
    # ar_check_candidates: postgis/checkpath.py. Every statement the session sends is planned
    # as PostgreSQL chooses.)
    return conn


def _first(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def postgis_schema_of(conn: psycopg.Connection, url: RegisterURL) -> str:
    """The schema holding the PostGIS extension, or a NotARegisterError saying how to add it."""
    row = conn.execute(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'postgis'"
    ).fetchone()
    if row is None:
        raise NotARegisterError(
            f"database {url.database!r} on {url.host}:{url.port} has no PostGIS extension: ask an "
            f"administrator to run 'CREATE EXTENSION postgis;' in {url.database!r} (the server "
            "needs the postgis package, e.g. Debian postgresql-15-postgis-3)")
    return row[0]


def ensure_postgis(conn: psycopg.Connection, url: RegisterURL) -> str:
    """Create the PostGIS extension when it is missing and we may; else explain."""
    try:
        return postgis_schema_of(conn, url)
    except NotARegisterError:
        pass
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except (pg_errors.InsufficientPrivilege, pg_errors.UndefinedFile,
            pg_errors.FeatureNotSupported, psycopg.errors.ObjectNotInPrerequisiteState):
        pass
    return postgis_schema_of(conn, url)
