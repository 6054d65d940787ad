from django import template

from articles import apa
from articles.models import ArticlePage
from practice.jsonld import json_ld_script

register = template.Library()

# {{ structured_data|json_ld }}: the whole <script type="application/ld+json"> element.
register.filter("json_ld", json_ld_script)


@register.simple_tag
def latest_articles(page, count: int = 3) -> list[ArticlePage]:
    """{% latest_articles page as articles %}: the newest live articles below `page` (the
    home page), bodies left out."""
    return list(
        ArticlePage.objects.descendant_of(page)
        .live()
        .public()
        .defer_streamfields()
        .order_by("-date", "-first_published_at", "-pk")[:count]
    )


@register.filter
def page_locator(value: str) -> str:
    """ "307" -> "p. 307", "303-304" -> "pp. 303–304"; anything else as typed."""
    return apa.page_locator(value or "")
