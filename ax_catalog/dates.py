"""Dates as agencies report them: a year, a month or a day, kept at the precision they were given.

Pure (no Django): `parse(text, formats)` tries strptime formats in order; the precision of a format is
the finest directive in it (%d: day; %m, %b, %B: month; otherwise year). The date stored is the first
day of the period, and `show` prints it back at its precision, so "07/2023" reads "2023-07", never a
made-up "2023-07-01".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

YEAR, MONTH, DAY = "year", "month", "day"
# What a person types into the portal's own forms and CSV template.
ISO_FORMATS = ("%Y-%m-%d", "%Y-%m", "%Y")


@dataclass(frozen=True)
class ReportedDate:
    date: dt.date
    precision: str  # YEAR, MONTH or DAY

    def __str__(self) -> str:
        return show(self.date, self.precision)


def precision_of(fmt: str) -> str:
    if any(d in fmt for d in ("%d", "%j")):
        return DAY
    if any(d in fmt for d in ("%m", "%b", "%B")):
        return MONTH
    return YEAR


def parse(text: str, formats: tuple[str, ...] | list[str] = ISO_FORMATS) -> ReportedDate | None:
    """The date in `text` at its precision, or None when no format reads it (or `text` is blank)."""
    text = " ".join(text.split())
    if not text:
        return None
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(text, fmt)  # noqa: DTZ007 - a calendar date, no time zone
        except ValueError:
            continue
        precision = precision_of(fmt)
        day = parsed.date()
        if precision == YEAR:
            day = day.replace(month=1, day=1)
        elif precision == MONTH:
            day = day.replace(day=1)
        return ReportedDate(day, precision)
    return None


def show(date: dt.date | None, precision: str) -> str:
    if date is None:
        return ""
    if precision == YEAR:
        return f"{date.year:04d}"
    if precision == MONTH:
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


def is_before(a: ReportedDate, b: ReportedDate) -> bool:
    """True only when `a` certainly ends before `b` starts (2023 is not before 2023-05)."""
    return _last_day(a) < b.date


def _last_day(value: ReportedDate) -> dt.date:
    if value.precision == YEAR:
        return value.date.replace(month=12, day=31)
    if value.precision == MONTH:
        following = (value.date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)
    return value.date
