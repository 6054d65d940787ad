"""The contact page. Inquiries live in contact/inquiries.py, which the page's views use;
this module only brings both together for Django."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from contact.inquiries import MESSAGE_MAX_LENGTH, Inquiry
from contact.views import contact_form, thank_you
from practice.descriptions import plain_description
from practice.routing import CachedViewRestrictionsMixin

__all__ = ["MESSAGE_MAX_LENGTH", "ContactPage", "Inquiry"]

DEFAULT_WAITLIST_INTRO = (
    "<p>My caseload is full at the moment, so new clients join a waitlist. Send the form "
    "below to ask for a place: I keep requests in the order they arrive and write to you "
    "as soon as a place opens, usually with a rough idea of the wait first.</p>"
)
DEFAULT_CLOSED_TEXT = (
    "<p>I am not taking new clients at the moment, and I do not keep a waitlist. "
    "These can help you find another therapist sooner:</p>"
    "<ul>"
    "<li>Your health insurer's member services (the number is on the back of your card) "
    "can name therapists in your plan who have openings.</li>"
    '<li><a href="https://findtreatment.gov/">FindTreatment.gov</a>, the US government\'s '
    "confidential locator of mental health and substance use treatment.</li>"
    '<li><a href="https://locator.apa.org/">The American Psychological Association\'s '
    "Psychologist Locator</a> and other therapist directories, which you can search by "
    "place, insurance and speciality.</li>"
    "</ul>"
    "<p>Current and former clients, and anyone with a general question, can still write "
    "with the form below.</p>"
)


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

    # The consultation questions (contact/consultation_questions.py): each can be turned
    # off; an unasked question has no field on the form and stores nothing.
    ask_contact_safety = models.BooleanField(
        "Ask whether email and voicemail are safe",
        default=True,
        help_text="“Is it OK to send email to this address?” and “May we leave a voicemail?”, "
        "for people whose household may not know they are seeking therapy.",
    )
    ask_availability = models.BooleanField(
        "Ask for preferred days and times",
        default=True,
        help_text="Offers the days and parts of the day of the weekly office hours.",
    )
    ask_payment = models.BooleanField(
        "Ask how the person will pay",
        default=True,
        help_text="Self-pay, each insurer in Practice details › Insurance accepted, another "
        "insurer, or not sure.",
    )
    ask_state = models.BooleanField(
        "Ask which state the person lives in",
        default=True,
        help_text="Only when Practice details say telehealth is offered. A state outside "
        "those where you may see clients gets a kind notice before sending.",
    )
    waitlist_intro = RichTextField(
        blank=True,
        default=DEFAULT_WAITLIST_INTRO,
        features=["bold", "italic", "link"],
        help_text="Shown above the form while new clients join a waitlist "
        "(Settings → Practice details → New clients).",
    )
    closed_text = RichTextField(
        "Referral text while closed",
        blank=True,
        default=DEFAULT_CLOSED_TEXT,
        features=["bold", "italic", "link", "ul"],
        help_text="Shown above the form while no new clients are taken: where else to "
        "find a therapist. The form then takes only returning clients and general questions.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldPanel("ask_contact_safety"),
                FieldPanel("ask_availability"),
                FieldPanel("ask_payment"),
                FieldPanel("ask_state"),
            ],
            heading="Questions on the form",
        ),
        MultiFieldPanel(
            [FieldPanel("waitlist_intro"), FieldPanel("closed_text")],
            heading="While not accepting new clients",
        ),
    ]
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
