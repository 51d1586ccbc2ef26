"""Dates as notices print them (``Mon 21 Dec 2026``), in English whatever the PC's locale.

``strftime``'s ``%a`` and ``%b`` follow ``LC_TIME``, which the desktop app inherits from the
user's language (Qt sets the C locale from the environment): a notice to UK utilities would
read "Mo 21 Dez 2026" on a German desktop. These spell the names out instead.
"""

from __future__ import annotations

from datetime import date, datetime

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_month_year(d: date | datetime) -> str:
    """``21 Dec 2026``."""
    return f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}"


def weekday_date(d: date | datetime) -> str:
    """``Mon 21 Dec 2026``."""
    return f"{DAYS[d.weekday()]} {day_month_year(d)}"
