"""Which site a template is rendered for, and that site's practice details, menu and
policy links.

All four are kept in the cache (practice/generation.py), so after the first request a
page costs no query for them: Wagtail would otherwise look the site up, and fetch its
root page (where routing starts), the practice details, the menu and the linked
policies on every request.
"""

import contextlib
from dataclasses import dataclass

from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.models.sites import get_site_for_hostname

from practice import generation

ADMIN_PATH = "/admin/"


class CachedSiteMiddleware:
    """Sets the request's Wagtail site from the cache, as Site.find_for_request keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The admin and previews (Wagtail's "dummy" requests) are left to Wagtail's own
        # lookup in the database, and so is a request this lookup fails for (/healthz/
        # answers 503 without a database).
        if not (
            hasattr(request, "_wagtail_site")
            or getattr(request, "is_dummy", False)
            or request.path.startswith(ADMIN_PATH)
        ):
            with contextlib.suppress(DatabaseError, DisallowedHost):
                request._wagtail_site = cached_site(request)
        return self.get_response(request)


def cached_site(request) -> Site | None:
    """Site.find_for_request's answer, with the root page in its specific form. Keyed by
    the host name, which CommonMiddleware has checked against ALLOWED_HOSTS."""
    hostname = split_domain_port(request.get_host())[0]
    port = request.get_port()
    return generation.cached(f"site:{hostname}:{port}", lambda: _load_site(hostname, port))


def _load_site(hostname: str, port) -> Site | None:
    try:
        site = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None
    site.root_page = site.root_page.specific
    return site


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str
    url_path: str


@dataclass(frozen=True)
class SiteContent:
    practice: object  # PracticeSettings
    menu: tuple[MenuItem, ...]
    policies: tuple = ()  # practice.policies.PolicyLink: the footer's notices


def site_content(site: Site) -> SiteContent:
    """The site's practice details, main menu (the root's live public children that
    are shown in menus) and policy links (practice/policies.py)."""
    return generation.cached(f"site:content:{site.pk}", lambda: _load_content(site))


def _load_content(site: Site) -> SiteContent:
    from practice.models import PracticeSettings
    from practice.policies import policy_links

    pages = site.root_page.get_children().live().public().in_menu().specific(defer=True)
    practice = PracticeSettings.for_site(site)
    # Loaded now, so the cached copy carries the portrait and the home page asks only
    # for its renditions.
    _ = practice.portrait
    return SiteContent(
        practice=practice,
        menu=tuple(
            MenuItem(title=page.title, url=page.get_url(current_site=site), url_path=page.url_path)
            for page in pages
        ),
        policies=policy_links(site),
    )


def site_for_context(context) -> Site | None:
    """The request's site; in previews and emails without a matching request, the page's."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None and (page := context.get("page")) is not None:
        site = page.get_site()
    return site


def practice_settings_for_context(context):
    from practice.models import PracticeSettings

    request = context.get("request")
    if request is not None and Site.find_for_request(request) is not None:
        return PracticeSettings.for_request(request)  # cached, and kept on the request
    site = site_for_context(context)
    return PracticeSettings.for_site(site) if site else None
