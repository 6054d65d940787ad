"""Article pages in the admin and on the site: creation, citations, previews, revisions."""

import io
import json
import re
import uuid

from django.core.management import call_command
from django.urls import reverse
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from articles.blocks import ARTICLE_RICH_TEXT_FEATURES
from articles.models import ArticleIndexPage, ArticlePage, ArticleReference
from practice.models import ContentPage, HomePage
from tests.html import inline_attributes, third_party_urls

KEY = uuid.UUID("0b3c0d5e-1111-4a2b-8c3d-222233334444")
NORCROSS_LAMBERT = {
    "key": str(KEY),
    "kind": "journal",
    "authors": "Norcross, John C.\nLambert, Michael J.",
    "year": "2018",
    "title": "Psychotherapy relationships that work III",
    "container": "Psychotherapy",
    "volume": "55",
    "issue": "4",
    "pages": "303-315",
    "edition": "",
    "number": "",
    "editors": "",
    "publisher": "",
    "doi": "http://dx.doi.org/10.1037/pst0000193",
    "url": "",
    "accessed": "",
}
SEED_ENTRY_HTML = (
    "Norcross, J. C., &amp; Lambert, M. J. (2018). Psychotherapy relationships that work III. "
    "<em>Psychotherapy, 55</em>(4), 303–315. "
    '<a href="https://doi.org/10.1037/pst0000193">https://doi.org/10.1037/pst0000193</a>'
)


def citation(key, label, locator=""):
    locator_attribute = f' data-locator="{locator}"' if locator else ""
    return f'<a linktype="citation" data-ref="{key}"{locator_attribute}>{label}</a>'


def article_form_data(body_html, references, **fields):
    return nested_form_data(
        {
            "title": "Update on Therapy Partners",
            "slug": "update",
            "summary": "What new research adds.",
            "date": "2026-11-02",
            "author": "",
            "tags": "research, therapy relationship",
            "body": streamfield(
                [("paragraph", rich_text(body_html, features=ARTICLE_RICH_TEXT_FEATURES))]
            ),
            "references": inline_formset(references),
            "related_links": inline_formset([]),
            **fields,
        }
    )


class ArticlePageTests(WagtailPageTestCase):
    def setUp(self):
        call_command("seed_demo", stdout=io.StringIO())
        self.home = HomePage.objects.get()
        self.index = ArticleIndexPage.objects.get()
        self.article = ArticlePage.objects.get(slug="update-on-therapy-partners")
        self.user = self.login()

    def test_routable_and_renderable(self):
        for page in (self.index, self.article):
            self.assertPageIsRoutable(page)
            self.assertPageIsRenderable(page)

    def test_where_each_can_be_created(self):
        self.assertAllowedParentPageTypes(ArticleIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(ArticleIndexPage, {ArticlePage})
        self.assertAllowedParentPageTypes(ArticlePage, {ArticleIndexPage})
        self.assertAllowedSubpageTypes(ArticlePage, set())
        self.assertCanNotCreateAt(ContentPage, ArticlePage)
        self.assertCanNotCreateAt(Page, ArticleIndexPage)
        # One index per site: the demo already has it.
        self.assertFalse(ArticleIndexPage.can_create_at(self.home))

    def test_new_article_is_by_the_therapist_by_default(self):
        url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", self.index.pk))
        html = self.client.get(url).content.decode()
        self.assertRegex(html, r'name="author"[^>]*value="Dr. Morgan Ellis"')
        self.assertIn("js/articles-citations.js", html)

    def test_citation_round_trip_from_editor_to_page(self):
        stored_before = (
            "<p>The relationship matters "
            + citation(KEY, "(Norcross &amp; Lambert, 2018, p. 304)", "p. 304")
            + " as much as method "
            + citation(KEY, "(Norcross &amp; Lambert, 2018, p. 307)", "307")
            + ".</p>"
        )
        # What the editor is given for the stored HTML: a Draftail entity per citation.
        contentstate = json.loads(
            ContentstateConverter(ARTICLE_RICH_TEXT_FEATURES).from_database_format(stored_before)
        )
        entities = list(contentstate["entityMap"].values())
        self.assertEqual([e["type"] for e in entities], ["CITATION", "CITATION"])
        self.assertEqual(entities[0]["data"]["ref"], str(KEY))
        self.assertEqual(entities[1]["data"]["locator"], "307")

        data = article_form_data(stored_before, [NORCROSS_LAMBERT], **{"action-publish": "1"})
        self.assertCanCreate(self.index, ArticlePage, data)
        page = ArticlePage.objects.get(slug="update")
        stored = page.body[0].value.source
        self.assertIn(f'linktype="citation" data-ref="{KEY}" data-locator="p. 304"', stored)
        self.assertIn(f'data-ref="{KEY}" data-locator="307"', stored)
        reference = page.references.get()
        self.assertEqual(reference.doi, "https://doi.org/10.1037/pst0000193")
        self.assertEqual(reference.authors[0], {"family": "Norcross", "given": "John C."})

        html = self.client.get(page.url).content.decode()
        self.assertIn(
            f'<a class="citation" href="#ref-{KEY}" id="cite-{KEY}-1">'
            "(Norcross &amp; Lambert, 2018, p. 304)</a>",
            html,
        )
        self.assertIn(
            f'<a class="citation" href="#ref-{KEY}" id="cite-{KEY}-2">'
            "(Norcross &amp; Lambert, 2018, p. 307)</a>",
            html,
        )
        self.assertIn(f'<li id="ref-{KEY}">{SEED_ENTRY_HTML}', html)
        self.assertIn(f'href="#cite-{KEY}-1"', html)
        self.assertIn(f'href="#cite-{KEY}-2"', html)
        self.assertNotIn("linktype", html)
        self.assertEqual(html.count("<h1"), 1)
        self.assertEqual(third_party_urls(html), [])
        self.assertEqual(inline_attributes(html), [])

    def test_citations_of_different_smiths_give_initials_on_the_page(self):
        john, beth = uuid.uuid4(), uuid.uuid4()
        references = [
            {**NORCROSS_LAMBERT, "key": str(john), "authors": "Smith, John", "doi": ""},
            {**NORCROSS_LAMBERT, "key": str(beth), "authors": "Smith, Beth", "doi": ""},
        ]
        body = f"<p>One {citation(john, '(Smith)')} and another {citation(beth, '(Smith)')}.</p>"
        data = article_form_data(body, references, **{"action-publish": "1"})
        self.assertCanCreate(self.index, ArticlePage, data)
        html = self.client.get(ArticlePage.objects.get(slug="update").url).content.decode()
        self.assertIn(f'id="cite-{john}-1">(J. Smith, 2018)</a>', html)
        self.assertIn(f'id="cite-{beth}-1">(B. Smith, 2018)</a>', html)

    def test_malformed_doi_is_a_field_error_in_the_editor(self):
        url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", self.index.pk))
        bad = {**NORCROSS_LAMBERT, "doi": "10.1037 pst0000193"}
        response = self.client.post(url, article_form_data("<p>Text.</p>", [bad]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "is not a DOI")
        self.assertFalse(ArticlePage.objects.filter(slug="update").exists())

    def test_a_doi_too_long_once_normalised_is_a_field_error_in_the_editor(self):
        url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", self.index.pk))
        long = {**NORCROSS_LAMBERT, "doi": "10.1037/" + "x" * 282}
        response = self.client.post(url, article_form_data("<p>Text.</p>", [long]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "too long")
        self.assertFalse(ArticlePage.objects.filter(slug="update").exists())

    def test_two_authors_on_one_line_is_a_field_error(self):
        url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", self.index.pk))
        bad = {**NORCROSS_LAMBERT, "authors": "Norcross, J. C., Lambert, M. J."}
        response = self.client.post(url, article_form_data("<p>Text.</p>", [bad]))
        self.assertContains(response, "one author a line")

    def test_citing_a_deleted_reference_warns_the_editor_and_never_breaks_the_page(self):
        gone = uuid.uuid4()
        body = "<p>Claim " + citation(gone, "(Gone, 2001)") + ".</p>"
        url = reverse("wagtailadmin_pages:edit", args=(self.article.pk,))
        response = self.client.post(
            url,
            article_form_data(
                body, [NORCROSS_LAMBERT], slug=self.article.slug, **{"action-publish": "1"}
            ),
            follow=True,
        )
        self.assertContains(response, "point to a reference that has been deleted")
        html = self.client.get(self.article.url).content.decode()
        self.assertIn('<span class="citation citation-missing">(Gone, 2001)</span>', html)
        self.assertNotIn(f"#ref-{gone}", html)

    def test_autosaves_leave_the_warning_to_the_save(self):
        gone = uuid.uuid4()
        body = "<p>Claim " + citation(gone, "(Gone, 2001)") + ".</p>"
        url = reverse("wagtailadmin_pages:edit", args=(self.article.pk,))
        data = article_form_data(body, [NORCROSS_LAMBERT], slug=self.article.slug)
        for _ in range(3):  # what the editor's autosave sends as one types
            response = self.client.post(url, data, headers={"accept": "application/json"})
            self.assertEqual(response.json()["success"], True)
        response = self.client.post(url, data, follow=True)
        self.assertContains(response, "point to a reference that has been deleted", count=1)

    def test_revisions_and_previews_keep_unsaved_references(self):
        page = self.article
        saved = set(ArticleReference.objects.values_list("pk", flat=True))
        new_key = uuid.uuid4()
        page.references.add(
            ArticleReference(
                key=new_key,
                kind="book",
                authors=[{"group": "World Health Organization"}],
                title="A draft-only book",
                publisher="WHO Press",
            )
        )
        revision = page.save_revision()
        self.assertEqual(set(ArticleReference.objects.values_list("pk", flat=True)), saved)

        draft = revision.as_object()
        titles = [reference.title for reference in draft.references.all()]
        self.assertIn("A draft-only book", titles)
        response = draft.make_preview_request()
        self.assertContains(
            response, "World Health Organization. (n.d.). <em>A draft-only book</em>"
        )

        live = self.client.get(page.url).content.decode()
        self.assertNotIn("A draft-only book", live)
        revision.publish()
        self.assertContains(self.client.get(page.url), "A draft-only book")

    def test_history_compare_and_revert_include_references(self):
        page = self.article
        first = page.get_latest_revision()
        reference = page.references.get(title="Psychotherapy relationships that work III")
        reference.authors = [{"family": "Norcross", "given": "John"}]
        page.references.add(reference)
        page.save_revision().publish()
        self.assertEqual(ArticleReference.objects.get(pk=reference.pk).authors[0]["given"], "John")

        history = reverse("wagtailadmin_pages:history", args=(page.pk,))
        self.assertEqual(self.client.get(history).status_code, 200)
        compare = reverse(
            "wagtailadmin_pages:revisions_compare", args=(page.pk, first.pk, "latest")
        )
        response = self.client.get(compare)
        self.assertContains(response, "References")
        revert = reverse("wagtailadmin_pages:revisions_revert", args=(page.pk, first.pk))
        self.assertContains(self.client.get(revert), "John C.")

    def test_admin_preview_of_the_edit_form_shows_its_references(self):
        url = reverse("wagtailadmin_pages:preview_on_edit", args=(self.article.pk,))
        other = {**NORCROSS_LAMBERT, "key": str(uuid.uuid4()), "title": "Unsaved title here"}
        data = article_form_data("<p>Draft.</p>", [other], slug=self.article.slug)
        self.assertEqual(self.client.post(url, data).json()["is_valid"], True)
        self.assertContains(self.client.get(url), "Unsaved title here")

    def test_preview_of_a_new_article_renders_its_citations(self):
        url = reverse(
            "wagtailadmin_pages:preview_on_add", args=("articles", "articlepage", self.index.pk)
        )
        body = "<p>New " + citation(KEY, "(x)", "303-304") + "</p>"
        self.assertEqual(
            self.client.post(url, article_form_data(body, [NORCROSS_LAMBERT])).json()["is_valid"],
            True,
        )
        response = self.client.get(url)
        self.assertContains(response, "(Norcross &amp; Lambert, 2018, pp. 303–304)</a>")
        self.assertContains(response, SEED_ENTRY_HTML)

    def test_quote_with_source_and_page(self):
        self.article.body.append(
            ("quote", {"quote": "Words.", "source": "Norcross and Lambert", "locator": "307"})
        )
        self.article.save_revision().publish()
        html = self.client.get(self.article.url).content.decode()
        self.assertIn(
            '<figcaption class="blockquote-footer">Norcross and Lambert, p. 307</figcaption>', html
        )

    def test_edit_page_carries_the_reference_keys(self):
        html = self.client.get(reverse("wagtailadmin_pages:edit", args=(self.article.pk,))).content
        for reference in self.article.references.all():
            self.assertIn(f'value="{reference.key}"'.encode(), html)

    def test_demo_update_cites_norcross_and_lambert_twice_with_pages(self):
        html = self.client.get(self.article.url).content.decode()
        self.assertIn("(Norcross &amp; Lambert, 2018, p. 304)</a>", html)
        self.assertIn("(Norcross &amp; Lambert, 2018, p. 307)</a>", html)
        self.assertIn("(Flückiger et al., 2018)</a>", html)
        self.assertIn(SEED_ENTRY_HTML, html)
        self.assertIn('<a href="/therapy-partners/">Therapy Partners</a>', html)
        self.assertRegex(html, r"\d+ min read")


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return [json.loads(block) for block in blocks]


def test_article_metadata(client, demo_site):
    article = ArticlePage.objects.get(slug="update-on-therapy-partners")
    html = client.get(article.url).content.decode()
    # Absolute URLs come from the Site (as the sitemap's do), not from the request's host.
    url = f"{demo_site.root_url}/articles/update-on-therapy-partners/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta name="description" content="{article.summary}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta name="citation_title" content="Update on Therapy Partners">' in html
    assert '<meta name="citation_author" content="Dr. Morgan Ellis">' in html
    assert '<meta name="citation_publication_date" content="2026/11/02">' in html
    [data] = [item for item in json_ld(html) if item.get("@type") == "Article"]
    assert data["headline"] == "Update on Therapy Partners"
    assert data["author"]["name"] == "Dr. Morgan Ellis"
    assert data["datePublished"] == "2026-11-02"
    assert data["dateModified"] >= data["datePublished"]
    assert data["publisher"]["name"] == "Riverside Psychotherapy"
    assert len(data["citation"]) == article.references.count() == 2
    norcross = next(c for c in data["citation"] if c["name"].startswith("Psychotherapy rel"))
    assert norcross["url"] == "https://doi.org/10.1037/pst0000193"
    assert norcross["text"].startswith("Norcross, J. C., & Lambert, M. J. (2018).")


def test_hero_image_and_social_image(client, demo_site):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(
        title="River", file=get_test_image_file(size=(1600, 900)), description="A calm river"
    )
    article = ArticlePage.objects.get(slug="update-on-therapy-partners")
    article.hero_image = image
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert "<picture" in html
    assert 'alt="A calm river"' in html
    [og_image] = re.findall(r'<meta property="og:image" content="([^"]+)">', html)
    assert og_image.startswith("http://testserver/media/images/")
    [data] = [item for item in json_ld(html) if item.get("@type") == "Article"]
    assert data["image"] == og_image
    assert third_party_urls(html) == []


def test_json_ld_cannot_close_its_script(client, demo_site):
    article = ArticlePage.objects.get(slug="update-on-therapy-partners")
    reference = article.references.first()
    reference.title = "</script><script>alert(1)</script>"
    reference.save()
    # References change with their page (they are formatted when it is saved), as in the editor.
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert "<script>alert(1)" not in html
    [data] = [item for item in json_ld(html) if item.get("@type") == "Article"]
    assert any(c["name"] == reference.title for c in data["citation"])


def test_every_page_links_the_feeds_and_a_canonical_url(client, demo_site):
    for url in ("/", "/about/", "/articles/", "/search/?q=x", "/no-such-page/"):
        html = client.get(url).content.decode()
        assert 'type="application/rss+xml"' in html, url
        assert 'type="application/atom+xml"' in html, url
    canonical = f'<link rel="canonical" href="{demo_site.root_url}/about/">'
    assert canonical in client.get("/about/").content.decode()


def test_home_page_lists_the_newest_articles(client, demo_site):
    html = client.get("/").content.decode()
    assert html.index("Update on Therapy Partners") < html.index("Why I ask for your feedback")
    assert "What the first sessions are for" in html


def test_seed_demo_is_idempotent_and_keeps_article_edits(demo_site):
    article = ArticlePage.objects.get(slug="update-on-therapy-partners")
    article.title = "Therapy Partners, revisited"
    article.references.first().delete()
    article.save_revision().publish()
    pages, references = Page.objects.count(), ArticleReference.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Page.objects.count() == pages
    assert ArticleReference.objects.count() == references
    assert ArticlePage.objects.get(pk=article.pk).title == "Therapy Partners, revisited"
    assert ArticleIndexPage.objects.get().show_in_menus
