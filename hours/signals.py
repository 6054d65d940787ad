"""Saving or deleting anything the cached hours are built from clears the cache."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Site

from hours.cached import invalidate


def connect() -> None:
    from hours.models import ExceptionHours, HoursException, OpeningHours, WeeklyHours
    from practice.models import PracticeSettings

    sources = (OpeningHours, WeeklyHours, HoursException, ExceptionHours, PracticeSettings, Site)
    for model in sources:
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(invalidate, sender=model, dispatch_uid=f"hours-{name}-{model.__name__}")
