"""A notice's dates: the owners' response deadline before the works start, and the notice period.

The rules file sets how many working days' notice the works need (``[notices]
notice_period_working_days``) and how long owners have to respond
(``response_working_days``, always shorter). A start date in the past or with too little notice
is refused with the earliest start the rules allow, unless the promoter accepts short notice
explicitly (emergency or immediate works); the pack then prints that acceptance, and the
response deadline is brought forward to the last working day before the start (never before
the day of issue), so it still falls before the works start whenever that is possible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..errors import NoticeError
from .datefmt import weekday_date
from .workdays import add_working_days, is_working_day, working_days_between


@dataclass(frozen=True)
class NoticeDates:
    """When the notice is issued, when owners must answer and until when it is valid."""

    issued: date
    respond_by: date
    valid_until: date
    short_notice: str | None = None  # the accepted short notice, as printed in the pack


def _working_day_before(day: date, calendar: str) -> date:
    day -= timedelta(days=1)
    while not is_working_day(day, calendar):
        day -= timedelta(days=1)
    return day


def notice_dates(issued: date, start: date | None, *, notice_days: int, response_days: int,
                 validity_days: int, accept_short: bool = False,
                 calendar: str = "england-wales") -> NoticeDates:
    """The dates of a notice issued on ``issued`` for works starting on ``start``.

    ``calendar``: which days are working days (workdays.CALENDARS).
    Raises NoticeError when the start is in the past or gives fewer than ``notice_days``
    working days' notice and ``accept_short`` is False.
    """
    respond_by = add_working_days(issued, response_days, calendar)
    valid_until = add_working_days(issued, validity_days, calendar)
    if start is None:
        return NoticeDates(issued, respond_by, valid_until)
    earliest = add_working_days(issued, notice_days, calendar)
    if start >= earliest:
        return NoticeDates(issued, respond_by, valid_until)
    given = working_days_between(issued, start, calendar)
    if start < issued:
        problem = (f"the proposed start date {start.isoformat()} is in the past (the notice is "
                   f"issued on {issued.isoformat()})")
        accepted = f"the works started on {weekday_date(start)}, before this notice was issued"
    else:
        problem = (f"the works start on {start.isoformat()}, {given} working day"
                   f"{'s' * (given != 1)} after the notice is issued; the rules ask for "
                   f"{notice_days}")
        accepted = (f"the works start on {weekday_date(start)}, {given} working day"
                    f"{'s' * (given != 1)} after issue; the rules ask for {notice_days}")
    if not accept_short:
        raise NoticeError(f"{problem}: start on or after {earliest.isoformat()}, or accept short "
                          "notice explicitly (--accept-short-notice) for emergency or immediate "
                          "works")
    if respond_by >= start:
        respond_by = max(issued, _working_day_before(start, calendar)) if start > issued else issued
    return NoticeDates(issued, respond_by, valid_until,
                       f"Short notice accepted by the promoter: {accepted}. Owners are asked to "
                       f"respond by {weekday_date(respond_by)}.")
