"""Saving or deleting anything the cached hours are built from clears the cache (the
practice details and the site, which the hours' JSON-LD also uses, are in
practice/signals.py with everything else public pages show), and purges the HTTP cache in
front when there is one."""

from django.db.models.signals import post_delete, post_save

from practice.signals import site_wide_change


def connect() -> None:
    from hours.models import ExceptionHours, HoursException, OpeningHours, WeeklyHours

    for model in (OpeningHours, WeeklyHours, HoursException, ExceptionHours):
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                site_wide_change, sender=model, dispatch_uid=f"hours-{name}-{model.__name__}"
            )
