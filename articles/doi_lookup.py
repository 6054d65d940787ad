"""Reference metadata for a DOI: content negotiation at the resolver, Crossref as fallback.

Only a DOI goes in: it is normalised and checked with the same rules as the reference
form, and the server builds the address itself from its settings, so the endpoint cannot be
used to fetch anything but DOI metadata. The metadata itself is never logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import urllib.error
import urllib.request
from urllib.parse import quote

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


def _fetch_json(url: str, accept: str) -> object:
    # Only ever http(s) addresses built from the settings and a checked DOI.
    request = urllib.request.Request(  # noqa: S310
        url, headers={"Accept": accept, "User-Agent": "practice-site reference lookup"}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.DOI_LOOKUP_TIMEOUT) as response:  # noqa: S310
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        if error.code in (404, 410):
            raise NotFound(MESSAGES["not_found"]) from None
        raise LookupFailed(MESSAGES["server"]) from None
    except TimeoutError:
        raise LookupFailed(MESSAGES["timeout"]) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise LookupFailed(MESSAGES["timeout"]) from None
        raise LookupFailed(MESSAGES["network"]) from None
    except (OSError, ValueError):
        raise LookupFailed(MESSAGES["network"]) from None
    if len(body) > MAX_BYTES:
        raise LookupFailed(MESSAGES["invalid"])
    try:
        return json.loads(body)
    except ValueError:
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
