from django import template

from articles import apa
from practice.jsonld import json_ld_script

register = template.Library()

# {{ structured_data|json_ld }}: the whole <script type="application/ld+json"> element.
register.filter("json_ld", json_ld_script)


@register.filter
def page_locator(value: str) -> str:
    """ "307" -> "p. 307", "303-304" -> "pp. 303–304"; anything else as typed."""
    return apa.page_locator(value or "")
