"""Reference metadata for a DOI: content negotiation at the resolver, Crossref as fallback.

Only a DOI goes in: it is normalised and checked with the same rules as the reference
form, and the server builds the address itself from its settings, so the endpoint cannot be
used to fetch anything but DOI metadata. The metadata itself is never logged.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.client
import ipaddress
import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from wagtail.permission_policies.pages import PagePermissionPolicy

from articles import apa, csl

logger = logging.getLogger(__name__)

CSL_JSON = "application/vnd.citationstyles.csl+json"
CACHE_SECONDS = 60 * 60 * 24 * 30  # a work's metadata hardly changes
MAX_BYTES = 2_000_000


class LookupFailed(Exception):
    """A failure the editor can act on; `str()` is the message shown next to the button."""


class NotFound(LookupFailed):
    pass


BY_HAND = "or fill in the fields by hand."
MALFORMED = (
    "That is not a DOI. A DOI starts with 10., a number and a slash, "
    "for example 10.1037/pst0000193."
)
MESSAGES = {
    "not_found": f"No metadata was found for this DOI. Check it for typos, {BY_HAND}",
    "timeout": f"The DOI service took too long to answer. Try again in a moment, {BY_HAND}",
    "invalid": f"The DOI service did not send reference metadata. Try again later, {BY_HAND}",
    "network": f"The DOI service cannot be reached just now. Try again later, {BY_HAND}",
    "server": f"The DOI service had a problem answering. Try again later, {BY_HAND}",
}


def bare_doi(text: str) -> str:
    """ "doi:10.1037/X" or a doi.org link -> "10.1037/X"; LookupFailed for anything else."""
    try:
        doi = apa.normalize_doi(str(text)[:300]).removeprefix(apa.DOI_URL)
    except apa.DOIError:
        raise LookupFailed(MALFORMED) from None
    # Path tricks stay on the resolver's host anyway, but a DOI never needs them.
    if not doi or any(segment in {".", ".."} for segment in doi.split("/")):
        raise LookupFailed(MALFORMED)
    return doi


# Where doi.org sends content negotiation on to: the registration agencies' metadata hosts.
AGENCY_HOSTS = frozenset(
    {"data.crossref.org", "api.crossref.org", "data.datacite.org", "api.datacite.org"}
    | {"data.jalc.go.jp"}
)
MAX_REDIRECTS = 3
DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple:
    parts = urlsplit(url)
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        port = -1
    return parts.scheme, (parts.hostname or "").lower(), port


def _resolves_to_public_addresses(host: str) -> bool:
    try:
        found = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in found}
    return bool(addresses) and all(address.is_global for address in addresses)


def may_follow(url: str) -> bool:
    """A redirect is followed only to the configured services or an agency's https host.

    The configured hosts are trusted as they are (in tests they are loopback http); an
    agency host must also not resolve to a private, loopback or link-local address.
    """
    configured = {_origin(settings.DOI_RESOLVER_URL), _origin(settings.CROSSREF_API_URL)}
    scheme, host, port = _origin(url)
    if (scheme, host, port) in configured:
        return True
    return (
        scheme == "https"
        and port == 443
        and host in AGENCY_HOSTS
        and _resolves_to_public_addresses(host)
    )


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not may_follow(newurl):
            fp.close()
            logger.info("DOI lookup refused a redirect (HTTP %s)", code)
            raise LookupFailed(MESSAGES["server"])
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Deadline:
    """Shuts every connection of one request down when its time is up, whatever it waits on.

    A socket timeout only bounds each read: a server sending a byte now and then would keep
    the editor waiting for ever.
    """

    def __init__(self, seconds: float):
        self.expires = time.monotonic() + seconds
        self.sockets: list[socket.socket] = []
        self.timer = threading.Timer(seconds, self.expire)
        self.timer.daemon = True
        self.timer.start()

    def passed(self) -> bool:
        return time.monotonic() >= self.expires

    def watch(self, sock: socket.socket) -> None:
        self.sockets.append(sock)
        if self.passed():
            self.expire()

    def expire(self) -> None:
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self.timer.cancel()


class _WatchedConnection:
    def __init__(self, *args, deadline: _Deadline, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def connect(self):
        super().connect()
        self.deadline.watch(self.sock)


class _WatchedHTTP(_WatchedConnection, http.client.HTTPConnection):
    pass


class _WatchedHTTPS(_WatchedConnection, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline):
        super().__init__()
        self.deadline = deadline

    def http_open(self, req):
        return self.do_open(functools.partial(_WatchedHTTP, deadline=self.deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline):
        super().__init__()
        self.deadline = deadline

    def https_open(self, req):
        return self.do_open(functools.partial(_WatchedHTTPS, deadline=self.deadline), req)


def _get(url: str, accept: str, deadline: _Deadline) -> bytes:
    opener = urllib.request.build_opener(
        _Redirects(), _HTTPHandler(deadline), _HTTPSHandler(deadline)
    )
    # Only ever http(s) addresses built from the settings and a checked DOI.
    request = urllib.request.Request(  # noqa: S310
        url, headers={"Accept": accept, "User-Agent": "practice-site reference lookup"}
    )
    chunks, size = [], 0
    with opener.open(request, timeout=settings.DOI_LOOKUP_TIMEOUT) as response:
        while chunk := response.read1(64 * 1024):
            size += len(chunk)
            if size > MAX_BYTES:
                raise LookupFailed(MESSAGES["invalid"])
            chunks.append(chunk)
    if deadline.passed():  # the connection was shut down mid-answer
        raise LookupFailed(MESSAGES["timeout"])
    return b"".join(chunks)


def _fetch_json(url: str, accept: str) -> object:
    deadline = _Deadline(settings.DOI_LOOKUP_TIMEOUT)
    try:
        body = _get(url, accept, deadline)
    except urllib.error.HTTPError as error:
        if error.code in (404, 410):
            raise NotFound(MESSAGES["not_found"]) from None
        raise LookupFailed(MESSAGES["server"]) from None
    except (OSError, ValueError, http.client.HTTPException) as error:
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        if deadline.passed() or isinstance(reason, TimeoutError):
            raise LookupFailed(MESSAGES["timeout"]) from None
        if isinstance(error, http.client.HTTPException):
            raise LookupFailed(MESSAGES["server"]) from None  # such as a garbled status line
        raise LookupFailed(MESSAGES["network"]) from None
    finally:
        deadline.cancel()
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # deeply nested arrays exhaust the parser's stack
        raise LookupFailed(MESSAGES["invalid"]) from None


def _from_resolver(doi: str) -> dict:
    data = _fetch_json(f"{settings.DOI_RESOLVER_URL}/{quote(doi, safe='/')}", CSL_JSON)
    if not isinstance(data, dict):
        raise LookupFailed(MESSAGES["invalid"])
    return data


def _from_crossref(doi: str) -> dict:
    data = _fetch_json(
        f"{settings.CROSSREF_API_URL}/works/{quote(doi, safe='/')}", "application/json"
    )
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        raise LookupFailed(MESSAGES["invalid"])
    return message


def cache_key(doi: str) -> str:
    # DOIs are case-insensitive; hashing keeps any character out of the cache key.
    return "articles:doi:" + hashlib.sha256(doi.casefold().encode()).hexdigest()


def lookup(text: str) -> dict:
    """Reference field values for the DOI in `text`, from the cache or the network."""
    doi = bare_doi(text)
    key = cache_key(doi)
    cached = cache.get(key)
    if cached is not None:
        return cached
    errors = []
    for source in (_from_resolver, _from_crossref):
        try:
            item = source(doi)
        except LookupFailed as error:
            errors.append(error)
            continue
        fields = csl.fields_from_csl(item)
        if not fields["title"]:
            errors.append(LookupFailed(MESSAGES["invalid"]))
            continue
        fields["doi"] = apa.DOI_URL + doi
        logger.info("DOI lookup for %s found metadata at %s", doi, source.__name__[6:])
        cache.set(key, fields, CACHE_SECONDS)
        return fields
    # Both failed: say what went wrong, "unknown DOI" only when both said so.
    error = next((e for e in errors if not isinstance(e, NotFound)), errors[0])
    logger.info("DOI lookup for %s failed: %s", doi, type(error).__name__)
    raise error


def can_edit_articles(user) -> bool:
    return PagePermissionPolicy().user_has_any_permission(user, {"change", "add"})


def lookup_view(request):
    """GET ?doi=... -> {"fields": {...}} for the inline form, or {"error": "..."}."""
    if not can_edit_articles(request.user):
        return JsonResponse({"error": "You may not edit articles."}, status=403)
    try:
        fields = lookup(request.GET.get("doi", ""))
    except NotFound as error:
        return JsonResponse({"error": str(error)}, status=404)
    except LookupFailed as error:
        status = 400 if str(error) == MALFORMED else 502
        return JsonResponse({"error": str(error)}, status=status)
    return JsonResponse({"fields": csl.form_values(fields)})
