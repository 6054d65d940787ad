"""The resolved office hours of a site and its practice JSON-LD, kept in Django's cache.

After the first request, rendering the hours and the practice's JSON-LD costs no
database query. Any save or delete of the hours, their rows, the practice details or
the site bumps a generation number that is part of every key, so the next request
reads fresh data (hours/signals.py).

With the default in-process cache each server process has its own copy and only the
process that handled the save sees the bump, so there entries expire after a few
minutes; with a shared cache (REDIS_URL) every process sees the change at once.
"""

import uuid
from dataclasses import dataclass, replace

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

from hours import schedule as hours_schedule
from hours.clock import practice_today
from hours.structured_data import practice_data

GENERATION_KEY = "hours:generation"
IN_PROCESS_TIMEOUT = 5 * 60


@dataclass(frozen=True)
class SiteHours:
    schedule: hours_schedule.Schedule
    # The practice's JSON-LD without the hours, which are added at render time.
    practice: dict
    configured: bool


def site_hours(site) -> SiteHours:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = _bump()
    key = f"hours:site:{site.pk}:{generation}"
    value = cache.get(key)
    if value is None:
        value = load(site)
        cache.set(key, value, entry_timeout())
    return value


def entry_timeout() -> int | None:
    """Forever in a shared cache; a few minutes in a process's own (see above)."""
    return IN_PROCESS_TIMEOUT if isinstance(caches["default"], LocMemCache) else None


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


def _bump() -> str:
    generation = uuid.uuid4().hex
    cache.set(GENERATION_KEY, generation, None)
    return generation


def invalidate(**kwargs) -> None:
    """Signal receiver: forget every site's cached hours, now and again on commit
    (a request racing the admin's save could otherwise cache half-saved rows)."""
    _bump()
    transaction.on_commit(_bump)
