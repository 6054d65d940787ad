from django.contrib import messages
from django.utils.html import format_html
from draftjs_exporter.dom import DOM
from wagtail import hooks
from wagtail.admin.rich_text.converters.html_to_contentstate import InlineEntityElementHandler
from wagtail.admin.rich_text.editors.draftail.features import EntityFeature
from wagtail.rich_text import LinkHandler

from articles.models import ArticlePage


class CitationLinkHandler(LinkHandler):
    """Where a citation is shown outside its article (no reference list): plain words."""

    identifier = "citation"

    @classmethod
    def expand_db_attributes(cls, attrs):
        return '<a class="citation">'


class CitationElementHandler(InlineEntityElementHandler):
    mutability = "IMMUTABLE"

    def get_attribute_data(self, attrs):
        return {
            "ref": attrs.get("data-ref", ""),
            "locator": attrs.get("data-locator", ""),
            "narrative": attrs.get("data-narrative") == "1",
        }


def citation_entity_decorator(props):
    attributes = {"linktype": "citation", "data-ref": props.get("ref", "")}
    if props.get("locator"):
        attributes["data-locator"] = props["locator"]
    if props.get("narrative"):
        attributes["data-narrative"] = "1"
    return DOM.create_element("a", attributes, props["children"])


@hooks.register("register_rich_text_features")
def register_citation_feature(features):
    features.register_link_type(CitationLinkHandler)
    features.register_editor_plugin(
        "draftail",
        "citation",
        EntityFeature(
            {"type": "CITATION", "label": "Cite", "description": "Cite a reference"},
            js=["js/articles-citations.js"],
            css={"all": ["css/articles-admin.css"]},
        ),
    )
    features.register_converter_rule(
        "contentstate",
        "citation",
        {
            "from_database_format": {'a[linktype="citation"]': CitationElementHandler("CITATION")},
            "to_database_format": {"entity_decorators": {"CITATION": citation_entity_decorator}},
        },
    )


def warn_about_missing_citations(request, page):
    if not isinstance(page, ArticlePage):
        return
    missing = page.missing_citation_keys()
    if missing:
        messages.warning(
            request,
            format_html(
                "{} citation(s) in “{}” point to a reference that has been deleted. They show "
                "as plain text on the page: cite an existing reference or remove them.",
                len(missing),
                page.title,
            ),
        )


hooks.register("after_create_page", warn_about_missing_citations)
hooks.register("after_edit_page", warn_about_missing_citations)
