"""articles/metadata.py without a database: what the JSON-LD leaves out and keeps."""

import datetime
from types import SimpleNamespace

from articles.metadata import article_json_ld


def test_empty_values_are_left_out_but_citation_is_always_there():
    page = SimpleNamespace(
        title="A note",
        summary="",
        date=datetime.date(2026, 11, 2),
        updated=None,
        last_published_at=None,
    )
    data = article_json_ld(
        page, url="https://x.example/a/", author_name="", publisher_name="P", citations=[], tags=[]
    )
    assert "author" not in data
    assert "description" not in data
    assert "keywords" not in data
    assert "image" not in data
    assert data["citation"] == []
    assert data["dateModified"] == "2026-11-02"
