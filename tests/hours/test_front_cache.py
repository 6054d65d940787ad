"""A change to the office hours purges every page at the cache in front (any page may show
them, and the JSON-LD carries them), through the task queue."""

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from hours.models import OpeningHours

pytestmark = pytest.mark.django_db

CACHE = {"varnish": {"BACKEND": "practice.front_cache.VarnishBackend", "LOCATION": "x"}}


@override_settings(WAGTAILFRONTENDCACHE=CACHE)
def test_saving_the_office_hours_queues_a_ban(demo_site):
    hours = OpeningHours.objects.get(site=demo_site)
    hours.weekly_hours.first().delete()
    hours.save()
    bans = DBTaskResult.objects.filter(task_path="practice.front_cache.ban_everything")
    assert bans.count() >= 2  # the deleted interval and the saved hours, each queued


def test_without_a_front_cache_the_hours_queue_nothing(demo_site):
    OpeningHours.objects.get(site=demo_site).save()
    assert not DBTaskResult.objects.filter(task_path="practice.front_cache.ban_everything")
