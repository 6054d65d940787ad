"""Demo policies and notices: the four pages every practice needs, published so that the
footer links them, each opening with PLACEHOLDER_MARKER so that the dashboard keeps
warning until the practice has made them its own.

The website privacy statement describes this site as it is built (README, "Policies and
notices"); the other texts are outlines to replace with the practice's own.
"""

from django.conf import settings
from django.utils import timezone

from practice.notices import PLACEHOLDER_MARKER
from practice.policies import GoodFaithEstimatePage, PolicyPage, PolicySettings


def paragraph(html: str) -> dict:
    return {"type": "paragraph", "value": html}


def heading(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def placeholder(what_to_do: str) -> dict:
    return paragraph(
        f"<p><b>{PLACEHOLDER_MARKER}.</b> This is placeholder text from the demo site. "
        f"{what_to_do} The admin dashboard warns until this paragraph is gone.</p>"
    )


def privacy_practices() -> dict:
    return {
        "slug": "notice-of-privacy-practices",
        "title": "Notice of Privacy Practices",
        "summary": (
            "This notice describes how medical information about you may be used and "
            "disclosed and how you can get access to this information. Please review it "
            "carefully."
        ),
        "body": [
            placeholder(
                "Replace it with your practice's own notice, as HIPAA requires it to be "
                "written (45 CFR 164.520); the model notices the U.S. Department of Health "
                "and Human Services publishes are a good start. Check it with your "
                "professional association or a lawyer."
            ),
            heading("How your health information may be used and shared"),
            paragraph(
                "<p>Outline: for your treatment, for payment, for running the practice, and "
                "where the law requires or permits it, such as a serious threat to someone's "
                "safety or the reporting of abuse.</p>"
            ),
            heading("Psychotherapy notes"),
            paragraph(
                "<p>Outline: whether separate psychotherapy notes are kept, and that they "
                "are shared only with your written permission, apart from the few exceptions "
                "the law makes.</p>"
            ),
            heading("Your rights"),
            paragraph(
                "<ul><li>To see and get a copy of your records.</li><li>To ask for a "
                "correction.</li><li>To be contacted in a particular way or place.</li>"
                "<li>To ask that some information not be shared, and to limit what goes to "
                "your health plan when you pay in full yourself.</li><li>To a list of those "
                "your information was shared with.</li><li>To a paper copy of this notice."
                "</li><li>To choose someone to act for you.</li></ul>"
            ),
            heading("Questions and complaints"),
            paragraph(
                "<p>Outline: whom to contact in the practice, and that you may complain to "
                "the U.S. Department of Health and Human Services Office for Civil Rights "
                "without any retaliation.</p>"
            ),
        ],
    }


def good_faith_estimate() -> dict:
    return {
        "slug": "good-faith-estimate",
        "title": "Good Faith Estimate",
        "summary": "What your care will cost if you pay for it yourself.",
        "body": [
            placeholder(
                "Describe how clients ask for an estimate here and what it covers; the "
                "facts above come from the page's fields and are the federal rules as "
                "they stand."
            ),
            heading("Estimates in this practice"),
            paragraph(
                "<p>Outline: ask at your first contact or any time after. For ongoing "
                "therapy the estimate covers the sessions expected over the coming months "
                "(up to a year), and a new one follows if that changes.</p>"
            ),
        ],
    }


def website_privacy() -> dict:
    closed_days = settings.INQUIRY_RETENTION_DAYS_CLOSED
    spam_days = settings.INQUIRY_RETENTION_DAYS_SPAM
    return {
        "slug": "website-privacy",
        "title": "Website privacy",
        "summary": "What this website keeps about you, and what it does not.",
        "body": [
            placeholder(
                "It describes the site as it is built; check that it still holds for how "
                "your practice runs it (for example if you turn on acknowledgement emails "
                "or error reports) and add how to reach you about privacy."
            ),
            heading("Reading the site"),
            paragraph(
                "<p>No analytics service, advertising network or social media button is on "
                "this site, and browsing it sets no cookie. Every page, picture, font and "
                "script comes from this site itself, so your browser contacts no other "
                "company while you read it.</p><p>The site counts how often each page is "
                "viewed each day: the page, the date and a number, nothing about who "
                "viewed it. The server's logs record the address of the page asked for, "
                "the answer and how long it took, not your network address or what you "
                "searched for.</p>"
            ),
            heading("The contact form"),
            paragraph(
                "<p>What you send through the contact form is stored encrypted in the "
                "practice's database, where only the practice's staff can read it. The "
                "email that tells the practice a message has arrived contains none of it, "
                "only a link.</p><p>Your network address is not stored. The site keeps a "
                "keyed hash of it, which cannot be turned back into the address, to limit "
                "how many messages can be sent in an hour and to recognise repeated spam. "
                "The contact page sets one cookie, which protects the form against "
                "forged submissions; it holds a random value and nothing about you.</p>"
            ),
            heading("How long it is kept"),
            paragraph(
                f"<p>Once the practice has closed an inquiry, it is deleted {closed_days} days "
                f"later; messages marked as spam are deleted after {spam_days} days. The "
                "site's backups, which hold the inquiries too, are deleted as newer ones "
                "replace them.</p><p>Email is not a secure channel, and the form is not "
                "monitored for emergencies: please keep clinical details for your first "
                "conversation.</p>"
            ),
        ],
    }


def accessibility() -> dict:
    return {
        "slug": "accessibility",
        "title": "Accessibility",
        "summary": "Everyone should be able to find and read what this practice offers.",
        "body": [
            placeholder(
                "Check that it still describes the site after your own changes, and add "
                "how people can reach you about a barrier."
            ),
            heading("What the site aims for"),
            paragraph(
                "<p>The site is built to meet the Web Content Accessibility Guidelines "
                "(WCAG) 2.2 at level AA. Every kind of page is checked with automated tools "
                "at phone and desktop widths, in light and dark colours; it can be used with "
                "a keyboard alone and with a screen reader, text can be enlarged, and the "
                "pages work without JavaScript.</p>"
            ),
            heading("If something does not work for you"),
            paragraph(
                "<p>Please tell the practice by phone or email (at the bottom of every "
                "page): what you tried, and where. Any information on the site can be "
                "provided in another format on request.</p>"
            ),
        ],
    }


# The setting's field for each demo page, in footer order.
NOTICES = (
    ("privacy_practices", PolicyPage, privacy_practices),
    ("good_faith_estimate", GoodFaithEstimatePage, good_faith_estimate),
    ("website_privacy", PolicyPage, website_privacy),
    ("accessibility", PolicyPage, accessibility),
)


def ensure_policies(home, site, ensure_child_page, stdout) -> None:
    """Each notice page the demo lacks, published; the setting links a page when the
    page is created and its place is empty, so a choice or a removal made in the admin
    stays."""
    setting = PolicySettings.for_site(site)
    changed = False
    for field, page_class, spec in NOTICES:
        fields = spec()
        if home.get_children().filter(slug=fields["slug"]).exists():
            continue
        page = ensure_child_page(
            home,
            page_class,
            stdout,
            show_in_menus=False,
            effective_date=timezone.localdate(),
            **fields,
        )
        if getattr(setting, f"{field}_id") is None:
            setattr(setting, field, page)
            changed = True
    if changed:
        setting.save()
