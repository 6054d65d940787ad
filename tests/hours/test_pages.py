"""The hours on every page: footer, open-now data, JSON-LD, cost, and freshness."""

import io
import json
import re
from datetime import date, time, timedelta
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from hours.clock import practice_today
from hours.demo import thanksgiving
from hours.models import ExceptionHours, HoursException, OpeningHours, WeeklyHours
from hours.schedule import WEEKDAYS, week_of
from practice.generation import entry_timeout
from practice.models import PracticeSettings
from tests.html import inline_attributes, third_party_urls

PAGE_URLS = {"home": "/", "content page": "/about/", "404": "/no-such-page/"}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


class _Scripts(HTMLParser):
    """Every <script>: its attributes and its inline text."""

    def __init__(self):
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = (dict(attrs), [])

    def handle_data(self, data):
        if self._open is not None:
            self._open[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open[0], "".join(self._open[1])))
            self._open = None


def scripts(html: str) -> list[tuple[dict, str]]:
    parser = _Scripts()
    parser.feed(html)
    return parser.scripts


def json_ld(html: str) -> dict:
    (data,) = [
        json.loads(text)
        for attrs, text in scripts(html)
        if attrs.get("type") == "application/ld+json"
    ]
    return data


def footer(html: str) -> str:
    return html[html.index('<footer class="site-footer') :]


def hours_rows(html: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<tr data-weekday="\d"[^>]*>\s*<th scope="row">(\w+)[^<]*(?:<span[^>]*>[^<]*</span>)?'
        r"</th>\s*<td>([^<]*)</td>",
        html,
    )


@pytest.fixture
def weekly_only(demo_site):
    """The demo's hours without its Thanksgiving closure, which changes Thursday's row
    in Thanksgiving week: for the tests of the weekly rows alone."""
    OpeningHours.objects.get(site=demo_site).exceptions.all().delete()


@pytest.mark.parametrize("page", PAGE_URLS)
def test_footer_shows_the_week_on_every_page(client, weekly_only, page):
    response = client.get(PAGE_URLS[page])
    assert response.status_code == (404 if page == "404" else 200)
    html = footer(response.content.decode())
    assert hours_rows(html) == [
        ("Monday", "10:00 am–4:00 pm"),
        ("Tuesday", "10:00 am–4:00 pm"),
        ("Wednesday", "10:00 am–4:00 pm"),
        ("Thursday", "10:30 am–4:30 pm"),
        ("Friday", "10:00 am–1:00 pm"),
        ("Saturday", "Closed"),
        ("Sunday", "Closed"),
    ]
    assert "Sessions by appointment; telehealth available." in html
    assert "Times are Eastern Time." in html
    # Today (in New York) is marked for the eye and for screen readers, and only today.
    today = WEEKDAYS[timezone.localdate().weekday()]
    marked = re.findall(r'aria-current="date">\s*<th scope="row">(\w+) <span[^>]*>\(today\)', html)
    assert marked == [today]
    assert html.count('aria-current="date"') == 1
    # The status is left to the script, which finds its data in the page.
    assert "data-hours-status hidden" in html
    data = json.loads(re.search(r'id="opening-hours-data"[^>]*>(.*?)</script>', html)[1])
    assert data["timeZone"] == "America/New_York"
    assert data["weekly"][3] == [["10:30", "16:30"]]


@pytest.mark.parametrize("page", PAGE_URLS)
def test_hours_need_no_inline_script_or_style(client, demo_site, page):
    html = client.get(PAGE_URLS[page]).content.decode()
    assert inline_attributes(html) == []
    assert third_party_urls(html) == []
    for attrs, text in scripts(html):
        if attrs.get("src"):
            assert "defer" in attrs, attrs
            assert not text.strip()
        else:
            assert attrs.get("type") in {"application/json", "application/ld+json"}, attrs
    assert '<script src="/static/js/hours.js" defer></script>' in html


def test_the_next_exception_within_thirty_days_is_in_the_footer(client, demo_site):
    hours = OpeningHours.objects.get(site=demo_site)
    hours.exceptions.all().delete()
    today = timezone.localdate()
    soon = HoursException.objects.create(
        setting=hours, label="Conference", start_date=today + timedelta(days=12)
    )
    ExceptionHours.objects.create(exception=soon, opens=time(9), closes=time(11, 30))
    HoursException.objects.create(
        setting=hours, label="Far away", start_date=today + timedelta(days=45)
    )
    html = footer(client.get("/").content.decode())
    day = today + timedelta(days=12)
    assert f"{WEEKDAYS[day.weekday()]}, {day:%B} {day.day}: 9:00 am–11:30 am (Conference)" in html
    assert "Far away" not in html.split('id="opening-hours-data"')[0]
    # The script gets both, so a page cached for weeks still finds the next one.
    data = json.loads(re.search(r'id="opening-hours-data"[^>]*>(.*?)</script>', html)[1])
    assert [e["label"] for e in data["exceptions"]] == ["Conference", "Far away"]


def test_no_exception_line_when_nothing_is_coming(client, demo_site):
    OpeningHours.objects.get(site=demo_site).exceptions.all().delete()
    html = footer(client.get("/").content.decode())
    assert '<p class="hours-exception" data-hours-exception hidden></p>' in html


def test_a_site_without_hours_says_so(client, demo_site):
    OpeningHours.objects.filter(site=demo_site).delete()
    html = footer(client.get("/").content.decode())
    assert "Please get in touch to ask about office hours." in html
    assert "opening-hours-data" not in html
    assert "openingHoursSpecification" not in json_ld(client.get("/").content.decode())


def render(template: str, request) -> str:
    return engines["django"].from_string(template).render({"request": request})


TAGS = (
    "{% load hours_tags %}{% practice_structured_data %}"
    '{% opening_hours %}{% opening_hours "full" %}'
)


@pytest.fixture
def site_request(demo_site):
    request = RequestFactory().get("/")
    # The site lookup is the page's, done once per request before any footer renders.
    assert Site.find_for_request(request) == demo_site
    return request


def test_warm_render_of_the_hours_costs_no_query(
    site_request, weekly_only, django_assert_num_queries
):
    with CaptureQueriesContext(connection) as cold:
        first = render(TAGS, site_request)
    assert any("hours_" in query["sql"] for query in cold.captured_queries)
    with django_assert_num_queries(0):
        second = render(TAGS, site_request)
    assert second == first
    assert "10:30 am–4:30 pm" in second


def test_warm_page_reads_no_hours_tables(client, demo_site):
    client.get("/about/")
    with CaptureQueriesContext(connection) as warm:
        response = client.get("/about/")
    assert response.status_code == 200
    assert [q["sql"] for q in warm.captured_queries if "hours_" in q["sql"]] == []


def test_a_save_shows_on_the_next_render(site_request, weekly_only, django_assert_num_queries):
    render(TAGS, site_request)
    hours = OpeningHours.objects.get(site=site_request._wagtail_site)
    thursday = hours.weekly_hours.get(weekday=3)
    thursday.opens, thursday.closes = time(12), time(18)
    thursday.save()
    assert "12:00 pm–6:00 pm" in render(TAGS, site_request)

    hours.note = "Evening sessions on request."
    hours.save()
    assert "Evening sessions on request." in render(TAGS, site_request)

    WeeklyHours.objects.create(setting=hours, weekday=5, opens=time(9), closes=time(12))
    assert "9:00 am–12:00 pm" in render(TAGS, site_request)

    holiday = HoursException.objects.create(
        setting=hours, label="Staff day", start_date=timezone.localdate() + timedelta(days=3)
    )
    assert "(Staff day)" in render(TAGS, site_request)
    holiday.delete()
    assert "(Staff day)" not in render(TAGS, site_request)

    practice = PracticeSettings.for_site(site_request._wagtail_site)
    practice.practice_name = "Harbor Light Counseling"
    practice.save()
    assert '"name": "Harbor Light Counseling"' in render(TAGS, site_request)
    # And warm again afterwards.
    with django_assert_num_queries(0):
        render(TAGS, site_request)


def test_the_week_shows_this_week_s_exceptions_on_their_days(site_request):
    hours = OpeningHours.objects.get(site=site_request._wagtail_site)
    hours.exceptions.all().delete()
    today = practice_today()
    week = week_of(today)
    HoursException.objects.create(setting=hours, label="Thanksgiving", start_date=today)
    for day in week:
        if day != today:
            special = HoursException.objects.create(
                setting=hours, label="Holiday hours", start_date=day
            )
            ExceptionHours.objects.create(exception=special, opens=time(11), closes=time(14))
    # All of next week closed: none of it belongs in this week's rows.
    next_monday = week[0] + timedelta(days=7)
    HoursException.objects.create(
        setting=hours,
        label="Next week",
        start_date=next_monday,
        end_date=next_monday + timedelta(days=6),
    )

    html = render(TAGS, site_request)
    expected = [
        (
            WEEKDAYS[day.weekday()],
            "Closed (Thanksgiving)" if day == today else "11:00 am–2:00 pm (Holiday hours)",
        )
        for day in week
    ]
    assert hours_rows(html) == expected * 2  # the footer and the full hours
    today_rows = re.findall(
        r'aria-current="date">\s*<th scope="row">(\w+) <span[^>]*>\(today\)</span></th>'
        r"\s*<td>([^<]*)</td>",
        html,
    )
    assert today_rows == [(WEEKDAYS[today.weekday()], "Closed (Thanksgiving)")] * 2


def test_full_hours_for_the_contact_page(site_request):
    hours = OpeningHours.objects.get(site=site_request._wagtail_site)
    hours.exceptions.all().delete()
    far = timezone.localdate() + timedelta(days=60)
    HoursException.objects.create(setting=hours, label="Sabbatical", start_date=far)
    html = render('{% load hours_tags %}{% opening_hours "full" %}', site_request)
    assert "10:30 am–4:30 pm" in html
    assert "Sessions by appointment; telehealth available." in html
    # Every exception to come, each with its end date for the script to hide it later.
    assert f'<li data-hours-end="{far.isoformat()}">Closed ' in html
    assert "(Sabbatical)" in html
    # The data block is the footer's, once per page.
    assert "opening-hours-data" not in html


def test_json_ld_describes_the_practice_and_its_hours(client, demo_site):
    hours = OpeningHours.objects.get(site=demo_site)
    hours.exceptions.all().delete()
    start = timezone.localdate() + timedelta(days=5)
    closed = HoursException.objects.create(
        setting=hours, label="Holiday", start_date=start, end_date=start + timedelta(days=2)
    )
    short = HoursException.objects.create(
        setting=hours, label="Short day", start_date=start + timedelta(days=10)
    )
    ExceptionHours.objects.create(exception=short, opens=time(10), closes=time(12))
    HoursException.objects.create(setting=hours, label="Long past", start_date=date(2020, 1, 1))

    data = json_ld(client.get("/about/").content.decode())
    assert data["@context"] == "https://schema.org"
    assert "MedicalBusiness" in data["@type"]
    assert data["name"] == "Riverside Psychotherapy"
    assert data["telephone"] == "(555) 010-4477"
    assert data["isAcceptingNewPatients"] is True
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "210 Mill Street, Suite 3",
        "addressLocality": "Riverton",
        "addressRegion": "NY",
        "postalCode": "12000",
        "addressCountry": "US",
    }
    rows = sorted(
        (f"https://schema.org/{WEEKDAYS[r.weekday]}", f"{r.opens:%H:%M}", f"{r.closes:%H:%M}")
        for r in hours.weekly_hours.all()
    )
    assert (
        sorted(
            (spec["dayOfWeek"], spec["opens"], spec["closes"])
            for spec in data["openingHoursSpecification"]
        )
        == rows
    )
    assert len(rows) == 5
    assert data["specialOpeningHoursSpecification"] == [
        {
            "@type": "OpeningHoursSpecification",
            "name": "Holiday",
            "validFrom": closed.start_date.isoformat(),
            "validThrough": closed.end_date.isoformat(),
            "opens": "00:00",
            "closes": "00:00",
        },
        {
            "@type": "OpeningHoursSpecification",
            "name": "Short day",
            "validFrom": short.start_date.isoformat(),
            "validThrough": short.start_date.isoformat(),
            "opens": "10:00",
            "closes": "12:00",
        },
    ]


@pytest.mark.parametrize(
    ("accepting", "expected"), [("yes", True), ("waitlist", False), ("no", False)]
)
def test_json_ld_accepting_new_patients(client, demo_site, accepting, expected):
    practice = PracticeSettings.for_site(demo_site)
    practice.accepting_new_clients = accepting
    practice.save()
    assert json_ld(client.get("/").content.decode())["isAcceptingNewPatients"] is expected


def test_json_ld_is_escaped_and_telehealth_has_no_address(client, demo_site):
    practice = PracticeSettings.for_site(demo_site)
    practice.practice_name = "Calm </script><script>alert(1)</script> & Co"
    practice.telehealth_only = True
    practice.save()
    html = client.get("/").content.decode()
    assert "<script>alert(1)" not in html
    data = json_ld(html)
    assert data["name"] == "Calm </script><script>alert(1)</script> & Co"
    assert "address" not in data


def test_seed_is_idempotent_and_keeps_edits(demo_site):
    hours = OpeningHours.objects.get(site=demo_site)
    assert hours.note == "Sessions by appointment; telehealth available."
    assert sorted((r.weekday, r.opens, r.closes) for r in hours.weekly_hours.all()) == [
        (0, time(10), time(16)),
        (1, time(10), time(16)),
        (2, time(10), time(16)),
        (3, time(10, 30), time(16, 30)),
        (4, time(10), time(13)),
    ]
    (holiday,) = hours.exceptions.all()
    assert holiday.label == "Thanksgiving"
    assert holiday.start_date >= timezone.localdate()
    assert holiday.start_date == thanksgiving(holiday.start_date.year)

    hours.note = "Edited"
    hours.save()
    hours.weekly_hours.filter(weekday=4).delete()
    call_command("seed_demo", stdout=io.StringIO())
    hours.refresh_from_db()
    assert hours.note == "Edited"
    assert not hours.weekly_hours.filter(weekday=4).exists()
    assert OpeningHours.objects.count() == 1
    assert HoursException.objects.count() == 1


@pytest.mark.parametrize(
    ("year", "day"),
    [(2026, date(2026, 11, 26)), (2027, date(2027, 11, 25)), (2030, date(2030, 11, 28))],
)
def test_thanksgiving_is_the_fourth_thursday(year, day):
    assert thanksgiving(year) == day


def test_cache_entries_expire_only_when_the_cache_is_per_process(settings):
    assert entry_timeout() == 5 * 60
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    assert entry_timeout() is None
