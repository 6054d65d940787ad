"""Schedules and moments shared by the Python and the browser-script tests."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hours.schedule import DateException, Interval, build_schedule

NEW_YORK = ZoneInfo("America/New_York")


def t(text: str) -> time:
    return time.fromisoformat(text)


def interval(opens: str, closes: str) -> Interval:
    return Interval(t(opens), t(closes))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# The demo practice's week, Monday first.
DEMO_WEEK = [
    (0, t("10:00"), t("16:00")),
    (1, t("10:00"), t("16:00")),
    (2, t("10:00"), t("16:00")),
    (3, t("10:30"), t("16:30")),
    (4, t("10:00"), t("13:00")),
]

DEMO = build_schedule(DEMO_WEEK, note="Sessions by appointment; telehealth available.")

# Thanksgiving closed; a Christmas Eve half day; a vacation; odd hours across both
# daylight-saving changes (2:00–3:00 does not exist on March 8, 1:00–2:00 happens
# twice on November 1).
WITH_EXCEPTIONS = build_schedule(
    DEMO_WEEK,
    [
        DateException(date(2026, 3, 8), date(2026, 3, 8), "Spring", (interval("01:00", "03:30"),)),
        DateException(date(2026, 11, 1), date(2026, 11, 1), "Fall", (interval("01:00", "01:30"),)),
        DateException(date(2026, 11, 26), date(2026, 11, 26), "Thanksgiving"),
        DateException(
            date(2026, 12, 24), date(2026, 12, 24), "Christmas Eve", (interval("10:00", "12:00"),)
        ),
        DateException(date(2026, 12, 25), date(2027, 1, 3), "Vacation"),
    ],
)

# Tuesday has a lunch break; Wednesday has two back-to-back intervals.
SPLIT_DAYS = build_schedule(
    [
        (1, t("13:00"), t("17:00")),
        (1, t("10:00"), t("12:00")),
        (2, t("10:00"), t("12:00")),
        (2, t("12:00"), t("14:00")),
    ]
)

EMPTY = build_schedule([])

SCHEDULES = {
    "demo": DEMO,
    "exceptions": WITH_EXCEPTIONS,
    "split": SPLIT_DAYS,
    "empty": EMPTY,
}


def sweep(start: str, days: int, step_minutes: int = 47) -> list[datetime]:
    """Instants every `step_minutes` from `start` (UTC) for `days` days."""
    first = utc(start)
    count = days * 24 * 60 // step_minutes
    return [first + timedelta(minutes=step_minutes * n) for n in range(count)]


# Around both daylight-saving changes, Thanksgiving and the year's end.
MOMENTS = (
    sweep("2026-03-04T00:00", 8)
    + sweep("2026-10-28T00:00", 8)
    + sweep("2026-11-20T00:00", 9)
    + sweep("2026-12-20T00:00", 16, step_minutes=113)
)
