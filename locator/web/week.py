"""A place's opening hours as a week a person reads: Monday to Sunday, today marked, holidays named.

The rows are the next seven days (today and the six after it) in Monday-to-Sunday order, each
with the hours of that very date, so a public holiday among them shows its own hours and name;
the holidays of the week after are listed below the table.  Times are Riga wall time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..domain import hours

HOLIDAYS_AHEAD = 14  # days of public holidays shown


@dataclass(frozen=True)
class Day:
    day: date
    ranges: list[tuple[datetime, datetime, bool | None]] | None  # None: hours unknown
    today: bool
    holiday: str | None  # the public holiday's name in the page's language

    @property
    def all_day(self) -> bool:
        return bool(self.ranges) and len(self.ranges) == 1 and self.ranges[0][1] - self.ranges[0][0] >= timedelta(1)


@dataclass(frozen=True)
class Week:
    days: list[Day]  # Monday first
    later_holidays: list[Day]  # the holidays of days 8 to 14, in date order


def week(expression: str | None, today: date, lang: str) -> Week:
    names = hours.holiday_names(today, HOLIDAYS_AHEAD, lang)

    def day(d: date) -> Day:
        return Day(d, hours.day_ranges(expression, d), d == today, names.get(d))

    coming = [today + timedelta(days=i) for i in range(7)]
    later = [d for d in sorted(names) if d >= today + timedelta(days=7)]
    return Week(sorted((day(d) for d in coming), key=lambda x: x.day.weekday()), [day(d) for d in later])
