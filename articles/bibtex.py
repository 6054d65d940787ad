"""BibTeX to and from reference field values, with bibtexparser doing the reading.

Names are split before LaTeX is decoded, because a group author is marked by the braces
around it ({World Health Organization}) that decoding would remove. DOIs and URLs are taken
as written: LaTeX rules (such as % starting a comment) do not apply to them.
"""

from __future__ import annotations

import datetime
import re

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts
from bibtexparser.model import DuplicateBlockKeyBlock
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from articles import apa
from articles.csl import ParsedEntry, empty_fields, plain_pages

KINDS_BY_TYPE = {
    "article": apa.JOURNAL_ARTICLE,
    "book": apa.BOOK,
    "inbook": apa.CHAPTER,
    "incollection": apa.CHAPTER,
    "inproceedings": apa.CHAPTER,
    "techreport": apa.REPORT,
    "report": apa.REPORT,
    "phdthesis": apa.REPORT,
    "mastersthesis": apa.REPORT,
    "thesis": apa.REPORT,
    "online": apa.WEB_PAGE,
    "electronic": apa.WEB_PAGE,
    "www": apa.WEB_PAGE,
    "webpage": apa.WEB_PAGE,
}
ENTRY_TYPES = {
    apa.JOURNAL_ARTICLE: "article",
    apa.BOOK: "book",
    apa.CHAPTER: "incollection",
    apa.REPORT: "techreport",
    apa.WEB_PAGE: "online",
}
VERBATIM_FIELDS = {"doi", "url", "urldate"}
# What LaTeX would read as something else, written so it reads back as typed: "--" would be
# a dash, "``" and "''" curly quotes, "!`" an inverted "!", "~" a space.
LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "`": "{`}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
}
LATEX_SPECIALS = re.compile(r"[\\{}~`&%$#_]|-(?=-)|'(?=')")
NAME_SEPARATORS = re.compile(r",|\sand\s", flags=re.IGNORECASE)
YEAR = re.compile(r"\d{4}")


def _decoder() -> LatexNodes2Text:
    context = get_default_latex_context_db()
    context.add_context_category(
        "references", prepend=True, macros=[MacroTextSpec("url", simplify_repl="%s")]
    )
    return LatexNodes2Text(latex_context=context, math_mode="verbatim")


DECODER = _decoder()


def decode(value: str) -> str:
    # In a .bib field a bare % is a percent sign, not a LaTeX comment.
    value = re.sub(r"(?<!\\)%", r"\\%", value)
    try:
        text = DECODER.latex_to_text(value)
    except Exception:  # noqa: BLE001 - pylatexenc raises many kinds on odd input
        text = value.replace("{", "").replace("}", "")
    return " ".join(text.split())


def verbatim(value: str) -> str:
    """A DOI or URL as written, without the \\url{...} some exports wrap it in."""
    value = value.strip()
    match = re.fullmatch(r"\\url\{(.*)\}", value, flags=re.DOTALL)
    return (match.group(1) if match else value).strip()


def _is_group(name: str) -> bool:
    """ "{World Health Organization}": one braced group around the whole name."""
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for position, char in enumerate(name):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and position < len(name) - 1:
            return False
    return True


def names(raw, notes: list[str], role: str) -> list[dict]:
    people = []
    for name in raw if isinstance(raw, list) else [raw]:
        name = " ".join(str(name).split())
        if not name:
            continue
        if name.casefold() == "others":
            notes.append(
                f"The {role} list ends with “and others”: only the {len(people)} named are "
                "imported. Add the rest before publishing, as APA lists up to 20."
            )
            continue
        if _is_group(name):
            people.append({"group": decode(name[1:-1])})
            continue
        try:
            parts = parse_single_name_into_parts(name, strict=False)
        except InvalidNameError:
            people.append({"group": decode(name)})
            continue
        family = decode(" ".join(parts.von + parts.last))
        given = decode(" ".join(parts.first))
        suffix = decode(" ".join(parts.jr))
        if not given:
            # As in the editor's author lines, a name without given names is a group.
            people.append({"group": family})
        else:
            people.append(apa.Author(family=family, given=given, suffix=suffix).as_dict())
    return people


def _accessed(value: str, problems: list[str]) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value.strip()[:10])
    except ValueError:
        problems.append(f"The access date “{value}” is not a date like 2024-05-01.")
        return None


def entry_fields(entry) -> ParsedEntry:
    values = {field.key.lower(): field.value for field in entry.fields}
    text = {
        key: verbatim(value) if key in VERBATIM_FIELDS else decode(value)
        for key, value in values.items()
        if isinstance(value, str)
    }
    problems: list[str] = []
    notes: list[str] = []
    entry_type = entry.entry_type.lower()
    kind = KINDS_BY_TYPE.get(entry_type)
    if kind is None:
        kind = apa.WEB_PAGE if text.get("url") and not text.get("doi") else apa.REPORT
        notes.append(f"@{entry_type} is imported as “{apa.KINDS[kind]}”.")
    year = text.get("year", "")
    found_year = YEAR.search(year)
    if year and not found_year:
        notes.append(f"“{year}” is not a year: the reference shows n.d.")
    number = text.get("number", "")
    fields = empty_fields() | {
        "kind": kind,
        "authors": names(values.get("author", []), notes, "author"),
        "editors": names(values.get("editor", []), notes, "editor"),
        "year": int(found_year.group()) if found_year else None,
        "title": text.get("title", ""),
        "container": text.get("journal")
        or text.get("journaltitle")
        or text.get("booktitle")
        or (text.get("organization") if kind == apa.WEB_PAGE else "")
        or "",
        "volume": text.get("volume", ""),
        "issue": "" if kind == apa.REPORT else text.get("issue") or number,
        "number": number if kind == apa.REPORT else "",
        "pages": plain_pages(text.get("pages", "")),
        "edition": text.get("edition", ""),
        "publisher": text.get("publisher") or text.get("institution") or text.get("school", ""),
        "doi": text.get("doi", ""),
        "url": text.get("url", ""),
        "accessed": _accessed(text.get("urldate", ""), problems) if kind == apa.WEB_PAGE else None,
    }
    return ParsedEntry(entry.key, fields, problems, notes)


def parse(text: str) -> list[ParsedEntry]:
    """Every entry in pasted BibTeX, including the ones that could not be read."""
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            # "Author" and "AUTHOR" are common; the name splitter looks for "author".
            middlewares.NormalizeFieldKeys(allow_inplace_modification=True),
            middlewares.SeparateCoAuthors(allow_inplace_modification=True),
        ],
    )
    entries = [entry_fields(entry) for entry in library.entries]
    for block in library.failed_blocks:
        raw = " ".join(str(block.raw or "").split())[:60]
        problem = f"This entry could not be read as BibTeX ({raw}…): check its braces and commas."
        if isinstance(block, DuplicateBlockKeyBlock):
            problem = f"Another entry already has the key “{block.key}”: give each its own."
        entries.append(
            ParsedEntry(f"Line {(block.start_line or 0) + 1}", empty_fields(), [problem])
        )
    return entries


# --- Writing ---------------------------------------------------------------------------------


def escape(text: str) -> str:
    # A dash or quote is followed by an empty group to keep it from joining the next one.
    return LATEX_SPECIALS.sub(
        lambda match: LATEX_ESCAPES.get(match.group(), match.group() + "{}"), text
    )


def _name_part(part: str) -> str:
    # "Smith and Jones" or "Ltd, Inc" would be split into two names, or a name's parts.
    return "{" + escape(part) + "}" if NAME_SEPARATORS.search(part) else escape(part)


def name(author: apa.Author) -> str:
    if author.is_group:
        return "{" + escape(author.group) + "}"
    return ", ".join(
        _name_part(part) for part in (author.family, author.suffix, author.given) if part
    )


def link(value: str) -> str:
    """A DOI or URL as a field value: an unbalanced brace would end the field early."""
    return value.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def dump_entry(reference: apa.Reference, key: str) -> str:
    kind = reference.kind
    container_field = {
        apa.JOURNAL_ARTICLE: "journal",
        apa.CHAPTER: "booktitle",
        apa.WEB_PAGE: "organization",
    }.get(kind)
    publisher_field = "institution" if kind == apa.REPORT else "publisher"
    values = [
        ("author", " and ".join(name(author) for author in reference.authors)),
        ("editor", " and ".join(name(editor) for editor in reference.editors)),
        # Double braces keep the title's case as typed in BibTeX styles.
        ("title", "{" + escape(reference.title) + "}" if reference.title else ""),
        (container_field or "", escape(reference.container) if container_field else ""),
        ("year", str(reference.year or "")),
        ("edition", escape(reference.edition)),
        ("volume", escape(reference.volume)),
        ("number", escape(reference.number if kind == apa.REPORT else reference.issue)),
        ("pages", plain_pages(reference.pages).replace("-", "--")),
        (publisher_field, escape(reference.publisher)),
        ("doi", link(reference.doi.removeprefix(apa.DOI_URL))),
        ("url", link(reference.url)),
        ("urldate", reference.accessed.isoformat() if reference.accessed else ""),
    ]
    lines = [f"  {field} = {{{value}}}" for field, value in values if field and value]
    return f"@{ENTRY_TYPES[kind]}{{{key},\n" + ",\n".join(lines) + "\n}\n"


def cite_key(reference: apa.Reference, used: set[str]) -> str:
    first = reference.authors[0] if reference.authors else None
    base = (first.group or first.family) if first else reference.title
    base = re.sub(r"[^A-Za-z0-9]", "", apa._sortable(base).split(" ")[0] if base else "") or "ref"
    key = f"{base}{reference.year or 'nd'}"
    candidate, letter = key, iter("abcdefghijklmnopqrstuvwxyz")
    while candidate in used:
        candidate = key + next(letter, str(len(used)))
    used.add(candidate)
    return candidate


def dump(references) -> str:
    used: set[str] = set()
    return "\n".join(dump_entry(reference, cite_key(reference, used)) for reference in references)
