"""Private visit counts: how often each public page was seen, per day, and nothing else.

What is stored: a date, a page and a number (VisitCount). No address, user agent,
cookie, referrer, screen, identifier or time of day, and nothing is sent anywhere: the
counts live in the site's own database and are shown only in the admin's report
(practice/visit_report.py).

How a view is counted: a page that can be counted carries its id in a data attribute of
<body> (the same for every visitor, so the page is still cached whole) and loads
static/js/visits.js, which sends that id to POST /visits/ with navigator.sendBeacon.
Counting in the browser is the one way that sees every view: Varnish and the site's page
cache (practice/page_cache.py) answer most requests without the site's code running, so
counting where pages are rendered or in the page cache middleware would miss Varnish's
hits, while the beacon passes both caches (POST is never cached) and costs the page
itself nothing: no work is added to serving it, cached or not.

Not counted: the admin and previews (they carry no attribute); signed-in staff (a
beacon with a session cookie); HEAD and GET (only POST counts); robots that say so in
their user agent (practice/visit_rules.py); beacons from other sites (Sec-Fetch-Site,
else Origin); ids that are not a live public page (a set kept in the cache in the
content generation, practice/generation.py: no query per beacon). The answer is always
an empty 204 and sets no cookie. Visitors whose browser blocks the script are not
counted: the numbers are a floor, not a census.

The beacon writes nothing: practice/visit_batch.py adds counts up in memory and the
worker writes them, once a minute per server process.
"""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, models
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Page

from practice import generation, visit_batch, visit_rules

MAX_BEACON_BYTES = 32


class VisitCount(models.Model):
    """Views of one page on one day (the practice's local date)."""

    date = models.DateField()
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["date", "page"], name="visitcount_one_row_per_day")
        ]
        verbose_name = "visit count"

    def __str__(self):
        return f"{self.date}: page {self.page_id}: {self.count}"


def countable_page_ids() -> frozenset[int]:
    """Ids of the pages visitors can see: live, not private, not the tree's root."""
    return generation.cached(
        "visits:countable-pages",
        lambda: frozenset(
            Page.objects.live().public().filter(depth__gt=1).values_list("pk", flat=True)
        ),
    )


def page_to_count(context) -> int | None:
    """The id a page's template puts in its data attribute, or None: not in previews (the
    page may not be live, or the edit not published), not for pages no visitor can see."""
    page = context.get("page")
    request = context.get("request")
    if not isinstance(page, Page) or request is None:
        return None
    if getattr(request, "is_preview", False) or getattr(request, "is_dummy", False):
        return None
    return page.pk if page.pk in countable_page_ids() else None


# No CSRF token: a forged beacon could only add a view, and should_count refuses other sites.
@csrf_exempt
@require_POST
def count_visit(request):
    """The beacon. Always an empty 204, whether it counted or not."""
    if should_count(request):
        body = request.read(MAX_BEACON_BYTES + 1)
        page_id = visit_rules.page_id(body) if len(body) <= MAX_BEACON_BYTES else None
        try:
            if page_id is not None and page_id in countable_page_ids():
                visit_batch.add(page_id)
        except DatabaseError:
            pass  # the set of pages cannot be built just now: one view goes uncounted
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


def should_count(request) -> bool:
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return False  # staff, signed in
    if visit_rules.is_bot(request.headers.get("User-Agent", "")):
        return False
    try:
        own_origin = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return False
    return visit_rules.is_same_origin(
        request.headers.get("Sec-Fetch-Site"), request.headers.get("Origin"), own_origin
    )
