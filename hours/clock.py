"""Today in the practice's own time zone (settings.TIME_ZONE).

Not timezone.localdate(): that uses the zone active in the current thread, and Wagtail
admin views (previews among them) activate the editor's own zone. A preview made from
a zone already on tomorrow would otherwise resolve, and cache for every visitor, the
hours of the wrong day.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from hours.schedule import local_moment


def practice_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def practice_today():
    return local_moment(timezone.now(), practice_zone())[0]
