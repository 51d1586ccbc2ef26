"""Working days: weekends skipped, and England & Wales bank holidays for British authorities.

``calendar`` is ``"england-wales"`` (weekends and bank holidays) or ``"weekends"`` (weekends
only: a register outside Great Britain, whose public holidays the product does not know).

A notice is valid for a number of working days (default 20, as KLIC and the
street-works codes count). Bank holidays are computed, not looked up, so the
product works offline in any year: the fixed rules (Banking and Financial
Dealings Act 1971 and the royal proclamations that moved the May holidays) plus
substitute days when a holiday falls at a weekend, and the known one-off days.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

# One-off bank holidays proclaimed for a single year (England & Wales).
ONE_OFF = {
    date(1999, 12, 31): "Millennium celebrations",
    date(2002, 6, 3): "Golden Jubilee",
    date(2011, 4, 29): "Royal wedding",
    date(2012, 6, 5): "Diamond Jubilee",
    date(2022, 6, 3): "Platinum Jubilee",
    date(2022, 9, 19): "State funeral of Queen Elizabeth II",
    date(2023, 5, 8): "Coronation of King Charles III",
}
# Years in which a regular holiday was moved by proclamation.
_EARLY_MAY_MOVED = {1995: date(1995, 5, 8), 2020: date(2020, 5, 8)}
_SPRING_MOVED = {2002: date(2002, 6, 4), 2012: date(2012, 6, 4), 2022: date(2022, 6, 2)}


def easter_sunday(year: int) -> date:
    """Western (Gregorian) Easter Sunday — the anonymous Gregorian algorithm."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    d = nxt - timedelta(days=1)
    return d - timedelta(days=d.weekday())


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> dict[date, str]:
    """Every England & Wales bank holiday in ``year`` (date → name), substitutes included."""
    days: dict[date, str] = {}
    new_year = date(year, 1, 1)
    if new_year.weekday() >= 5:
        new_year += timedelta(days=7 - new_year.weekday())
        days[new_year] = "New Year's Day (substitute day)"
    else:
        days[new_year] = "New Year's Day"
    easter = easter_sunday(year)
    days[easter - timedelta(days=2)] = "Good Friday"
    days[easter + timedelta(days=1)] = "Easter Monday"
    if year >= 1978:
        days[_EARLY_MAY_MOVED.get(year, _first_monday(year, 5))] = "Early May bank holiday"
    days[_SPRING_MOVED.get(year, _last_monday(year, 5))] = "Spring bank holiday"
    days[_last_monday(year, 8)] = "Summer bank holiday"
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    wd = christmas.weekday()
    if wd == 5:  # Saturday: substitutes on Monday 27 and Tuesday 28
        days[date(year, 12, 27)] = "Christmas Day (substitute day)"
        days[date(year, 12, 28)] = "Boxing Day (substitute day)"
    elif wd == 6:  # Sunday: Boxing Day on Monday 26, Christmas substitute Tuesday 27
        days[boxing] = "Boxing Day"
        days[date(year, 12, 27)] = "Christmas Day (substitute day)"
    elif wd == 4:  # Friday: Boxing Day (Saturday) moves to Monday 28
        days[christmas] = "Christmas Day"
        days[date(year, 12, 28)] = "Boxing Day (substitute day)"
    else:
        days[christmas] = "Christmas Day"
        days[boxing] = "Boxing Day"
    for day, name in ONE_OFF.items():
        if day.year == year:
            days[day] = name
    return dict(sorted(days.items()))


CALENDARS = ("england-wales", "weekends")


def is_working_day(day: date, calendar: str = "england-wales") -> bool:
    return day.weekday() < 5 and (calendar != "england-wales" or day not in bank_holidays(day.year))


def add_working_days(start: date, days: int, calendar: str = "england-wales") -> date:
    """The date ``days`` working days after ``start`` (start itself not counted).

    A notice issued on a Friday with 1 working day of validity is valid until the
    following Monday (or Tuesday after a bank holiday Monday).
    """
    if days < 0:
        raise ValueError(f"working days {days!r} must not be negative")
    current, left = start, days
    while left:
        current += timedelta(days=1)
        if is_working_day(current, calendar):
            left -= 1
    return current


def working_days_between(start: date, end: date, calendar: str = "england-wales") -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        count += is_working_day(current, calendar)
    return count
