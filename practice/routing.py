"""Routing to a page, and its privacy check, from the cache instead of the database.

Wagtail finds the page for a URL one path component at a time, and each step costs two
queries: the child with that slug, then its specific form. Pages served from the whole-page
cache never route, but the contact form (every GET and POST) and every page's first request
after a change do. Here a parent keeps each child it routed to in the cache, built in the
content generation (practice/generation.py), so publishing, unpublishing, moving or
deleting a page is seen at once, as in the page cache. The child then routes the rest of
the path itself, as usual: sub-pages of a routable page, a child that is not live (404).

A slug that matches no child is not kept, so made-up URLs cannot fill the cache.

Then Wagtail checks the page's privacy settings with two more queries (its ancestors, then
their restrictions), though most sites make no page private at all. While no page view
restriction exists, which the cache knows in the same generation (adding or removing one
replaces it), the answer needs no query.
"""

import hashlib

from django.http import Http404
from wagtail.models import Page, PageViewRestriction

from practice import generation


class CachedChildRoutesMixin:
    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        child = cached_child(self, path_components[0])
        if child is None:
            raise Http404
        child._cached_parent_obj = self  # as Wagtail's route sets it: get_parent() is free
        return child.route(request, path_components[1:])


def cached_child(parent, slug: str):
    """The specific child page of `parent` with this slug, live or not, or None."""
    # Hashed: a slug in a URL can be any length, and any letters.
    key = f"route:{parent.pk}:{hashlib.sha256(slug.encode()).hexdigest()[:32]}"
    return generation.cached(key, lambda: _load_child(parent, slug))


def _load_child(parent, slug: str):
    # Not parent.get_children(): a parent kept in the cache may still count no children
    # (numchild) when one has been added, and treebeard then answers none without asking.
    child = Page.objects.filter(
        path__startswith=parent.path, depth=parent.depth + 1, slug=slug
    ).first()
    return child.specific if child is not None else None


class CachedViewRestrictionsMixin:
    def get_view_restrictions(self):
        if not any_view_restrictions():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


def any_view_restrictions() -> bool:
    """Whether any page of any site is private (password, sign-in or groups)."""
    return generation.cached("view-restrictions:any", PageViewRestriction.objects.exists)
