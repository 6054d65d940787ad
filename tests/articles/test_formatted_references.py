"""References formatted when the page is saved: stored with the page and its revisions,
never shown once outdated, re-formatted by reformat_references and after migrate."""

import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_migrate
from wagtail.models import Revision

from articles import apa, reformat
from articles.models import ArticleIndexPage, ArticlePage
from benchmarks.content import create_article_with_references
from practice import generation

DEMO_SLUG = "update-on-therapy-partners"  # grouped and repeated citations, two references


@pytest.fixture
def index(demo_site):
    return ArticleIndexPage.objects.get()


def stored(page) -> dict:
    return ArticlePage.objects.get(pk=page.pk).formatted_references


def latest_revision_data(page) -> dict:
    page = ArticlePage.objects.get(pk=page.pk)
    return Revision.objects.get(pk=page.latest_revision_id).content["formatted_references"]


def store(page, data) -> None:
    """Replaces what the page stores, as a database of an older version would hold it."""
    ArticlePage.objects.filter(pk=page.pk).update(formatted_references=data)
    generation.bump()  # the cached route holds the page as it was


def test_publishing_stores_the_formatted_references_with_the_page_and_its_revision(index):
    page = create_article_with_references(index, 3)
    data = stored(page)
    assert data["version"] == apa.FORMAT_VERSION
    entries = json.loads(data["entries"])
    assert [entry["year"] for entry in entries] == ["2000", "2001", "2002"]
    assert entries[0]["html"].startswith("Author0, A. B., Second, C., &amp; Third, D.")
    assert [citation["name"] for citation in json.loads(data["json_ld"])] == [
        "Study number 0",
        "Study number 1",
        "Study number 2",
    ]
    assert [anchors for text in data["texts"] for anchors in text["anchors"]] == [
        [str(reference.key), 1] for reference in page.references.order_by("sort_order")
    ]
    assert latest_revision_data(page) == data


@pytest.mark.parametrize("count", [1, 30])
def test_the_page_from_stored_references_is_the_page_formatted_live(client, index, count):
    pages = [
        ArticlePage.objects.get(slug=DEMO_SLUG),
        create_article_with_references(index, count, tags=2),
    ]
    for page in pages:
        from_store = client.get(page.url).content.decode()
        store(page, {})
        live = client.get(page.url).content.decode()
        assert from_store == live
        assert 'class="citation"' in live


def test_an_outdated_version_is_never_shown(client, demo_site):
    page = ArticlePage.objects.get(slug=DEMO_SLUG)
    data = stored(page)
    data["version"] = apa.FORMAT_VERSION - 1
    data["items"] = "<li>Stale list</li>"
    data["entries"] = json.dumps(
        [{**entry, "html": "Stale entry"} for entry in json.loads(data["entries"])]
    )
    data["texts"] = [{**text, "parts": ["Stale text"]} for text in data["texts"]]
    store(page, data)
    html = client.get(page.url).content.decode()
    assert "Stale" not in html
    assert "Norcross, J. C., &amp; Lambert, M. J. (2018)." in html
    assert "(Norcross &amp; Lambert, 2018, p. 307)</a>" in html


def test_a_body_changed_without_saving_the_page_gets_its_citations_made_live(client, demo_site):
    page = ArticlePage.objects.get(slug=DEMO_SLUG)
    body = page.body.get_prep_value()
    raw = json.dumps(body).replace('data-locator=\\"p. 307\\"', 'data-locator=\\"p. 99\\"')
    assert raw != json.dumps(body)
    ArticlePage.objects.filter(pk=page.pk).update(body=json.loads(raw))
    generation.bump()
    html = client.get(page.url).content.decode()
    assert "(Norcross &amp; Lambert, 2018, p. 99)</a>" in html
    assert "p. 307)" not in html
    assert html.count('class="citation-backlink"') == html.count('class="citation"')


def test_a_preview_formats_the_references_it_is_given(demo_site):
    page = ArticlePage.objects.get(slug=DEMO_SLUG)
    reference = page.references.get(title__startswith="Psychotherapy relationships")
    reference.title = "A title changed in the editor"
    page.references = [reference, *page.references.exclude(pk=reference.pk)]
    html = page.make_preview_request().content.decode()
    assert "A title changed in the editor" in html
    assert "A title changed in the editor" not in json.dumps(stored(page))


def test_reformat_references_formats_pages_and_latest_revisions_once(demo_site):
    page = ArticlePage.objects.get(slug=DEMO_SLUG)
    current = stored(page)
    store(page, {"version": 0})
    revision = Revision.objects.get(pk=page.latest_revision_id)
    revision.content["formatted_references"] = {"version": 0}
    revision.save(update_fields=["content"])
    before = generation.lookup("x")[0]

    output = io.StringIO()
    call_command("reformat_references", batch_size=1, stdout=output)
    assert "of 2 article pages and revisions" in output.getvalue()
    assert stored(page) == current
    assert latest_revision_data(page) == current
    assert generation.lookup("x")[0] != before  # cached pages are forgotten

    call_command("reformat_references", stdout=output)
    assert output.getvalue().endswith("of 0 article pages and revisions.\n")


def test_the_migration_operation_reformats_once_migrate_has_finished(demo_site):
    page = ArticlePage.objects.get(slug=DEMO_SLUG)
    current = stored(page)
    store(page, {"version": 0})
    operation = reformat.after_migrate()

    class SchemaEditor:
        pass

    schema_editor = SchemaEditor()
    schema_editor.connection = connection
    operation.code(apps, schema_editor)
    assert stored(page) == {"version": 0}  # not inside the migration

    config = apps.get_app_config("articles")
    post_migrate.send(
        sender=config,
        app_config=config,
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=[],
    )
    assert stored(page) == current

    store(page, {"version": 0})  # a later migrate that no migration asked to reformat
    post_migrate.send(
        sender=config,
        app_config=config,
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=[],
    )
    assert stored(page) == {"version": 0}
