"""Pasting BibTeX, RIS or CSL-JSON into an article in the admin: preview, then all or none."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import reference_import
from articles.models import ArticlePage
from tests.articles.samples import SEED_HTML, SEED_MARKDOWN, entry
from tests.articles.test_bibtex import SEED_BIBTEX
from tests.articles.test_reference_export import make_article
from tests.articles.test_ris import SEED_RIS

TWO_ENTRIES = (
    SEED_BIBTEX
    + r"""
@book{wampold2015,
  author = {Wampold, Bruce E. and Imel, Zac E.},
  title = {The great psychotherapy debate},
  edition = {2}, publisher = {Routledge}, year = {2015}
}
"""
)


@pytest.fixture
def article(demo_site):
    return make_article("imported", [])


def confirmed(text):
    """The form as sent after a preview of this text (the form strips it before signing)."""
    return {"text": text, "previewed": reference_import.text_digest(text.strip()), "confirm": ""}


def import_url(page):
    return reverse("articles_import_references", args=(page.pk,))


def test_format_detection():
    assert reference_import.detect_format(SEED_BIBTEX) == "bibtex"
    assert reference_import.detect_format(SEED_RIS) == "ris"
    assert reference_import.detect_format(' [{"type": "book"}]') == "csl"
    assert reference_import.detect_format("anything else") == "bibtex"


def test_preview_then_confirm_adds_a_draft_in_order(admin_client, article):
    response = admin_client.post(import_url(article), {"text": TWO_ENTRIES, "preview": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 references found in the BibTeX" in html
    assert SEED_HTML in html
    assert 'name="confirm"' in html
    # Previewing adds nothing.
    assert ArticlePage.objects.get(pk=article.pk).revisions.count() == 1

    previewed = re.search(r'name="previewed" value="([0-9a-f]+)"', html).group(1)
    response = admin_client.post(
        import_url(article), {"text": TWO_ENTRIES, "previewed": previewed, "confirm": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=(article.pk,))
    page = ArticlePage.objects.get(pk=article.pk)
    assert page.has_unpublished_changes
    assert page.references.count() == 0  # the live page is unchanged until published
    draft = page.get_latest_revision_as_object()
    titles = [reference.title for reference in draft.references.all()]
    assert titles == [
        "Psychotherapy relationships that work III.",
        "The great psychotherapy debate",
    ]

    # Published as usual, the article shows the exact APA line.
    page.get_latest_revision().publish()
    assert SEED_HTML in admin_client.get(page.url).content.decode()


def test_import_builds_on_unpublished_changes(admin_client, demo_site):
    page = ArticlePage.objects.get(slug="update-on-therapy-partners")
    before = [r.title for r in page.references.all()]
    draft = page.get_latest_revision_as_object()
    draft.title = "A retitled draft"
    draft.save_revision()
    response = admin_client.post(import_url(page), confirmed(SEED_RIS))
    assert response.status_code == 302
    latest = ArticlePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert latest.title == "A retitled draft"
    assert [r.title for r in latest.references.all()] == [
        *before,
        "Psychotherapy relationships that work III.",
    ]
    assert len({r.key for r in latest.references.all()}) == len(before) + 1
    assert not ArticlePage.objects.get(pk=page.pk).live_revision.as_object().title.startswith("A ")


def test_text_changed_after_its_preview_is_previewed_again_not_added(admin_client, article):
    seen = admin_client.post(import_url(article), {"text": SEED_BIBTEX, "preview": ""})
    previewed = re.search(r'name="previewed" value="([0-9a-f]+)"', seen.content.decode()).group(1)
    changed = {"text": TWO_ENTRIES, "previewed": previewed, "confirm": ""}
    response = admin_client.post(import_url(article), changed)
    assert response.status_code == 200
    assert "2 references found in the BibTeX" in response.content.decode()
    assert ArticlePage.objects.get(pk=article.pk).revisions.count() == 1
    # Without any preview at all, the same.
    response = admin_client.post(import_url(article), {"text": SEED_RIS, "confirm": ""})
    assert response.status_code == 200
    assert ArticlePage.objects.get(pk=article.pk).revisions.count() == 1


def test_one_bad_entry_adds_nothing(admin_client, article):
    text = TWO_ENTRIES + "\n@article{bad, title={No journal}, doi={10.1037}}\n@article{x, title={"
    response = admin_client.post(import_url(article), {"text": text, "confirm": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter the journal&#x27;s name." in html
    assert "is not a DOI" in html
    assert "could not be read as BibTeX" in html
    assert 'name="confirm"' not in html
    assert ArticlePage.objects.get(pk=article.pk).revisions.count() == 1


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "nothing here",
        "{",
        "[1, 2]",
        '{"title": []}',
        "TY  - JOUR\n",
        "@",
        "\x00\ufeff",
        # Found in review: each of these was a 500.
        "TY  - ELEC\nTI  - T\nUR  - https://example.org/\nY2  - 9999999999/1/1\nER  - \n",
        '{"type": "book", "title": "T", "issued": {"date-parts": [[1e400]]}}',
        '{"type": "webpage", "title": "T", "URL": "https://example.org/", '
        '"accessed": {"date-parts": [[2024, 1e400, 99999999999999999999]]}}',
        "[" * 100_000,
    ],
)
def test_odd_input_is_a_page_never_a_500(admin_client, article, text):
    for action in ("preview", "confirm"):
        response = admin_client.post(import_url(article), {"text": text, action: ""})
        assert response.status_code == 200
    assert ArticlePage.objects.get(pk=article.pk).revisions.count() == 1


def test_every_format_of_the_seed_reference_renders_exactly():
    csl = '{"type": "article-journal", "title": "Psychotherapy relationships that work III", '
    csl += '"author": [{"family": "Norcross", "given": "John C."}, {"family": "Lambert", '
    csl += '"given": "Michael J."}], "issued": {"date-parts": [[2018]]}, "container-title": '
    csl += '"Psychotherapy", "volume": "55", "issue": "4", "page": "303-315", '
    csl += '"DOI": "10.1037/pst0000193"}'
    for text in (SEED_BIBTEX, SEED_RIS, csl):
        _, (parsed,) = reference_import.parse(text)
        assert parsed.problems == []
        assert entry(parsed.fields) == SEED_MARKDOWN


def test_odd_csl_dates_are_problems_for_that_item():
    _, (huge, accessed, fine) = reference_import.parse(
        '[{"type": "book", "title": "T", "issued": {"date-parts": [[1e400]]}},'
        '{"type": "webpage", "title": "T", "URL": "https://example.org/",'
        ' "accessed": {"date-parts": [[99999, 1, 1]]}},'
        '{"type": "book", "title": "T", "issued": {"date-parts": [["2018"]]}}]'
    )
    assert "is not a date" in huge.problems[0]
    assert "is not a date" in accessed.problems[0]
    assert fine.problems == []
    assert fine.fields["year"] == 2018


def test_deep_json_and_lone_surrogates():
    _, (deep,) = reference_import.parse("[" * 100_000)
    assert "not valid JSON" in deep.problems[0]
    _, (odd,) = reference_import.parse('{"type": "book", "title": "A\\ud800B"}')
    assert odd.fields["title"] == "A?B"


def test_lone_surrogates_preview_as_a_page(admin_client, article):
    text = '{"type": "book", "title": "T\\ud800", "author": [{"family": "\\udfff", "given": "A"}]}'
    response = admin_client.post(import_url(article), {"text": text, "preview": ""})
    assert response.status_code == 200
    assert "T?" in response.content.decode()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_parse_never_raises(text):
    for parsed in reference_import.parse(text)[1]:
        assert isinstance(parsed.problems, list)


def test_who_may_import(client, django_user_model, article):
    url = import_url(article)
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert reverse("account_login") in anonymous["Location"]
    user = django_user_model.objects.create_user("viewer", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    # Wagtail's way with a PermissionDenied in the admin: back to the dashboard, with a message.
    for response in (client.get(url), client.post(url, confirmed(SEED_RIS))):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert ArticlePage.objects.get(pk=article.pk).revisions.count() == 1


def test_the_editor_offers_import_and_fill_from_doi(admin_client, article):
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=(article.pk,))).content.decode()
    assert import_url(article) in html
    assert "Import references" in html
    lookup = reverse("articles_doi_lookup")
    assert f'src="/static/js/articles-doi.js" data-lookup-url="{lookup}" defer' in html
    form = admin_client.get(import_url(article)).content.decode()
    assert 'name="text"' in form
    # Not on other page types.
    home_edit = admin_client.get(
        reverse("wagtailadmin_pages:edit", args=(article.get_parent().pk,))
    )
    assert "import-references" not in home_edit.content.decode()


def test_a_page_locked_by_someone_else_gets_nothing(admin_client, article, django_user_model):
    other = django_user_model.objects.create_user("other", password="pw")
    ArticlePage.objects.filter(pk=article.pk).update(locked=True, locked_by=other)
    response = admin_client.post(import_url(article), confirmed(SEED_RIS))
    assert response.status_code == 302
    assert ArticlePage.objects.get(pk=article.pk).revisions.count() == 1
