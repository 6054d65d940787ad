"""In-text citations in rich text.

The editor stores a citation as
    <a linktype="citation" data-ref="<reference key>" data-locator="p. 307">label</a>
where the label is only what the editor showed while writing. On the page the whole tag is
replaced by the APA parenthetical built from the reference as it was when the page was
saved (so as it is in the reference list), linked to its entry there; a citation whose
reference was deleted becomes plain text.
"""

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from html import escape

from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from wagtail.rich_text import RichText, expand_db_html
from wagtail.rich_text.rewriters import extract_attrs

from articles import apa

CITATION_TAG = re.compile(r'<a\b([^>]*\blinktype="citation"[^>]*)>(.*?)</a>', flags=re.DOTALL)


MARK = "\x00"

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


def digest(source: str) -> str:
    return hashlib.blake2b(source.encode(), digest_size=16).hexdigest()


def cited_as(entry: dict) -> apa.CitedAs:
    return apa.CitedAs(entry["authors"], entry["narrative_authors"], entry["year"])


class CitationRenderer:
    """Turns stored citations into links, noting them so the references can link back.

    Works from an article's formatted references (articles/formatted_references.py): the
    entries, and, when the page was saved, its rich texts with their citations already made
    ("texts", each as `parts`: text, links, text, ...) and the reference list made for them
    ("items"). `for_page` uses those while they were made from the page's body as it is."""

    def __init__(self, formatted: dict, stored_texts: dict[str, dict] | None = None):
        self.formatted = formatted
        self.stored_texts = stored_texts or {}
        self.stored_items = formatted.get("items") if stored_texts else None
        # The [reference key, number] of the citations of each text rendered so far.
        self.rendered: list[list] = []
        self.rendered_live = False

    @cached_property
    def entries(self) -> list[dict]:
        """Stored as JSON text: a page rendered from its stored texts never reads them, and
        a hundred as dicts took a quarter of a millisecond to unpickle from the cache."""
        entries = self.formatted["entries"]
        return json.loads(entries) if isinstance(entries, str) else entries

    @cached_property
    def by_key(self) -> dict[str, dict]:
        return {entry["key"]: entry for entry in self.entries}

    @classmethod
    def for_page(cls, formatted: dict, body) -> "CitationRenderer":
        texts = [text.source for text in rich_texts(body)]
        stored = formatted.get("texts") or []
        if len(stored) == len(texts) == len(set(texts)) and all(
            text["digest"] == digest(source) for text, source in zip(stored, texts, strict=True)
        ):
            return cls(formatted, dict(zip(texts, stored, strict=True)))
        return cls(formatted)

    def prerender(self, body) -> dict:
        """The page's rich texts with their citations made, and the reference list for
        them, to store with the page (see for_page)."""
        texts = []
        for text in rich_texts(body):
            parts, anchors = self.cite(text.source)
            self.rendered.append(anchors)
            texts.append({"digest": digest(text.source), "parts": parts, "anchors": anchors})
        return {"texts": texts, "items": self.reference_items()}

    def render(self, source: str) -> str:
        """`source` with its citations as links, expanded as Wagtail expands rich text."""
        stored = self.stored_texts.get(source)
        if stored is None:
            self.rendered_live = True
            parts, anchors = self.cite(source)
        else:
            parts, anchors = stored["parts"], stored["anchors"]
        self.rendered.append(anchors)
        return expand(parts)

    def anchors(self) -> dict[str, list[int]]:
        """For each reference, the numbers of its citations rendered so far."""
        numbers = defaultdict(list)
        for anchors in self.rendered:
            for key, number in anchors:
                numbers[key].append(number)
        return numbers

    def cite(self, source: str) -> tuple[list[str], list[list]]:
        """`source` split around its citations: [text, links, text, ..., text], the links
        made; and the [reference key, number] of each link, numbered on from those so far."""
        source = source.replace(MARK, "")
        parts, anchors, group, position = [], [], [], 0
        counts = Counter({key: len(numbers) for key, numbers in self.anchors().items()})
        for match in CITATION_TAG.finditer(source):
            between = source[position : match.start()]
            if group and not ADJACENT.fullmatch(between):
                parts.append(self._render_group(group, counts, anchors))
                group = []
            if not group:
                parts.append(between)
            group.append(match)
            position = match.end()
        if group:
            parts.append(self._render_group(group, counts, anchors))
        parts.append(source[position:])
        return parts, anchors

    @staticmethod
    def _link(key: str, text: str, counts: Counter, anchors: list) -> str:
        counts[key] += 1
        anchors.append([key, counts[key]])
        return (
            f'<a class="citation" href="#{anchor(key)}" id="cite-{key}-{counts[key]}">'
            f"{escape(text, quote=False)}</a>"
        )

    def _render_group(self, matches: list, counts: Counter, anchors: list) -> str:
        """Citations side by side in the text: one parenthesis, in reference-list order.

        (Flückiger et al., 2018; Norcross & Lambert, 2018, p. 307), as APA 7 writes them;
        narrative citations and citations of deleted references stay on their own.
        """
        together, alone = [], []
        for match in matches:
            attrs = extract_attrs(match.group(1))
            entry = self.by_key.get(attrs.get("data-ref", ""))
            if entry is None:
                # The reference was deleted after citing it: keep the words, drop the link.
                alone.append(f'<span class="citation citation-missing">{match.group(2)}</span>')
            elif attrs.get("data-narrative") == "1":
                text = cited_as(entry).text(attrs.get("data-locator", ""), narrative=True)
                alone.append(self._link(entry["key"], text, counts, anchors))
            else:
                together.append((entry, attrs.get("data-locator", "")))
        if len(together) == 1:
            entry, locator = together[0]
            alone.insert(
                0, self._link(entry["key"], cited_as(entry).text(locator), counts, anchors)
            )
        elif together:
            order = {entry["key"]: position for position, entry in enumerate(self.entries)}
            together.sort(key=lambda item: order[item[0]["key"]])
            links = [
                self._link(entry["key"], cited_as(entry).parts(locator), counts, anchors)
                for entry, locator in together
            ]
            alone.insert(0, f"({'; '.join(links)})")
        return " ".join(alone)

    def reference_items(self) -> str:
        """The reference list's <li> elements, each with links back to the citations
        rendered so far. Built here, not in a template loop: at a fifth of a millisecond
        per entry, the loop made a page's time grow with its reference list."""
        if (
            self.stored_items is not None
            and not self.rendered_live
            # Every stored text rendered, and each once (the same list only once).
            and len({id(anchors) for anchors in self.rendered})
            == len(self.rendered)
            == len(self.stored_texts)
        ):
            return mark_safe(self.stored_items)  # noqa: S308
        anchors = self.anchors()
        return mark_safe("\n".join(self._item(entry, anchors) for entry in self.entries))  # noqa: S308

    @staticmethod
    def _item(entry: dict, anchors: dict[str, list[int]]) -> str:
        key = escape(entry["key"])
        backlinks = "".join(
            f' <a class="citation-backlink" href="#cite-{key}-{n}"'
            f' aria-label="Back to citation {n} in the text">{"↩" if n == 1 else n}</a>'
            for n in anchors.get(entry["key"], ())
        )
        # entry["html"] is apa.to_html's, which escapes every text.
        return f'<li id="{anchor(key)}">{entry["html"]}{backlinks}</li>'


def expand(parts: list[str]) -> str:
    """Texts and links, alternately, as HTML: the texts expanded as Wagtail expands rich
    text, the links put in afterwards. Wagtail's rewriter looks at every <a> it is given,
    which for a hundred citations took longer than making them. (The texts are joined
    with NUL, which the database cannot store in text, and split again.)"""
    texts, links = parts[0::2], parts[1::2]
    if not links:
        return mark_safe(expand_db_html(texts[0]))  # noqa: S308
    pieces = expand_db_html(MARK.join(texts)).split(MARK)
    output = [pieces[0]]
    for link, piece in zip(links, pieces[1:], strict=True):
        output += (link, piece)
    return mark_safe("".join(output))  # noqa: S308
