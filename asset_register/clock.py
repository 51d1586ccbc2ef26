"""The product's clock: every "now" and "today" that ends up in a register comes from here.

Notice references (their year), validity dates, response overviews ("expired") and
offline extracts' expiry all use the UTC date, so two PCs in different time zones agree
on them, and a test can pin the date in one place (``monkeypatch.setattr(clock, "now", ...)``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC (what notices and extracts are dated by)."""
    return now().date()
