"""A day's opening hours and the coming holidays, as the place page's week table reads them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from locator.domain import hours
from locator.web.week import week

PROCLAMATION_DAY = date(2026, 11, 18)  # a Wednesday and a public holiday


def hm(ranges) -> list[tuple[str, str, bool | None]]:
    return [(a.strftime("%H:%M"), b.strftime("%H:%M") if b.date() == a.date() else "24:00", s) for a, b, s in ranges]


@pytest.mark.parametrize(
    ("expression", "day", "expected"),
    [
        ("Mo-Fr 09:00-17:00", date(2026, 11, 17), [("09:00", "17:00", True)]),
        ("Mo-Fr 09:00-17:00", date(2026, 11, 21), []),
        ("Mo-Fr 09:00-17:00; PH off", PROCLAMATION_DAY, []),
        ("Mo-Fr 09:00-17:00; PH 10:00-14:00", PROCLAMATION_DAY, [("10:00", "14:00", True)]),
        ("Mo-Fr 09:00-12:00,13:00-17:00", date(2026, 11, 17), [("09:00", "12:00", True), ("13:00", "17:00", True)]),
        ("Mo-Su 22:00-02:00", date(2026, 11, 17), [("00:00", "02:00", True), ("22:00", "24:00", True)]),
        ("24/7", date(2026, 11, 17), [("00:00", "24:00", True)]),
        ("Mo-Fr 09:00-17:00; Sa unknown", date(2026, 11, 21), [("00:00", "24:00", None)]),
    ],
)
def test_a_days_stretches_follow_the_expression_and_the_holidays(expression, day, expected):
    assert hm(hours.day_ranges(expression, day)) == expected


@pytest.mark.parametrize("expression", [None, "", "not hours at all"])
def test_unknown_hours_have_no_day_table(expression):
    assert hours.day_ranges(expression, date(2026, 11, 17)) is None


def test_holidays_are_named_in_the_pages_language():
    assert hours.holiday_names(date(2026, 11, 10), 14, "lv") == {
        PROCLAMATION_DAY: "Latvijas Republikas Proklamēšanas diena"
    }
    assert hours.holiday_names(date(2026, 11, 10), 14, "en") == {
        PROCLAMATION_DAY: "Republic of Latvia Proclamation Day"
    }
    assert list(hours.holiday_names(date(2026, 12, 20), 14, "en")) == [
        date(2026, 12, 24),
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2026, 12, 31),
        date(2027, 1, 1),
    ]


def test_the_week_runs_monday_to_sunday_over_the_coming_seven_days_with_holidays_marked():
    today = date(2026, 11, 13)  # a Friday; Proclamation Day is the Wednesday after
    w = week("Mo-Fr 09:00-17:00; PH off", today, "en")
    assert [d.day.weekday() for d in w.days] == list(range(7))
    assert {d.day for d in w.days} == {today + timedelta(days=i) for i in range(7)}
    assert [d.today for d in w.days].count(True) == 1 and w.days[4].today
    wednesday = w.days[2]
    assert wednesday.day == PROCLAMATION_DAY and wednesday.holiday == "Republic of Latvia Proclamation Day"
    assert wednesday.ranges == []
    assert w.later_holidays == []
    before = week("Mo-Fr 09:00-17:00; PH off", date(2026, 11, 6), "lv")  # the holiday is 12 days on
    assert [(d.day, d.holiday) for d in before.later_holidays] == [
        (PROCLAMATION_DAY, "Latvijas Republikas Proklamēšanas diena")
    ]
