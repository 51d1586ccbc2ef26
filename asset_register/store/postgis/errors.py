"""Turning server errors into the product's errors, each saying what to do."""

from __future__ import annotations

from contextlib import contextmanager

import psycopg
from psycopg import errors as pg

from ...errors import (
    AssetRegisterError,
    ConnectionError_,
    DuplicateRecordError,
    PermissionDeniedError,
    RegisterLockedError,
    RegisterReadOnlyError,
    ValidationError,
)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def translated(store):
    """Map psycopg errors raised inside the block to AssetRegisterError subclasses."""
    try:
        yield
    except AssetRegisterError:
        raise
    except pg.InsufficientPrivilege as exc:
        user = getattr(store, "url", None)
        who = user.user if user else "this user"
        if "row-level security" in str(exc):
            raise PermissionDeniedError(
                f"user {who!r} may not do this ({_first_line(exc)}): editors import only for "
                "the owners granted to them and settings are the administrators'; ask the "
                "register's administrator ('asset-register roles', docs/security.md)") from None
        if "permission denied" not in str(exc):  # a guard's own reason (security.py)
            raise PermissionDeniedError(f"user {who!r} may not do this: {_first_line(exc)}") \
                from None
        raise PermissionDeniedError(
            f"user {who!r} is not allowed to do this in the register ({_first_line(exc)}): "
            "a planner login may check digs and record notices only; connect as an editor or "
            "ask the register's administrator to grant the role ('asset-register roles')"
        ) from None
    except pg.ReadOnlySqlTransaction:
        raise RegisterReadOnlyError(
            f"register {store.url.display!r} is open read-only (or the server is a read-only "
            "replica): reopen it writable on the primary server to change it") from None
    except (pg.LockNotAvailable, pg.DeadlockDetected, pg.SerializationFailure) as exc:
        raise RegisterLockedError(
            f"the register is busy ({_first_line(exc)}): another session is writing the same "
            "data; try again when it has finished") from None
    except pg.CheckViolation as exc:  # a record the server's guards refuse (security.py)
        raise ValidationError(f"the register refused this record: {_first_line(exc)}") from None
    except pg.UniqueViolation as exc:  # SQLSTATE 23505
        raise DuplicateRecordError(
            f"the register already holds this record ({_first_line(exc)}): another session "
            "may have written it at the same time; reload and try again") from None
    except (pg.AdminShutdown, pg.QueryCanceled) as exc:
        raise ConnectionError_(
            f"the server ended the operation ({_first_line(exc)}): nothing was changed; "
            "try again, or ask the administrator whether the server is being restarted") from None
    except psycopg.OperationalError as exc:
        raise ConnectionError_(
            f"lost the connection to the register's server ({_first_line(exc)}): the last "
            "change was not saved; check the server and the network, then try again (the "
            "register reconnects by itself)") from None
    except psycopg.InterfaceError as exc:
        raise ConnectionError_(
            f"the connection to the register is closed ({_first_line(exc)}): reopen the "
            "register") from None
