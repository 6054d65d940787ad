from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from practice import fees, licensure
from practice.blocks import ContentBodyBlock, FeeBlock
from practice.descriptions import plain_description
from practice.routing import CachedChildRoutesMixin, CachedViewRestrictionsMixin
from practice.visits import VisitCount  # noqa: F401 (the model lives with its beacon)


def validate_licensed_states(value: str) -> None:
    try:
        licensure.parse(value)
    except licensure.LicensureError as error:
        raise ValidationError(str(error)) from error


DEFAULT_CRISIS_NOTICE = (
    "If you are in crisis or thinking about harming yourself, call or text 988 "
    "(Suicide & Crisis Lifeline). In an emergency, call 911 or go to the nearest "
    "emergency room. This website and its contact form are not monitored for emergencies."
)

DEFAULT_WAITLIST_BANNER = (
    "My practice is full at the moment. New clients can ask for a place on the waitlist "
    "through the contact page; I write as soon as a place opens."
)
DEFAULT_CLOSED_BANNER = (
    "My practice is not taking new clients at the moment. Current and former clients can "
    "still write through the contact page, which also lists other ways to find a therapist."
)


@register_setting(icon="home")
class PracticeSettings(BaseSiteSetting):
    """Facts about the practice shown on every page and in structured data."""

    class AcceptingClients(models.TextChoices):
        YES = "yes", "Accepting new clients"
        WAITLIST = "waitlist", "Waitlist for new clients"
        NO = "no", "Not accepting new clients"

    practice_name = models.CharField(max_length=120, default="Psychotherapy practice")
    therapist_name = models.CharField(max_length=120, blank=True)
    credentials = models.CharField(
        max_length=120, blank=True, help_text="For example: PhD, Licensed Psychologist"
    )
    phone = models.CharField(max_length=40, blank=True, help_text="Public phone number.")
    email = models.EmailField(blank=True, help_text="Public email address.")
    telehealth_only = models.BooleanField(
        default=False, help_text="Show “Telehealth only” instead of an address."
    )
    street_address = models.CharField(max_length=200, blank=True)
    locality = models.CharField("City", max_length=100, blank=True)
    region = models.CharField("State", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, default="US", help_text="Two-letter country code.")
    accepting_new_clients = models.CharField(
        max_length=10,
        choices=AcceptingClients.choices,
        default=AcceptingClients.YES,
        help_text="The one switch for taking new clients: it changes the banner on every "
        "page, the contact form, the home page and what search engines are told. "
        "Inquiries already received are kept whichever you choose.",
    )
    waitlist_banner = models.TextField(
        "Banner while on a waitlist",
        default=DEFAULT_WAITLIST_BANNER,
        help_text="Shown at the top of every page while new clients join a waitlist.",
    )
    closed_banner = models.TextField(
        "Banner while not accepting new clients",
        default=DEFAULT_CLOSED_BANNER,
        help_text="Shown at the top of every page while no new clients are taken.",
    )
    crisis_notice = models.TextField(default=DEFAULT_CRISIS_NOTICE)
    portrait = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A portrait of the therapist, shown beside the home page's welcome.",
    )
    portrait_alt_text = models.CharField(
        "Portrait description",
        max_length=250,
        blank=True,
        help_text="What the portrait shows, for people who cannot see it. "
        "Leave blank to use the image's own description.",
    )
    who_we_help = models.TextField(
        "Who the practice helps",
        blank=True,
        help_text="One line each: the people and concerns the practice helps, shown as a list.",
    )
    telehealth_offered = models.BooleanField(
        default=False,
        help_text="Sessions by video are offered (also when the office is telehealth only). "
        "The contact form then asks which state the person lives in.",
    )
    licensed_states = models.TextField(
        "States where you may see clients",
        blank=True,
        validators=[validate_licensed_states],
        help_text=licensure.FORMAT_HELP
        + " PSYPACT and compact states are shown as such, never as licenses.",
    )
    fees = StreamField(
        [("fee", FeeBlock())],
        blank=True,
        help_text="Shown by the “Fees and insurance from practice details” block and in "
        "the structured data for search engines.",
    )
    sliding_scale = models.BooleanField(
        "Sliding scale offered", default=False, help_text="Reduced fees by need."
    )
    sliding_scale_text = models.TextField(
        "About the sliding scale",
        blank=True,
        help_text="For example: “A limited number of reduced-fee places; ask in your message.”",
    )
    insurance_accepted = models.TextField(
        "Insurance accepted",
        blank=True,
        help_text="One insurer per line, as clients know it (e.g. “Aetna”). The contact form "
        "offers these as payment choices; leave empty if you are out of network.",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("practice_name"),
                FieldPanel("therapist_name"),
                FieldPanel("credentials"),
            ],
            heading="Practice",
        ),
        MultiFieldPanel(
            [
                FieldPanel("accepting_new_clients"),
                FieldPanel("waitlist_banner"),
                FieldPanel("closed_banner"),
            ],
            heading="New clients",
        ),
        MultiFieldPanel([FieldPanel("phone"), FieldPanel("email")], heading="Contact"),
        MultiFieldPanel(
            [
                FieldPanel("telehealth_only"),
                FieldPanel("street_address"),
                FieldPanel("locality"),
                FieldPanel("region"),
                FieldPanel("postal_code"),
                FieldPanel("country"),
            ],
            heading="Address",
        ),
        MultiFieldPanel(
            [FieldPanel("telehealth_offered"), FieldPanel("licensed_states")],
            heading="Telehealth and licensure",
        ),
        MultiFieldPanel(
            [
                FieldPanel("fees"),
                FieldPanel("sliding_scale"),
                FieldPanel("sliding_scale_text"),
                FieldPanel("insurance_accepted"),
            ],
            heading="Fees and insurance",
        ),
        MultiFieldPanel(
            [FieldPanel("portrait"), FieldPanel("portrait_alt_text"), FieldPanel("who_we_help")],
            heading="Home page",
        ),
        FieldPanel("crisis_notice"),
    ]

    class Meta:
        verbose_name = "Practice details"

    def __str__(self):
        return self.practice_name

    @classmethod
    def for_request(cls, request):
        """For rendering pages: the cached copy (practice/sites.py), kept on the request.
        The admin edits through for_site, which always reads the database."""
        from practice.sites import site_content

        attr_name = cls.get_cache_attr_name()
        if not hasattr(request, attr_name):
            site = Site.find_for_request(request)
            if site is None:
                return super().for_request(request)  # raises, as Wagtail does
            setting = site_content(site).practice
            setting._request = request
            setattr(request, attr_name, setting)
        return getattr(request, attr_name)

    @property
    def intake_banner(self) -> str:
        """The site-wide banner's text for the current mode; "" while accepting."""
        if self.accepting_new_clients == self.AcceptingClients.WAITLIST:
            return self.waitlist_banner.strip()
        if self.accepting_new_clients == self.AcceptingClients.NO:
            return self.closed_banner.strip()
        return ""

    @property
    def who_we_help_items(self) -> list[str]:
        return [line.strip() for line in self.who_we_help.splitlines() if line.strip()]

    @property
    def offers_telehealth(self) -> bool:
        return self.telehealth_offered or self.telehealth_only

    @property
    def licensure(self) -> list[licensure.Authority]:
        return licensure.parse_leniently(self.licensed_states)

    @property
    def insurers(self) -> list[str]:
        return fees.lines(self.insurance_accepted)

    @property
    def fee_items(self) -> list[dict]:
        return [
            {
                "service": child.value["service"],
                "amount": child.value["amount"],
                "notes": child.value["notes"],
            }
            for child in self.fees
            if child.block_type == "fee"
        ]

    @property
    def portrait_alt(self) -> str:
        if self.portrait_alt_text:
            return self.portrait_alt_text
        return self.portrait.default_alt_text if self.portrait else ""

    @property
    def therapist_display_name(self) -> str:
        return ", ".join(part for part in (self.therapist_name, self.credentials) if part)

    @property
    def address_lines(self) -> list[str]:
        if self.telehealth_only:
            return []
        city_line = (
            " ".join(
                part
                for part in (
                    f"{self.locality}," if self.locality else "",
                    self.region,
                    self.postal_code,
                )
                if part
            )
            .strip()
            .rstrip(",")
        )
        return [line for line in (self.street_address, city_line) if line]


class HomePage(CachedChildRoutesMixin, CachedViewRestrictionsMixin, Page):
    intro = models.CharField(
        max_length=250, blank=True, help_text="A one-line welcome under the page title."
    )
    introduction = RichTextField(
        blank=True, features=["bold", "italic", "link"], help_text="The therapist's introduction."
    )
    call_to_action_text = models.CharField(max_length=250, blank=True)
    call_to_action_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    call_to_action_label = models.CharField(max_length=60, default="Get in touch")
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("introduction"),
        MultiFieldPanel(
            [
                FieldPanel("call_to_action_text"),
                PageChooserPanel("call_to_action_page"),
                FieldPanel("call_to_action_label"),
            ],
            heading="Call to action",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("introduction"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "home page"

    @property
    def summary(self) -> str:
        """The description for search engines and search results when the Promote tab's
        search description is empty, as content and article pages have in their field."""
        return plain_description(self.intro)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["practice"] = PracticeSettings.for_request(request)
        return context


class ContentPage(CachedChildRoutesMixin, CachedViewRestrictionsMixin, Page):
    """About, Services, Fees and insurance: anything that is prose."""

    summary = models.CharField(
        max_length=300, blank=True, help_text="Used as the page's description for search engines."
    )
    body = StreamField(ContentBodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    in_site_search = True  # /search/ lists these (practice/search.py)

    parent_page_types = ["practice.HomePage", "practice.ContentPage"]

    class Meta:
        verbose_name = "content page"


# The policy pages and their setting, in a module of their own; imported here so that
# Django finds their models.
from practice.policies import (  # noqa: E402, F401
    GoodFaithEstimatePage,
    PolicyPage,
    PolicySettings,
)
