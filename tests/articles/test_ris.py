"""Reading and writing RIS (articles/ris.py), without a database."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from articles import apa, csl, ris
from tests.articles.samples import SEED_MARKDOWN, entry

# As APA PsycNet and most publishers export it: CRLF, a BOM, abbreviated names, SP/EP.
SEED_RIS = (
    "\ufeffTY  - JOUR\r\n"
    "AU  - Norcross, John C.\r\n"
    "AU  - Lambert, Michael J.\r\n"
    "T1  - Psychotherapy relationships that work III.\r\n"
    "JO  - Psychotherapy\r\n"
    "JA  - Psychotherapy (Chic)\r\n"
    "Y1  - 2018/12//\r\n"
    "VL  - 55\r\n"
    "IS  - 4\r\n"
    "SP  - 303\r\n"
    "EP  - 315\r\n"
    "PB  - Educational Publishing Foundation\r\n"
    "SN  - 1939-1536(Electronic),0033-3204(Print)\r\n"
    "DO  - 10.1037/pst0000193\r\n"
    "UR  - https://doi.org/10.1037/pst0000193\r\n"
    "ER  - \r\n"
)


def only(text):
    (parsed,) = ris.parse(text)
    return parsed


def test_the_seed_reference():
    parsed = only(SEED_RIS)
    assert parsed.problems == []
    assert parsed.fields["title"] == "Psychotherapy relationships that work III."
    assert entry(parsed.fields) == SEED_MARKDOWN


def test_several_records_in_order_with_continuation_lines():
    book, chapter, web = ris.parse(
        "TY  - BOOK\nA1  - Wampold, Bruce E.\nA1  - Imel, Zac E.\nTI  - The great psychotherapy"
        "\n  debate\nPY  - 2015\nET  - 2\nPB  - Routledge\nER  -\n\n"
        "TY  - CHAP\nAU  - Elliott, Robert\nTI  - Empathy\nT2  - Psychotherapy relationships "
        "that work\nA2  - Norcross, John C.\nED  - Lambert, Michael J.\nSP  - 245–287\n"
        "PY  - 2019\nER  - \n"
        "TY  - ELEC\nAU  - National Institute of Mental Health\nTI  - Psychotherapies\n"
        "UR  - https://www.nimh.nih.gov/health/topics/psychotherapies\nY2  - 2026/05/01/\nER  - \n"
    )
    assert book.fields["kind"] == apa.BOOK
    assert book.fields["title"] == "The great psychotherapy debate"
    assert book.fields["edition"] == "2"
    assert chapter.fields["kind"] == apa.CHAPTER
    assert [e["family"] for e in chapter.fields["editors"]] == ["Lambert", "Norcross"]
    assert chapter.fields["pages"] == "245-287"
    assert web.fields["authors"] == [{"group": "National Institute of Mental Health"}]
    assert web.fields["accessed"] == datetime.date(2026, 5, 1)
    assert web.fields["year"] is None


def test_page_forms():
    for lines in ("SP  - 303\nEP  - 315", "SP  - 303-315", "SP  - 303–315", "SP  - 303--315"):
        parsed = only(f"TY  - JOUR\nTI  - T\nT2  - J\n{lines}\nER  - ")
        assert parsed.fields["pages"] == "303-315", lines


def test_an_access_date_out_of_range_is_a_problem():
    (parsed,) = ris.parse("TY  - ELEC\nTI  - T\nUR  - https://e.org/\nY2  - 9999999999/1/1\nER  - ")
    assert "not a date" in parsed.problems[0]


def test_problems_and_notes_per_record():
    odd, bad = ris.parse(
        "TY  - SOUND\nTI  - A podcast\nER  - \n"
        "TY  - ELEC\nAU  - One, Two, Three, Four\nTI  - x\nY2  - soon\nER  - \n"
    )
    assert "imported as “Report”" in odd.notes[0]
    assert odd.problems == []
    assert len(bad.problems) == 2
    assert any("not “Family, Given names”" in problem for problem in bad.problems)
    assert any("not a date" in problem for problem in bad.problems)


def test_text_without_records():
    assert ris.parse("") == []
    assert ris.parse("AU  - Orphan, Line\nER  - ") == []
    assert not ris.looks_like_ris("@article{x, title={TY  - JOUR}}")
    assert ris.looks_like_ris(SEED_RIS)


def test_writing():
    reference = apa.Reference(
        kind=apa.REPORT,
        title="A report",
        authors=(apa.Author(family="King", given="Martin L.", suffix="Jr."),),
        year=2020,
        number="7",
        publisher="WHO",
    )
    text = ris.dump([reference])
    assert text.splitlines() == [
        "TY  - RPRT",
        "AU  - King, Martin L., Jr.",
        "TI  - A report",
        "PY  - 2020",
        "M1  - 7",
        "PB  - WHO",
        "ER  - ",
    ]
    assert only(text).fields["authors"] == [
        {"family": "King", "given": "Martin L.", "suffix": "Jr."}
    ]


def test_a_group_author_with_a_comma_stays_a_group():
    groups = (apa.Author(group="University of California, Berkeley"), apa.Author(group="WHO"))
    reference = apa.Reference(kind=apa.BOOK, title="T", authors=groups, publisher="P")
    text = ris.dump([reference])
    assert "AU  - University of California, Berkeley," in text
    assert "AU  - WHO\n" in text
    assert only(text).fields["authors"] == [
        {"group": "University of California, Berkeley"},
        {"group": "WHO"},
    ]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(["TY  - ", "AU  - ", "SP  - ", "EP  - ", "PY  - ", "Y2  - ", "ER  - ", ""])
        | st.just("TY  - JOUR"),
        max_size=12,
    ),
    st.lists(st.text(max_size=30), max_size=12),
)
def test_any_text_gives_records_or_nothing_never_an_exception(tags, values):
    text = "\n".join(tag + value for tag, value in zip(tags, values, strict=False))
    for parsed in ris.parse(text):
        assert set(parsed.fields) == set(csl.FIELD_NAMES)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_random_text(text):
    for parsed in ris.parse(text):
        assert set(parsed.fields) == set(csl.FIELD_NAMES)
