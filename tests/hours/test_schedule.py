"""hours/schedule.py: resolution for any moment, with `now` passed in (a frozen clock)."""

from datetime import date, time

import pytest

from hours.schedule import (
    DateException,
    Schedule,
    build_schedule,
    day_text,
    exception_text,
    format_intervals,
    format_time,
    intervals_on,
    local_moment,
    status_at,
    status_text,
    to_data,
    upcoming_exception,
    week_of,
)
from tests.hours.cases import (
    DEMO,
    DEMO_WEEK,
    EMPTY,
    NEW_YORK,
    SPLIT_DAYS,
    WITH_EXCEPTIONS,
    interval,
    utc,
)


def text_at(schedule: Schedule, instant: str) -> str:
    now = utc(instant)
    return status_text(status_at(schedule, now, NEW_YORK), local_moment(now, NEW_YORK)[0])


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # Wednesday 10:00 EST: open.
        ("2026-03-04T15:00", "Open now · until 4:00 pm"),
        # Wednesday 9:59 EST: opens later today.
        ("2026-03-04T14:59", "Closed · opens today 10:00 am"),
        # Wednesday 16:00 EST: closing time is already closed; Thursday opens at 10:30.
        ("2026-03-04T21:00", "Closed · opens Thursday 10:30 am"),
        ("2026-03-05T16:00", "Open now · until 4:30 pm"),
        # Friday 13:30 EST, Saturday and Sunday: next opening is Monday.
        ("2026-03-06T18:30", "Closed · opens Monday 10:00 am"),
        ("2026-03-07T17:00", "Closed · opens Monday 10:00 am"),
        # Friday 23:30 EST is already Saturday 04:30 UTC: the practice's day counts.
        ("2026-03-07T04:30", "Closed · opens Monday 10:00 am"),
    ],
)
def test_status_through_a_week(instant, expected):
    assert text_at(DEMO, instant) == expected


def test_today_is_the_practice_s_date_not_utc():
    # 2026-03-05 02:00 UTC is still Wednesday evening in New York.
    assert local_moment(utc("2026-03-05T02:00"), NEW_YORK) == (date(2026, 3, 4), time(21, 0))


def test_next_opening_across_the_weekend():
    status = status_at(DEMO, utc("2026-03-06T19:00"), NEW_YORK)
    assert not status.is_open
    assert (status.next_day, status.next_time) == (date(2026, 3, 9), time(10, 0))


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # Monday after spring forward: 14:30 UTC is 10:30 EDT (it was 9:30 EST last week).
        ("2026-03-09T14:30", "Open now · until 4:00 pm"),
        ("2026-03-09T13:30", "Closed · opens today 10:00 am"),
        ("2026-03-02T14:30", "Closed · opens today 10:00 am"),
        # 20:30 UTC: 4:30 pm EDT is closed, though it would be 3:30 pm in EST.
        ("2026-03-09T20:30", "Closed · opens Tuesday 10:00 am"),
        # Monday after fall back: 14:30 UTC is 9:30 EST (it was 10:30 EDT last week).
        ("2026-11-02T14:30", "Closed · opens today 10:00 am"),
        ("2026-10-26T14:30", "Open now · until 4:00 pm"),
        ("2026-11-02T20:30", "Open now · until 4:00 pm"),
    ],
)
def test_both_daylight_saving_changes(instant, expected):
    assert text_at(DEMO, instant) == expected


@pytest.mark.parametrize(
    ("instant", "is_open"),
    [
        # March 8, special hours 1:00–3:30 across the skipped hour 2:00–3:00.
        ("2026-03-08T06:59", True),  # 1:59 EST
        ("2026-03-08T07:00", True),  # 3:00 EDT, a minute later
        ("2026-03-08T07:30", False),  # 3:30 EDT; a fixed offset would say 2:30 and open
        # November 1, special hours 1:00–1:30; 1:00–2:00 happens twice.
        ("2026-11-01T05:15", True),  # 1:15 EDT
        ("2026-11-01T05:45", False),  # 1:45 EDT
        ("2026-11-01T06:15", True),  # 1:15 EST, the second time round
        ("2026-11-01T06:45", False),  # 1:45 EST
    ],
)
def test_wall_clock_hours_on_the_changeover_days(instant, is_open):
    assert status_at(WITH_EXCEPTIONS, utc(instant), NEW_YORK).is_open is is_open


def test_an_exception_closes_today():
    # Thanksgiving, a Thursday, 11:00 EST: closed although Thursday is normally open.
    assert text_at(DEMO, "2026-11-26T16:00") == "Open now · until 4:30 pm"
    assert text_at(WITH_EXCEPTIONS, "2026-11-26T16:00") == "Closed · opens Friday 10:00 am"
    assert intervals_on(WITH_EXCEPTIONS, date(2026, 11, 26)) == ()


def test_special_hours_replace_the_week():
    # Christmas Eve is a Thursday: 10:00–12:00 instead of 10:30–4:30.
    assert intervals_on(WITH_EXCEPTIONS, date(2026, 12, 24)) == (interval("10:00", "12:00"),)
    assert text_at(WITH_EXCEPTIONS, "2026-12-24T14:30") == "Closed · opens today 10:00 am"
    assert text_at(WITH_EXCEPTIONS, "2026-12-24T16:00") == "Open now · until 12:00 pm"


def test_a_long_closure_names_the_date_of_reopening():
    # Christmas Eve afternoon: the vacation runs to January 3, a Sunday.
    assert text_at(WITH_EXCEPTIONS, "2026-12-24T18:00") == (
        "Closed · opens Monday, January 4 10:00 am"
    )


def test_a_day_with_two_intervals():
    # Tuesday 10–12 and 1–5 (rows entered out of order).
    assert text_at(SPLIT_DAYS, "2026-03-03T16:00") == "Open now · until 12:00 pm"
    assert text_at(SPLIT_DAYS, "2026-03-03T17:30") == "Closed · opens today 1:00 pm"
    assert text_at(SPLIT_DAYS, "2026-03-03T18:00") == "Open now · until 5:00 pm"
    assert format_intervals(SPLIT_DAYS.weekly[1]) == "10:00 am–12:00 pm, 1:00 pm–5:00 pm"


def test_back_to_back_intervals_count_as_one_opening():
    # Wednesday 10–12 and 12–2.
    assert text_at(SPLIT_DAYS, "2026-03-04T16:00") == "Open now · until 2:00 pm"


def test_no_hours_at_all():
    assert text_at(EMPTY, "2026-03-04T16:00") == "Closed"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("10:00", "10:00 am"), ("16:30", "4:30 pm"), ("12:00", "12:00 pm"), ("00:30", "12:30 am")],
)
def test_time_format(value, expected):
    assert format_time(time.fromisoformat(value)) == expected


def test_week_format():
    assert [format_intervals(day) for day in DEMO.weekly] == [
        "10:00 am–4:00 pm",
        "10:00 am–4:00 pm",
        "10:00 am–4:00 pm",
        "10:30 am–4:30 pm",
        "10:00 am–1:00 pm",
        "Closed",
        "Closed",
    ]


def test_upcoming_exception_within_thirty_days():
    spring, fall, thanksgiving = WITH_EXCEPTIONS.exceptions[:3]
    # March 8 is thirty days after February 6, thirty-one after February 5.
    assert upcoming_exception(WITH_EXCEPTIONS, date(2026, 2, 6)) == spring
    assert upcoming_exception(WITH_EXCEPTIONS, date(2026, 2, 5)) is None
    assert upcoming_exception(WITH_EXCEPTIONS, date(2026, 10, 27)) == fall
    assert upcoming_exception(WITH_EXCEPTIONS, date(2026, 11, 2)) == thanksgiving
    assert upcoming_exception(WITH_EXCEPTIONS, date(2026, 11, 26)) == thanksgiving
    # A running vacation is still the one to mention.
    assert upcoming_exception(WITH_EXCEPTIONS, date(2026, 12, 28)).label == "Vacation"
    assert upcoming_exception(WITH_EXCEPTIONS, date(2027, 1, 4)) is None


def test_exception_text():
    texts = [exception_text(e) for e in WITH_EXCEPTIONS.exceptions[2:]]
    assert texts == [
        "Closed Thursday, November 26 (Thanksgiving)",
        "Thursday, December 24: 10:00 am–12:00 pm (Christmas Eve)",
        "Closed Friday, December 25 – Sunday, January 3 (Vacation)",
    ]
    assert exception_text(DateException(date(2026, 7, 3), date(2026, 7, 3))) == (
        "Closed Friday, July 3"
    )


def test_browser_data_leaves_out_exceptions_over_before_this_week():
    data = to_data(WITH_EXCEPTIONS, "America/New_York", date(2026, 12, 28))
    assert data["timeZone"] == "America/New_York"
    assert data["weekly"][3] == [["10:30", "16:30"]]
    assert data["weekly"][6] == []
    assert [e["label"] for e in data["exceptions"]] == ["Vacation"]
    assert data["exceptions"][0] == {
        "start": "2026-12-25",
        "end": "2027-01-03",
        "label": "Vacation",
        "intervals": [],
    }
    # On Friday, December 25 the week's table still shows Thursday's Christmas Eve.
    data = to_data(WITH_EXCEPTIONS, "America/New_York", date(2026, 12, 25))
    assert [e["label"] for e in data["exceptions"]] == ["Christmas Eve", "Vacation"]


@pytest.mark.parametrize("day", [date(2026, 11, 23), date(2026, 11, 26), date(2026, 11, 29)])
def test_week_of_is_monday_to_sunday(day):
    assert week_of(day) == tuple(date(2026, 11, n) for n in range(23, 30))


def test_day_text_names_the_exception_that_changes_a_day():
    week = [day_text(WITH_EXCEPTIONS, day) for day in week_of(date(2026, 12, 24))]
    assert week == [
        "10:00 am–4:00 pm",
        "10:00 am–4:00 pm",
        "10:00 am–4:00 pm",
        "10:00 am–12:00 pm (Christmas Eve)",
        "Closed (Vacation)",
        "Closed (Vacation)",
        "Closed (Vacation)",
    ]
    assert day_text(WITH_EXCEPTIONS, date(2026, 11, 26)) == "Closed (Thanksgiving)"
    assert day_text(WITH_EXCEPTIONS, date(2026, 11, 19)) == "10:30 am–4:30 pm"
    unnamed = build_schedule(DEMO_WEEK, [DateException(date(2026, 7, 3), date(2026, 7, 3))])
    assert day_text(unnamed, date(2026, 7, 3)) == "Closed"
