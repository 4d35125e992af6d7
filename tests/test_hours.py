"""Opening hours are read in Riga time, with Latvia's public holidays."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from locator.domain.hours import RIGA, HoursStatus, is_public_holiday, is_valid, open_at, status

DEMO_PLACES = Path(__file__).resolve().parent.parent / "data" / "demo" / "places.geojson"
WEEKDAYS = "Mo-Fr 09:00-17:00"
WEEKDAYS_PH_OFF = "Mo-Fr 09:00-17:00; PH off"


def riga(*args: int) -> datetime:
    return datetime(*args, tzinfo=RIGA)


def same_instant(a: datetime | None, b: datetime) -> bool:
    """Equal as instants *and* both in Riga time (== alone ignores the zone)."""
    return (
        a is not None
        and a.timestamp() == b.timestamp()
        and a.utcoffset() == b.utcoffset()
        and a.tzinfo is not None
        and getattr(a.tzinfo, "key", None) == "Europe/Riga"
    )


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two instants."""
    return timedelta(seconds=end.timestamp() - start.timestamp())


# -- always open --------------------------------------------------------------


@pytest.mark.parametrize("expression", ["24/7", "Mo-Su 00:00-24:00"])
@pytest.mark.parametrize("at", [riga(2026, 7, 7, 3, 0), riga(2026, 11, 18, 12, 0), riga(2026, 12, 31, 23, 59)])
def test_24_7_is_always_open_and_never_changes(expression, at):
    assert status(expression, at) == HoursStatus(True, True, None, None, expression)


# -- weekdays -----------------------------------------------------------------


def test_weekday_hours_are_open_on_tuesday_morning_until_five():
    s = status(WEEKDAYS, datetime(2026, 7, 7, 10, 0))  # Tuesday, naive = Riga
    assert s.known and s.open is True
    assert same_instant(s.until, riga(2026, 7, 7, 17, 0))
    assert s.next_open is None
    assert s.text == WEEKDAYS


def test_weekday_hours_are_closed_on_saturday_and_next_open_on_monday_at_nine():
    s = status(WEEKDAYS, datetime(2026, 7, 11, 10, 0))  # Saturday
    assert s.known and s.open is False
    assert same_instant(s.next_open, riga(2026, 7, 13, 9, 0))
    assert s.until == s.next_open


def test_closed_after_hours_with_next_open_the_next_morning():
    s = status(WEEKDAYS, datetime(2026, 7, 7, 18, 0))
    assert s.open is False
    assert same_instant(s.next_open, riga(2026, 7, 8, 9, 0))


def test_next_open_is_none_beyond_eight_days():
    s = status("Mo-Fr 09:00-17:00; Jul off", datetime(2026, 7, 7, 10, 0))
    assert s.open is False
    assert s.next_open is None
    assert same_instant(s.until, riga(2026, 8, 3, 9, 0))  # `until` looks further


def test_permanently_closed_is_known_closed_with_nothing_ahead():
    assert status("off", riga(2026, 7, 7, 10)) == HoursStatus(True, False, None, None, "off")


# -- public holidays ------------------------------------------------------------


def test_ph_off_is_closed_on_proclamation_day_wednesday_18_november():
    at = datetime(2026, 11, 18, 10, 0)
    assert at.strftime("%a") == "Wed" and is_public_holiday(at.date())
    s = status(WEEKDAYS_PH_OFF, at)
    assert s.open is False
    assert same_instant(s.next_open, riga(2026, 11, 19, 9, 0))


def test_ph_off_is_closed_on_janu_diena_24_june():
    s = status(WEEKDAYS_PH_OFF, datetime(2026, 6, 24, 10, 0))
    assert s.open is False
    # 23 and 24 June are holidays; 22 June 2026 is a moved day off too.
    assert same_instant(s.next_open, riga(2026, 6, 25, 9, 0))


def test_ph_off_is_open_on_a_normal_wednesday():
    s = status(WEEKDAYS_PH_OFF, datetime(2026, 11, 25, 10, 0))
    assert s.open is True
    assert same_instant(s.until, riga(2026, 11, 25, 17, 0))


def test_weekday_hours_without_ph_rule_ignore_holidays():
    assert open_at(WEEKDAYS, datetime(2026, 11, 18, 10, 0)) is True


def test_holiday_hours_give_until_sixteen_on_a_holiday():
    s = status("Mo-Sa 10:00-20:00; PH 10:00-16:00", datetime(2026, 11, 18, 12, 0))
    assert s.open is True
    assert same_instant(s.until, riga(2026, 11, 18, 16, 0))


def test_holiday_hours_give_until_twenty_on_a_normal_day():
    s = status("Mo-Sa 10:00-20:00; PH 10:00-16:00", datetime(2026, 11, 25, 12, 0))
    assert same_instant(s.until, riga(2026, 11, 25, 20, 0))


def test_holiday_list_is_the_holidays_package_not_the_evaluators_own():
    # opening-hours-py's built-in LV calendar misses these; `holidays` has them.
    # 4 May 2024 fell on a Saturday: still a holiday (and Monday 6 May too).
    s = status("Mo-Sa 10:00-20:00; PH off", datetime(2024, 5, 4, 12, 0))
    assert s.open is False
    assert same_instant(s.next_open, riga(2024, 5, 7, 10, 0))
    # Friday 2 January 2026: a day off moved by government order.
    assert open_at(WEEKDAYS_PH_OFF, datetime(2026, 1, 2, 10, 0)) is False
    # 18 November 2028 is a Saturday: closed that day and on Monday 20th.
    assert open_at("Mo-Sa 10:00-20:00; PH off", datetime(2028, 11, 18, 12, 0)) is False
    assert open_at("Mo-Sa 10:00-20:00; PH off", datetime(2028, 11, 20, 12, 0)) is False
    assert open_at("Mo-Sa 10:00-20:00; PH off", datetime(2028, 11, 21, 12, 0)) is True


def test_until_runs_across_consecutive_holidays_from_both_calendars():
    # 1 Jan (both calendars) then 2 Jan 2026 (only `holidays`): closed until the 3rd.
    s = status("24/7; PH off", datetime(2026, 1, 1, 12, 0))
    assert s.open is False
    assert same_instant(s.until, riga(2026, 1, 3, 0, 0))
    assert s.next_open == s.until


def test_holiday_in_a_weekday_list_and_in_a_comment():
    expression = 'Mo-Fr 09:00-17:00; Sa,PH 10:00-14:00 "PH: short day"'
    assert open_at(expression, datetime(2024, 5, 4, 15, 0)) is False  # Saturday holiday
    assert open_at(expression, datetime(2026, 1, 2, 12, 0)) is True  # moved day off
    assert open_at(expression, datetime(2026, 1, 2, 15, 0)) is False
    assert open_at(expression, datetime(2026, 1, 5, 15, 0)) is True  # Monday


def test_latvian_holidays_of_2026_are_known():
    for day in [
        (1, 1),
        (4, 3),
        (4, 5),
        (4, 6),
        (5, 1),
        (5, 4),
        (5, 10),
        (5, 24),
        (6, 23),
        (6, 24),
        (11, 18),
        (12, 24),
        (12, 25),
        (12, 26),
        (12, 31),
    ]:
        assert is_public_holiday(date(2026, *day)), day
    assert not is_public_holiday(date(2026, 11, 25))


# -- time zones ---------------------------------------------------------------------


def test_aware_utc_time_is_converted_to_riga_summer_time():
    at = datetime(2026, 7, 7, 7, 30, tzinfo=UTC)  # 10:30 in Riga (UTC+3)
    s = status("Mo-Fr 10:00-17:00", at)
    assert s.open is True
    assert same_instant(s.until, riga(2026, 7, 7, 17, 0))
    assert s.until.utcoffset() == timedelta(hours=3)
    assert open_at("Mo-Fr 10:00-17:00", datetime(2026, 7, 7, 6, 30, tzinfo=UTC)) is False


def test_aware_time_in_another_zone_is_converted_in_winter():
    at = datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))  # 10:30 Riga (UTC+2)
    assert open_at("Mo-Fr 10:00-17:00", at) is True
    assert open_at("Mo-Fr 10:00-17:00", at - timedelta(hours=1)) is False


def test_default_time_is_now():
    assert status("24/7").open is True
    assert status("off").open is False


# -- daylight saving time: Sunday 28 March 2027, 03:00 EET -> 04:00 EEST ---------------


@pytest.mark.parametrize("expression", ["24/7", "Mo-Su 00:00-24:00"])
@pytest.mark.parametrize("hour", [1, 2, 3, 4, 5])
def test_always_open_across_the_spring_change(expression, hour):
    s = status(expression, datetime(2027, 3, 28, hour, 30))  # 03:30 does not exist
    assert (s.open, s.until, s.next_open) == (True, None, None)


def test_weekday_hours_across_the_spring_change():
    s = status(WEEKDAYS, datetime(2027, 3, 26, 18, 0))  # Friday evening, winter time
    assert s.open is False
    assert same_instant(s.next_open, riga(2027, 3, 29, 9, 0))
    assert s.next_open.utcoffset() == timedelta(hours=3)
    # Friday 18:00 EET to Monday 09:00 EEST is 63 wall-clock hours but 62 real
    # ones (subtracting two Riga datetimes would give wall-clock hours).
    assert elapsed(riga(2027, 3, 26, 18, 0), s.next_open) == timedelta(hours=62)
    monday = status(WEEKDAYS, datetime(2027, 3, 29, 10, 0))
    assert monday.open is True and same_instant(monday.until, riga(2027, 3, 29, 17, 0))


def test_night_hours_that_span_the_spring_change_last_an_hour_less():
    s = status("Mo-Su 02:00-05:00", datetime(2027, 3, 28, 2, 30))
    assert s.open is True
    assert same_instant(s.until, riga(2027, 3, 28, 5, 0))
    assert elapsed(riga(2027, 3, 28, 2, 30), s.until) == timedelta(minutes=90)


def test_hours_starting_in_the_skipped_hour_open_at_four():
    s = status("Mo-Su 03:30-05:00", datetime(2027, 3, 28, 1, 0))
    assert same_instant(s.next_open, riga(2027, 3, 28, 4, 0))


def test_weekday_hours_across_the_autumn_change():
    s = status(WEEKDAYS, datetime(2026, 10, 23, 18, 0))  # Friday, summer time
    assert same_instant(s.next_open, riga(2026, 10, 26, 9, 0))
    assert s.next_open.utcoffset() == timedelta(hours=2)
    assert elapsed(riga(2026, 10, 23, 18, 0), s.next_open) == timedelta(hours=64)


# -- unknown hours ---------------------------------------------------------------------


@pytest.mark.parametrize("expression", ["Mo-Fr 9-17", "whenever", "", "   ", "Mo-Fr 09:00-17:00;"])
def test_an_unparsable_expression_is_unknown_and_does_not_raise(expression):
    assert status(expression, riga(2026, 7, 7, 10)) == HoursStatus(False, None, None, None, expression)
    assert open_at(expression, riga(2026, 7, 7, 10)) is None
    assert not is_valid(expression)


def test_no_expression_is_unknown():
    assert status(None, riga(2026, 7, 7, 10)) == HoursStatus(False, None, None, None, None)
    assert open_at(None, riga(2026, 7, 7, 10)) is None


def test_an_unknown_rule_is_known_but_neither_open_nor_closed():
    s = status("Mo-Fr 09:00-17:00 unknown", datetime(2026, 7, 7, 10, 0))
    assert s.known is True and s.open is None
    assert same_instant(s.until, riga(2026, 7, 7, 17, 0))


@pytest.mark.parametrize(
    "expression",
    [
        "24/7",
        WEEKDAYS,
        WEEKDAYS_PH_OFF,
        "Mo-Sa 10:00-20:00; PH 10:00-16:00",
        "Mo-Fr 08:00-18:00; PH,Su off",
        "PH +1 day off",
        "sunrise-sunset",
        "Mo-Fr 22:00-02:00",
    ],
)
def test_valid_expressions_are_valid(expression):
    assert is_valid(expression)


def test_every_opening_hours_value_in_the_demo_data_parses():
    features = json.loads(DEMO_PLACES.read_text(encoding="utf-8"))["features"]
    values = {f["properties"].get("opening_hours") for f in features} - {None}
    assert values, "the demo data has opening hours"
    invalid = sorted(v for v in values if not is_valid(v))
    assert invalid == []
    for value in values:
        assert status(value, riga(2026, 7, 7, 10)).known
