"""An article's reference list, formatted when the page is saved and read on every render.

Sorting, telling citations apart (apa.prepare), the APA entries and their JSON-LD cost
about a tenth of a millisecond per reference on each render, and an article with a hundred
references was a third slower than one with one. The page stores their result instead
(ArticlePage.formatted_references, so each revision carries its own), as JSON:

    {"version": apa.FORMAT_VERSION,
     "entries": "[{"key", "html", "authors", "narrative_authors", "year"}, ...]",
     "json_ld": "[...]",
     "texts": [{"digest", "parts", "anchors"}, ...],
     "items": "<li ...>...</li>..."}

with the entries in reference-list order (each one's HTML and what its in-text citations
say, apa.CitedAs) and their schema.org citations as JSON text ready for the page's script
element (practice.jsonld.encoded): the page is kept in the cache with all this, and a
hundred citations as nested dicts took a millisecond to unpickle. "texts" and "items" are
the body's rich texts with their citations made and the reference list with its links back
to them (articles/citations.py): making a hundred citations took two milliseconds. Only
when those do not fit the body are the entries needed, so they too are kept as JSON text.
Stored data of another version is never shown: the page formats its references afresh
instead (see ArticlePage.reference_list).
"""

import json
from collections.abc import Iterable

from articles import apa, metadata
from articles.citations import CitationRenderer
from practice import jsonld


def format_references(references: Iterable[apa.Reference], body=()) -> dict:
    """The references formatted, and `body` (a StreamField value) with its citations made."""
    prepared = apa.prepare(references)
    data = {
        "version": apa.FORMAT_VERSION,
        "entries": [entry(reference) for reference in prepared],
        "json_ld": jsonld.encoded([metadata.citation(reference) for reference in prepared]),
    }
    rendered = CitationRenderer(data).prerender(body)
    return {**data, "entries": json.dumps(data["entries"], ensure_ascii=False), **rendered}


def entry(reference: apa.Reference) -> dict:
    cited = apa.cited_as(reference)
    return {
        "key": reference.key,
        "html": apa.to_html(reference.runs),
        "authors": cited.authors,
        "narrative_authors": cited.narrative_authors,
        "year": cited.year,
    }


def is_current(data) -> bool:
    return isinstance(data, dict) and data.get("version") == apa.FORMAT_VERSION


def json_ld_citations(data: dict) -> jsonld.EncodedJSON:
    """For article_json_ld's `citations`: the JSON-LD citations, encoded for a script."""
    return jsonld.EncodedJSON(data["json_ld"])
