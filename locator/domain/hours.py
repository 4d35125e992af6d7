"""Is a place open right now?  OpenStreetMap ``opening_hours`` in Riga time.

Every place sits in Latvia, so an expression is always read on the wall clock
of ``Europe/Riga`` (EET, EEST in summer), whatever the server's or the
customer's time zone: "Mo-Fr 09:00-17:00" means 09:00 in Riga, in winter and
in summer.  A naive ``at`` is taken as Riga wall time; an aware one is
converted.  Results are aware datetimes in Riga time.

The expression is evaluated by ``opening_hours`` (opening-hours-py, a Rust
evaluator of the OSM specification), which also handles the DST changes
(last Sunday of March and October).

Public holidays (``PH``)
------------------------
The evaluator has a built-in Latvian calendar (``country="LV"``), but it is a
fixed rule set that disagrees with the ``holidays`` package, which we trust:
it lacks the days off moved by government order ("Day off (substituted from
...)"), one-off holidays (e.g. 29 May 2023), and 4 May / 18 November when they
fall on a weekend (it only has the Monday they move to).  The evaluator cannot
be given a holiday list, so an expression that mentions ``PH`` is parsed up to
three times:

* with ``country="LV"``, used on every day where the two calendars agree
  (almost all days, with the library's full semantics);
* without a country (``PH`` never matches), for a day the library thinks is a
  holiday and ``holidays`` does not (none between 2001 and 2099);
* rewritten so every weekday selector that contains ``PH`` becomes ``Mo-Su``
  (every day is a holiday), for a day ``holidays`` lists and the library does
  not.  The library reads ``PH Mo-Fr`` as a union like ``PH,Mo-Fr``, so
  ``Mo-Su`` is exact for it.  ``PH +1 day`` style offsets cannot be
  rewritten that way; such expressions keep the library's calendar.

Each day is evaluated with the parse that fits it, and state changes are
followed across the day boundaries.  A time range running past midnight out
of a holiday into a normal day (or back) follows the parse of the day it runs
into; that is the only approximation.  "Day off (substituted ...)" days (a
working day moved by government order) count as holidays because the
``holidays`` package lists them as public holidays for Latvia.

``sunrise``/``sunset`` are computed for Riga (``SUN_POINT``), not per place.

Speed
-----
:func:`status` runs for every result row of a page and inside filters, so
parsing is cached per expression string (:func:`_compile`, LRU) and the
calendars per year: parsing costs more than evaluating, and building a year's
calendar more than both.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import holidays
from opening_hours import OpeningHours, State

__all__ = ["RIGA", "HoursStatus", "status", "is_valid", "open_at", "open_test", "is_public_holiday"]
__all__ += ["day_ranges", "holiday_names"]

RIGA = ZoneInfo("Europe/Riga")

#: How far ahead ``next_open`` looks.
NEXT_OPEN_WITHIN = timedelta(days=8)
#: How far ahead ``until`` looks; a state that lasts longer "never" ends.
UNTIL_WITHIN = timedelta(days=366)
#: Where "sunrise"/"sunset"/"dawn"/"dusk" are computed: Riga.
SUN_POINT = (56.9496, 24.1052)
_MAX_STEPS = 400  # guards the stepping loops against pathological expressions

# A weekday or holiday item of a weekday selector, e.g. "Mo", "Mo-Fr",
# "Su[-1]", "Mo[1] -2 days", "PH", "SH", "PH +1 day".
_WDAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_OFFSET = r"(?:\s*[+-]?\s*\d+\s*days?)"
_ITEM = (
    rf"(?:(?<![A-Za-z]){_WDAY}(?:\s*-\s*{_WDAY})?(?![A-Za-z])(?:\[[^\]]*\]{_OFFSET}?)?"
    rf"|(?<![A-Za-z])(?:PH|SH)(?![A-Za-z]){_OFFSET}?)"
)
# A whole selector: items joined by "," or (for "PH Mo-Fr") a space.
_SELECTOR = re.compile(rf"{_ITEM}(?:(?:\s*,\s*|\s+){_ITEM})*", re.IGNORECASE)
_PH = re.compile(r"(?<![A-Za-z])PH(?![A-Za-z])(" + _OFFSET + r")?")
_COMMENT = re.compile(r'("[^"]*")')


@dataclass(frozen=True)
class HoursStatus:
    """Where a place stands at one moment.

    ``until`` is the moment the current state (open, closed or unknown) ends,
    i.e. the next change, in Riga time; None when it does not change within
    a year (24/7, permanently closed) or the hours are not known.
    ``next_open`` is set only when the place is not open: when it next opens,
    if that is within 8 days.
    """

    known: bool  # False when there is no or an unparsable expression
    open: bool | None  # open at `at`; None if unknown (no hours, or the rule says "unknown")
    until: datetime | None  # when the current state ends (next change), Riga time
    next_open: datetime | None  # if not open: when it next opens (within 8 days)
    text: str | None  # the expression as given


_UNKNOWN_STATE = State.UNKNOWN


# --------------------------------------------------------------------------
# Calendars


@cache
def _package_holidays(year: int) -> frozenset[date]:
    """Latvian public holidays of one year according to the ``holidays`` package."""
    return frozenset(holidays.country_holidays("LV", years=year))


@cache
def _library_holidays(year: int) -> frozenset[date]:
    """The days opening-hours-py's own "LV" calendar treats as ``PH``."""
    probe = _parse("PH", "LV")
    start = _midnight(date(year, 1, 1))
    end = _midnight(date(year + 1, 1, 1))
    days: set[date] = set()
    for begin, finish, state, _comment in probe.intervals(start, end):
        if state != State.OPEN:
            continue
        day = begin.date()
        while _midnight(day) < finish and day.year == year:
            days.add(day)
            day += timedelta(days=1)
    return frozenset(days)


@cache
def _overrides(year: int) -> tuple[dict[date, bool], tuple[date, ...]]:
    """Days where the two calendars disagree: date -> is it a holiday (package)."""
    package, library = _package_holidays(year), _library_holidays(year)
    table = {day: day in package for day in package ^ library}
    return table, tuple(sorted(table))


def is_public_holiday(day: date) -> bool:
    """Is ``day`` a Latvian public holiday (``holidays`` package, category public)."""
    return day in _package_holidays(day.year)


def _override(day: date) -> bool | None:
    return _overrides(day.year)[0].get(day)


def _next_override_after(day: date, limit: date) -> date | None:
    for year in range(day.year, limit.year + 1):
        days = _overrides(year)[1]
        i = bisect.bisect_right(days, day)
        if i < len(days):
            return days[i] if days[i] <= limit else None
    return None


# --------------------------------------------------------------------------
# Parsing


@dataclass(frozen=True)
class _Compiled:
    lv: OpeningHours  # library calendar
    plain: OpeningHours | None  # PH never matches; None if the expression has no PH
    holiday: OpeningHours | None  # every day is PH; None if no PH or not rewritable

    @property
    def has_ph(self) -> bool:
        return self.plain is not None


def _parse(expression: str, country: str | None = None) -> OpeningHours:
    # coords: sunrise/sunset are computed for Riga (within ~15 minutes for all
    # of Latvia); without coords the library uses a fixed 07:00/19:00.
    # auto_country=False: with coords it would otherwise infer "LV" for the
    # parse that must know no holidays.  auto_timezone must stay True: False
    # silently drops the coords (sun times fall back to 07:00/19:00).
    # max_interval_days: without it a change years away (or none, e.g.
    # "2020 Mo-Fr 09:00-17:00") is searched up to year 9999, which is slow.
    return OpeningHours(
        expression,
        timezone=RIGA,
        country=country,
        coords=SUN_POINT,
        auto_country=False,
        max_interval_days=UNTIL_WITHIN.days,
    )


def _every_day_a_holiday(expression: str) -> str | None:
    """Rewrite ``expression`` as if every day were a public holiday.

    Each weekday selector that contains ``PH`` (``PH``, ``Sa,PH``, ``PH Mo-Fr``)
    becomes ``Mo-Su``; comments in double quotes are left alone.  None when a
    ``PH`` carries a day offset (``PH +1 day``), which this cannot express.
    """
    parts = _COMMENT.split(expression)
    for i in range(0, len(parts), 2):  # even indexes are outside quotes
        if any(m.group(1) for m in _PH.finditer(parts[i])):
            return None
        parts[i] = _SELECTOR.sub(lambda m: "Mo-Su" if _PH.search(m.group(0)) else m.group(0), parts[i])
    return "".join(parts)


def _mentions_ph(expression: str) -> bool:
    parts = _COMMENT.split(expression)
    return any(_PH.search(parts[i]) for i in range(0, len(parts), 2))


@lru_cache(maxsize=4096)
def _compile(expression: str) -> _Compiled | None:
    """Parse once per distinct expression; None if it does not parse."""
    text = expression.strip()
    if not text:  # the library reads "   " as 24/7
        return None
    try:
        lv = _parse(text, "LV")
    except Exception:  # ParserError, SyntaxError, ...: not an opening_hours value
        return None
    if not _mentions_ph(text):
        return _Compiled(lv, None, None)
    plain = _parse(text)
    rewritten = _every_day_a_holiday(text)
    holiday = None
    if rewritten is not None:
        try:
            holiday = _parse(rewritten)
        except Exception:
            holiday = None  # keep the library's calendar on those days
    return _Compiled(lv, plain, holiday)


# --------------------------------------------------------------------------
# Evaluation


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=RIGA)  # midnight always exists in Riga


def _to_riga(at: datetime | None) -> datetime:
    if at is None:
        return datetime.now(RIGA)
    if at.tzinfo is None:
        # Riga wall time; a time skipped by the spring change (03:00-03:59 on
        # the last Sunday of March) is read with the winter offset and so
        # lands an hour later, as PEP 495 does.
        at = at.replace(tzinfo=RIGA)
    # The library needs a ZoneInfo (it reads `.key`), not datetime.timezone.
    return datetime.fromtimestamp(at.timestamp(), RIGA)


def _evaluator(c: _Compiled, day: date) -> OpeningHours:
    if not c.has_ph:
        return c.lv
    holiday = _override(day)
    if holiday is None:
        return c.lv
    if holiday:
        return c.holiday or c.lv
    return c.plain  # type: ignore[return-value]


def _segment_end(c: _Compiled, day: date, limit: date) -> datetime | None:
    """Start of the first day after ``day`` that may use another evaluator."""
    if not c.has_ph:
        return None
    if _override(day) is not None:
        return _midnight(day + timedelta(days=1))
    nxt = _next_override_after(day, limit)
    return _midnight(nxt) if nxt else None


def _state(c: _Compiled, t: datetime) -> State:
    return _evaluator(c, t.date()).state(t)[0]


def _next_change(c: _Compiled, t: datetime, state: State, horizon: datetime) -> datetime | None:
    """First moment after ``t`` when the state differs from ``state``, before ``horizon``."""
    limit_ts = horizon.timestamp()
    limit_day = horizon.date()
    cur = t
    for _ in range(_MAX_STEPS):
        day = cur.date()
        ev = _evaluator(c, day)
        if cur is not t and ev.state(cur)[0] != state:
            return cur
        seg_end = _segment_end(c, day, limit_day)
        nc = ev.next_change(cur)
        if nc is not None and (seg_end is None or nc.timestamp() < seg_end.timestamp()):
            if nc.timestamp() > limit_ts:
                return None
            if ev.state(nc)[0] != state:
                return nc
            cur = nc  # only the comment changed
            continue
        if seg_end is None or seg_end.timestamp() > limit_ts:
            return None
        cur = seg_end
    return None


def status(expression: str | None, at: datetime | None = None) -> HoursStatus:
    """Open or closed at ``at`` (default: now) in Europe/Riga local time, with Latvian public holidays.

    Never raises for a bad expression: no or an unparsable expression gives
    ``known=False, open=None``.  A rule with the ``unknown`` modifier gives
    ``known=True, open=None``.  ``until`` is the next change of state (see
    :class:`HoursStatus`); ``next_open`` is set only when not open.
    """
    if expression is None:
        return HoursStatus(False, None, None, None, None)
    c = _compile(expression)
    if c is None:
        return HoursStatus(False, None, None, None, expression)
    t = _to_riga(at)
    state = _state(c, t)
    until = _next_change(c, t, state, t + UNTIL_WITHIN)
    next_open = None
    if state != State.OPEN:
        horizon = t + NEXT_OPEN_WITHIN
        change = until
        for _ in range(_MAX_STEPS):
            if change is None or change.timestamp() > horizon.timestamp():
                break
            new_state = _state(c, change)
            if new_state == State.OPEN:
                next_open = change
                break
            change = _next_change(c, change, new_state, horizon)
    is_open = None if state == _UNKNOWN_STATE else state == State.OPEN
    return HoursStatus(True, is_open, until, next_open, expression)


def is_valid(expression: str) -> bool:
    """Does ``expression`` parse as an OSM opening_hours value (blank does not)?"""
    return isinstance(expression, str) and _compile(expression) is not None


def open_at(expression: str | None, at: datetime) -> bool | None:
    """Open at ``at``?  None when unknown.  Cheaper than :func:`status` (no ``until``)."""
    if expression is None:
        return None
    c = _compile(expression)
    if c is None:
        return None
    state = _state(c, _to_riga(at))
    return None if state == _UNKNOWN_STATE else state == State.OPEN


def open_test(at: datetime | None):
    """None for no moment, else ``expression -> bool``: open at ``at``, each distinct text evaluated once.

    The nearest search's filter: unknown hours count as not open.
    """
    if at is None:
        return None
    known: dict[str | None, bool] = {}

    def is_open(expression: str | None) -> bool:
        if expression not in known:
            known[expression] = open_at(expression, at) is True
        return known[expression]

    return is_open


def day_ranges(expression: str | None, day: date) -> list[tuple[datetime, datetime, bool | None]] | None:
    """The open (True) and unknown (None) stretches of ``day`` in Riga time, as (start, end, state).

    A stretch past midnight ends at the next midnight (the next day has its own).  The day's
    public holiday, if any, is applied as :func:`status` applies it.  None when the hours are
    not known (no or an unparsable expression); [] for a day closed throughout.
    """
    c = _compile(expression) if expression is not None else None
    if c is None:
        return None
    start, end = _midnight(day), _midnight(day + timedelta(days=1))
    ranges = []
    for begin, finish, state, _comment in _evaluator(c, day).intervals(start, end):
        if state in (State.OPEN, _UNKNOWN_STATE):
            ranges.append((max(begin, start), min(finish or end, end), True if state == State.OPEN else None))
    return ranges


def holiday_names(start: date, days: int, lang: str = "lv") -> dict[date, str]:
    """The Latvian public holidays in the ``days`` days from ``start``, named in ``lang`` ("lv" or "en")."""
    end = start + timedelta(days=days - 1)
    names = holidays.country_holidays(
        "LV", years=range(start.year, end.year + 1), language="lv" if lang == "lv" else "en_US"
    )
    return {d: name for d, name in sorted(names.items()) if start <= d <= end}
