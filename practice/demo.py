"""Demo content for the site-wide pages: home, About, Services, Fees, Therapy Partners,
and the policies and notices (practice/demo_policies.py).

Only ever creates: a page or setting that already exists is left exactly as an
editor left it, so seed_demo can run on every `make run`.
"""

import datetime
import random
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from practice import placeholder_portrait
from practice.demo_policies import ensure_policies
from practice.models import ContentPage, HomePage, PracticeSettings
from practice.visits import VisitCount

PORTRAIT_TITLE = "Placeholder portrait"
DEMO_VISIT_DAYS = 120

PRACTICE = {
    "practice_name": "Riverside Psychotherapy",
    "therapist_name": "Dr. Morgan Ellis",
    "credentials": "PhD, Licensed Psychologist",
    "phone": "(555) 010-4477",
    "email": "office@riverside-psychotherapy.example",
    "street_address": "210 Mill Street, Suite 3",
    "locality": "Riverton",
    "region": "NY",
    "postal_code": "12000",
    "country": "US",
    "accepting_new_clients": PracticeSettings.AcceptingClients.YES,
    "telehealth_offered": True,
    "licensed_states": "NY: license\nNJ: psypact\nPA: psypact",
    "fees": [
        {
            "type": "fee",
            "value": {"service": "First phone consultation", "amount": "0", "notes": "15 minutes"},
        },
        {
            "type": "fee",
            "value": {"service": "Individual session", "amount": "180", "notes": "50 minutes"},
        },
        {
            "type": "fee",
            "value": {"service": "Couples session", "amount": "220", "notes": "75 minutes"},
        },
    ],
    "sliding_scale": True,
    "sliding_scale_text": "A few reduced-fee places are kept for people who need them; "
    "ask in your message.",
    "insurance_accepted": "Aetna\nEmpire BlueCross BlueShield",
    "who_we_help": (
        "Adults living with anxiety, worry or panic\n"
        "Low mood and depression\n"
        "Grief and loss\n"
        "Life transitions: a move, a new role, a diagnosis, retirement\n"
        "Couples who keep having the same painful argument"
    ),
}

HOME = {
    "title": "Welcome",
    "intro": "Individual and couples psychotherapy for adults, in person and by telehealth.",
    "introduction": (
        "<p>I am a licensed psychologist with twenty years of practice. I work with adults "
        "facing anxiety, depression, grief, life transitions and difficulties in their "
        "relationships.</p><p>Good therapy is a collaboration. We begin by getting to know "
        "what brings you here and what you hope will change, and we keep checking together "
        "that the work is helping.</p>"
    ),
    "call_to_action_text": "Wondering whether therapy could help? A first conversation is free.",
    "call_to_action_label": "Get in touch",
}


def paragraph(html: str) -> dict:
    return {"type": "paragraph", "value": html}


def heading(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def practice_fees() -> dict:
    return {"type": "practice_fees", "value": None}


def quote(text: str, source: str) -> dict:
    return {"type": "quote", "value": {"quote": text, "source": source}}


CONTENT_PAGES = [
    {
        "slug": "about",
        "title": "About",
        "summary": "Training, approach and how therapy with me usually unfolds.",
        "body": [
            paragraph(
                "<p>I trained in clinical psychology and have worked in hospital clinics, a "
                "university counselling centre and, for the last decade, private practice.</p>"
            ),
            heading("My approach"),
            paragraph(
                "<p>I draw on cognitive-behavioural, psychodynamic and emotion-focused "
                "methods, chosen to fit the person rather than the other way round. Research "
                "and experience agree that the relationship between client and therapist is "
                "at the heart of what helps.</p>"
            ),
        ],
    },
    {
        "slug": "services",
        "title": "Services",
        "summary": "Individual therapy, couples therapy and consultations.",
        "body": [
            heading("Individual therapy"),
            paragraph(
                "<p>Weekly 50-minute sessions for adults, in the office or by secure video.</p>"
            ),
            heading("Couples therapy"),
            paragraph(
                "<p>75-minute sessions for partners who want to understand each other better "
                "and change painful patterns.</p>"
            ),
        ],
    },
    {
        "slug": "fees-and-insurance",
        "title": "Fees and insurance",
        "summary": "Session fees, insurance, and the Good Faith Estimate.",
        "body": [
            paragraph(
                "<p>Fees are due at each session. If your insurer is not listed below, I can "
                "give you a statement to claim out-of-network reimbursement.</p>"
            ),
            practice_fees(),
            paragraph(
                "<p>Under the No Surprises Act you have the right to a Good Faith Estimate of "
                "the expected cost of your care. Ask for one at any time.</p>"
            ),
        ],
    },
    {
        "slug": "therapy-partners",
        "title": "Therapy Partners",
        "summary": "Why I think of therapy as a partnership between client and therapist.",
        "body": [
            paragraph(
                "<p>Therapy works best when client and therapist become partners: agreeing on "
                "goals, deciding together how to reach them, and talking openly when "
                "something in the work does not feel right.</p>"
            ),
            quote(
                "The relationship is not a backdrop to treatment; it is one of its active "
                "ingredients.",
                "A principle of relationship-focused psychotherapy research",
            ),
            paragraph(
                "<p>In our first sessions we will talk about what you want from therapy and "
                "how you will know it is helping. I will ask for your feedback regularly, "
                "and I welcome disagreement.</p>"
            ),
        ],
    },
]


def seed(stdout) -> None:
    site = Site.objects.get(is_default_site=True)
    home = ensure_home_page(site, stdout)
    ensure_practice_settings(site, stdout)
    ensure_portrait(site, stdout)
    for spec in CONTENT_PAGES:
        ensure_child_page(home, ContentPage, stdout, show_in_menus=True, **spec)
    ensure_policies(home, site, ensure_child_page, stdout)


def ensure_home_page(site: Site, stdout) -> HomePage:
    current = site.root_page.specific
    if isinstance(current, HomePage):
        return current
    root = Page.get_first_root_node()
    home = HomePage(slug="home-page", **HOME)
    root.add_child(instance=home)
    home.save_revision().publish()
    add_demo_visit_counts(home)
    site.root_page = home
    site.site_name = PRACTICE["practice_name"]
    point_site_at_base_url(site)
    site.save()
    # Wagtail's placeholder "Welcome to your new Wagtail site!" page, if untouched.
    if type(current) is Page and not current.get_children().exists():
        current.delete()
    stdout.write("Created the home page.")
    return home


def ensure_portrait(site: Site, stdout) -> None:
    """The drawn placeholder portrait, made once. Practice details from before portraits
    existed get it and the list of whom the practice helps; once the image exists, taking
    it off or changing the list is an edit, and stays."""
    images = get_image_model()
    if images.objects.filter(title=PORTRAIT_TITLE).exists():
        return
    portrait = images.objects.create(
        title=PORTRAIT_TITLE,
        description=placeholder_portrait.DESCRIPTION,
        file=ContentFile(
            placeholder_portrait.placeholder_portrait(), name="placeholder-portrait.jpg"
        ),
    )
    stdout.write("Created the placeholder portrait.")
    practice = PracticeSettings.for_site(site)
    if practice.portrait_id is None:
        practice.portrait = portrait
        practice.who_we_help = practice.who_we_help or PRACTICE["who_we_help"]
        practice.save()


def point_site_at_base_url(site: Site) -> None:
    """Wagtail's first Site is localhost:80; absolute URLs in the sitemap, feeds and
    structured data should carry the address the site is actually served from."""
    url = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    if site.hostname == "localhost" and site.port == 80 and url.hostname:
        site.hostname = url.hostname
        site.port = url.port or (443 if url.scheme == "https" else 80)


def ensure_practice_settings(site: Site, stdout) -> None:
    if PracticeSettings.objects.filter(site=site).exists():
        return
    PracticeSettings.objects.create(site=site, **PRACTICE)
    stdout.write("Created the practice details.")


def ensure_child_page(parent: Page, page_class, stdout, *, slug: str, **fields) -> Page:
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = page_class(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    add_demo_visit_counts(page)
    stdout.write(f"Created the page {page.title!r}.")
    return page


def add_demo_visit_counts(page: Page, days: int = DEMO_VISIT_DAYS) -> None:
    """Made-up daily views of a page the demo has just created, so the visit report
    (Reports › Visits) has something to show. The same numbers on every machine; never
    added to a page the demo did not create."""
    today = timezone.localdate()
    numbers = random.Random(page.slug)  # noqa: S311 - made-up counts, not a secret
    busiest = numbers.randint(3, 30)
    VisitCount.objects.bulk_create(
        [
            VisitCount(page=page, date=today - datetime.timedelta(days=ago), count=count)
            for ago in range(days)
            if (count := numbers.randint(0, busiest))
        ],
        ignore_conflicts=True,
    )
