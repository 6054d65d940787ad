from django.contrib import messages
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from draftjs_exporter.dom import DOM
from wagtail import hooks
from wagtail.admin.rich_text.converters.html_to_contentstate import InlineEntityElementHandler
from wagtail.admin.rich_text.editors.draftail.features import EntityFeature
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.rich_text import LinkHandler

from articles.csl import FIELD_NAMES as REFERENCE_FIELDS
from articles.doi_lookup import lookup_view
from articles.models import ArticlePage, ArticleReference
from articles.reference_import import import_view


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
    # Wagtail's autosave (a JSON request every few keystrokes) runs this hook too; a
    # message from it would wait in the session, and the next page would show one per
    # autosave. The editor marks such citations itself; Save and Publish warn once.
    if not isinstance(page, ArticlePage) or not request.accepts("text/html"):
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


class ReadOnlyPolicy(ModelPermissionPolicy):
    """References are edited inside their article (so that revisions keep them), never here."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, action)


class ReferenceViewSet(ModelViewSet):
    """Every reference of every article in one list: the practice's bibliography."""

    model = ArticleReference
    menu_label = "References"
    icon = "list-ul"
    add_to_admin_menu = True
    menu_order = 250
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["short_citation", "title", "kind", "year", "page"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "container", "authors", "doi"]
    search_backend_name = None
    sort_order_field = None
    list_export = ["apa_entry", "kind", "year", "title", "container", "doi", "url", "page"]
    export_filename = "references"
    inspect_view_fields = ["apa_entry", "page", *REFERENCE_FIELDS]

    @property
    def permission_policy(self):
        return ReadOnlyPolicy(self.model)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(default_ordering="title", **kwargs)


@hooks.register("register_admin_viewset")
def register_reference_viewset():
    return ReferenceViewSet("references")


@hooks.register("register_admin_urls")
def register_reference_intake_urls():
    return [
        path("articles/doi-lookup/", lookup_view, name="articles_doi_lookup"),
        path(
            "articles/<int:page_id>/import-references/",
            import_view,
            name="articles_import_references",
        ),
    ]


@hooks.register("insert_editor_js")
def doi_lookup_script():
    # The lookup address travels as a data attribute: no inline script in the admin either.
    return format_html(
        '<script src="{}" data-lookup-url="{}" defer></script>',
        static("js/articles-doi.js"),
        reverse("articles_doi_lookup"),
    )


class ImportReferencesMenuItem(PageMenuItem):
    label = "Import references"
    icon_name = "doc-full"
    url_name = "articles_import_references"
    priority = 68

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_edit()


@hooks.register("register_page_header_buttons")
def import_references_button(page, user, view_name, next_url=None):
    if issubclass(page.specific_class or type(page), ArticlePage):
        yield ImportReferencesMenuItem(page=page)
