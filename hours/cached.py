"""The resolved office hours of a site and its practice JSON-LD, kept in Django's cache.

After the first request, rendering the hours and the practice's JSON-LD costs no
database query. Any save or delete of the hours, their rows, the practice details or
the site (hours/signals.py, practice/signals.py) replaces the content generation
(practice/generation.py, which also says how long entries live), so the next request
reads fresh data.
"""

from dataclasses import dataclass, replace

from hours import schedule as hours_schedule
from hours.clock import practice_today
from hours.structured_data import practice_data
from practice import generation


@dataclass(frozen=True)
class SiteHours:
    schedule: hours_schedule.Schedule
    # The practice's JSON-LD without the hours, which are added at render time.
    practice: dict
    configured: bool


def site_hours(site) -> SiteHours:
    return generation.cached(f"hours:site:{site.pk}", lambda: load(site))


def load(site) -> SiteHours:
    from hours.models import OpeningHours
    from practice.models import PracticeSettings

    setting = (
        OpeningHours.objects.filter(site=site)
        .prefetch_related("weekly_hours", "exceptions__intervals")
        .first()
    )
    schedule = setting.to_schedule() if setting else hours_schedule.Schedule()
    # Exceptions over before this week are of no use now or later (the week table shows
    # this week's earlier days too; renders filter by their own date).
    today = practice_today()
    schedule = replace(schedule, exceptions=hours_schedule.this_weeks_exceptions(schedule, today))
    practice = practice_data(PracticeSettings.for_site(site), site.root_url)
    return SiteHours(schedule=schedule, practice=practice, configured=not schedule.is_empty)
