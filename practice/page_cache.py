"""Whole public pages for anonymous visitors, kept in Django's cache.

Public pages are the same for every anonymous visitor, so the first visitor's page is
stored and the next ones get it without the database. The middleware sits right after
WhiteNoise: a hit skips sessions, authentication, CSRF, routing and rendering. Headers
set further in (X-Frame-Options, the security headers) are stored with the page;
SecurityMiddleware, further out, adds its own to every answer.

Only what is certainly the same for everyone is served or stored:

- requests: GET or HEAD, outside the admin, not a preview (which Wagtail passes through
  the middleware at the page's own URL, marked `is_dummy`), without a session or
  messages cookie (a signed-in editor, who gets the user bar, is never served a stored
  page nor stores one) and without an Authorization header;
- query strings: only ?page= and ?tag= (the article index), each once, with a value
  that can be a page number or a tag; anything else is served uncached, so made-up
  query strings cannot fill the cache. A page stores its answer to a query string only
  if it declared that it reads those parameters (uses_query); otherwise /about/?page=2
  would be one more copy of /about/ for every number;
- responses: status 200, not streamed, no Set-Cookie, no Vary, no Cache-Control
  private / no-store / no-cache, and the CSRF token was not used while rendering; or a
  private answer whose view declared which of its values are the visitor's own (the
  contact form: practice/per_visitor.py), stored without them and filled in per
  request. Redirects (301 and 302) are cheap to make and a 404 can be asked for at any
  made-up address, so neither is stored.

Entries carry the content generation (practice/generation.py): any change to what
public pages show empties the cache at once. PAGE_CACHE_SECONDS bounds how long an
entry lives (0 turns the cache off), which is also how late a process with its own
in-process cache sees a change, and how long the server-rendered "this week" can be
behind the date (hours.js corrects it in the browser anyway).

Answers carry `X-Cache: hit` or `X-Cache: miss` (rendered and stored); it says nothing
about the visitor, since every visitor gets the same page.
"""

import hashlib
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils.cache import cc_delim_re

from practice import generation, per_visitor
from practice.sites import ADMIN_PATH

QUERY_VALUES = {
    "page": re.compile(r"[1-9][0-9]{0,5}"),
    "tag": re.compile(r"[-a-zA-Z0-9_]{1,100}"),
}
UNSTORABLE_CACHE_CONTROL = {"private", "no-store", "no-cache"}


def uses_query(request, *names: str) -> None:
    """Called by a page that reads these query parameters, so that its answers to them
    may be stored."""
    request.page_cache_query = frozenset(names)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        key = cache_key(request) if seconds > 0 else None
        if key is None:
            return self.get_response(request)
        current, entry = generation.lookup(key)
        if entry is not None:
            return thaw(request, entry)
        response = self.get_response(request)
        values = per_visitor.declared(request)
        if values is not None:
            if not per_visitor.storable(request, response):
                return response
            stored = per_visitor.freeze(response, values)
        elif storable(request, response):
            stored = freeze(response)
        else:
            return response
        # With the generation read before rendering: a change made meanwhile leaves this
        # entry unused.
        generation.store(key, current, stored, seconds)
        response["X-Cache"] = "miss"
        return response


def cache_key(request) -> str | None:
    """The key of the page the request asks for, or None if it must not be cached."""
    if request.method not in ("GET", "HEAD") or request.path.startswith(ADMIN_PATH):
        return None
    if getattr(request, "is_dummy", False):
        return None  # a preview: Wagtail renders it through the middleware at the page's URL
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    query = normalized_query(request)
    if query is None:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # the view answers 400
    url = f"{request.scheme}://{host}{request.path}?{query}"
    return "page:" + hashlib.sha256(url.encode()).hexdigest()


def normalized_query(request) -> str | None:
    pairs = []
    for name in request.GET:
        values = request.GET.getlist(name)
        pattern = QUERY_VALUES.get(name)
        if pattern is None or len(values) != 1 or not pattern.fullmatch(values[0]):
            return None
        pairs.append((name, values[0]))
    return urlencode(sorted(pairs))


def storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Vary") or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    directives = {
        directive.split("=", 1)[0].strip().lower()
        for directive in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if directives & UNSTORABLE_CACHE_CONTROL:
        return False
    return set(request.GET) <= getattr(request, "page_cache_query", frozenset())


def freeze(response) -> tuple:
    return response.status_code, list(response.items()), response.content


def thaw(request, entry: tuple) -> HttpResponse:
    status, headers, content, *per_visitor_parts = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response["X-Cache"] = "hit"
    if per_visitor_parts:
        return per_visitor.fill(request, response, *per_visitor_parts)
    return response
