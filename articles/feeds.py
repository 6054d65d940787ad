"""RSS and Atom feeds of the latest articles of the site that serves the request.

Every address in a feed comes from the Site's hostname, as the canonical URLs and the
sitemap do, never from the request's Host header: readers keep an item's link as its GUID,
so another name for the same server must not make every article new again.
"""

import copy
import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from wagtail.models import Site

from articles.models import ArticleIndexPage, ArticlePage
from practice.models import PracticeSettings

FEED_LENGTH = 20


class ArticlesFeed(Feed):
    description = "New articles from the practice."

    def __call__(self, request, *args, **kwargs):
        # One Feed instance serves every request: work on a copy that may hold the request.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        site = Site.find_for_request(request)  # falls back to the default site, if any
        if site is None:
            raise Http404("No site serves this host.")
        self.practice = PracticeSettings.for_site(site)
        self.index = ArticleIndexPage.objects.descendant_of(site.root_page).live().first()
        return site

    def title(self, site):
        return f"{self.practice.practice_name}: articles"

    def link(self, site):
        page = self.index or site.root_page
        return page.get_full_url(self.request) or site.root_url + "/"

    def feed_url(self, site):
        return site.root_url + self.request.path

    def author_name(self, site):
        return self.practice.therapist_name or self.practice.practice_name

    def items(self, site):
        return (
            ArticlePage.objects.descendant_of(site.root_page)
            .live()
            .public()
            .defer_streamfields()
            .order_by("-date", "-first_published_at", "-pk")
            .prefetch_related("tagged_items__tag")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_author_name(self, item):
        return item.author_name(self.practice)

    def item_pubdate(self, item):
        midnight = datetime.datetime.combine(item.date, datetime.time.min)
        return timezone.make_aware(midnight)

    def item_updateddate(self, item):
        return item.last_published_at or self.item_pubdate(item)

    def item_categories(self, item):
        return [tagged.tag.name for tagged in item.tagged_items.all()]


class ArticlesAtomFeed(ArticlesFeed):
    feed_type = Atom1Feed
    subtitle = ArticlesFeed.description
