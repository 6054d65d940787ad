"""Server-time figures for articles, and the fast bulk builders they (and tests) need.

`python -m benchmarks articles` prints the time to render the article index with 10 and with
10,000 articles in the database, and an article with 1 and with 100 references. It works in
a transaction that is rolled back, so the database is left as it was.
"""

import datetime
import statistics
import time
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import connection, reset_queries
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page

from articles.models import ArticlePage, ArticlePageTag, ArticleReference

BATCH = 1000


def create_articles(index, count: int, *, tags: int = 0) -> None:
    """Add `count` live articles under the index in a few queries (no revisions, no search),
    published a day apart up to yesterday, the last one newest, as a real archive is."""
    if count <= 0:
        return
    content_type = ContentType.objects.get_for_model(ArticlePage)
    last = index.get_last_child()
    first_step = Page._str2int(last.path[-Page.steplen :]) + 1 if last else 1
    now, today = timezone.now(), timezone.localdate()
    run = uuid.uuid4().hex[:8]
    pages = []
    for n in range(count):
        slug = f"bench-{run}-{n}"
        days_ago = datetime.timedelta(days=count - n)
        pages.append(
            ArticlePage(
                title=f"Benchmark article {n}",
                draft_title=f"Benchmark article {n}",
                slug=slug,
                path=Page._get_path(index.path, index.depth + 1, first_step + n),
                depth=index.depth + 1,
                numchild=0,
                url_path=f"{index.url_path}{slug}/",
                content_type=content_type,
                locale_id=index.locale_id,
                live=True,
                first_published_at=now - days_ago,
                last_published_at=now - days_ago,
                summary="A generated article for measuring the listing.",
                date=today - days_ago,
                body=[{"type": "paragraph", "value": "<p>Generated text.</p>"}],
                reading_minutes=1,
            )
        )
    for start in range(0, count, BATCH):
        batch = pages[start : start + BATCH]
        Page.objects.bulk_create(batch)  # the wagtailcore_page rows
        for page in batch:
            page.page_ptr_id = page.id
        # The articles_articlepage rows; bulk_create refuses multi-table models.
        ArticlePage._base_manager._insert(
            batch, fields=ArticlePage._meta.local_concrete_fields, raw=True
        )
    Page.objects.filter(pk=index.pk).update(numchild=F("numchild") + count)
    index.refresh_from_db()
    if tags:
        tag_objects = [Tag.objects.get_or_create(name=f"bench tag {n}")[0] for n in range(tags)]
        ArticlePageTag.objects.bulk_create(
            ArticlePageTag(content_object_id=page.id, tag=tag)
            for page in pages
            for tag in tag_objects
        )


def create_article_with_references(index, count: int, *, tags: int = 0) -> ArticlePage:
    """A published article with `count` journal references, each cited once in the text."""
    keys = [uuid.uuid4() for _ in range(count)]
    citations = " ".join(
        f'Claim {n} <a linktype="citation" data-ref="{key}" data-locator="p. {n + 1}">(x)</a>.'
        for n, key in enumerate(keys)
    )
    run = uuid.uuid4().hex[:8]
    page = ArticlePage(
        title=f"Article with {count} references",
        slug=f"bench-references-{run}",
        summary="A generated article for measuring references.",
        body=[{"type": "paragraph", "value": f"<p>{citations}</p>"}],
    )
    page.tags.add(*[f"bench tag {n}" for n in range(tags)])
    index.add_child(instance=page)
    ArticleReference.objects.bulk_create(
        ArticleReference(
            page=page,
            sort_order=n,
            key=key,
            kind="journal",
            authors=[
                {"family": f"Author{n}", "given": "Ann B."},
                {"family": "Second", "given": "C."},
                {"family": "Third", "given": "D."},
            ],
            year=2000 + n % 25,
            title=f"Study number {n}",
            container="Journal of Benchmarks",
            volume="1",
            issue="2",
            pages="1-10",
            doi=f"https://doi.org/10.5555/bench.{n}",
        )
        for n, key in enumerate(keys)
    )
    page.save_revision().publish()
    return page


def measure(client: Client, url: str, repeat: int = 20) -> tuple[float, int]:
    """Median server time in milliseconds over `repeat` requests, and the queries of one."""
    client.get(url)  # warm caches, as a running server has them
    reset_queries()  # the query log is a bounded deque; a full one would count nothing
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), len(queries)
