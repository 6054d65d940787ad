"""Today is the practice's date, whatever zone the request has activated: Wagtail's
admin (previews too) activates the editor's own zone, and what a preview renders is
cached for every visitor."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone

from hours.cached import site_hours
from hours.clock import practice_today
from hours.models import HoursException, OpeningHours
from hours.schedule import WEEKDAYS

# UTC-11 and UTC+14, with no daylight saving: the editor's date is always a day or two
# ahead of the practice's, whatever the real clock says when the tests run.
PRACTICE_ZONE = "Pacific/Pago_Pago"
EDITOR_ZONE = "Pacific/Kiritimati"


@pytest.fixture(autouse=True)
def practice_far_west(settings):
    settings.TIME_ZONE = PRACTICE_ZONE
    cache.clear()
    yield
    cache.clear()


def practice_date():
    return datetime.now(ZoneInfo(PRACTICE_ZONE)).date()


def test_practice_today_ignores_the_active_zone():
    with timezone.override(EDITOR_ZONE):
        before = practice_date()
        today = practice_today()
        after = practice_date()
        assert timezone.localdate() > today  # the editor really is on a later date
    assert today in {before, after}  # a run across midnight


def test_a_preview_from_tomorrow_keeps_an_exception_that_ends_today(demo_site):
    hours = OpeningHours.objects.get(site=demo_site)
    today = practice_today()
    HoursException.objects.create(setting=hours, label="Staff training", start_date=today)
    with timezone.override(EDITOR_ZONE):
        labels = [e.label for e in site_hours(demo_site).schedule.exceptions]
    assert "Staff training" in labels


def test_the_footer_marks_the_practice_s_today_in_an_editor_s_zone(demo_site):
    template = engines["django"].from_string("{% load hours_tags %}{% opening_hours %}")
    with timezone.override(EDITOR_ZONE):
        html = template.render({"request": RequestFactory().get("/")})
    today = WEEKDAYS[practice_today().weekday()]
    assert f'{today} <span class="hours-today-label">(today)</span>' in html
