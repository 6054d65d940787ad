"""/search/: articles and content pages, through Wagtail's database search backend."""

import re

from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, When
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe
from wagtail.models import Page, Site, get_page_models

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10
# PostgreSQL refuses NUL in text; other control characters only add noise.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(raw: str) -> str:
    return " ".join(CONTROL_CHARACTERS.sub(" ", raw).split())[:MAX_QUERY_LENGTH]


def searchable_page_types() -> list[type[Page]]:
    """Page types that say `in_site_search = True`: the apps opt in, so this module needs
    to import none of them."""
    return [model for model in get_page_models() if getattr(model, "in_site_search", False)]


def in_order_specific(pages) -> list[Page]:
    """The specific pages for a page of results, in result order, one query per type."""
    ids = [page.pk for page in pages]
    if not ids:
        return []
    order = Case(
        *(When(pk=pk, then=position) for position, pk in enumerate(ids)),
        output_field=IntegerField(),
    )
    return list(
        Page.objects.filter(pk__in=ids)
        .annotate(result_order=order)
        .order_by("result_order")
        .specific()
    )


@require_safe
def search(request):
    query = clean_query(request.GET.get("q", ""))
    results = Page.objects.none()
    site = Site.find_for_request(request)
    if query and site:
        # Articles and prose of this site only: not the home, index or contact pages.
        results = (
            Page.objects.live()
            .public()
            .descendant_of(site.root_page, inclusive=True)
            .type(*searchable_page_types())
            .search(query)
        )
    paginator = Paginator(results, RESULTS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "practice/search.html",
        {
            "query": query,
            "results": page_obj,
            "result_pages": in_order_specific(page_obj.object_list),
            "page_range": paginator.get_elided_page_range(
                page_obj.number, on_each_side=2, on_ends=1
            ),
        },
    )
