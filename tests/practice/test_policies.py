"""Policies and notices: the pages, the setting that links them from every page's footer
and from the contact page, the dashboard's warning, and their demo content."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction
from wagtail.test.utils.form_data import nested_form_data, streamfield

from practice.models import ContentPage, HomePage
from practice.notices import (
    NO_EFFECTIVE_DATE,
    NOT_CHOSEN,
    NOT_PUBLIC,
    NOT_PUBLISHED,
    PLACEHOLDER,
    PLACEHOLDER_MARKER,
    contains_placeholder,
    notice_problems,
)
from practice.policies import GoodFaithEstimatePage, PolicyPage, PolicySettings
from tests.html import inline_attributes, third_party_urls

NOTICE_SLUGS = {
    "privacy_practices": "notice-of-privacy-practices",
    "good_faith_estimate": "good-faith-estimate",
    "website_privacy": "website-privacy",
    "accessibility": "accessibility",
}
NOTICE_TITLES = (
    "Notice of Privacy Practices",
    "Good Faith Estimate",
    "Website privacy",
    "Accessibility",
)
# Every kind of page the site serves, and its 404.
URLS = ("/", "/about/", "/articles/", "/contact/", "/search/", "/website-privacy/", "/nowhere/")


def footer(html: str) -> str:
    return re.search(r"<footer.*?</footer>", html, re.S)[0]


def footer_links(client, url: str) -> list[str]:
    html = client.get(url).content.decode()
    policies = re.search(r'<nav class="footer-policies.*?</nav>', footer(html), re.S)
    return re.findall(r'<a href="([^"]+)">', policies[0]) if policies else []


def make_own(page) -> None:
    """What a practice does with a demo notice: its own text, published."""
    page.body = [{"type": "paragraph", "value": "<p>The practice's own text.</p>"}]
    page.save_revision().publish()


# --- The rule ---------------------------------------------------------------------------


def test_a_notice_missing_from_the_setting_has_only_that_problem():
    assert notice_problems(
        chosen=False, live=False, public=False, has_placeholder=False, has_effective_date=False
    ) == [NOT_CHOSEN]


def test_every_problem_of_a_chosen_notice_is_named():
    ready = {"live": True, "public": True, "has_placeholder": False, "has_effective_date": True}
    assert notice_problems(chosen=True, **ready) == []
    assert notice_problems(chosen=True, **{**ready, "live": False}) == [NOT_PUBLISHED]
    assert notice_problems(chosen=True, **{**ready, "public": False}) == [NOT_PUBLIC]
    assert notice_problems(chosen=True, **{**ready, "has_placeholder": True}) == [PLACEHOLDER]
    assert notice_problems(chosen=True, **{**ready, "has_effective_date": False}) == [
        NO_EFFECTIVE_DATE
    ]
    # Unpublished says it all: whether a draft is private does not matter yet.
    assert notice_problems(
        chosen=True, live=False, public=False, has_placeholder=True, has_effective_date=True
    ) == [NOT_PUBLISHED, PLACEHOLDER]


@pytest.mark.parametrize(
    "text",
    [
        PLACEHOLDER_MARKER,
        f"<p><b>{PLACEHOLDER_MARKER}.</b> Demo text.</p>",
        "<p>review <i>before</i>\n  PUBLISHING</p>",
        '[{"type": "paragraph", "value": "<p>Review before publishing</p>"}]',
    ],
)
def test_the_placeholder_is_found_whatever_the_markup(text):
    assert contains_placeholder(text)


@pytest.mark.parametrize("text", ["", "<p>Reviewed and published in May.</p>", "Review before"])
def test_text_without_the_marker_is_not_a_placeholder(text):
    assert not contains_placeholder(text)


# --- Demo content -----------------------------------------------------------------------


def test_seed_demo_publishes_the_four_notices_and_links_them(demo_site):
    setting = PolicySettings.for_site(demo_site)
    for field, slug in NOTICE_SLUGS.items():
        page = getattr(setting, field)
        assert page is not None, field
        assert page.slug == slug
        assert page.live
        assert not page.show_in_menus
        assert page.has_placeholder, field
        assert page.effective_date is not None
    assert isinstance(setting.good_faith_estimate, GoodFaithEstimatePage)


def test_seed_demo_again_adds_nothing_and_keeps_edits(demo_site):
    setting = PolicySettings.for_site(demo_site)
    privacy = setting.website_privacy
    make_own(privacy)
    setting.accessibility = None  # the practice chose to link none
    setting.save()
    pages_before = Page.objects.count()

    call_command("seed_demo", stdout=io.StringIO())

    assert Page.objects.count() == pages_before
    setting = PolicySettings.for_site(demo_site)
    assert setting.accessibility is None
    assert setting.website_privacy.pk == privacy.pk
    assert not PolicyPage.objects.get(pk=privacy.pk).has_placeholder


def test_a_demo_notice_deleted_comes_back_and_is_linked_again_only_if_its_place_is_empty(
    demo_site,
):
    setting = PolicySettings.for_site(demo_site)
    setting.good_faith_estimate.delete()
    call_command("seed_demo", stdout=io.StringIO())
    assert PolicySettings.for_site(demo_site).good_faith_estimate.slug == "good-faith-estimate"


def test_the_privacy_statement_states_the_retention_periods(demo_site, settings):
    html = PolicySettings.for_site(demo_site).website_privacy.body.render_as_block()
    assert f"deleted {settings.INQUIRY_RETENTION_DAYS_CLOSED} days" in str(html)
    assert f"after {settings.INQUIRY_RETENTION_DAYS_SPAM} days" in str(html)


# --- The pages --------------------------------------------------------------------------


def test_a_policy_page_shows_its_dates_summary_and_body(client, demo_site):
    page = PolicySettings.for_site(demo_site).privacy_practices
    page.effective_date = datetime.date(2026, 3, 1)
    page.save_revision().publish()
    page.refresh_from_db()
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<h1>Notice of Privacy Practices</h1>" in html
    dates = " ".join(re.search(r'<dl class="notice-dates">(.*?)</dl>', html, re.S)[1].split())
    assert '<dt>Effective date</dt> <dd><time datetime="2026-03-01">March 1, 2026</time>' in dates
    # In the practice's time zone, as the template shows it.
    published = timezone.localdate(page.last_published_at)
    assert "<dt>Last updated</dt>" in html
    assert f'<time datetime="{published:%Y-%m-%d}">' in html
    assert "how medical information about you may be used and disclosed" in html
    assert "<h2>Your rights</h2>" in html
    assert third_party_urls(html) == []
    assert inline_attributes(html) == []


def test_a_page_without_an_effective_date_says_nothing_of_one(client, demo_site):
    page = PolicySettings.for_site(demo_site).accessibility
    page.effective_date = None
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "Effective date" not in html
    assert "Last updated" in html


def test_the_good_faith_estimate_notice_is_built_from_its_facts(client, demo_site):
    html = client.get("/good-faith-estimate/").content.decode()
    assert "You have the right to a Good Faith Estimate" in html
    assert "at least 1 business day before it" in html
    assert "within 3 business days of asking" in html
    assert "at least $400 more than your Good Faith Estimate" in html
    assert "within 120 calendar days of the date on the bill" in html
    assert "It costs $25." in html
    assert '<a href="https://www.cms.gov/nosurprises">www.cms.gov/nosurprises</a>' in html
    assert '<a href="tel:1-800-985-3059">1-800-985-3059</a>' in html

    page = GoodFaithEstimatePage.objects.get()
    page.estimate_lead_business_days = 2
    page.dispute_threshold = 1500
    page.dispute_window_days = 90
    page.dispute_fee = 0
    page.help_phone = "1 800 555 0100"
    page.help_url = "https://example.gov/help/"
    page.save_revision().publish()
    html = client.get("/good-faith-estimate/").content.decode()
    assert "at least 2 business days before it" in html
    assert "at least $1,500 more" in html
    assert "within 90 calendar days" in html
    assert "It costs" not in html
    assert '<a href="https://example.gov/help/">example.gov/help</a>' in html
    assert '<a href="tel:18005550100">1 800 555 0100</a>' in html
    # The page's own part follows the notice.
    assert "Estimates in this practice" in html
    assert inline_attributes(html) == []


def test_editors_can_add_policy_pages_under_home_and_content_pages(demo_site):
    home = HomePage.objects.get()
    assert PolicyPage.can_create_at(home)
    assert PolicyPage.can_create_at(ContentPage.objects.get(slug="about"))
    assert not PolicyPage.can_create_at(Page.get_first_root_node())
    # One Good Faith Estimate notice per site is enough, and the demo has it.
    assert not GoodFaithEstimatePage.can_create_at(home)
    assert PolicyPage.allowed_subpage_models() == []


def test_notices_are_found_by_the_site_search(client, demo_site):
    call_command("update_index", verbosity=0, stdout=io.StringIO())
    html = client.get("/search/?q=psychotherapy+notes").content.decode()
    assert 'href="/notice-of-privacy-practices/"' in html
    html = client.get("/search/?q=dispute").content.decode()
    assert 'href="/good-faith-estimate/"' in html


# --- Footer and contact page ------------------------------------------------------------


def test_every_page_links_the_notices_in_its_footer(client, demo_site):
    expected = [f"/{slug}/" for slug in NOTICE_SLUGS.values()]
    for url in URLS:
        assert footer_links(client, url) == expected, url
    html = client.get("/").content.decode()
    for title in NOTICE_TITLES:
        assert f">{title}</a>" in footer(html)


def test_the_contact_page_links_them_beside_the_form(client, demo_site):
    html = client.get("/contact/").content.decode()
    before_form = html[: html.index('id="contact-form"')]
    links = re.search(r'<p class="policy-links.*?</p>', before_form, re.S)[0]
    assert re.findall(r'href="([^"]+)"', links) == [f"/{s}/" for s in NOTICE_SLUGS.values()]
    # A sentence: commas, then "and" before the last.
    assert "Practices</a>, <a" in links
    assert "Estimate</a>, <a" in links
    assert 'privacy</a> and <a href="/accessibility/">Accessibility</a>.' in links


@pytest.fixture
def page_cache(settings, demo_site):
    settings.PAGE_CACHE_SECONDS = 300
    return demo_site


def test_unpublishing_a_notice_takes_it_off_every_cached_page(client, page_cache):
    for url in URLS:
        client.get(url)
    privacy = PolicyPage.objects.get(slug="website-privacy")
    privacy.unpublish()
    for url in URLS[:-2]:
        assert "/website-privacy/" not in footer_links(client, url), url
    privacy.save_revision().publish()
    for url in URLS[:-2]:
        assert "/website-privacy/" in footer_links(client, url), url


def test_saving_the_setting_changes_every_cached_footer(client, page_cache):
    for url in URLS:
        client.get(url)
    extra = PolicyPage(title="Cancellation policy", slug="cancellation")
    HomePage.objects.get().add_child(instance=extra)
    extra.save_revision().publish()
    setting = PolicySettings.for_site(page_cache)
    setting.accessibility = None
    setting.other_policies = [("page", extra)]
    setting.save()
    for url in URLS:
        links = footer_links(client, url)
        assert "/accessibility/" not in links, url
        assert links[-1] == "/cancellation/", url


def test_a_private_or_deleted_notice_is_not_linked(client, page_cache):
    client.get("/")
    PageViewRestriction.objects.create(
        page=PolicyPage.objects.get(slug="accessibility"),
        restriction_type=PageViewRestriction.PASSWORD,
        password="secret-pass",
    )
    assert "/accessibility/" not in footer_links(client, "/")
    Page.objects.get(slug="notice-of-privacy-practices").delete()
    assert footer_links(client, "/") == ["/good-faith-estimate/", "/website-privacy/"]
    assert PolicySettings.for_site(page_cache).privacy_practices is None


def test_no_setting_no_footer_links(client, demo_site):
    PolicySettings.objects.all().delete()
    html = client.get("/").content.decode()
    assert "footer-policies" not in html
    assert "policy-links" not in client.get("/contact/").content.decode()


def test_the_footer_renders_in_a_preview_too(client, demo_site, admin_user):
    client.force_login(admin_user)
    page = ContentPage.objects.get(slug="about")
    response = client.get(f"/admin/pages/{page.pk}/view_draft/")
    assert response.status_code == 200
    assert 'href="/website-privacy/"' in footer(response.content.decode())


# --- The setting in the admin -----------------------------------------------------------


def test_the_setting_is_edited_in_the_admin(client, demo_site, admin_user):
    client.force_login(admin_user)
    url = f"/admin/settings/practice/policysettings/{demo_site.pk}/"
    assert client.get(url).status_code == 200
    npp = PolicyPage.objects.get(slug="notice-of-privacy-practices")
    gfe = GoodFaithEstimatePage.objects.get()
    form = nested_form_data(
        {
            "privacy_practices": npp.pk,
            "good_faith_estimate": gfe.pk,
            "website_privacy": "",
            "accessibility": "",
            "other_policies": streamfield([("page", npp.pk)]),
        }
    )
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    setting = PolicySettings.for_site(demo_site)
    assert setting.website_privacy is None
    assert footer_links(client, "/about/") == [
        "/notice-of-privacy-practices/",
        "/good-faith-estimate/",
    ]


# --- The dashboard ----------------------------------------------------------------------


def make_user(django_user_model, username, group_name):
    user = django_user_model.objects.create_user(username=username, password="a-long-password")
    user.groups.add(Group.objects.get(name=group_name))
    return user


def dashboard_panel(client) -> str:
    html = client.get("/admin/").content.decode()
    found = re.search(r'id="notice-warnings-section".*?</section>', html, re.S)
    return found[0] if found else ""


def test_the_dashboard_warns_editors_about_the_demo_placeholders(
    client, demo_site, django_user_model
):
    client.force_login(make_user(django_user_model, "editor", "Editors"))
    panel = dashboard_panel(client)
    assert "Required notices need attention" in panel
    setting = PolicySettings.for_site(demo_site)
    for field in NOTICE_SLUGS:
        page = getattr(setting, field)
        assert f'href="/admin/pages/{page.pk}/edit/"' in panel, field
    assert panel.count(PLACEHOLDER_MARKER) == 4
    # Editors may not change the setting (as the practice details): no link to it.
    assert "/admin/settings/" not in panel
    assert "by an administrator" in panel


def test_the_dashboard_names_each_problem(client, demo_site, admin_user):
    setting = PolicySettings.for_site(demo_site)
    for field in NOTICE_SLUGS:
        make_own(getattr(setting, field))
    setting.good_faith_estimate.unpublish()
    accessibility = setting.accessibility
    accessibility.effective_date = None
    accessibility.save_revision().publish()
    setting.privacy_practices = None
    setting.save()
    client.force_login(admin_user)
    panel = dashboard_panel(client)
    settings_url = f"/admin/settings/practice/policysettings/{demo_site.pk}/"
    assert f'<a href="{settings_url}">Notice of Privacy Practices</a>' in panel
    assert f'<a href="{settings_url}">Settings → Policies and notices</a>' in panel
    items = dict(re.findall(r">([^<]+)</a>:\s*([^<]+?)\.\s*</li>", panel))
    assert items == {
        "Notice of Privacy Practices": NOT_CHOSEN,
        "Good Faith Estimate notice": NOT_PUBLISHED,
        "Accessibility statement": NO_EFFECTIVE_DATE,
    }


def test_no_warning_once_every_notice_is_the_practices_own(client, demo_site, admin_user):
    setting = PolicySettings.for_site(demo_site)
    for field in NOTICE_SLUGS:
        make_own(getattr(setting, field))
    client.force_login(admin_user)
    html = client.get("/admin/").content.decode()
    assert "notice-warnings" not in html
    assert "Required notices" not in html


def test_a_draft_without_the_placeholder_still_warns_until_published(client, demo_site, admin_user):
    setting = PolicySettings.for_site(demo_site)
    for field in NOTICE_SLUGS:
        make_own(getattr(setting, field))
    privacy = setting.website_privacy
    privacy.body = [{"type": "paragraph", "value": f"<p>{PLACEHOLDER_MARKER}</p>"}]
    privacy.save_revision().publish()
    draft = PolicyPage.objects.get(pk=privacy.pk)
    draft.body = [{"type": "paragraph", "value": "<p>Fixed, but only in a draft.</p>"}]
    draft.save_revision()
    client.force_login(admin_user)
    assert "Website privacy statement" in dashboard_panel(client)


def test_people_who_cannot_edit_pages_see_no_warning(client, demo_site, django_user_model):
    client.force_login(make_user(django_user_model, "reviewer", "Inquiry reviewers"))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "notice-warnings" not in response.content.decode()


def test_each_site_is_checked_under_its_own_name(client, demo_site, admin_user):
    from wagtail.models import Site

    setting = PolicySettings.for_site(demo_site)
    for field in NOTICE_SLUGS:
        make_own(getattr(setting, field))
    Site.objects.create(
        hostname="second.example", port=80, root_page=demo_site.root_page, site_name="Second"
    )
    client.force_login(admin_user)
    panel = dashboard_panel(client)
    assert "<h3>Second</h3>" in panel
    assert panel.count(NOT_CHOSEN) == 4
    assert panel.count("<h3>") == 1  # nothing to fix on the first site
