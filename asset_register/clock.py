"""The product's clock: every "now" and "today" that ends up in a register comes from here.

Notice references (their year), validity dates, response overviews ("expired") and
offline extracts' expiry all use the UTC date, so two PCs in different time zones agree
on them, and a test can pin the date in one place (``monkeypatch.setattr(clock, "now", ...)``).

``ASSET_REGISTER_NOW`` (an ISO date-time with its offset, e.g. ``2026-11-23T09:30:00+00:00``)
pins the clock for a whole process: the documentation's examples run on a fixed date, so their
notice dates stay valid whatever day they are run.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

PIN = "ASSET_REGISTER_NOW"


def now() -> datetime:
    """The current time, in UTC (or the pinned ``ASSET_REGISTER_NOW``)."""
    pinned = os.environ.get(PIN)
    if pinned:
        try:
            return datetime.fromisoformat(pinned).astimezone(UTC)
        except ValueError:
            raise ValueError(f"{PIN}={pinned!r} is not an ISO date-time such as "
                             "2026-11-23T09:30:00+00:00: correct or unset it") from None
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC (what notices and extracts are dated by)."""
    return now().date()
