"""The contact page. Inquiries live in contact/inquiries.py, which the page's views use;
this module only brings both together for Django."""

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from contact.inquiries import MESSAGE_MAX_LENGTH, Inquiry
from contact.views import contact_form, thank_you
from practice.descriptions import plain_description
from practice.routing import CachedViewRestrictionsMixin

__all__ = ["MESSAGE_MAX_LENGTH", "ContactPage", "Inquiry"]


class ContactPage(RoutablePageMixin, CachedViewRestrictionsMixin, Page):
    """The one public page with per-visitor state: it is never cached (see views)."""

    intro = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text="Shown above the form.",
    )
    thank_you_text = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text="Shown after a message was sent.",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("thank_you_text")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["practice.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = "contact page"

    @property
    def summary(self) -> str:
        """The description for search engines and search results when the Promote tab's
        search description is empty."""
        return plain_description(self.intro)

    @path("")
    def form_view(self, request):
        return contact_form(request, self)

    @path("thank-you/", name="thank_you")
    def thank_you_view(self, request):
        return thank_you(request, self)
