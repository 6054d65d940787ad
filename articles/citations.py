"""In-text citations in rich text.

The editor stores a citation as
    <a linktype="citation" data-ref="<reference key>" data-locator="p. 307">label</a>
where the label is only what the editor showed while writing. On the page the whole tag is
replaced by the APA parenthetical built from the reference as it is now, linked to its entry
in the reference list; a citation whose reference was deleted becomes plain text.
"""

import re
from collections import Counter
from collections.abc import Sequence
from html import escape

from django.utils.safestring import mark_safe
from wagtail.rich_text import RichText, expand_db_html
from wagtail.rich_text.rewriters import extract_attrs

from articles import apa

CITATION_TAG = re.compile(r'<a\b([^>]*\blinktype="citation"[^>]*)>(.*?)</a>', flags=re.DOTALL)


def citations_in_html(html: str) -> list[dict]:
    return [extract_attrs(match.group(1)) for match in CITATION_TAG.finditer(html)]


def rich_texts(value):
    """Every RichText inside a StreamField value (in document order), however deeply nested."""
    if isinstance(value, RichText):
        yield value
    elif isinstance(value, dict):  # StructValue
        for item in value.values():
            yield from rich_texts(item)
    elif isinstance(value, Sequence) and not isinstance(value, str):  # Stream/ListValue
        for item in value:
            yield from rich_texts(getattr(item, "value", item))


def cited_keys(stream_value) -> list[str]:
    return [
        citation.get("data-ref", "")
        for text in rich_texts(stream_value)
        for citation in citations_in_html(text.source)
    ]


def anchor(key: str) -> str:
    return f"ref-{key}"


class CitationRenderer:
    """Turns stored citations into links, counting them so the references can link back."""

    def __init__(self, references: list[apa.Reference]):
        self.references = references
        self.by_key = {reference.key: reference for reference in references}
        self.counts: Counter = Counter()

    def _replace(self, match) -> str:
        attrs = extract_attrs(match.group(1))
        key = attrs.get("data-ref", "")
        reference = self.by_key.get(key)
        if reference is None:
            # The reference was deleted after citing it: keep the words, drop the link.
            return f'<span class="citation citation-missing">{match.group(2)}</span>'
        self.counts[key] += 1
        text = apa.citation_text(
            reference, attrs.get("data-locator", ""), narrative=attrs.get("data-narrative") == "1"
        )
        return (
            f'<a class="citation" href="#{anchor(key)}" id="cite-{key}-{self.counts[key]}">'
            f"{escape(text, quote=False)}</a>"
        )

    def render(self, source: str) -> str:
        return mark_safe(expand_db_html(CITATION_TAG.sub(self._replace, source)))  # noqa: S308

    def entries(self) -> list[dict]:
        """The reference list, with links back to each citation rendered so far."""
        return [
            {
                "anchor": anchor(reference.key),
                "html": mark_safe(apa.to_html(apa.reference_runs(reference))),  # noqa: S308
                "backlinks": [
                    f"cite-{reference.key}-{n}" for n in range(1, self.counts[reference.key] + 1)
                ],
            }
            for reference in self.references
        ]
