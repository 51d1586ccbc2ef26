"""Register names without secrets: what may be shown, saved or logged of a register URL.

A PostGIS register is named by a URL that may carry a password, raw or percent-encoded
(``postgresql://planner:p%40ss@host/db``) or typed with a raw ``/`` or ``@`` in it
(``postgresql://planner:a/b@c@host/db``). ``display_name`` masks it for titles, layer
names and messages; ``without_password`` keeps the URL usable (libpq then takes the
password from ``PGPASSWORD`` or ``~/.pgpass``) for recent-file lists and cache keys;
``scrub`` removes a URL's password from any text (a library's error message).
GeoPackage paths pass through unchanged. No psycopg here: the desktop app uses it for
file registers too.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, unquote

SCHEMES = ("postgresql://", "postgres://")
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&]*", re.IGNORECASE)


def is_url(location) -> bool:
    """True for a postgresql:// (or postgres://) URL, which names a PostGIS register; anything
    else is a GeoPackage path (see docs/postgis.md)."""
    return isinstance(location, str) and location.lower().startswith(SCHEMES)


def split_credentials(url: str) -> tuple[str, str, str | None, str]:
    """``(scheme://, user, password or None, @host…)``; the userinfo ends at the *last* '@',
    so a raw '@' or '/' in a password stays in the password."""
    scheme, _, rest = url.partition("://")
    at = rest.rfind("@")
    if at < 0:
        return scheme + "://", "", None, rest
    userinfo, hostpart = rest[:at], rest[at:]
    user, colon, password = userinfo.partition(":")
    return scheme + "://", user, password if colon else None, hostpart


def passwords_in(url: str) -> list[str]:
    """The URL's password as typed, decoded and encoded (none may appear anywhere)."""
    if not is_url(url):
        return []
    _, _, password, hostpart = split_credentials(url)
    found = ([password, unquote(password), quote(password, safe="%"), quote(unquote(password), safe="")]
             if password else [])
    found += [unquote(m.group(0).split("=", 1)[1]) for m in _QUERY_PASSWORD.finditer(hostpart)]
    return [p for p in dict.fromkeys(found) if p]


def display_name(location) -> str:
    """How a register is named to people: a URL with any password shown as ***."""
    if not is_url(location):
        return str(location)
    prefix, user, password, hostpart = split_credentials(location)
    hostpart = _QUERY_PASSWORD.sub(r"\1***", hostpart)
    return f"{prefix}{user}:***{hostpart}" if password is not None else f"{prefix}{user}{hostpart}"


def without_password(location) -> str:
    """The URL with its password removed (still usable with ~/.pgpass or PGPASSWORD)."""
    if not is_url(location):
        return str(location)
    prefix, user, _password, hostpart = split_credentials(location)
    hostpart = re.sub(r"[?&]password=[^&]*", "", hostpart, flags=re.IGNORECASE)
    if "?" not in hostpart and "&" in hostpart:
        hostpart = hostpart.replace("&", "?", 1)
    return prefix + user + hostpart


def encoded(url: str) -> str:
    """The URL with user and password percent-encoded, so a raw '/', '@', '?' or '#' typed in a
    password cannot be read as part of the host, database or query."""
    prefix, user, password, hostpart = split_credentials(url)
    if password is None:
        return url
    return f"{prefix}{quote(user, safe='%')}:{quote(password, safe='%')}{hostpart}"


def scrub(text: str, url: str) -> str:
    """``text`` with the URL's password (typed or decoded) replaced by ***."""
    for secret in sorted(passwords_in(url), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def short_name(location) -> str:
    """A file register's file name, or a URL's display name."""
    return display_name(location) if is_url(location) else Path(location).name
