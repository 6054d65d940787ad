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


# What may separate citations that belong in one parenthesis.
ADJACENT = re.compile(r"(?:\s|&nbsp;|;|,)*")


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

    def _link(self, key: str, text: str) -> str:
        self.counts[key] += 1
        return (
            f'<a class="citation" href="#{anchor(key)}" id="cite-{key}-{self.counts[key]}">'
            f"{escape(text, quote=False)}</a>"
        )

    def _render_group(self, matches: list) -> str:
        """Citations side by side in the text: one parenthesis, in reference-list order.

        (Flückiger et al., 2018; Norcross & Lambert, 2018, p. 307), as APA 7 writes them;
        narrative citations and citations of deleted references stay on their own.
        """
        together, alone = [], []
        for match in matches:
            attrs = extract_attrs(match.group(1))
            reference = self.by_key.get(attrs.get("data-ref", ""))
            if reference is None:
                # The reference was deleted after citing it: keep the words, drop the link.
                alone.append(f'<span class="citation citation-missing">{match.group(2)}</span>')
            elif attrs.get("data-narrative") == "1":
                text = apa.citation_text(reference, attrs.get("data-locator", ""), narrative=True)
                alone.append(self._link(reference.key, text))
            else:
                together.append((reference, attrs.get("data-locator", "")))
        if len(together) == 1:
            reference, locator = together[0]
            alone.insert(0, self._link(reference.key, apa.citation_text(reference, locator)))
        elif together:
            order = {reference.key: position for position, reference in enumerate(self.references)}
            together.sort(key=lambda item: order[item[0].key])
            parts = [
                self._link(reference.key, apa.citation_parts(reference, locator))
                for reference, locator in together
            ]
            alone.insert(0, f"({'; '.join(parts)})")
        return " ".join(alone)

    def render(self, source: str) -> str:
        output, group, position = [], [], 0
        for match in CITATION_TAG.finditer(source):
            between = source[position : match.start()]
            if group and not ADJACENT.fullmatch(between):
                output.append(self._render_group(group))
                group = []
            if not group:
                output.append(between)
            group.append(match)
            position = match.end()
        if group:
            output.append(self._render_group(group))
        output.append(source[position:])
        return mark_safe(expand_db_html("".join(output)))  # noqa: S308

    def reference_items(self) -> str:
        """The reference list's <li> elements, each with links back to the citations
        rendered so far. Built here, not in a template loop: at a fifth of a millisecond
        per entry, the loop made a page's time grow with its reference list."""
        return mark_safe("\n".join(map(self._item, self.references)))  # noqa: S308

    def _item(self, reference: apa.Reference) -> str:
        key = escape(reference.key)
        backlinks = "".join(
            f' <a class="citation-backlink" href="#cite-{key}-{n}"'
            f' aria-label="Back to citation {n} in the text">{"↩" if n == 1 else n}</a>'
            for n in range(1, self.counts[reference.key] + 1)
        )
        return f'<li id="{anchor(key)}">{apa.to_html(reference.runs)}{backlinks}</li>'
