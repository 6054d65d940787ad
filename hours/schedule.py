"""Office hours resolution: which hours apply on a day, and whether the office is open.

Pure Python with no Django imports, so every rule can be tested for any moment by
passing `now` in. static/js/hours.js implements the same rules for the browser (pages
are cached whole, so the live status is computed there); tests run both on the same
cases. All wall-clock reasoning happens in the practice's time zone: an instant is
turned into a local date and time once, and everything after that is calendar math.

Hours past midnight are not supported: every interval opens and closes on the same
day, closing after opening.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hours.offsets import offset_table

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# How far ahead "opens ..." looks: a long closure must not make it loop forever.
SEARCH_DAYS = 400
UPCOMING_EXCEPTION_DAYS = 30


@dataclass(frozen=True)
class Interval:
    opens: time
    closes: time

    def contains(self, moment: time) -> bool:
        return self.opens <= moment < self.closes


@dataclass(frozen=True)
class DateException:
    """A date or date range whose hours replace the weekly ones; no intervals = closed."""

    start: date
    end: date
    label: str = ""
    intervals: tuple[Interval, ...] = ()

    @property
    def closed(self) -> bool:
        return not self.intervals

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Schedule:
    # Seven tuples of intervals, Monday first (date.weekday() order), each sorted.
    weekly: tuple[tuple[Interval, ...], ...] = ((),) * 7
    exceptions: tuple[DateException, ...] = ()
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(self.weekly) and not self.exceptions and not self.note


@dataclass(frozen=True)
class Status:
    is_open: bool
    # While open: when this opening ends (back-to-back intervals count as one).
    until: time | None = None
    # While closed: the next opening, if there is one within SEARCH_DAYS.
    next_day: date | None = None
    next_time: time | None = None


def build_schedule(weekly_rows, exceptions=(), note: str = "") -> Schedule:
    """`weekly_rows` are (weekday, opens, closes); every day's intervals get sorted."""
    days: list[list[Interval]] = [[] for _ in WEEKDAYS]
    for weekday, opens, closes in weekly_rows:
        days[weekday].append(Interval(opens, closes))
    weekly = tuple(_sorted(day) for day in days)
    ordered = tuple(
        sorted(
            (replace(e, intervals=_sorted(e.intervals)) for e in exceptions),
            key=lambda e: (e.start, e.end),
        )
    )
    return Schedule(weekly=weekly, exceptions=ordered, note=note)


def _sorted(intervals) -> tuple[Interval, ...]:
    return tuple(sorted(intervals, key=lambda i: i.opens))


def local_moment(now: datetime, tz: ZoneInfo) -> tuple[date, time]:
    """The practice's local date and wall-clock time at the instant `now` (aware)."""
    local = now.astimezone(tz)
    return local.date(), local.time().replace(tzinfo=None)


def exception_on(schedule: Schedule, day: date) -> DateException | None:
    return next((e for e in schedule.exceptions if e.covers(day)), None)


def intervals_on(schedule: Schedule, day: date) -> tuple[Interval, ...]:
    """The hours that apply on `day`: an exception's if one covers it, else the week's."""
    exception = exception_on(schedule, day)
    if exception is not None:
        return _sorted(exception.intervals)
    return schedule.weekly[day.weekday()]


def status_at(schedule: Schedule, now: datetime, tz: ZoneInfo) -> Status:
    today, moment = local_moment(now, tz)
    intervals = intervals_on(schedule, today)
    for index, interval in enumerate(intervals):
        if interval.contains(moment):
            until = interval.closes
            for later in intervals[index + 1 :]:
                if later.opens > until:
                    break
                until = max(until, later.closes)
            return Status(is_open=True, until=until)
    for offset in range(SEARCH_DAYS):
        day = today + timedelta(days=offset)
        for interval in intervals_on(schedule, day):
            if offset or interval.opens > moment:
                return Status(is_open=False, next_day=day, next_time=interval.opens)
    return Status(is_open=False)


def format_time(value: time) -> str:
    """10:00 am, 12:30 pm, 12:00 am: the practice's house style."""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'am' if value.hour < 12 else 'pm'}"


def format_intervals(intervals) -> str:
    if not intervals:
        return "Closed"
    return ", ".join(f"{format_time(i.opens)}\u2013{format_time(i.closes)}" for i in intervals)


def day_text(schedule: Schedule, day: date) -> str:
    """A day's hours as the week table shows them, naming the exception that changes
    them: "10:00 am–4:00 pm", "Closed (Thanksgiving)", "11:00 am–2:00 pm (Holiday hours)"."""
    text = format_intervals(intervals_on(schedule, day))
    exception = exception_on(schedule, day)
    return f"{text} ({exception.label})" if exception is not None and exception.label else text


def week_of(day: date) -> tuple[date, ...]:
    """Monday to Sunday of the week that holds `day`."""
    monday = day - timedelta(days=day.weekday())
    return tuple(monday + timedelta(days=offset) for offset in range(7))


def format_date(day: date, weekday: bool = True) -> str:
    text = f"{MONTHS[day.month - 1]} {day.day}"
    return f"{WEEKDAYS[day.weekday()]}, {text}" if weekday else text


def status_text(status: Status, today: date) -> str:
    if status.is_open:
        return f"Open now \u00b7 until {format_time(status.until)}"
    if status.next_day is None:
        return "Closed"
    days_ahead = (status.next_day - today).days
    if days_ahead == 0:
        when = "today"
    elif days_ahead < 7:
        when = WEEKDAYS[status.next_day.weekday()]
    else:
        when = format_date(status.next_day)
    return f"Closed \u00b7 opens {when} {format_time(status.next_time)}"


def upcoming_exception(
    schedule: Schedule, today: date, within_days: int = UPCOMING_EXCEPTION_DAYS
) -> DateException | None:
    """The first exception still running or starting within `within_days` of today."""
    horizon = today + timedelta(days=within_days)
    return next((e for e in schedule.exceptions if e.end >= today and e.start <= horizon), None)


def current_exceptions(schedule: Schedule, today: date) -> tuple[DateException, ...]:
    return tuple(e for e in schedule.exceptions if e.end >= today)


def this_weeks_exceptions(schedule: Schedule, today: date) -> tuple[DateException, ...]:
    """Exceptions not over before this week's Monday: the week table shows Monday's
    holiday on Wednesday too, and whatever comes later."""
    return current_exceptions(schedule, week_of(today)[0])


def exception_dates(exception: DateException) -> str:
    if exception.start == exception.end:
        return format_date(exception.start)
    return f"{format_date(exception.start)} \u2013 {format_date(exception.end)}"


def exception_text(exception: DateException) -> str:
    """ "Closed Thursday, November 26 (Thanksgiving)" or "…: 10:00 am–12:00 pm (Label)"."""
    dates = exception_dates(exception)
    if exception.closed:
        text = f"Closed {dates}"
    else:
        text = f"{dates}: {format_intervals(exception.intervals)}"
    return f"{text} ({exception.label})" if exception.label else text


def to_data(schedule: Schedule, time_zone: str, today: date) -> dict:
    """The schedule as plain JSON for the browser script (exceptions over before this
    week left out: a page cached now is only ever shown this week or later)."""

    def pairs(intervals):
        return [[i.opens.strftime("%H:%M"), i.closes.strftime("%H:%M")] for i in intervals]

    return {
        "timeZone": time_zone,
        # The script's local time without Intl.DateTimeFormat (see hours/offsets.py).
        "utcOffsets": [list(entry) for entry in offset_table(time_zone, today)],
        "weekly": [pairs(day) for day in schedule.weekly],
        "exceptions": [
            {
                "start": e.start.isoformat(),
                "end": e.end.isoformat(),
                "label": e.label,
                "intervals": pairs(e.intervals),
            }
            for e in this_weeks_exceptions(schedule, today)
        ],
    }
