"""Demo office hours: Monday to Wednesday 10–4, Thursday 10:30–4:30, Friday 10–1, and
the next Thanksgiving closed. Only created when the site has no hours yet, so an
editor's changes (even an emptied schedule) are never overwritten."""

from datetime import date, time, timedelta

from wagtail.models import Site

from hours.clock import practice_today
from hours.models import HoursException, OpeningHours, WeeklyHours

NOTE = "Sessions by appointment; telehealth available."
WEEK = [
    (0, time(10), time(16)),
    (1, time(10), time(16)),
    (2, time(10), time(16)),
    (3, time(10, 30), time(16, 30)),
    (4, time(10), time(13)),
]


def thanksgiving(year: int) -> date:
    """The fourth Thursday of November."""
    first = date(year, 11, 1)
    first_thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + timedelta(weeks=3)


def next_thanksgiving(today: date) -> date:
    this_year = thanksgiving(today.year)
    return this_year if this_year >= today else thanksgiving(today.year + 1)


def seed(stdout) -> None:
    site = Site.objects.get(is_default_site=True)
    if OpeningHours.objects.filter(site=site).exists():
        return
    hours = OpeningHours(site=site, note=NOTE)
    hours.weekly_hours = [
        WeeklyHours(weekday=day, opens=opens, closes=closes) for day, opens, closes in WEEK
    ]
    holiday = HoursException(label="Thanksgiving", start_date=next_thanksgiving(practice_today()))
    hours.exceptions = [holiday]
    hours.save()
    stdout.write("Created the office hours.")
