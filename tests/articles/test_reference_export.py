"""The reference list as downloads (BibTeX, RIS, CSL-JSON), and back in again unchanged."""

import json

import pytest
from wagtail.rich_text import RichText

from articles import reference_import
from articles.models import ArticleIndexPage, ArticlePage, ArticleReference
from tests.articles.samples import RICH_SET, SEED_HTML, SEED_MARKDOWN, entry, fields_of

DOWNLOADS = {
    "bibtex": ("application/x-bibtex; charset=utf-8", "bib", "@article{norcross2018,"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris", "TY  - JOUR"),
    "csl-json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json", '"id": "ref1"'),
}


def make_article(slug, references):
    index = ArticleIndexPage.objects.get()
    page = ArticlePage(
        title=f"Article {slug}",
        slug=slug,
        summary="A summary.",
        body=[("paragraph", RichText("<p>Some words.</p>"))],
    )
    for position, fields in enumerate(references):
        page.references.add(ArticleReference(sort_order=position, **fields))
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def rich_article(demo_site):
    return make_article("rich", RICH_SET)


@pytest.mark.parametrize("name", DOWNLOADS)
def test_downloads_have_their_type_and_file_name(client, rich_article, name):
    content_type, suffix, start = DOWNLOADS[name]
    response = client.get(f"{rich_article.url}references/{name}/")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="rich-references.{suffix}"'
    assert start in response.content.decode()
    assert "csrftoken" not in response.cookies
    assert "Vary" not in response or "Cookie" not in response["Vary"]


def test_csl_json_is_a_list_of_items(client, rich_article):
    items = json.loads(client.get(f"{rich_article.url}references/csl-json/").content)
    assert [item["type"] for item in items] == [
        "article-journal",
        "article-journal",
        "article-journal",
        "article-journal",
        "report",
        "book",
        "chapter",
        "webpage",
    ]
    assert items[0]["DOI"] == "10.1037/pst0000193"
    assert items[7]["accessed"] == {"date-parts": [[2026, 5, 1]]}


@pytest.mark.parametrize("name", DOWNLOADS)
def test_export_then_import_gives_the_same_references(client, rich_article, name):
    text = client.get(f"{rich_article.url}references/{name}/").content.decode()
    _, entries = reference_import.parse(text)
    assert [e.problems for e in entries] == [[]] * len(RICH_SET)
    expected = [fields_of(reference) for reference in rich_article.references.all()]
    assert [e.fields for e in entries] == expected
    assert entry(entries[0].fields) == SEED_MARKDOWN


def test_the_article_links_its_downloads(client, rich_article):
    html = client.get(rich_article.url).content.decode()
    for name in DOWNLOADS:
        assert f'href="{rich_article.url}references/{name}/" download' in html
    assert SEED_HTML in html


def test_no_references_no_links_and_no_downloads(client, demo_site):
    page = make_article("bare", [])
    assert "references/bibtex/" not in client.get(page.url).content.decode()
    assert client.get(f"{page.url}references/bibtex/").status_code == 404


def test_unknown_format_and_drafts(client, rich_article):
    assert client.get(f"{rich_article.url}references/docx/").status_code == 404
    assert client.get(f"{rich_article.url}references/").status_code == 404
    # A reference added in a draft is not public until the draft is published.
    draft = rich_article.get_latest_revision_as_object()
    draft.references.add(ArticleReference(title="Draft only", kind="book"))
    draft.save_revision()
    assert "Draft only" not in client.get(f"{rich_article.url}references/ris/").content.decode()
    rich_article.unpublish()
    assert client.get(f"{rich_article.url}references/ris/").status_code == 404
