"""CSL-JSON, the citation manager's format, to and from a reference's field values.

"Fields" here are the values of an ArticleReference's fields (authors and editors as the
stored list of dicts), which is what every importer produces and what the DOI lookup sends
to the editor. Crossref's works API answers with almost the same shape, so its message is
read here too (lists for titles, "name" for organisations, its own type names).
"""

from __future__ import annotations

import datetime
import html
import json
import re
from dataclasses import dataclass, field

from articles import apa

FIELD_NAMES = (
    "kind",
    "authors",
    "year",
    "title",
    "container",
    "volume",
    "issue",
    "pages",
    "edition",
    "editors",
    "publisher",
    "number",
    "doi",
    "url",
    "accessed",
)

# CSL and Crossref type names -> our kinds; anything else is guessed from its fields.
KINDS_BY_TYPE = {
    "article-journal": apa.JOURNAL_ARTICLE,
    "article": apa.JOURNAL_ARTICLE,
    "article-magazine": apa.JOURNAL_ARTICLE,
    "article-newspaper": apa.JOURNAL_ARTICLE,
    "journal-article": apa.JOURNAL_ARTICLE,
    "book": apa.BOOK,
    "monograph": apa.BOOK,
    "edited-book": apa.BOOK,
    "reference-book": apa.BOOK,
    "chapter": apa.CHAPTER,
    "book-chapter": apa.CHAPTER,
    "book-section": apa.CHAPTER,
    "paper-conference": apa.CHAPTER,
    "proceedings-article": apa.CHAPTER,
    "entry-encyclopedia": apa.CHAPTER,
    "report": apa.REPORT,
    "thesis": apa.REPORT,
    "dissertation": apa.REPORT,
    "webpage": apa.WEB_PAGE,
    "post": apa.WEB_PAGE,
    "post-weblog": apa.WEB_PAGE,
}
CSL_TYPES = {
    apa.JOURNAL_ARTICLE: "article-journal",
    apa.BOOK: "book",
    apa.CHAPTER: "chapter",
    apa.REPORT: "report",
    apa.WEB_PAGE: "webpage",
}
TAG = re.compile(r"<[^>]*>")


@dataclass
class ParsedEntry:
    """One reference read from pasted text, before it is checked against the model."""

    label: str  # how the source names it (a BibTeX key, a RIS record number)
    fields: dict
    problems: list[str] = field(default_factory=list)  # these stop the import
    notes: list[str] = field(default_factory=list)  # worth checking; the import goes ahead


def plain_pages(pages: str) -> str:
    """The form the editor types: "303--315", "303–315" -> "303-315"."""
    return apa.RANGE.sub("-", " ".join(str(pages).split()))


def empty_fields() -> dict:
    return {
        name: [] if name in ("authors", "editors") else None if name in ("year", "accessed") else ""
        for name in FIELD_NAMES
    }


def _text(value) -> str:
    """A CSL string, or Crossref's list of strings, as one line of plain text."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str) and item.strip()), "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ""
    # JSON's \ud800 escapes give lone surrogates, which no page or database can encode.
    value = value.encode("utf-8", "replace").decode("utf-8")
    # Crossref titles may carry JATS markup such as <i> or <sub>.
    return " ".join(html.unescape(TAG.sub("", value)).split())


def _names(value) -> list[dict]:
    authors = []
    for item in value if isinstance(value, list) else ():
        if not isinstance(item, dict):
            continue
        family, given = _text(item.get("family")), _text(item.get("given"))
        literal = _text(item.get("literal")) or _text(item.get("name"))
        particle = _text(item.get("non-dropping-particle"))
        if particle and family:
            family = f"{particle} {family}"
        if family:
            author = apa.Author(family=family, given=given, suffix=_text(item.get("suffix")))
        elif literal or given:
            author = apa.Author(group=literal or given)
        else:
            continue
        authors.append(author.as_dict())
    return authors


class BadDate(ValueError):
    pass


def _date_part(part) -> int:
    """A year, month or day: a whole number from 1 to 9999, as a number or a string."""
    if isinstance(part, float) and part.is_integer():
        part = int(part)  # inf and nan are not integers
    if isinstance(part, str) and part.strip().isdecimal() and len(part.strip()) <= 4:
        part = int(part)
    if isinstance(part, bool) or not isinstance(part, int) or not 0 < part < 10000:
        raise BadDate(part)
    return part


def _date_parts(value) -> list[int]:
    """The date's numbers; BadDate for date-parts that are not numbers a date can have."""
    if not isinstance(value, dict):
        return []
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        return [_date_part(part) for part in parts[0][:3]]
    raw = value.get("raw") or value.get("literal")
    raw = raw if isinstance(raw, str) else ""
    match = re.match(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", raw)
    return [int(part) for part in match.groups() if part] if match else []


def date_problems(item: dict) -> list[str]:
    problems = []
    for key in ("issued", "accessed"):
        try:
            _date_parts(item.get(key))
        except BadDate:
            problems.append(
                f"The “{key}” date is not a date: its parts must be numbers up to 9999."
            )
    return problems


def _year(value) -> int | None:
    try:
        parts = _date_parts(value)
    except BadDate:
        return None
    return parts[0] if parts else None


def _date(value) -> datetime.date | None:
    try:
        return datetime.date(*_date_parts(value)) if len(_date_parts(value)) >= 3 else None
    except ValueError:  # BadDate, or a day the month does not have
        return None


def _kind(item: dict) -> str:
    kind = KINDS_BY_TYPE.get(_text(item.get("type")))
    if kind:
        return kind
    if _text(item.get("container-title")) and _text(item.get("volume")):
        return apa.JOURNAL_ARTICLE
    return apa.WEB_PAGE if _text(item.get("URL")) and not _text(item.get("DOI")) else apa.BOOK


def fields_from_csl(item: dict) -> dict:
    """One CSL-JSON item (or Crossref work) -> reference field values."""
    kind = _kind(item)
    doi = _text(item.get("DOI"))
    issued = item.get("issued") or item.get("published-print") or item.get("published-online")
    return empty_fields() | {
        "kind": kind,
        "authors": _names(item.get("author")),
        "editors": _names(item.get("editor")),
        "year": _year(issued),
        "title": _text(item.get("title")),
        "container": _text(item.get("container-title")),
        "volume": _text(item.get("volume")),
        "issue": _text(item.get("issue")),
        "pages": plain_pages(_text(item.get("page"))),
        "edition": _text(item.get("edition")),
        "publisher": _text(item.get("publisher")),
        "number": _text(item.get("number")) if kind == apa.REPORT else "",
        "doi": doi,
        # A DOI is the link APA shows; the URL a resolver adds is only the DOI again.
        "url": "" if doi else _text(item.get("URL")),
        "accessed": _date(item.get("accessed")) if kind == apa.WEB_PAGE else None,
    }


def _csl_names(authors) -> list[dict]:
    names = []
    for author in authors:
        if author.is_group:
            names.append({"literal": author.group})
        else:
            name = {"family": author.family, "given": author.given, "suffix": author.suffix}
            names.append({key: value for key, value in name.items() if value})
    return names


def _parts(date: datetime.date) -> list[int]:
    return [date.year, date.month, date.day]


def csl_from_reference(reference: apa.Reference, item_id: str) -> dict:
    """One reference as a CSL-JSON item, for reference managers."""
    item = {
        "id": item_id,
        "type": CSL_TYPES.get(reference.kind, "book"),
        "title": reference.title,
        "author": _csl_names(reference.authors),
        "editor": _csl_names(reference.editors),
        "issued": {"date-parts": [[reference.year]]} if reference.year else None,
        "container-title": reference.container,
        "volume": reference.volume,
        "issue": reference.issue,
        "page": plain_pages(reference.pages),
        "edition": reference.edition,
        "publisher": reference.publisher,
        "number": reference.number,
        "DOI": reference.doi.removeprefix(apa.DOI_URL),
        "URL": reference.url,
        "accessed": {"date-parts": [_parts(reference.accessed)]} if reference.accessed else None,
    }
    return {key: value for key, value in item.items() if value not in ("", [], None)}


def form_values(fields: dict) -> dict:
    """Field values as the inline reference form's inputs take them (text everywhere)."""
    values = {}
    for name in FIELD_NAMES:
        value = fields.get(name)
        if name in ("authors", "editors"):
            values[name] = apa.author_lines(apa.authors_from_data(value))
        elif name == "accessed":
            values[name] = value.isoformat() if value else ""
        elif name == "year":
            values[name] = str(value) if value else ""
        else:
            values[name] = value or ""
    return values


def items_from_json(text: str) -> list[ParsedEntry]:
    """Pasted CSL-JSON: one item or a list of them."""
    try:
        data = json.loads(text)
    except ValueError as error:
        return [ParsedEntry("CSL-JSON", empty_fields(), [f"This is not valid JSON: {error}."])]
    except RecursionError:
        problem = "This is not valid JSON: it is nested too deeply."
        return [ParsedEntry("CSL-JSON", empty_fields(), [problem])]
    items = data if isinstance(data, list) else [data]
    entries = []
    for number, item in enumerate(items, start=1):
        label = f"Item {number}"
        if not isinstance(item, dict):
            problem = "This item is not a CSL-JSON object."
            entries.append(ParsedEntry(label, empty_fields(), [problem]))
            continue
        label = _text(item.get("id")) or label
        entries.append(ParsedEntry(label, fields_from_csl(item), date_problems(item)))
    return entries
