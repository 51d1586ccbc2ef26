"""When a register is an offline extract past (or near) its expiry date.

The extract records ``extract_expires`` (see extract.py); the dig check warns on every
check of an expired one, and of a signed extract that was changed since it was signed.
Below both: it reads only the store's settings and seal.
"""

from __future__ import annotations

from datetime import date

from . import clock
from . import settings as reg


def expiry_warning(store, today: date | None = None) -> str | None:
    """A warning when ``store`` is an offline extract past (or near) its expiry date, or a
    signed extract whose content no longer matches its signature."""
    verdict = store.seal_verdict()
    if verdict is not None and not verdict.ok:
        return verdict.line("this extract")
    expires = reg.raw(store, "extract_expires")
    if not expires:
        return None
    today = today or clock.today()
    try:
        end = date.fromisoformat(expires)
    except ValueError:
        return f"this offline extract has an unreadable expiry date {expires!r}: make a new one"
    source = reg.raw(store, "extract_source") or "the shared register"
    if today > end:
        return (f"this offline extract expired on {end.isoformat()}: owners' records may have "
                f"changed since; make a new extract from {source} before relying on a check")
    if (end - today).days <= 3:
        return f"this offline extract expires on {end.isoformat()}: sync it and make a new one soon"
    return None
