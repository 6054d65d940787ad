"""Staff journeys in the Wagtail admin, in Chromium: writing an article with a cited
reference, reviewing an inquiry, and what an editor without the inbox may not see."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from wagtail.models import ModelLogEntry

from articles.models import ArticleIndexPage, ArticlePage
from contact.models import Inquiry
from tests.browser.conftest import STAFF_PASSWORD, admin_menu, log_in

REFERENCE_APA = (
    "Horvath, A. O., Del Re, A. C., Flückiger, C., & Symonds, D. (2011). Alliance in "
    "individual psychotherapy. Psychotherapy, 48(1), 9–16. https://doi.org/10.1037/a0022186"
)


@pytest.fixture
def therapist(monkeypatch, demo_site):
    """The practice's admin login, made as `make run` makes it (manage.py ensure_admin)."""
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "therapist")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STAFF_PASSWORD)
    call_command("ensure_admin", stdout=io.StringIO())
    return "therapist"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_therapist_writes_cites_previews_and_publishes_an_article(
    page, therapist, browser, live_server, request_log
):
    index = ArticleIndexPage.objects.get()
    # A visitor who has the article list open (and so possibly cached) before it changes.
    visitor = browser.new_context(base_url=live_server.url)
    visitor.on("request", lambda request: request_log.urls.append(request.url))
    reader = visitor.new_page()
    reader.goto(index.url)
    new_article = reader.get_by_role("link", name="The alliance and what it predicts")
    expect(new_article).to_have_count(0)

    log_in(page, therapist)
    page.goto(f"/admin/pages/{index.pk}/")
    page.get_by_role("link", name="Add child page").click()
    # Articles are the only child type, so Wagtail opens the form straight away.
    expect(page).to_have_url(re.compile(r"/admin/pages/add/articles/articlepage/\d+/$"))

    page.get_by_placeholder("Page title*").fill("The alliance and what it predicts")
    page.get_by_role("textbox", name="Summary").fill(
        "What a meta-analysis says about the working alliance."
    )

    # The reference first: the Cite dialog offers the references of the form as it is.
    page.get_by_role("button", name="Add reference").click()
    reference = page.locator("#inline_child_references-0")
    reference.get_by_role("combobox", name="Type").select_option(label="Journal article")
    reference.get_by_role("spinbutton", name="Year").fill("2011")
    reference.get_by_role("textbox", name="Authors").fill(
        "Horvath, Adam O.\nDel Re, A. C.\nFlückiger, Christoph\nSymonds, Dianne"
    )
    reference.get_by_role("textbox", name="Title").fill("Alliance in individual psychotherapy")
    reference.get_by_role("textbox", name="Journal, book or website").fill("Psychotherapy")
    reference.get_by_role("textbox", name="Volume").fill("48")
    reference.get_by_role("textbox", name="Issue").fill("1")
    reference.get_by_role("textbox", name="Pages").fill("9-16")
    reference.get_by_role("textbox", name="DOI").fill("doi:10.1037/a0022186")

    # StreamField: "Insert a block" opens the block picker, whose entries are options.
    # Draftail's editor is a contenteditable textbox: typing into it goes through
    # Draft.js's own input handling, as a person's typing does.
    page.get_by_role("button", name="Insert a block").click()
    page.get_by_role("option", name="Paragraph").click()
    editor = page.locator(".Draftail-Editor [contenteditable=true]")
    editor.click()
    page.keyboard.type("A stronger alliance goes with better outcomes.")
    # Selecting words shows Draftail's inline toolbar, where the project's Cite button is.
    page.keyboard.press("Shift+Home")
    page.get_by_role("button", name="Cite").click()
    dialog = page.get_by_role("dialog", name="Cite a reference")
    dialog.get_by_role("radio", name=re.compile(r"^\(Horvath et al\., 2011\)")).check()
    dialog.get_by_label("Page or section (optional)").fill("12")
    dialog.get_by_role("button", name="Insert citation").click()
    expect(dialog).to_be_hidden()
    expect(editor).to_have_text(
        "A stronger alliance goes with better outcomes. (Horvath et al., 2011, p. 12)"
    )

    # Wagtail 7.4 autosaves as one types: its first autosave creates the page as a draft
    # and turns the editor into the page's edit view. Wait for that, so that Publish
    # acts on this page instead of racing the autosave to create it.
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    article = ArticlePage.objects.get(slug="the-alliance-and-what-it-predicts")
    assert not article.live

    page.get_by_role("button", name="Toggle preview").click()
    # The panel swaps in a fresh iframe on each refresh; only the loaded one has this id.
    preview = page.frame_locator("#w-preview-iframe")
    # The preview renders after the panel's own request for it; on a busy two-core
    # machine that has taken longer than the usual wait.
    expect(preview.locator(".article-body a.citation")).to_have_text(
        "(Horvath et al., 2011, p. 12)", timeout=30_000
    )
    expect(preview.locator(".reference-list li")).to_have_text(re.compile(re.escape(REFERENCE_APA)))

    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Page 'The alliance and what it predicts' has been published."
    )
    article.refresh_from_db()
    assert article.live
    [stored] = article.references.all()
    assert stored.doi == "https://doi.org/10.1037/a0022186"
    assert [author["family"] for author in stored.authors] == [
        "Horvath",
        "Del Re",
        "Flückiger",
        "Symonds",
    ]

    page.get_by_role("link", name="View live").click()
    expect(page).to_have_url(re.compile(r"/articles/the-alliance-and-what-it-predicts/$"))
    citation = page.locator(".article-body a.citation")
    expect(citation).to_have_text("(Horvath et al., 2011, p. 12)")
    expect(citation).to_have_attribute("href", f"#ref-{stored.key}")
    entry = page.locator(f"#ref-{stored.key}")
    expect(entry).to_have_text(re.compile("^" + re.escape(REFERENCE_APA)))
    # APA italicises the journal and volume.
    expect(entry.locator("em")).to_have_text(["Psychotherapy, 48"])
    citation.click()
    expect(entry).to_be_in_viewport()
    entry.get_by_role("link", name="Back to citation 1 in the text").click()
    expect(citation).to_be_in_viewport()

    # Published is public at once, for a visitor too, whatever caches the list.
    reader.reload()
    expect(new_article).to_be_visible()
    visitor.close()


def make_inquiries():
    """The new inquiry the reviewer is after, with company the export must treat right."""
    fields = {"client_hash": "f" * 64, "preferred_contact": Inquiry.ContactMethod.EMAIL}
    new = Inquiry.objects.create(
        name="Jordan Lee",
        email="jordan.lee@example.com",
        phone="+1 555 010 3311",
        message="I'd like to ask about weekly sessions.",
        **fields,
    )
    formula = Inquiry.objects.create(
        name='=HYPERLINK("http://evil.example")',
        email="formula@example.com",
        message="Formula in the name.",
        **fields,
    )
    spam = Inquiry.objects.create(
        name="Cheap Pills",
        email="pills@spam.example",
        message="Buy now.",
        status=Inquiry.Status.SPAM,
        spam_reason="honeypot",
        notification_state=Inquiry.Notification.SKIPPED,
        **fields,
    )
    return new, formula, spam


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reviewer_assigns_an_inquiry_notes_it_and_exports_the_inbox(page, make_staff):
    reviewer = make_staff("robin", "Inquiry reviewers", first_name="Robin", last_name="Vale")
    inquiry, formula, spam = make_inquiries()

    log_in(page, "robin")
    admin_menu(page).get_by_role("link", name="Inquiries").click()
    expect(page.get_by_role("link", name=str(spam))).to_have_count(0)  # spam stays out
    # The listing's search filters as one types; addresses are encrypted, so it finds the
    # whole address (any case), through its blind index.
    page.get_by_role("textbox", name="Search term").fill("Jordan.Lee@example.com")
    expect(page).to_have_url(re.compile(r"[?&]q=Jordan.Lee%40example.com"))
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(1)
    listed_time = rows.get_by_role("cell").nth(5).inner_text()
    rows.get_by_role("link", name=f"Inquiry #{inquiry.pk}").click()

    main = page.locator("#main")
    expect(main).to_contain_text("I'd like to ask about weekly sessions.")
    # The inquiry says when it arrived in the same time zone as the list.
    expect(main).to_contain_text(listed_time)
    page.get_by_role("button", name="Actions").click()
    page.get_by_role("link", name="Edit").click()
    page.get_by_role("combobox", name="Status").select_option(label="Contacted")
    page.get_by_role("combobox", name="Assigned to").select_option(label="Robin Vale")
    page.get_by_role("textbox", name="Private staff notes").fill(
        "Left a voicemail; will call back Tuesday."
    )
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(rf"/admin/inquiries/inspect/{inquiry.pk}/$"))

    def shown(label):
        return main.locator("dt", has_text=label).locator("xpath=following-sibling::dd[1]")

    expect(shown("Status")).to_have_text("Contacted")
    expect(shown("Assigned to")).to_have_text("robin")  # the inspect view names the login
    expect(shown("Private staff notes")).to_have_text("Left a voicemail; will call back Tuesday.")
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONTACTED
    assert inquiry.assigned_to == reviewer
    assert inquiry.staff_notes == "Left a voicemail; will call back Tuesday."
    entry = ModelLogEntry.objects.get(object_id=str(inquiry.pk), action="contact.inquiry.review")
    assert (entry.user, entry.data["changes"]) == (
        reviewer,
        ["Status: New → Contacted", "Assigned to: nobody → Robin Vale", "Staff notes edited"],
    )

    admin_menu(page).get_by_role("link", name="Inquiries").click()
    page.get_by_role("button", name="Actions").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == "inquiries.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as file:
        text = file.read()
    rows = list(csv.DictReader(io.StringIO(text)))
    by_email = {row["Email"]: row for row in rows}
    # The inbox as listed: spam is only exported when the filter shows it.
    assert set(by_email) == {"jordan.lee@example.com", "formula@example.com"}
    exported = by_email["jordan.lee@example.com"]
    assert exported["Inquiry"] == str(inquiry.pk)
    assert exported["Name"] == "Jordan Lee"
    # In a CSV a leading "+" would start a formula too (the XLSX keeps it as typed).
    assert exported["Phone"] == "'+1 555 010 3311"
    assert exported["Status"] == "Contacted"
    assert exported["Assigned to"] == "robin"
    # A typed formula arrives as text, not something a spreadsheet would run.
    assert by_email["formula@example.com"]["Name"] == "'" + formula.name
    # What the person wrote, the private notes and the address hash stay in the admin.
    # Who read it, not only who changed it: opened twice, edited, exported once.
    reads = ModelLogEntry.objects.filter(object_id=str(inquiry.pk)).exclude(
        action="contact.inquiry.review"
    )
    assert sorted(reads.values_list("action", flat=True)) == [
        "contact.inquiry.export",
        "contact.inquiry.view",
        "contact.inquiry.view",
        "contact.inquiry.view",
    ]
    assert {entry.user for entry in reads} == {reviewer}
    for private in (inquiry.message, inquiry.staff_notes, inquiry.client_hash, spam.name):
        assert private not in text
    assert not {"Message", "Private staff notes", "Spam reason"} & set(rows[0])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_editor_without_the_reviewer_group_cannot_reach_inquiries(page, make_staff):
    make_staff("casey", "Editors")
    inquiry, _, _ = make_inquiries()

    log_in(page, "casey")
    menu = admin_menu(page)
    expect(menu.get_by_role("button", name="Pages")).to_be_visible()  # the menu is there
    expect(menu.get_by_role("link", name="Inquiries")).to_have_count(0)
    expect(page.locator("#main")).not_to_contain_text(
        re.compile("inquir", re.IGNORECASE)
    )  # no dashboard panel

    for url in (
        "/admin/inquiries/",
        f"/admin/inquiries/inspect/{inquiry.pk}/",
        f"/admin/inquiries/edit/{inquiry.pk}/",
        "/admin/inquiries/?export=csv",
    ):
        page.goto(url)
        expect(page).to_have_url(re.compile(r"/admin/$"))
        expect(page.get_by_role("status")).to_contain_text(
            "Sorry, you do not have permission to access this area."
        )
        expect(page.locator("body")).not_to_contain_text(inquiry.email)
