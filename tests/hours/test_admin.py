"""Editing the office hours in the admin: validation messages, and a save that every
page shows at once."""

import io
import re
from datetime import time, timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from hours.models import OpeningHours, WeeklyHours
from hours.schedule import WEEKDAYS

DEMO_WEEK = [
    {"weekday": "0", "opens": "10:00", "closes": "16:00"},
    {"weekday": "1", "opens": "10:00", "closes": "16:00"},
    {"weekday": "2", "opens": "10:00", "closes": "16:00"},
    {"weekday": "3", "opens": "10:30", "closes": "16:30"},
    {"weekday": "4", "opens": "10:00", "closes": "13:00"},
]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def edit_url(demo_site):
    # The posts below send every row as new, as for a schedule typed in from scratch.
    hours = OpeningHours.objects.get(site=demo_site)
    hours.weekly_hours.all().delete()
    hours.exceptions.all().delete()
    return reverse("wagtailsettings:edit", args=["hours", "openinghours", demo_site.pk])


def form_data(weekly, exceptions=(), note="Sessions by appointment; telehealth available."):
    return nested_form_data(
        {
            "note": note,
            "weekly_hours": inline_formset(list(weekly)),
            "exceptions": inline_formset(
                [
                    {**exception, "intervals": inline_formset(exception.get("intervals", []))}
                    for exception in exceptions
                ]
            ),
        }
    )


def errors(response) -> str:
    """The text of the error messages on the re-displayed form."""
    html = response.content.decode()
    return " ".join(
        re.sub(r"\s+", " ", text)
        for text in re.findall(r'<p class="error-message">(.*?)</p>', html, re.S)
    )


def test_the_edit_form_shows_the_rows(admin_client, edit_url):
    response = admin_client.get(edit_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Weekly hours" in html
    assert "Exceptions" in html
    assert "Hours past midnight are not supported" in html


def test_closing_before_opening_is_refused(admin_client, edit_url, demo_site):
    week = [*DEMO_WEEK[:4], {"weekday": "4", "opens": "13:00", "closes": "10:00"}]
    response = admin_client.post(edit_url, form_data(week))
    assert response.status_code == 200
    assert "The closing time must be after the opening time, on the same day." in errors(response)
    assert not OpeningHours.objects.get(site=demo_site).weekly_hours.exists()


def test_hours_past_midnight_are_refused(admin_client, edit_url):
    week = [*DEMO_WEEK, {"weekday": "5", "opens": "20:00", "closes": "00:00"}]
    response = admin_client.post(edit_url, form_data(week))
    assert "The closing time must be after the opening time, on the same day." in errors(response)


def test_overlapping_intervals_on_one_day_are_refused(admin_client, edit_url, demo_site):
    week = [
        *DEMO_WEEK,
        {"weekday": "1", "opens": "15:00", "closes": "18:00"},
        # Nested inside Wednesday's 10–4: caught although it does not overlap 3–6 pm.
        {"weekday": "2", "opens": "12:00", "closes": "13:00"},
        {"weekday": "2", "opens": "14:00", "closes": "15:00"},
    ]
    response = admin_client.post(edit_url, form_data(week))
    assert response.status_code == 200
    message = errors(response)
    assert "This interval overlaps 10:00 am–4:00 pm on Tuesday." in message
    assert message.count("This interval overlaps 10:00 am–4:00 pm on Wednesday.") == 2
    assert "Intervals on one day must not overlap." in message
    assert not OpeningHours.objects.get(site=demo_site).weekly_hours.exists()


def test_back_to_back_and_other_day_intervals_are_fine(admin_client, edit_url, demo_site):
    week = [*DEMO_WEEK, {"weekday": "4", "opens": "13:00", "closes": "15:00"}]
    response = admin_client.post(edit_url, form_data(week))
    assert response.status_code == 302, errors(response)
    assert OpeningHours.objects.get(site=demo_site).weekly_hours.count() == 6


def test_exception_validation(admin_client, edit_url, demo_site):
    exceptions = [
        {"label": "Vacation", "start_date": "2027-07-01", "end_date": "2027-07-14"},
        {"label": "Backwards", "start_date": "2027-09-10", "end_date": "2027-09-01"},
        {"label": "Inside the vacation", "start_date": "2027-07-04", "end_date": ""},
        {
            "label": "Half day",
            "start_date": "2027-12-24",
            "end_date": "",
            "intervals": [
                {"opens": "09:00", "closes": "12:00"},
                {"opens": "11:00", "closes": "13:00"},
            ],
        },
    ]
    response = admin_client.post(edit_url, form_data(DEMO_WEEK, exceptions))
    assert response.status_code == 200
    message = errors(response)
    assert "The end date must not be before the start date." in message
    assert (
        "These dates overlap the exception “Vacation” (Thursday, July 1 to Wednesday, July 14)."
        " Exceptions must not overlap." in message
    )
    assert message.count("These dates overlap") == 1
    assert "This interval overlaps 9:00 am–12:00 pm in “Half day”." in message
    labels = OpeningHours.objects.get(site=demo_site).exceptions.values_list("label", flat=True)
    assert list(labels) == []


def test_a_new_user_changes_thursday_and_adds_a_holiday(admin_client, client, edit_url):
    """The issue's "done when": every page shows the change on the next request."""
    client.get("/")  # warm the cache
    holiday = timezone.localdate() + timedelta(days=9)
    week = [*DEMO_WEEK[:3], {"weekday": "3", "opens": "12:00", "closes": "19:00"}, DEMO_WEEK[4]]
    exceptions = [{"label": "Office closed", "start_date": holiday.isoformat(), "end_date": ""}]
    response = admin_client.post(edit_url, form_data(week, exceptions))
    assert response.status_code == 302, errors(response)

    for url in ("/", "/about/", "/no-such-page/"):
        html = client.get(url).content.decode()
        assert "<td>12:00 pm–7:00 pm</td>" in html, url
        assert "10:30 am–4:30 pm" not in html, url
        assert "(Office closed)</p>" in html, url
        assert f'"validFrom": "{holiday.isoformat()}"' in html, url
        assert '"opens": "12:00", "closes": "19:00"' in html, url


def test_special_hours_save_through_the_nested_rows(admin_client, client, edit_url, demo_site):
    day = timezone.localdate() + timedelta(days=4)
    exceptions = [
        {
            "label": "Workshop",
            "start_date": day.isoformat(),
            "end_date": "",
            "intervals": [
                {"opens": "14:00", "closes": "17:00"},
                {"opens": "09:00", "closes": "11:00"},
            ],
        }
    ]
    response = admin_client.post(edit_url, form_data(DEMO_WEEK, exceptions))
    assert response.status_code == 302, errors(response)
    (workshop,) = OpeningHours.objects.get(site=demo_site).exceptions.all()
    assert sorted(i.opens for i in workshop.intervals.all()) == [time(9), time(14)]
    html = client.get("/").content.decode()
    assert "9:00 am–11:00 am, 2:00 pm–5:00 pm (Workshop)" in html


@pytest.mark.django_db  # makemigrations checks the applied history
def test_weekday_choices_are_the_schedule_s_names_and_need_no_migration():
    assert WeeklyHours._meta.get_field("weekday").choices == list(enumerate(WEEKDAYS))
    assert WeeklyHours(weekday=3).get_weekday_display() == "Thursday"
    # The choices are derived, not retyped: the migrations still match the models.
    call_command("makemigrations", "hours", "--check", "--dry-run", stdout=io.StringIO())
