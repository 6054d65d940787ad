"""Purging the HTTP cache in front of the site (Varnish, varnish/default.vcl) whenever
something public changes: the same changes that replace the content generation
(practice/signals.py, hours/signals.py), which empties the site's own page cache.

Off unless FRONTEND_CACHE_URL names the cache (settings.WAGTAILFRONTENDCACHE is then set).
Purges are jobs on the task queue, enqueued in the transaction of the change: a visitor
never waits on the cache, an editor's save never fails because the cache is down, and a
purge is never sent before the change it announces is committed (a request in between
would store the old page again). The worker sends them.

- A page published or unpublished: PURGE its URLs, its ancestors' (they list it), the
  sitemap and the site-wide listings apps register (the article feeds). A page shown in
  the menu or linked from the footer (practice/policies.py) changes every page, so that
  bans everything instead.
- Anything else (moves, deletions, the practice details, hours, sites, privacy, redirects,
  images, documents, tags): BAN, which the VCL turns into "everything is stale".
"""

import logging
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django_tasks import task
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.utils import PurgeBatch, get_backends
from wagtail.models import Site

from practice import policies

logger = logging.getLogger(__name__)

# Seconds to wait for the cache: the worker, not a visitor, waits.
TIMEOUT = 5

# URL names of pages that list pages from every part of the site (feeds), by app.
_site_wide_url_names: list[str] = ["sitemap"]


def purge_on_publish(*url_names: str) -> None:
    """Called by an app whose views list pages site-wide, so that publishing purges them."""
    _site_wide_url_names.extend(name for name in url_names if name not in _site_wide_url_names)


def enabled() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


class VarnishBackend(HTTPBackend):
    """Wagtail's HTTP PURGE backend, with a timeout and BAN; no error escapes."""

    def purge(self, url):
        parts = urlsplit(url)
        target = urlunsplit((self.cache_scheme, self.cache_netloc, parts.path, parts.query, ""))
        self._send("PURGE", target, parts.netloc)

    def ban_everything(self):
        self._send("BAN", urlunsplit((self.cache_scheme, self.cache_netloc, "/", "", "")), None)

    def _send(self, method: str, url: str, host: str | None) -> None:
        headers = {"User-Agent": "practice-front-cache"}
        if host:
            headers["Host"] = host
        request = Request(url, method=method, headers=headers)  # noqa: S310 - the cache's own URL
        try:
            with urlopen(request, timeout=TIMEOUT):  # noqa: S310 - the cache's own URL
                pass
        except HTTPError as error:
            logger.error("The front cache refused %s %s: %s", method, url, error.code)
        except (URLError, OSError) as error:
            logger.error("The front cache did not answer %s %s: %s", method, url, error)


@task()
def ban_everything() -> None:
    for backend in get_backends().values():
        if hasattr(backend, "ban_everything"):
            backend.ban_everything()
        else:
            logger.warning("Front cache backend %s cannot ban everything", backend)


def page_changed(instance, **kwargs) -> None:
    """Signal receiver for page_published and page_unpublished."""
    if not enabled():
        return
    page = instance
    if page.show_in_menus or policies.is_linked(page):
        ban_everything.enqueue()
        return
    batch = PurgeBatch()
    batch.add_page(page)
    batch.add_pages(page.get_ancestors().filter(depth__gt=1).live().specific())
    for site in Site.objects.all():
        root = site.root_url.rstrip("/")
        for name in _site_wide_url_names:
            try:
                batch.add_url(root + reverse(name))
            except NoReverseMatch:
                logger.warning("purge_on_publish: no URL named %s", name)
    batch.purge()  # enqueues wagtail.contrib.frontend_cache's purge task


def everything_changed(**kwargs) -> None:
    """Signal receiver for every other change to what public pages show."""
    if enabled():
        ban_everything.enqueue()
