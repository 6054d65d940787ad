"""Any change that can alter a public page replaces the content generation
(practice/generation.py), which empties the page cache and the cached site data.

Pages: publishing (scheduled go-live too: `publish_scheduled` publishes through the same
code), unpublishing (scheduled expiry too), moving or reordering (the menu follows the
tree) and deleting. A draft save changes nothing public and purges nothing. Also the
practice details, the policies setting (the footer's links), sites, privacy settings,
redirects, images and their renditions (a page's image URLs), documents (links in text)
and tags. The office hours are in hours/signals.py.

Each also purges the HTTP cache in front, when there is one (practice/front_cache.py).
"""

from django.db.models.signals import post_delete, post_save
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from practice import front_cache
from practice.generation import invalidate


def page_changed(**kwargs) -> None:
    """Published or unpublished: purge the page and what lists it."""
    invalidate()
    front_cache.page_changed(**kwargs)


def site_wide_change(**kwargs) -> None:
    """Anything else: every page may show it."""
    invalidate()
    front_cache.everything_changed()


def connect() -> None:
    from practice.models import PolicySettings, PracticeSettings

    page_published.connect(page_changed, dispatch_uid="content-published")
    page_unpublished.connect(page_changed, dispatch_uid="content-unpublished")
    post_page_move.connect(site_wide_change, dispatch_uid="content-moved")
    post_delete.connect(site_wide_change, sender=Page, dispatch_uid="content-delete-Page")
    image = get_image_model()
    sources = (
        PracticeSettings,
        PolicySettings,
        Site,
        PageViewRestriction,
        Redirect,
        image,
        get_document_model(),
        Tag,
    )
    for model in sources:
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                site_wide_change, sender=model, dispatch_uid=f"content-{name}-{model.__name__}"
            )
    # Renditions are made while pages render; only their removal changes a page.
    rendition = image.get_rendition_model()
    post_delete.connect(site_wide_change, sender=rendition, dispatch_uid="content-delete-rendition")
