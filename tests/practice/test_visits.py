"""Private visit counts: the beacon each public page sends (also when the page came from
the page cache), what is never counted, the batch in memory, the worker's upsert, and
the admin's report with its chart and CSV."""

import csv
import datetime
import io
import re
import threading

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import OperationalError, connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page, PageViewRestriction

from articles.models import ArticlePage
from contact.models import Inquiry
from practice import visit_batch
from practice.models import ContentPage
from practice.visits import VisitCount

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
BEACON_URL = "/_visits/"
VISIT_ATTRIBUTE = re.compile(r'<body[^>]* data-visit-page="(\d+)" data-visit-url="/_visits/"')
RECORD_TASK = "practice.visit_batch.record_visits"


@pytest.fixture(autouse=True)
def no_pending_counts():
    """Counts are kept in this process's memory: each test starts and ends with none."""
    visit_batch.take()
    yield
    visit_batch.take()


@pytest.fixture
def site(demo_site):
    VisitCount.objects.all().delete()  # the demo's made-up counts
    return demo_site


@pytest.fixture
def about(site) -> ContentPage:
    return ContentPage.objects.get(slug="about")


def beacon(client, page_id, **headers):
    """What visits.js sends: the id as text, from a page of this site."""
    headers = {
        "HTTP_USER_AGENT": BROWSER,
        "HTTP_SEC_FETCH_SITE": "same-origin",
        "HTTP_ORIGIN": "http://testserver",
        **headers,
    }
    return client.post(BEACON_URL, str(page_id), content_type="text/plain", **headers)


def run_queued_jobs():
    """Each queued record_visits job, run as the worker runs it (the worker itself needs a
    transactional test: see test_the_worker_command_writes_the_counts)."""
    for job in DBTaskResult.objects.filter(task_path=RECORD_TASK):
        visit_batch.record_visits.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
        job.delete()


def record():
    """Flush this process's counts and run the job that carries them."""
    visit_batch.flush()
    run_queued_jobs()


def counts(day=None) -> dict[int, int]:
    day = day or timezone.localdate()
    return dict(VisitCount.objects.filter(date=day).values_list("page_id", "count"))


def visit_page_id(response) -> int | None:
    found = VISIT_ATTRIBUTE.search(response.content.decode())
    return int(found[1]) if found else None


# --- The page and its beacon --------------------------------------------------------------


def test_a_public_page_names_itself_and_loads_the_script(client, about):
    response = client.get("/about/")
    assert visit_page_id(response) == about.pk
    assert '<script src="/static/js/visits.js" defer></script>' in response.content.decode()


def test_a_beacon_counts_one_view_of_the_page_and_answers_an_empty_204(client, about):
    response = beacon(client, about.pk)
    assert response.status_code == 204
    assert response.content == b""
    assert not response.cookies
    assert response["Cache-Control"] == "no-store"
    beacon(client, about.pk)
    record()
    assert counts() == {about.pk: 2}


def test_pages_served_from_the_page_cache_are_counted_too(client, settings, about):
    settings.PAGE_CACHE_SECONDS = 300
    first = client.get("/about/")
    second = client.get("/about/")
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    # The stored page names the page like the rendered one: the same for every visitor.
    assert visit_page_id(first) == visit_page_id(second) == about.pk
    for response in (first, second):
        beacon(client, visit_page_id(response))
    record()
    assert counts() == {about.pk: 2}


def test_a_beacon_writes_nothing_and_asks_the_database_nothing(
    client, about, django_assert_num_queries
):
    beacon(client, about.pk)  # the site and the set of countable pages, now cached
    with django_assert_num_queries(0):
        for _ in range(20):
            assert beacon(client, about.pk).status_code == 204
    assert not VisitCount.objects.exists()
    assert not DBTaskResult.objects.filter(task_path=RECORD_TASK).exists()


def test_many_views_reach_the_worker_as_one_job(client, site, about):
    home = site.root_page
    for _ in range(5):
        beacon(client, about.pk)
    for _ in range(3):
        beacon(client, home.pk)
    assert visit_batch.flush() == 8
    assert DBTaskResult.objects.filter(task_path=RECORD_TASK).count() == 1
    assert visit_batch.flush() == 0  # nothing new: no job
    run_queued_jobs()
    assert counts() == {about.pk: 5, home.pk: 3}
    beacon(client, about.pk)
    record()
    assert counts() == {about.pk: 6, home.pk: 3}  # added to the day's row


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_command_writes_the_counts(client, about):
    beacon(client, about.pk)
    beacon(client, about.pk)
    visit_batch.flush()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0")
    assert counts() == {about.pk: 2}
    assert DBTaskResult.objects.get(task_path=RECORD_TASK).status == "SUCCESSFUL"


def test_the_date_is_the_practices_local_date(client, about):
    # Kiritimati (UTC+14) and Pago Pago (UTC-11) are never on the same date.
    with timezone.override("Pacific/Kiritimati"):
        beacon(client, about.pk)
        east = timezone.localdate()
    with timezone.override("Pacific/Pago_Pago"):
        beacon(client, about.pk)
        west = timezone.localdate()
    record()
    assert east != west
    assert counts(east) == {about.pk: 1}
    assert counts(west) == {about.pk: 1}


# --- What is never counted ------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1)"},
        {"HTTP_USER_AGENT": ""},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://elsewhere.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_AUTHORIZATION": "Basic eDp5"},
    ],
    ids=["robot", "no-agent", "cross-site", "same-site", "forged-origin", "authorization"],
)
def test_robots_other_sites_and_credentials_are_not_counted(client, about, headers):
    assert beacon(client, about.pk, **headers).status_code == 204
    record()
    assert counts() == {}


def test_without_fetch_metadata_the_origin_decides(client, about):
    def old_browser(**origin):
        client.post(
            BEACON_URL, str(about.pk), content_type="text/plain", HTTP_USER_AGENT=BROWSER, **origin
        )

    old_browser()  # neither header: a script, not a browser
    old_browser(HTTP_ORIGIN="https://elsewhere.example")
    old_browser(HTTP_ORIGIN="http://testserver")
    record()
    assert counts() == {about.pk: 1}


def test_signed_in_staff_are_not_counted(client, about, django_user_model):
    editor = django_user_model.objects.create_superuser("editor", password="x" * 16)
    client.force_login(editor)
    page = client.get("/about/")
    assert visit_page_id(page) == about.pk  # the same template; the beacon is ignored
    assert beacon(client, about.pk).status_code == 204
    record()
    assert counts() == {}


@pytest.mark.parametrize("method", ["get", "head", "put", "options"])
def test_only_post_counts(client, about, method):
    response = getattr(client, method)(
        BEACON_URL,
        HTTP_USER_AGENT=BROWSER,
        HTTP_SEC_FETCH_SITE="same-origin",
        **({"data": str(about.pk), "content_type": "text/plain"} if method == "put" else {}),
    )
    assert response.status_code == 405
    record()
    assert counts() == {}


@pytest.mark.parametrize(
    "body",
    [
        "",
        "abc",
        "-1",
        "0",
        "99999999",
        "9" * 12,
        "9" * 40,
        "1" * 100_000,
        "12; DROP TABLE x",
        "\x00",
        '{"page": 1}',
    ],
)
def test_junk_is_answered_204_and_counts_nothing(client, site, body):
    response = client.post(
        BEACON_URL,
        body,
        content_type="application/octet-stream",
        HTTP_USER_AGENT=BROWSER,
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 204
    record()
    assert counts() == {}


def test_unpublished_private_and_root_pages_are_not_counted(client, site, about):
    services = ContentPage.objects.get(slug="services")
    services.unpublish()
    PageViewRestriction.objects.create(
        page=about, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    root = Page.get_first_root_node()
    for page in (services, about, root):
        beacon(client, page.pk)
    record()
    assert counts() == {}
    # Nor do they carry the attribute (the private page asks for its password).
    assert visit_page_id(client.get("/about/")) is None


def test_a_page_published_later_is_counted_at_once(client, site, about):
    about.unpublish()
    beacon(client, about.pk)  # caches the set without it
    about.save_revision().publish()
    beacon(client, about.pk)
    record()
    assert counts() == {about.pk: 1}


def test_previews_admin_pages_and_other_views_carry_no_attribute(client, site, about, admin_user):
    about.title = "Draft title"
    preview = about.make_preview_request()
    assert "Draft title" in preview.content.decode()
    assert "data-visit-page" not in preview.content.decode()
    assert "visits.js" not in preview.content.decode()
    assert visit_page_id(client.get("/search/?q=anxiety")) is None
    assert visit_page_id(client.get("/no-such-page/")) is None
    client.force_login(admin_user)
    for url in (f"/admin/pages/{about.pk}/edit/", "/admin/", "/admin/reports/visits/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "data-visit-page" not in response.content.decode(), url


# --- The batch ----------------------------------------------------------------------------------


def test_no_count_is_lost_between_increments_and_flushes(site):
    """Threads count while another takes batches: each count is in exactly one batch."""
    page_ids = list(Page.objects.live().filter(depth__gt=1).values_list("pk", flat=True))[:3]
    per_thread, threads = 5000, 4
    taken: list[list] = []

    def count():
        for _ in range(per_thread):
            for pk in page_ids:
                visit_batch.add(pk)

    counting = [threading.Thread(target=count) for _ in range(threads)]
    for thread in counting:
        thread.start()
    while any(thread.is_alive() for thread in counting):
        taken.extend(visit_batch.take())
    taken.extend(visit_batch.take())
    assert sum(count for _, _, count in taken) == per_thread * threads * len(page_ids)


def test_a_batch_the_database_refuses_is_kept_for_the_next_flush(client, about, monkeypatch):
    beacon(client, about.pk)
    beacon(client, about.pk)

    class Refused:
        """The job queue while the database restarts."""

        def enqueue(self, *args, **kwargs):
            raise OperationalError("the database is restarting")

    monkeypatch.setattr(visit_batch, "record_visits", Refused())
    assert visit_batch.flush() == 0
    monkeypatch.undo()
    beacon(client, about.pk)
    assert visit_batch.flush() == 3
    run_queued_jobs()
    assert counts() == {about.pk: 3}


def test_the_worker_drops_counts_of_pages_deleted_meanwhile(client, site, about):
    services = ContentPage.objects.get(slug="services")
    beacon(client, about.pk)
    beacon(client, services.pk)
    visit_batch.flush()
    services.delete()
    run_queued_jobs()
    assert counts() == {about.pk: 1}


def test_the_counts_of_a_deleted_page_go_with_it(client, about):
    beacon(client, about.pk)
    record()
    about.delete()
    assert not VisitCount.objects.exists()


# --- The report -------------------------------------------------------------------------------


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def history(site, about):
    """About: 3 views today, 4 ten days ago, 100 two years ago. An article: 5 today."""
    article = ArticlePage.objects.live().first()
    VisitCount.objects.bulk_create(
        [
            VisitCount(date=days_ago(0), page=about, count=3),
            VisitCount(date=days_ago(10), page=about, count=4),
            VisitCount(date=days_ago(730), page=about, count=100),
            VisitCount(date=days_ago(0), page=article, count=5),
        ]
    )
    return about, article


def make_inquiry(created, **fields):
    inquiry = Inquiry.objects.create(
        name="Alex", email="alex@example.com", message="Hello", client_hash="0" * 64, **fields
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(created=created)
    return inquiry


def rows_of(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
        if "<td>" in row
    ]


def test_the_report_shows_views_per_page_for_the_period(client, admin_user, history):
    about, article = history
    client.force_login(admin_user)
    last_week = client.get("/admin/reports/visits/?days=7").content.decode()
    assert rows_of(last_week, "views-per-page") == [
        [article.title, article.url, "5"],
        [about.title, about.url, "3"],
    ]
    month = client.get("/admin/reports/visits/?days=30").content.decode()
    assert [about.title, about.url, "7"] in rows_of(month, "views-per-page")
    assert "<strong>12</strong> views" in month
    year = client.get("/admin/reports/visits/?days=365").content.decode()
    assert [about.title, about.url, "7"] in rows_of(year, "views-per-page")  # not 2 years ago
    default = client.get("/admin/reports/visits/?days=9999").content.decode()
    assert "<strong>12</strong> views" in default  # an unknown period is the last 30 days


def test_the_top_articles_are_articles_only(client, admin_user, history):
    about, article = history
    client.force_login(admin_user)
    html = client.get("/admin/reports/visits/").content.decode()
    assert rows_of(html, "top-articles") == [[article.title, "5"]]


def test_the_charts_are_inline_svg_with_the_numbers_as_a_table(client, admin_user, history):
    client.force_login(admin_user)
    html = client.get("/admin/reports/visits/?days=7").content.decode()
    svg = re.search(r'<svg[^>]*data-chart="views-per-day".*?</svg>', html, re.S)[0]
    assert 'role="img"' in svg
    assert 'aria-labelledby="views-per-day-title views-per-day-desc"' in svg
    assert '<title id="views-per-day-title">Views per day</title>' in svg
    assert svg.count("<rect") == 7
    assert f"<title>{days_ago(0).isoformat()}: 8</title>" in svg
    assert "<script" not in html.split("<main", 1)[-1].split("</main>")[0]


def test_inquiries_per_week_leave_out_spam(client, admin_user, site):
    now = timezone.now()
    make_inquiry(now)
    make_inquiry(now)
    make_inquiry(now, status=Inquiry.Status.SPAM)
    make_inquiry(now - datetime.timedelta(days=14))
    make_inquiry(now - datetime.timedelta(days=60))  # outside the last 30 days
    client.force_login(admin_user)
    html = client.get("/admin/reports/visits/?days=30").content.decode()
    assert "<h2>Inquiries per week</h2>" in html
    svg = re.search(r'<svg[^>]*data-chart="series-0".*?</svg>', html, re.S)[0]
    this_week = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    assert f"<title>{this_week.isoformat()}: 2</title>" in svg
    two_weeks_ago = this_week - datetime.timedelta(days=14)
    assert f"<title>{two_weeks_ago.isoformat()}: 1</title>" in svg
    assert re.search(r"<title>[-0-9]+: (\d+)</title>", svg)
    assert sum(int(n) for n in re.findall(r"<title>[-0-9]+: (\d+)</title>", svg)) == 3
    assert "Alex" not in html  # counts, never content
    assert "Hello" not in html


def test_the_csv_has_the_daily_counts_per_page(client, admin_user, history):
    about, article = history
    client.force_login(admin_user)
    response = client.get("/admin/reports/visits/csv/?days=30")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    first = days_ago(29).isoformat()
    last = days_ago(0).isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="visits-{first}-to-{last}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["date", "page id", "page title", "page URL", "views"]
    assert sorted(rows[1:]) == sorted(
        [
            [days_ago(10).isoformat(), str(about.pk), about.title, about.url, "4"],
            [last, str(about.pk), about.title, about.url, "3"],
            [last, str(article.pk), article.title, article.url, "5"],
        ]
    )


def test_the_reports_queries_do_not_grow_with_the_pages(
    client, admin_user, site, django_assert_max_num_queries
):
    client.force_login(admin_user)
    client.get("/admin/reports/visits/")  # Wagtail's caches of the admin menus and sites

    def queries_with(page_count: int) -> int:
        pages = Page.objects.live().filter(depth__gt=1)[:page_count]
        VisitCount.objects.all().delete()
        VisitCount.objects.bulk_create(
            VisitCount(date=days_ago(day), page=page, count=1)
            for page in pages
            for day in range(20)
        )
        with CaptureQueriesContext(connection) as context:
            assert client.get("/admin/reports/visits/").status_code == 200
            assert client.get("/admin/reports/visits/csv/").status_code == 200
        return len(context.captured_queries)

    assert Page.objects.live().filter(depth__gt=1).count() >= 10
    queries_with(1)  # caches what a first report asks once (content types, site roots)
    assert queries_with(2) == queries_with(10)
    with django_assert_max_num_queries(30):
        client.get("/admin/reports/visits/?days=365")


def test_only_those_with_the_permission_see_the_report(client, site, django_user_model):
    anonymous = client.get("/admin/reports/visits/")
    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]
    assert client.get("/admin/reports/visits/csv/").status_code == 302

    editor = django_user_model.objects.create_user("editor", password="x" * 16)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    for url in ("/admin/reports/visits/", "/admin/reports/visits/csv/"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "views" not in response.content.decode().lower(), url
    assert "/admin/reports/visits/" not in client.get("/admin/").content.decode()

    editor.user_permissions.add(Permission.objects.get(codename="view_visitcount"))
    editor = django_user_model.objects.get(pk=editor.pk)  # permissions are cached per object
    client.force_login(editor)
    response = client.get("/admin/reports/visits/")
    assert response.status_code == 200
    assert "Views per day" in response.content.decode()
    assert "/admin/reports/visits/" in client.get("/admin/").content.decode()  # the menu
    # Counts of inquiries only for those who may open the inbox.
    assert "Inquiries per week" not in response.content.decode()


def test_the_permission_can_be_given_to_a_group(client, admin_user, site):
    client.force_login(admin_user)
    editors = Group.objects.get(name="Editors")
    html = client.get(f"/admin/groups/edit/{editors.pk}/").content.decode()
    view_visits = Permission.objects.get(codename="view_visitcount")
    assert f'value="{view_visits.pk}"' in html


def test_the_demo_counts_its_own_pages_once(demo_site):
    seeded = VisitCount.objects.aggregate(total=Sum("count"))["total"]
    assert seeded
    call_command("seed_demo", stdout=io.StringIO())
    assert VisitCount.objects.aggregate(total=Sum("count"))["total"] == seeded
