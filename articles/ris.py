"""RIS, the tagged format every reference manager reads and writes.

Small enough to parse here (rispy would add a dependency for a mapping of its own that we
would still have to translate): a record is lines "TY  - JOUR" ... "ER  -". Authors in RIS
are already written as the editor writes them ("Family, Given"), so the editor's own
author-line rules read them.
"""

from __future__ import annotations

import datetime
import re

from articles import apa
from articles.csl import ParsedEntry, empty_fields, plain_pages

LINE = re.compile(r"^([A-Z][A-Z0-9])  ?-(?: (.*))?$")
YEAR = re.compile(r"\d{4}")
KINDS_BY_TYPE = {
    "JOUR": apa.JOURNAL_ARTICLE,
    "JFULL": apa.JOURNAL_ARTICLE,
    "MGZN": apa.JOURNAL_ARTICLE,
    "NEWS": apa.JOURNAL_ARTICLE,
    "EJOUR": apa.JOURNAL_ARTICLE,
    "BOOK": apa.BOOK,
    "EBOOK": apa.BOOK,
    "EDBOOK": apa.BOOK,
    "CHAP": apa.CHAPTER,
    "ECHAP": apa.CHAPTER,
    "CONF": apa.CHAPTER,
    "CPAPER": apa.CHAPTER,
    "RPRT": apa.REPORT,
    "THES": apa.REPORT,
    "GOVDOC": apa.REPORT,
    "ELEC": apa.WEB_PAGE,
    "WEB": apa.WEB_PAGE,
    "BLOG": apa.WEB_PAGE,
}
RIS_TYPES = {
    apa.JOURNAL_ARTICLE: "JOUR",
    apa.BOOK: "BOOK",
    apa.CHAPTER: "CHAP",
    apa.REPORT: "RPRT",
    apa.WEB_PAGE: "ELEC",
}


def records(text: str) -> list[list[tuple[str, str]]]:
    """The tagged lines of each record; a line without a tag continues the one before."""
    found: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] | None = None
    for raw in text.lstrip("\ufeff").splitlines():
        line = raw.rstrip()
        match = LINE.match(line)
        if not match:
            if current and line.strip() and current[-1][0] not in ("TY", "ER"):
                tag, value = current[-1]
                current[-1] = (tag, f"{value} {line.strip()}".strip())
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "TY":
            current = [(tag, value)]
            found.append(current)
        elif tag == "ER":
            current = None
        elif current is not None:
            current.append((tag, value))
    return found


def _people(values: list[str], problems: list[str], role: str) -> list[dict]:
    people = []
    for value in values:
        if value.endswith(","):  # the group-author convention dump_record writes
            people.append({"group": " ".join(value[:-1].split())})
            continue
        try:
            people += [author.as_dict() for author in apa.parse_author_lines(value)]
        except apa.AuthorListError:
            problems.append(f"The {role} “{value}” is not “Family, Given names” or a group name.")
    return people


def _date(value: str) -> datetime.date | None:
    """RIS dates: "2024/05/01/" or "2024-05-01"."""
    parts = [part for part in re.split(r"[/-]", value) if part.strip()]
    try:
        return datetime.date(*(int(part) for part in parts[:3])) if len(parts) >= 3 else None
    except (ValueError, OverflowError):  # "9999999999/1/1" is too big even for date()
        return None


def record_fields(lines: list[tuple[str, str]], number: int) -> ParsedEntry:
    values: dict[str, list[str]] = {}
    for tag, value in lines:
        if value:
            values.setdefault(tag, []).append(value)

    def first(*tags: str) -> str:
        return next((values[tag][0] for tag in tags if tag in values), "")

    problems: list[str] = []
    notes: list[str] = []
    ris_type = first("TY").upper()
    kind = KINDS_BY_TYPE.get(ris_type)
    if kind is None:
        kind = apa.WEB_PAGE if first("UR") and not first("DO") else apa.REPORT
        notes.append(f"RIS type “{ris_type}” is imported as “{apa.KINDS[kind]}”.")
    year_text = first("PY", "Y1", "DA")
    year = YEAR.search(year_text)
    start, end = first("SP"), first("EP")
    editors = values.get("ED", []) + (values.get("A2", []) if kind == apa.CHAPTER else [])
    container_tags = ("T2", "BT", "JO", "JF", "JA", "J2")
    accessed_text = first("Y2")
    accessed = _date(accessed_text) if kind == apa.WEB_PAGE else None
    if accessed_text and kind == apa.WEB_PAGE and accessed is None:
        problems.append(f"The access date “{accessed_text}” is not a date like 2024/05/01.")
    fields = empty_fields() | {
        "kind": kind,
        "authors": _people(values.get("AU", []) + values.get("A1", []), problems, "author"),
        "editors": _people(editors, problems, "editor"),
        "year": int(year.group()) if year else None,
        "title": first("TI", "T1", "CT"),
        "container": first(*container_tags),
        "volume": first("VL"),
        "issue": "" if kind == apa.REPORT else first("IS", "CP"),
        "number": first("M1", "IS") if kind == apa.REPORT else "",
        "pages": plain_pages(f"{start}-{end}" if start and end and start != end else start),
        "edition": first("ET"),
        "publisher": first("PB"),
        "doi": first("DO"),
        "url": first("UR"),
        "accessed": accessed,
    }
    label = f"Record {number}" + (f" ({first('ID')})" if first("ID") else "")
    return ParsedEntry(label, fields, problems, notes)


def parse(text: str) -> list[ParsedEntry]:
    return [record_fields(lines, number) for number, lines in enumerate(records(text), start=1)]


def looks_like_ris(text: str) -> bool:
    return bool(re.search(r"^TY  ?- ", text.lstrip("\ufeff"), flags=re.MULTILINE))


# --- Writing ---------------------------------------------------------------------------------


def _line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(str(value).split())}"


def _name(author: apa.Author) -> str:
    # A group name with a comma ("University of California, Berkeley") would read back as
    # "Family, Given". As in EndNote, a trailing comma marks the whole line as one name;
    # _people reads it back as a group. Other groups are written plainly.
    if author.is_group and "," in author.group:
        return author.group + ","
    return apa.author_lines([author])


def dump_record(reference: apa.Reference) -> str:
    kind = reference.kind
    lines = [_line("TY", RIS_TYPES[kind])]
    lines += [_line("AU", _name(author)) for author in reference.authors]
    lines += [_line("ED", _name(editor)) for editor in reference.editors]
    pages = plain_pages(reference.pages)
    start, _, end = pages.partition("-") if re.fullmatch(r"[^-]+-[^-]+", pages) else (pages, "", "")
    values = [
        ("TI", reference.title),
        ("T2", reference.container),
        ("PY", str(reference.year or "")),
        ("VL", reference.volume),
        ("IS", reference.issue if kind != apa.REPORT else ""),
        ("M1", reference.number if kind == apa.REPORT else ""),
        ("SP", start),
        ("EP", end),
        ("ET", reference.edition),
        ("PB", reference.publisher),
        ("DO", reference.doi.removeprefix(apa.DOI_URL)),
        ("UR", reference.url),
        ("Y2", f"{reference.accessed:%Y/%m/%d}" if reference.accessed else ""),
    ]
    lines += [_line(tag, value) for tag, value in values if value]
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def dump(references) -> str:
    return "\n".join(dump_record(reference) for reference in references)
