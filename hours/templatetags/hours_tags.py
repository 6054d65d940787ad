"""Office hours on every page, and the practice's JSON-LD. Both read the cached,
resolved hours (hours/cached.py): no database query once the cache is warm.

What depends on the current time (the week's dates and their hours, today's row, the
next exception) is rendered as of now as a fallback; static/js/hours.js corrects it
and adds the open-now status in the browser, because public pages are cached whole."""

from django import template
from django.conf import settings

from hours import schedule as hours_schedule
from hours.cached import site_hours
from hours.clock import practice_today
from hours.structured_data import opening_hours_data
from practice.jsonld import json_ld_script
from practice.sites import site_for_context

register = template.Library()

# Names visitors know, for the zones a US practice is likely to be in.
TIME_ZONE_NAMES = {
    "America/New_York": "Eastern Time",
    "America/Detroit": "Eastern Time",
    "America/Chicago": "Central Time",
    "America/Denver": "Mountain Time",
    "America/Phoenix": "Mountain Time (Arizona)",
    "America/Los_Angeles": "Pacific Time",
    "America/Anchorage": "Alaska Time",
    "Pacific/Honolulu": "Hawaii Time",
}


@register.inclusion_tag("hours/tags/opening_hours.html", takes_context=True)
def opening_hours(context, variant="footer"):
    """This week, Monday to Sunday, with today marked, the note and exceptions;
    "footer" (the default) shows the next exception within 30 days and carries the
    script's data, "full" (for the contact page) lists every exception still to come,
    "status" (for the home page) is only the live status and the next exception."""
    site = site_for_context(context)
    if site is None:
        return {"configured": False}
    hours = site_hours(site)
    schedule, today = hours.schedule, practice_today()
    upcoming = hours_schedule.upcoming_exception(schedule, today)
    return {
        "configured": hours.configured,
        "full": variant == "full",
        "status_only": variant == "status",
        # This week's dates, so a closure or special hours show on their own day.
        "rows": [
            {
                "weekday": day.weekday(),
                "name": hours_schedule.WEEKDAYS[day.weekday()],
                "hours": hours_schedule.day_text(schedule, day),
                "is_today": day == today,
            }
            for day in hours_schedule.week_of(today)
        ],
        "note": schedule.note,
        "time_zone_name": TIME_ZONE_NAMES.get(
            settings.TIME_ZONE, settings.TIME_ZONE.replace("_", " ")
        ),
        "upcoming_text": hours_schedule.exception_text(upcoming) if upcoming else "",
        "exceptions": [
            {"end": e.end.isoformat(), "text": hours_schedule.exception_text(e)}
            for e in hours_schedule.current_exceptions(schedule, today)
        ],
        "data": hours_schedule.to_data(schedule, settings.TIME_ZONE, today),
    }


@register.simple_tag(takes_context=True)
def practice_structured_data(context):
    """The site-wide JSON-LD for the practice, with its opening hours."""
    site = site_for_context(context)
    if site is None:
        return ""
    hours = site_hours(site)
    data = {**hours.practice, **opening_hours_data(hours.schedule, practice_today())}
    return json_ld_script(data)
