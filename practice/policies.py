"""Policies and notices: the pages a practice posts on its website because the law or
good practice asks it to, and the site setting that links them from every page's footer
and from the contact page (README, "Policies and notices").

The links are part of the cached site content (practice/sites.py): saving the setting,
and publishing, unpublishing or deleting a page, start a new content generation
(practice/signals.py), so the footer follows at once.
"""

import json
from dataclasses import dataclass

from django.core.validators import MinValueValidator
from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from practice.blocks import ContentBodyBlock
from practice.notices import contains_placeholder, notice_problems
from practice.routing import CachedChildRoutesMixin, CachedViewRestrictionsMixin

EFFECTIVE_DATE_HELP = (
    "The date this version takes effect, shown at the top of the page. A Notice of "
    "Privacy Practices must carry one (45 CFR 164.520(b)(1)(viii))."
)


class NoticePage(CachedChildRoutesMixin, CachedViewRestrictionsMixin, Page):
    """What every policy page has: a summary, an effective date and a body."""

    summary = models.CharField(
        max_length=300, blank=True, help_text="Shown under the title and to search engines."
    )
    effective_date = models.DateField(null=True, blank=True, help_text=EFFECTIVE_DATE_HELP)
    body = StreamField(ContentBodyBlock(), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    in_site_search = True  # /search/ lists these (practice/search.py)
    parent_page_types = ["practice.HomePage", "practice.ContentPage"]
    subpage_types: list[str] = []

    class Meta:
        abstract = True

    def placeholder_text(self) -> str:
        """Everything an editor wrote on the page, for the placeholder check."""
        body = json.dumps(self.body.get_prep_value(), ensure_ascii=False)
        return "\n".join((self.title, self.summary, body))

    @property
    def has_placeholder(self) -> bool:
        return contains_placeholder(self.placeholder_text())


class PolicyPage(NoticePage):
    """A policy or notice written as prose: the Notice of Privacy Practices, the website
    privacy and accessibility statements, a cancellation policy..."""

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("effective_date"),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = "policy page"


class GoodFaithEstimatePage(NoticePage):
    """The No Surprises Act notice for uninsured and self-pay clients (45 CFR 149.610),
    laid out as CMS's model notice; the facts that may change are fields, and the body
    holds what is particular to the practice (how to ask, what an estimate covers)."""

    estimate_lead_business_days = models.PositiveSmallIntegerField(
        "Business days before the appointment",
        default=1,
        help_text="A scheduled client gets the estimate in writing at least this many "
        "business days before the service.",
    )
    estimate_on_request_business_days = models.PositiveSmallIntegerField(
        "Business days after a request",
        default=3,
        help_text="Someone who asks for an estimate gets it within this many business days.",
    )
    dispute_threshold = models.PositiveIntegerField(
        "Dispute threshold (dollars)",
        default=400,
        validators=[MinValueValidator(1)],
        help_text="A bill at least this much above the estimate can be disputed.",
    )
    dispute_window_days = models.PositiveSmallIntegerField(
        "Days to start a dispute",
        default=120,
        validators=[MinValueValidator(1)],
        help_text="Calendar days from the date on the bill.",
    )
    dispute_fee = models.PositiveSmallIntegerField(
        "Dispute fee (dollars)",
        default=25,
        help_text="The administrative fee for the federal dispute process; 0 to leave it out.",
    )
    help_phone = models.CharField(
        "Federal help line",
        max_length=40,
        default="1-800-985-3059",
        help_text="The No Surprises Help Desk.",
    )
    help_url = models.URLField(
        "Federal help page", default="https://www.cms.gov/nosurprises", max_length=200
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("effective_date"),
        MultiFieldPanel(
            [
                FieldPanel("estimate_lead_business_days"),
                FieldPanel("estimate_on_request_business_days"),
                FieldPanel("dispute_threshold"),
                FieldPanel("dispute_window_days"),
                FieldPanel("dispute_fee"),
                FieldPanel("help_phone"),
                FieldPanel("help_url"),
            ],
            heading="The notice's facts",
            help_text="From CMS's model notice; change them only when the rules change.",
        ),
        FieldPanel("body", heading="About estimates in this practice"),
    ]
    max_count = 1

    class Meta:
        verbose_name = "Good Faith Estimate notice"

    @property
    def help_url_text(self) -> str:
        """The help page's address as people read it aloud and print it."""
        return self.help_url.removeprefix("https://").removeprefix("http://").rstrip("/")


# The setting's fields for the notices every practice needs, with their names.
REQUIRED_NOTICES = (
    ("privacy_practices", "Notice of Privacy Practices"),
    ("good_faith_estimate", "Good Faith Estimate notice"),
    ("website_privacy", "Website privacy statement"),
    ("accessibility", "Accessibility statement"),
)


@register_setting(icon="doc-full")
class PolicySettings(BaseSiteSetting):
    """Which pages are the practice's notices: linked, in this order, from every page's
    footer and from the contact page, and checked by the admin dashboard."""

    privacy_practices = models.ForeignKey(
        PolicyPage,
        verbose_name="Notice of Privacy Practices",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="HIPAA: a provider with a website must post its notice there.",
    )
    good_faith_estimate = models.ForeignKey(
        GoodFaithEstimatePage,
        verbose_name="Good Faith Estimate notice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="No Surprises Act: the right of uninsured and self-pay clients to an estimate.",
    )
    website_privacy = models.ForeignKey(
        PolicyPage,
        verbose_name="Website privacy statement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="What this website stores about its visitors.",
    )
    accessibility = models.ForeignKey(
        PolicyPage,
        verbose_name="Accessibility statement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    other_policies = StreamField(
        [("page", blocks.PageChooserBlock(page_type="practice.PolicyPage"))],
        blank=True,
        help_text="More policy pages for the footer, after the notices: a cancellation "
        "policy, telehealth consent...",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("privacy_practices"),
                FieldPanel("good_faith_estimate"),
                FieldPanel("website_privacy"),
                FieldPanel("accessibility"),
            ],
            heading="Required notices",
            help_text="The dashboard warns while one is missing, unpublished or still "
            "holds the demo's placeholder text.",
        ),
        FieldPanel("other_policies"),
    ]

    class Meta:
        verbose_name = "Policies and notices"

    def linked_page_ids(self) -> list[int]:
        ids = [getattr(self, f"{field}_id") for field, _label in REQUIRED_NOTICES]
        ids += [block.value.pk for block in self.other_policies if block.value is not None]
        return list(dict.fromkeys(pk for pk in ids if pk is not None))


@dataclass(frozen=True)
class PolicyLink:
    title: str
    url: str


def policy_links(site: Site) -> tuple[PolicyLink, ...]:
    """The linked pages that visitors can read (live and public), in the setting's order."""
    ids = PolicySettings.for_site(site).linked_page_ids()
    pages = Page.objects.live().public().in_bulk(ids) if ids else {}
    return tuple(
        PolicyLink(title=pages[pk].title, url=pages[pk].get_url(current_site=site))
        for pk in ids
        if pk in pages
    )


def is_linked(page: Page) -> bool:
    """Whether a site's footer links `page`: then publishing it changes every page."""
    return any(page.pk in setting.linked_page_ids() for setting in PolicySettings.objects.all())


@dataclass(frozen=True)
class NoticeWarning:
    label: str
    problems: list[str]
    page: Page | None


def notice_warnings(site: Site) -> list[NoticeWarning]:
    """The required notices of `site` that are not properly posted, and why."""
    setting = PolicySettings.for_site(site)
    warnings = []
    for field, label in REQUIRED_NOTICES:
        page = getattr(setting, field)
        problems = notice_problems(
            chosen=page is not None,
            live=page is not None and page.live,
            public=page is not None and not page.get_view_restrictions().exists(),
            has_placeholder=page is not None and page.has_placeholder,
            has_effective_date=page is not None and page.effective_date is not None,
        )
        if problems:
            warnings.append(NoticeWarning(label=label, problems=problems, page=page))
    return warnings
