"""APA 7 references and in-text citations, as data plus pure functions.

No Django here: the page models turn their rows into `Reference` values, and this module
decides how they read. Output is a list of `Run`s (text, italic or not, link or not) so the
same rules give HTML for the page, plain text for feeds and Markdown-ish text for tests.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass, field, replace
from html import escape
from typing import NamedTuple
from urllib.parse import quote, unquote

JOURNAL_ARTICLE = "journal"
BOOK = "book"
CHAPTER = "chapter"
REPORT = "report"
WEB_PAGE = "web"
KINDS = {
    JOURNAL_ARTICLE: "Journal article",
    BOOK: "Book",
    CHAPTER: "Book chapter",
    REPORT: "Report",
    WEB_PAGE: "Web page",
}
# Titles of these works are italic in the reference list (and so in citations without author).
ITALIC_TITLE_KINDS = {BOOK, REPORT, WEB_PAGE}

# The version of what this module (with articles/metadata.py's `citation`) makes of a
# reference. Articles store their formatted reference list when saved
# (articles/formatted_references.py) and show it only while its version is this one. When
# you change the output, bump it and add a migration that re-formats the stored lists:
# `manage.py makemigrations articles --empty -n reformat_references_vN`, with
# `operations = [reformat.after_migrate()]` (see articles/reformat.py and 0003).
FORMAT_VERSION = 1

NAME_SUFFIXES = {"jr.", "sr.", "jr", "sr", "ii", "iii", "iv", "v"}
MAX_LISTED_AUTHORS = 20


class Author(NamedTuple):
    """A person (family and given names) or, with only `group`, an organisation. A named
    tuple, as Run is: every author of every reference is made again on each render."""

    family: str = ""
    given: str = ""
    suffix: str = ""
    group: str = ""

    @property
    def is_group(self) -> bool:
        return bool(self.group)

    def as_dict(self) -> dict:
        return {key: value for key, value in self._asdict().items() if value}


@dataclass(frozen=True)
class Reference:
    kind: str
    title: str
    authors: tuple[Author, ...] = ()
    year: int | None = None
    container: str = ""  # journal, book (for a chapter) or website name
    volume: str = ""
    issue: str = ""
    pages: str = ""
    edition: str = ""
    editors: tuple[Author, ...] = ()
    publisher: str = ""
    number: str = ""  # report number
    doi: str = ""
    url: str = ""
    accessed: datetime.date | None = None
    key: str = ""
    suffix: str = field(default="", compare=False)  # "a", "b": same authors and year
    # Set by prepare() so citations of different works never read alike (APA 7, 8.18-8.20):
    # how many names to give before "et al.", and whether the first author's initials.
    cited_names: int = field(default=1, compare=False)
    cite_initials: bool = field(default=False, compare=False)

    @functools.cached_property
    def runs(self) -> list[Run]:
        """The formatted reference, made once: an article's reference list and its JSON-LD
        both need it. (cached_property writes to __dict__, which frozen allows; replace()
        gives a new instance, so a changed field never meets a stale format.)"""
        return reference_runs(self)


class Run(NamedTuple):
    """A stretch of a formatted reference in one style. A named tuple, not a dataclass:
    a reference is a dozen of them, made on every render, and a tuple is made faster."""

    text: str
    italic: bool = False
    href: str = ""


# --- Authors ---------------------------------------------------------------------------


class AuthorListError(ValueError):
    pass


def parse_author_lines(text: str) -> list[Author]:
    """One author a line: "Family, Given names" (optionally ", Jr."), or an organisation."""
    authors = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = " ".join(raw_line.split())
        if not line:
            continue
        parts = [part.strip() for part in line.split(",")]
        if len(parts) == 1:
            authors.append(Author(group=parts[0]))
        elif len(parts) == 2 and all(parts):
            authors.append(Author(family=parts[0], given=parts[1]))
        elif len(parts) == 3 and all(parts) and parts[2].casefold() in NAME_SUFFIXES:
            authors.append(Author(family=parts[0], given=parts[1], suffix=parts[2]))
        else:
            raise AuthorListError(
                f"Line {number} ({line!r}): write one author a line as “Family name, Given "
                "names”, or an organisation's name without a comma."
            )
    return authors


def author_lines(authors) -> str:
    """The inverse of parse_author_lines, for showing stored authors in the editor."""
    lines = []
    for author in authors:
        if author.group:
            lines.append(author.group)
        else:
            lines.append(", ".join(p for p in (author.family, author.given, author.suffix) if p))
    return "\n".join(lines)


def authors_from_data(data) -> tuple[Author, ...]:
    """Authors from stored JSON: a list of {"family", "given", "suffix"} or {"group"}."""
    allowed = {"family", "given", "suffix", "group"}
    return tuple(
        Author(**{key: str(value) for key, value in item.items() if key in allowed})
        for item in data or ()
        if isinstance(item, dict)
    )


# Pure functions of a string, asked again for every author of every reference on each render
# (sorting, the list, citations, JSON-LD): a long reference list repeats the same few names.
@functools.lru_cache(maxsize=4096)
def initials(given: str) -> str:
    """ "John C." -> "J. C."; "Jean-Paul" -> "J.-P."; "J.C." -> "J. C."."""
    words = [word for word in re.split(r"[\s.]+", given) if word]
    result = []
    for word in words:
        parts = [part for part in word.split("-") if part]
        result.append("-".join(f"{part[0].upper()}." for part in parts))
    return " ".join(result)


def inverted_name(author: Author) -> str:
    """Reference-list form: "Norcross, J. C." or the organisation's name."""
    if author.is_group:
        return author.group
    name = author.family
    if author.given:
        name = f"{name}, {initials(author.given)}"
    if author.suffix:
        name = f"{name}, {author.suffix}"
    return name


def direct_name(author: Author) -> str:
    """Editor form: "J. C. Norcross"."""
    if author.is_group:
        return author.group
    return " ".join(p for p in (initials(author.given), author.family, author.suffix) if p)


def join_names(names: list[str], *, ampersand: bool = True) -> str:
    """APA's list: "A", "A, & B", "A, B, & C"; 21 or more: first 19, ". . .", last."""
    if len(names) > MAX_LISTED_AUTHORS:
        return ", ".join(names[:19]) + ", . . . " + names[-1]
    if len(names) == 1:
        return names[0]
    joiner = "& " if ampersand else ""
    return ", ".join(names[:-1]) + f", {joiner}{names[-1]}"


def author_list(authors) -> str:
    return join_names([inverted_name(author) for author in authors])


def editor_list(editors) -> str:
    names = [direct_name(editor) for editor in editors]
    if len(names) == 2:
        return f"{names[0]} & {names[1]}"
    return join_names(names)


# --- Small text rules ---------------------------------------------------------------------

RANGE = re.compile(r"(?<=\w)\s*[-‐‑‒—–]+\s*(?=\w)")


def en_dash_ranges(text: str) -> str:
    """Page ranges take an en dash: "303-315" -> "303–315"."""
    return RANGE.sub("–", text.strip())


def end_with_period(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def edition_label(edition: str) -> str:
    """ "2" -> "2nd ed."; "Rev." -> "Rev. ed."; "3rd ed." stays."""
    edition = edition.strip()
    if not edition:
        return ""
    if edition.isdigit():
        return f"{ordinal(int(edition))} ed."
    if edition.casefold().endswith("ed."):
        return edition
    return f"{edition} ed."


def page_locator(pages: str) -> str:
    """Chapter pages and citation locators: "303-315" -> "pp. 303–315", "307" -> "p. 307"."""
    pages = en_dash_ranges(pages)
    if not pages:
        return ""
    if re.fullmatch(r"[A-Za-z]?\d+[A-Za-z]?", pages):
        return f"p. {pages}"
    if re.fullmatch(r"[A-Za-z]?\d+[A-Za-z]?–[A-Za-z]?\d+[A-Za-z]?", pages):
        return f"pp. {pages}"
    return pages


def year_label(reference: Reference) -> str:
    year = str(reference.year) if reference.year else "n.d."
    if reference.suffix:
        return f"{year}-{reference.suffix}" if year == "n.d." else f"{year}{reference.suffix}"
    return year


# --- DOIs ----------------------------------------------------------------------------------

DOI_PREFIX = re.compile(
    r"^(?:doi\s*:\s*|(?:https?://)?(?:www\.)?(?:dx\.)?doi\.org/)", flags=re.IGNORECASE
)
DOI_SHAPE = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$")
DOI_URL = "https://doi.org/"
TRAILING_PUNCTUATION = ".,;"


class DOIError(ValueError):
    pass


def normalize_doi(value: str) -> str:
    """Any common way of writing a DOI -> "https://doi.org/10.xxxx/..."; "" stays "".

    Raises DOIError for anything that is not a DOI, so a typo is caught in the editor
    rather than published as a broken link.
    """
    text = value.strip()
    if not text:
        return ""
    doi = unquote(DOI_PREFIX.sub("", text, count=1).strip())
    # Copied from a reference list, a DOI often brings the list's punctuation along.
    doi = doi.rstrip(TRAILING_PUNCTUATION)
    if not DOI_SHAPE.match(doi):
        raise DOIError(
            f"“{value.strip()}” is not a DOI. A DOI starts with 10., a number, and a slash, "
            "for example 10.1037/pst0000193 or https://doi.org/10.1037/pst0000193."
        )
    return DOI_URL + doi


def doi_href(doi_url: str) -> str:
    """The link target, with characters that are not safe in a URL percent-encoded."""
    doi = doi_url.removeprefix(DOI_URL)
    return DOI_URL + quote(doi, safe="/:;()._-<>[]+,=@!$*'")


# --- References -----------------------------------------------------------------------------


def title_runs(reference: Reference, *, italic: bool, extra: str = "") -> list[Run]:
    """The title, with edition/pages/report number in parentheses before the period."""
    title = reference.title.strip()
    if extra:
        return [Run(title, italic=italic), Run(f" ({extra}).")]
    if title.endswith((".", "?", "!")):
        return [Run(title, italic=italic)]
    return [Run(title, italic=italic), Run(".")]  # the period itself is never italic


def link_runs(reference: Reference) -> list[Run]:
    if reference.doi:
        return [Run(reference.doi, href=doi_href(reference.doi))]
    if reference.url:
        if reference.kind == WEB_PAGE and reference.accessed:
            date = f"{reference.accessed:%B} {reference.accessed.day}, {reference.accessed.year}"
            return [Run(f"Retrieved {date}, from "), Run(reference.url, href=reference.url)]
        return [Run(reference.url, href=reference.url)]
    return []


def source_runs(reference: Reference) -> list[Run]:
    """Everything after the title: where the work appeared and who published it."""
    runs: list[Run] = []
    group_names = {a.group.casefold() for a in reference.authors if a.is_group}
    publisher = reference.publisher.strip()
    if publisher.casefold() in group_names:
        publisher = ""  # APA 7: a publisher that is also the author is not repeated
    if reference.kind == JOURNAL_ARTICLE:
        journal = reference.container.strip()
        volume = reference.volume.strip()
        if journal:
            runs.append(Run(f"{journal}, {volume}" if volume else journal, italic=True))
            if reference.issue.strip():
                runs.append(Run(f"({reference.issue.strip()})"))
            if reference.pages.strip():
                runs.append(Run(f", {en_dash_ranges(reference.pages)}"))
            runs.append(Run("."))
    elif reference.kind == CHAPTER:
        editors = ""
        if reference.editors:
            label = "Eds." if len(reference.editors) > 1 else "Ed."
            editors = f"{editor_list(reference.editors)} ({label}), "
        details = ", ".join(
            part
            for part in (edition_label(reference.edition), page_locator(reference.pages))
            if part
        )
        runs.append(Run(f"In {editors}"))
        runs.append(Run(reference.container.strip(), italic=True))
        runs.append(Run(f" ({details})." if details else "."))
        if publisher:
            runs.append(Run(f" {end_with_period(publisher)}"))
    elif reference.kind == WEB_PAGE:
        site = reference.container.strip()
        if site and site.casefold() not in group_names:
            runs.append(Run(end_with_period(site)))
    elif publisher:
        runs.append(Run(end_with_period(publisher)))
    return runs


def reference_runs(reference: Reference) -> list[Run]:
    """One APA 7 reference-list entry."""
    date = f"({year_label(reference)})."
    if reference.kind in (BOOK, REPORT):
        extra = edition_label(reference.edition) if reference.kind == BOOK else ""
        if reference.kind == REPORT and reference.number.strip():
            extra = f"Report No. {reference.number.strip()}"
        title = title_runs(reference, italic=True, extra=extra)
    else:
        title = title_runs(reference, italic=reference.kind in ITALIC_TITLE_KINDS)

    if reference.authors:
        head = [Run(end_with_period(author_list(reference.authors))), Run(" " + date), Run(" ")]
        head += title
    else:
        # No author: the title moves to the author's place (APA 7, 9.12).
        head = [*title, Run(" " + date)]
    runs = head
    for part in (source_runs(reference), link_runs(reference)):
        if part:
            runs = [*runs, Run(" "), *part]
    return merge_runs(runs)


def merge_runs(runs: list[Run]) -> list[Run]:
    """Neighbouring plain runs of the same style as one run; links stay as they are."""
    merged: list[Run] = []
    texts: list[str] = []  # of merged[-1] while it is plain and may still grow

    def close() -> None:
        if len(texts) > 1:
            merged[-1] = Run("".join(texts), italic=merged[-1].italic)
        texts.clear()

    for run in runs:
        if not run.text:
            continue
        if texts and (run.href or run.italic != merged[-1].italic):
            close()
        if texts:
            texts.append(run.text)
        else:
            merged.append(run)
            if not run.href:
                texts.append(run.text)
    close()
    return merged


def to_html(runs: list[Run]) -> str:
    parts = []
    for run in runs:
        text = escape(run.text, quote=False)
        if run.italic:
            text = f"<em>{text}</em>"
        if run.href:
            text = f'<a href="{escape(run.href)}">{text}</a>'
        parts.append(text)
    return "".join(parts)


def to_text(runs: list[Run]) -> str:
    return "".join(run.text for run in runs)


def to_markdown(runs: list[Run]) -> str:
    return "".join(f"*{run.text}*" if run.italic else run.text for run in runs)


# --- Ordering ------------------------------------------------------------------------------

LEADING_ARTICLE = re.compile(r"^(?:a|an|the)\s+", flags=re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _sortable(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().strip()


def author_key(reference: Reference) -> tuple:
    if not reference.authors:
        return ((_sortable(LEADING_ARTICLE.sub("", reference.title)),),)
    return tuple(
        (_sortable(a.group),) if a.is_group else (_sortable(a.family), _sortable(initials(a.given)))
        for a in reference.authors
    )


def sort_key(reference: Reference) -> tuple:
    # Same authors: no date first, then oldest first, then by title.
    return (
        author_key(reference),
        reference.year or 0,
        _sortable(LEADING_ARTICLE.sub("", reference.title)),
    )


def prepare(references) -> list[Reference]:
    """References in APA order, with a, b, ... after the year where authors and year repeat,
    and with what their in-text citations need to tell them apart."""
    ordered = sorted(references, key=sort_key)
    groups: dict[tuple, list[int]] = {}
    for position, reference in enumerate(ordered):
        groups.setdefault((author_key(reference), reference.year), []).append(position)
    for positions in groups.values():
        if len(positions) > 1:
            for letter, position in zip("abcdefghijklmnopqrstuvwxyz", positions, strict=False):
                ordered[position] = replace(ordered[position], suffix=letter)
    return distinguish_citations(with_first_author_initials(ordered))


def _first_person(reference: Reference) -> Author | None:
    first = reference.authors[0] if reference.authors else None
    return first if first and not first.is_group else None


def with_first_author_initials(references: list[Reference]) -> list[Reference]:
    """APA 7, 8.20: first authors who share a family name but not initials are different
    people, so every citation of their works gives the initials: (J. Smith, 2020)."""
    initials_by_family: dict[str, set[str]] = {}
    for reference in references:
        if first := _first_person(reference):
            initials_by_family.setdefault(_sortable(first.family), set()).add(
                _sortable(initials(first.given))
            )
    return [
        replace(reference, cite_initials=True)
        if (first := _first_person(reference))
        and len(initials_by_family[_sortable(first.family)]) > 1
        else reference
        for reference in references
    ]


def _cited_name_keys(reference: Reference) -> tuple[str, ...]:
    """The author names as a citation shows them, for comparing."""
    return tuple(_sortable(name) for name in cited_names(reference))


def distinguish_citations(references: list[Reference]) -> list[Reference]:
    """APA 7, 8.18: works of three or more authors whose "First et al., year" is the same
    give as many names as needed to tell them apart, then et al."""
    alike: dict[tuple, list[int]] = {}
    for position, reference in enumerate(references):
        if len(reference.authors) >= 3:
            key = (_cited_name_keys(reference)[0], year_label(reference))
            alike.setdefault(key, []).append(position)
    result = list(references)
    for positions in alike.values():
        for position in positions:
            names = _cited_name_keys(references[position])
            others = [_cited_name_keys(references[p]) for p in positions if p != position]
            needed = next(
                (n for n in range(1, len(names) + 1) if all(o[:n] != names[:n] for o in others)),
                len(names),
            )
            if needed != result[position].cited_names:
                result[position] = replace(result[position], cited_names=needed)
    return result


# --- In-text citations ----------------------------------------------------------------------


def cited_names(reference: Reference) -> list[str]:
    """Family names (and organisations); the first author's initials if prepare() asks."""
    names = [a.group if a.is_group else a.family for a in reference.authors]
    first = _first_person(reference)
    if first and reference.cite_initials and first.given:
        names[0] = f"{initials(first.given)} {first.family}"
    return names


def short_authors(reference: Reference, *, narrative: bool = False) -> str:
    """ "Norcross", "Norcross & Lambert" ("and" in running text), "Norcross et al.";
    "Kapoor, Bloom, et al." or every name where prepare() found that is needed."""
    names = cited_names(reference)
    if not names:
        title = reference.title.strip()
        return title if reference.kind in ITALIC_TITLE_KINDS else f"“{title}”"
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} {'and' if narrative else '&'} {names[1]}"
    shown = max(reference.cited_names, 1)
    if shown >= len(names) - 1:  # et al. never stands for a single name
        return ", ".join(names[:-1]) + f", {'and' if narrative else '&'} {names[-1]}"
    if shown == 1:
        return f"{names[0]} et al."
    return ", ".join(names[:shown]) + ", et al."


class CitedAs(NamedTuple):
    """How a reference's in-text citations read, but for the page cited: what an article
    stores of each reference, so that its citations are made without the reference."""

    authors: str  # "Norcross & Lambert"
    narrative_authors: str  # "Norcross and Lambert"
    year: str  # "2018", "2018a", "n.d."

    def when(self, locator: str = "") -> str:
        return ", ".join(part for part in (self.year, page_locator(locator)) if part)

    def parts(self, locator: str = "") -> str:
        return f"{self.authors}, {self.when(locator)}"

    def text(self, locator: str = "", *, narrative: bool = False) -> str:
        if narrative:
            return f"{self.narrative_authors} ({self.when(locator)})"
        return f"({self.parts(locator)})"


def cited_as(reference: Reference) -> CitedAs:
    return CitedAs(
        short_authors(reference), short_authors(reference, narrative=True), year_label(reference)
    )


def citation_parts(reference: Reference, locator: str = "") -> str:
    """What goes inside the parentheses: "Norcross & Lambert, 2018, p. 307"."""
    return cited_as(reference).parts(locator)


def citation_text(reference: Reference, locator: str = "", *, narrative: bool = False) -> str:
    """(Norcross & Lambert, 2018, p. 307) or, narrative, Norcross and Lambert (2018, p. 307)."""
    return cited_as(reference).text(locator, narrative=narrative)
