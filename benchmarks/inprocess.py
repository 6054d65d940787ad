"""The figures measured inside a Django process (`python -m benchmarks measure`), against the
benchmark's own database and cache: server time as data grows, and SQL queries per page.

"Cold" means the shared cache is empty and this process has forgotten its content types,
as after a deploy; "warm" is the same request again right after.
"""

import math
import statistics
import time
import uuid

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page, Site

from articles.models import ArticleIndexPage, ArticlePage, ArticlePageTag
from benchmarks.content import create_article_with_references, create_articles
from benchmarks.loadtest import submission
from contact import spam
from contact.models import ContactPage, Inquiry

ADMIN_INQUIRIES = "/admin/inquiries/"
# The inbox's small and large listing are measured in this many turns of repeat / turns
# requests each: each turn adds the large number of inquiries again and removes them (a
# few seconds).
LISTING_ROUNDS = 4


class Rollback(Exception):
    pass


def forget_caches() -> None:
    cache.clear()
    ContentType.objects.clear_cache()


def request(client: Client, path: str, data: dict | None = None):
    response = client.post(path, data) if data is not None else client.get(path)
    if response.status_code not in (200, 303):
        raise RuntimeError(f"{path} answered {response.status_code}")
    return response


def cold_milliseconds(client: Client, path: str, repeat: int) -> float:
    """Median server time of `path` with every cache emptied before each request: what a
    request costs when nothing (whole page or part) is cached, which is what grows."""
    return compared_milliseconds(client, {path: path}, repeat)[path]


def compared_milliseconds(client: Client, paths: dict[str, str], repeat: int) -> dict:
    """cold_milliseconds of each path, asked in turn `repeat` times: the machine's speed
    drifts (here between runs of ten requests, by up to half), and taking turns lets the
    drift fall on every path alike instead of on whichever was measured in a slow spell."""
    timings: dict[str, list[float]] = {name: [] for name in paths}
    for path in paths.values():
        request(client, path)
    for _ in range(repeat):
        for name, path in paths.items():
            forget_caches()
            started = time.perf_counter()
            request(client, path)
            timings[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in timings.items()}


def query_count(client: Client, path: str, data: dict | None = None) -> int:
    reset_queries()  # the query log is a bounded deque; a full one would count nothing
    with CaptureQueriesContext(connection) as queries:
        request(client, path, data)
    return len(queries)


def create_inquiries(count: int) -> None:
    """Add `count` inquiries: one saved through the ORM, copied in SQL (100,000 model
    instances would take a minute), each a second older than the one before."""
    if count <= 0:
        return
    first = Inquiry.objects.create(
        name="Bench person",
        email="bench@example.com",
        message="A generated inquiry for measuring the admin listing.",
        client_hash=spam.client_hash("192.0.2.1"),
    )
    quote = connection.ops.quote_name
    fields = [field for field in Inquiry._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(
        f"{quote(field.column)} - make_interval(secs => n)"
        if field.name == "created"
        else quote(field.column)
        for field in fields
    )
    table, key = quote(Inquiry._meta.db_table), quote(Inquiry._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {values} "  # noqa: S608 - our own names
            f"FROM {table}, generate_series(1, %s) AS n WHERE {key} = %s",
            [count - 1, first.pk],
        )


def refresh_statistics(*models) -> None:
    """ANALYZE the tables of `models`, as autovacuum does on a real server once content has
    grown. Without it PostgreSQL plans for the rows it last counted, never the ones added in
    this uncommitted transaction, and measures a plan production never runs."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def growth(client: Client, index, *, articles: int, references: int, inquiries: int, repeat):
    """Server time, small and large, of the article index, an article and the admin inquiry
    listing, each pair measured in turns. Everything it creates is removed again."""
    figures = {}
    try:
        with transaction.atomic():
            create_articles(index, 10 - ArticlePage.objects.child_of(index).count(), tags=2)
            archive = index.get_parent().add_child(
                instance=ArticleIndexPage(title="Archive", slug=f"bench-{uuid.uuid4().hex[:8]}")
            )
            create_articles(archive, articles, tags=2)
            refresh_statistics(Page, ArticlePage, ArticlePageTag)
            figures.update(
                compared_milliseconds(
                    client, {"index_10": index.url, f"index_{articles}": archive.url}, repeat
                )
            )
            pages = {
                f"article_{count}": create_article_with_references(index, count, tags=3).url
                for count in (1, references)
            }
            figures.update(compared_milliseconds(client, pages, repeat))
            raise Rollback
    except Rollback:
        pass
    figures.update(_admin_listing(inquiries, repeat))
    client.logout()
    return figures


def signed_in_superuser() -> tuple[Client, object]:
    """A client signed in as a new superuser through the real two-step sign-in (password,
    then an authenticator code), as production requires of staff."""
    from allauth.mfa.totp.internal import auth as totp

    password = uuid.uuid4().hex
    admin = get_user_model().objects.create_superuser(
        f"bench-{uuid.uuid4().hex[:8]}", "bench@example.com", password
    )
    secret = totp.generate_totp_secret()
    totp.TOTP.activate(admin, secret)
    client = Client(HTTP_HOST="127.0.0.1")
    client.post(reverse("account_login"), {"login": admin.username, "password": password})
    counter = next(totp.yield_hotp_counters_from_time())
    code = totp.format_hotp_value(totp.hotp_value(secret, counter))
    client.post(reverse("mfa_authenticate"), {"code": code})
    answer = client.get(ADMIN_INQUIRIES)
    if answer.status_code != 200:
        raise RuntimeError(f"Signing in for the inbox figures failed: {answer.status_code}")
    return client, admin


def _admin_listing(inquiries: int, repeat: int) -> dict[str, float]:
    """The inbox with 100 inquiries and with `inquiries`, in LISTING_ROUNDS turns (one
    listing cannot show both at once). The large set is committed, then deleted and
    vacuumed away after each turn: rolled back instead, its rows would stay behind, dead
    but still read past by every later small listing. Leaves the database as it was."""
    client, admin = signed_in_superuser()
    before = last_inquiry_pk()
    per_round = max(1, math.ceil(repeat / LISTING_ROUNDS))
    timings: dict[str, list[float]] = {"inquiries_100": [], f"inquiries_{inquiries}": []}
    try:
        create_inquiries(100 - Inquiry.objects.count())
        small = last_inquiry_pk()
        for _ in range(min(repeat, LISTING_ROUNDS)):
            timings["inquiries_100"].append(cold_milliseconds(client, ADMIN_INQUIRIES, per_round))
            create_inquiries(inquiries - Inquiry.objects.count())
            refresh_statistics(Inquiry)
            timings[f"inquiries_{inquiries}"].append(
                cold_milliseconds(client, ADMIN_INQUIRIES, per_round)
            )
            delete_inquiries_after(small)
    finally:
        delete_inquiries_after(before)
        admin.delete()
    return {name: statistics.median(values) for name, values in timings.items()}


def last_inquiry_pk() -> int:
    return Inquiry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def delete_inquiries_after(pk: int) -> None:
    """Delete the inquiries added after `pk` in SQL (the ORM would load them first), and
    VACUUM the table as autovacuum would on a real server."""
    table = connection.ops.quote_name(Inquiry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id > %s", [pk])  # noqa: S608 - our own name
        cursor.execute(f"VACUUM ANALYZE {table}")


def add_bulk_content(index, *, articles: int, references: int) -> ArticlePage:
    """Generated articles beside the demo ones, and the article the load test reads."""
    create_articles(index, articles, tags=2)
    return create_article_with_references(index, references, tags=3)


def queries(client: Client, paths: dict[str, str], contact_path: str) -> dict[str, dict]:
    """SQL queries of each page for an anonymous visitor: cold, warm, and uncached (a
    made-up query string, which a whole-page cache neither serves nor stores, while the
    other caches stay warm: a page rendered afresh); and of a valid contact submission."""
    counts = {}
    for name, path in paths.items():
        forget_caches()
        counts[name] = {
            "cold": query_count(client, path),
            "warm": query_count(client, path),
            "uncached": query_count(client, f"{path}?uncached={uuid.uuid4().hex[:8]}"),
        }
    form = submission({"rendered_at": spam.sign_render_time(time.time() - 60)}, "queries")
    forget_caches()
    counts["contact_post"] = {
        "cold": query_count(client, contact_path, form),
        "warm": query_count(client, contact_path, form),
    }
    return counts


def run(*, articles, references, inquiries, bulk_articles, bulk_references, repeat) -> dict:
    site = Site.objects.get(is_default_site=True)
    index = ArticleIndexPage.objects.descendant_of(site.root_page).get()
    contact = ContactPage.objects.descendant_of(site.root_page).get()
    client = Client(HTTP_HOST="127.0.0.1")
    figures = growth(
        client,
        index,
        articles=articles,
        references=references,
        inquiries=inquiries,
        repeat=repeat,
    )
    article = add_bulk_content(index, articles=bulk_articles, references=bulk_references)
    paths = {
        "home": site.root_page.url,
        "article_index": index.url,
        "article": article.url,
        "contact": contact.url,
        "thank_you": contact.url + contact.reverse_subpage("thank_you"),
    }
    return {
        "paths": paths,
        "growth": figures,
        "queries": queries(client, paths, contact.url),
    }
