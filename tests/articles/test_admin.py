"""The read-only list of every reference in the admin."""

import pytest
from django.urls import reverse

from articles.models import ArticleReference


@pytest.fixture
def admin_client_with_demo(admin_client, demo_site):
    return admin_client


def test_lists_searches_filters_and_exports_references(admin_client_with_demo):
    client = admin_client_with_demo
    url = reverse("references:index")
    html = client.get(url).content.decode()
    for reference in ArticleReference.objects.all():
        assert reference.title in html
    assert "(Norcross &amp; Lambert, 2018)" in html
    searched = client.get(url, {"q": "alliance"}).content.decode()
    assert "The alliance in adult psychotherapy" in searched
    assert "Recognition of psychotherapy effectiveness" not in searched
    filtered = client.get(url, {"kind": "book"}).content.decode()
    assert "The great psychotherapy debate" in filtered
    assert "Psychotherapy relationships that work III" not in filtered
    export = client.get(url, {"export": "csv"})
    assert export.status_code == 200
    csv = b"".join(export.streaming_content).decode()
    assert "Norcross, J. C., & Lambert, M. J. (2018)." in csv


def test_inspect_shows_the_apa_entry_and_nothing_is_editable_here(admin_client_with_demo):
    client = admin_client_with_demo
    reference = ArticleReference.objects.get(title="Psychotherapy relationships that work III")
    html = client.get(reverse("references:inspect", args=(reference.pk,))).content.decode()
    assert "https://doi.org/10.1037/pst0000193" in html
    assert "Norcross, John C.; Lambert, Michael J." in html
    assert client.get(reverse("references:add")).status_code == 302
    assert client.get(reverse("references:edit", args=(reference.pk,))).status_code == 302
    assert client.post(reverse("references:delete", args=(reference.pk,))).status_code == 302
    assert ArticleReference.objects.filter(pk=reference.pk).exists()
