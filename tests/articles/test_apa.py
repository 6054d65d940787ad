"""The APA 7 rules of articles/apa.py, without a database."""

import datetime
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles import apa
from articles.apa import Author, Reference

NORCROSS = Author(family="Norcross", given="John C.")
LAMBERT = Author(family="Lambert", given="Michael J.")
SEED = Reference(
    kind=apa.JOURNAL_ARTICLE,
    title="Psychotherapy relationships that work III",
    authors=(NORCROSS, LAMBERT),
    year=2018,
    container="Psychotherapy",
    volume="55",
    issue="4",
    pages="303-315",
    doi=apa.normalize_doi("http://dx.doi.org/10.1037/pst0000193"),
)


def entry(reference: Reference) -> str:
    return apa.to_markdown(apa.reference_runs(reference))


def people(count: int) -> tuple[Author, ...]:
    return tuple(Author(family=f"Author{n}", given=f"Given{n}") for n in range(1, count + 1))


def article(**fields) -> Reference:
    defaults = {
        "kind": apa.JOURNAL_ARTICLE,
        "title": "A title",
        "authors": (NORCROSS,),
        "year": 2020,
        "container": "Journal",
        "volume": "1",
    }
    return Reference(**{**defaults, **fields})


def test_the_seed_reference_renders_exactly():
    assert entry(SEED) == (
        "Norcross, J. C., & Lambert, M. J. (2018). Psychotherapy relationships that work III. "
        "*Psychotherapy, 55*(4), 303–315. https://doi.org/10.1037/pst0000193"
    )
    assert apa.to_html(apa.reference_runs(SEED)) == (
        "Norcross, J. C., &amp; Lambert, M. J. (2018). Psychotherapy relationships that work "
        "III. <em>Psychotherapy, 55</em>(4), 303–315. "
        '<a href="https://doi.org/10.1037/pst0000193">https://doi.org/10.1037/pst0000193</a>'
    )


def test_one_author():
    assert entry(article()).startswith("Norcross, J. C. (2020). A title. *Journal, 1*.")


def test_two_authors_take_an_ampersand():
    assert entry(article(authors=(NORCROSS, LAMBERT))).startswith(
        "Norcross, J. C., & Lambert, M. J. (2020)."
    )


def test_three_authors():
    authors = (NORCROSS, LAMBERT, Author(family="Wampold", given="Bruce E."))
    assert apa.author_list(authors) == "Norcross, J. C., Lambert, M. J., & Wampold, B. E."


def test_twenty_authors_are_all_listed():
    names = apa.author_list(people(20))
    assert names.count("Author") == 20
    assert names.endswith(", Author19, G., & Author20, G.")
    assert ". . ." not in names


@pytest.mark.parametrize("count", [21, 22])
def test_more_than_twenty_authors_list_19_an_ellipsis_and_the_last(count):
    names = apa.author_list(people(count))
    assert names.count("Author") == 20
    assert names.startswith("Author1, G., Author2, G.,")
    assert names.endswith(f"Author19, G., . . . Author{count}, G.")
    assert "Author20, G., . . ." not in names
    assert "&" not in names


def test_group_author_and_no_repeated_publisher():
    report = Reference(
        kind=apa.REPORT,
        title="Recognition of psychotherapy effectiveness",
        authors=(Author(group="American Psychological Association"),),
        year=2013,
        publisher="American Psychological Association",
        number="13-04",
    )
    assert entry(report) == (
        "American Psychological Association. (2013). "
        "*Recognition of psychotherapy effectiveness* (Report No. 13-04)."
    )


def test_no_date_is_n_d():
    assert "Norcross, J. C. (n.d.). A title." in entry(article(year=None))


def test_no_author_moves_the_title_first():
    book = Reference(kind=apa.BOOK, title="Merriam-Webster's dictionary", year=2019, publisher="M")
    assert entry(book) == "*Merriam-Webster's dictionary*. (2019). M."


def test_title_ending_in_a_question_mark_gets_no_period():
    assert "(2020). Does therapy work? *Journal, 1*." in entry(article(title="Does therapy work?"))


def test_book_with_edition_and_doi():
    book = Reference(
        kind=apa.BOOK,
        title="The great psychotherapy debate",
        authors=(Author(family="Wampold", given="Bruce E."), Author(family="Imel", given="Zac E.")),
        year=2015,
        edition="2",
        publisher="Routledge",
        doi="10.4324/9780203582015",
    )
    book = Reference(**{**book.__dict__, "doi": apa.normalize_doi(book.doi)})
    assert entry(book) == (
        "Wampold, B. E., & Imel, Z. E. (2015). *The great psychotherapy debate* (2nd ed.). "
        "Routledge. https://doi.org/10.4324/9780203582015"
    )


def test_book_chapter_with_editors_edition_and_pages():
    chapter = Reference(
        kind=apa.CHAPTER,
        title="Alliance in individual psychotherapy",
        authors=(Author(family="Horvath", given="Adam O."),),
        year=2019,
        container="Psychotherapy relationships that work",
        editors=(NORCROSS, LAMBERT),
        edition="3",
        pages="24-78",
        publisher="Oxford University Press",
    )
    assert entry(chapter) == (
        "Horvath, A. O. (2019). Alliance in individual psychotherapy. In J. C. Norcross & "
        "M. J. Lambert (Eds.), *Psychotherapy relationships that work* (3rd ed., pp. 24–78). "
        "Oxford University Press."
    )


def test_book_chapter_with_one_editor():
    chapter = Reference(
        kind=apa.CHAPTER, title="C", year=2001, container="B", editors=(NORCROSS,), pages="7"
    )
    assert entry(chapter) == "C. (2001). In J. C. Norcross (Ed.), *B* (p. 7)."


def test_web_page_with_date_accessed():
    page = Reference(
        kind=apa.WEB_PAGE,
        title="Mental health: Strengthening our response",
        authors=(Author(group="World Health Organization"),),
        year=2022,
        container="World Health Organization",
        url="https://www.who.int/news-room/fact-sheets/detail/mental-health",
        accessed=datetime.date(2024, 3, 3),
    )
    assert entry(page) == (
        "World Health Organization. (2022). *Mental health: Strengthening our response*. "
        "Retrieved March 3, 2024, from "
        "https://www.who.int/news-room/fact-sheets/detail/mental-health"
    )


def test_web_page_names_its_site_and_ends_with_the_url():
    page = Reference(
        kind=apa.WEB_PAGE,
        title="Therapy",
        authors=(NORCROSS,),
        container="Site",
        url="https://x.example/",
    )
    assert entry(page) == "Norcross, J. C. (n.d.). *Therapy*. Site. https://x.example/"


def test_markup_in_fields_is_escaped():
    html = apa.to_html(apa.reference_runs(article(title="<script>alert(1)</script>")))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "typed",
    [
        "10.1037/pst0000193",
        "doi:10.1037/pst0000193",
        "DOI: 10.1037/pst0000193",
        "https://doi.org/10.1037/pst0000193",
        "http://doi.org/10.1037/pst0000193",
        "http://dx.doi.org/10.1037/pst0000193",
        "https://dx.doi.org/10.1037/pst0000193",
        "dx.doi.org/10.1037/pst0000193",
        "doi.org/10.1037/pst0000193",
        "  https://www.doi.org/10.1037/pst0000193 ",
        "https://doi.org/10.1037%2Fpst0000193",
    ],
)
def test_every_doi_form_becomes_a_doi_org_link(typed):
    assert apa.normalize_doi(typed) == "https://doi.org/10.1037/pst0000193"


@pytest.mark.parametrize(
    "pasted",
    [
        "10.1037/pst0000193.",
        "https://doi.org/10.1037/pst0000193.",
        "doi:10.1037/pst0000193,",
        "10.1037/pst0000193;",
        "10.1037/pst0000193. ",
    ],
)
def test_punctuation_pasted_from_a_reference_list_is_not_part_of_the_doi(pasted):
    assert apa.normalize_doi(pasted) == "https://doi.org/10.1037/pst0000193"


def test_an_empty_doi_stays_empty():
    assert apa.normalize_doi("  ") == ""


@pytest.mark.parametrize(
    "typed",
    [
        "pst0000193",
        "10.1037",
        "10.1037/",
        "10.12/abc",
        "11.1037/abc",
        "https://example.com/10.1037/pst0000193",
        "10.1037/pst 0000193",
        "doi:",
        "http://doi.org/",
        "ISBN 978-0-19-084395-7",
    ],
)
def test_malformed_dois_are_refused(typed):
    with pytest.raises(apa.DOIError, match="is not a DOI"):
        apa.normalize_doi(typed)


@given(st.text(max_size=80))
def test_normalize_doi_either_refuses_or_gives_a_doi_link(text):
    try:
        result = apa.normalize_doi(text)
    except apa.DOIError:
        return
    assert result == "" or result.startswith("https://doi.org/10.")
    assert " " not in result


def test_odd_characters_in_a_doi_are_percent_encoded_in_the_link():
    doi = apa.normalize_doi("10.1002/(SICI)1097-4679(199911)55:11<1329::AID-JCLP2>3.0.CO;2-H")
    assert apa.doi_href(doi).startswith("https://doi.org/10.1002/(SICI)")
    assert "#" not in apa.doi_href(apa.normalize_doi("10.1000/a#b"))


def test_references_are_ordered_as_apa_orders_them():
    norcross_alone = article(title="Alone", year=2010)
    norcross_lambert = article(authors=(NORCROSS, LAMBERT), year=2001)
    lambert = article(authors=(LAMBERT,), year=2019)
    undated = article(title="Undated", year=None)
    group = article(authors=(Author(group="American Psychological Association"),))
    anonymous = article(authors=(), title="The zebra study")
    ordered = apa.prepare([norcross_lambert, norcross_alone, anonymous, lambert, undated, group])
    assert [r.title for r in ordered] == [
        group.title,
        lambert.title,
        "Undated",
        "Alone",
        norcross_lambert.title,
        "The zebra study",
    ]


def test_same_authors_and_year_get_a_and_b_by_title():
    second = article(authors=(NORCROSS, LAMBERT), year=2018, title="Zeal")
    first = article(authors=(NORCROSS, LAMBERT), year=2018, title="The alliance")
    other_year = article(authors=(NORCROSS, LAMBERT), year=2019)
    ordered = apa.prepare([second, other_year, first])
    assert [(r.title, r.suffix) for r in ordered] == [
        ("The alliance", "a"),
        ("Zeal", "b"),
        (other_year.title, ""),
    ]
    assert "(2018b)." in entry(ordered[1])
    assert apa.citation_text(ordered[0]) == "(Norcross & Lambert, 2018a)"
    undated = apa.prepare([article(year=None, title="B"), article(year=None, title="A")])
    assert [apa.year_label(r) for r in undated] == ["n.d.-a", "n.d.-b"]


def test_in_text_citations():
    assert apa.citation_text(SEED, "p. 307") == "(Norcross & Lambert, 2018, p. 307)"
    assert apa.citation_text(SEED, "307") == "(Norcross & Lambert, 2018, p. 307)"
    assert apa.citation_text(SEED, "303-304") == "(Norcross & Lambert, 2018, pp. 303–304)"
    assert apa.citation_text(SEED, "chap. 3") == "(Norcross & Lambert, 2018, chap. 3)"
    assert apa.citation_text(SEED, narrative=True) == "Norcross and Lambert (2018)"
    assert apa.citation_text(article()) == "(Norcross, 2020)"
    three = article(authors=people(3))
    assert apa.citation_text(three, "p. 2") == "(Author1 et al., 2020, p. 2)"
    group = article(authors=(Author(group="World Health Organization"),), year=None)
    assert apa.citation_text(group) == "(World Health Organization, n.d.)"
    assert apa.citation_text(article(authors=(), title="Stress")) == "(“Stress”, 2020)"


def person(family: str, given: str = "A.") -> Author:
    return Author(family=family, given=given)


def citations(*references: Reference) -> dict[str, str]:
    """Each prepared reference's parenthetical and narrative citation, by title."""
    return {
        r.title: (apa.citation_text(r), apa.citation_text(r, narrative=True))
        for r in apa.prepare(references)
    }


def test_three_or_more_authors_that_shorten_alike_list_names_until_they_differ():
    # APA 7, 8.18: as many names as needed to tell them apart, then et al.
    kapoor, bloom = person("Kapoor"), person("Bloom")
    montez = article(title="M", year=2017, authors=(kapoor, bloom, person("Montez"), *people(2)))
    zucker = article(title="Z", year=2017, authors=(kapoor, bloom, person("Zucker"), *people(2)))
    assert citations(montez, zucker) == {
        "M": ("(Kapoor, Bloom, Montez, et al., 2017)", "Kapoor, Bloom, Montez, et al. (2017)"),
        "Z": ("(Kapoor, Bloom, Zucker, et al., 2017)", "Kapoor, Bloom, Zucker, et al. (2017)"),
    }
    # Other years, or a list that differs at the second name, need fewer names.
    later = replace(zucker, year=2018)
    assert citations(montez, later)["M"][0] == "(Kapoor et al., 2017)"
    second = article(title="S", year=2017, authors=(kapoor, person("Lee"), *people(3)))
    assert citations(montez, second) == {
        "M": ("(Kapoor, Bloom, et al., 2017)", "Kapoor, Bloom, et al. (2017)"),
        "S": ("(Kapoor, Lee, et al., 2017)", "Kapoor, Lee, et al. (2017)"),
    }


def test_et_al_never_stands_for_one_name():
    # Lists that differ only in their last name are written out in full.
    a, b, c = person("Alder"), person("Birch"), person("Cedar")
    first = article(title="D", year=2020, authors=(a, b, c, person("Dogwood")))
    second = article(title="E", year=2020, authors=(a, b, c, person("Elm")))
    shorter = article(title="F", year=2020, authors=(a, b, c))
    assert citations(first, second, shorter) == {
        "D": ("(Alder, Birch, Cedar, & Dogwood, 2020)", "Alder, Birch, Cedar, and Dogwood (2020)"),
        "E": ("(Alder, Birch, Cedar, & Elm, 2020)", "Alder, Birch, Cedar, and Elm (2020)"),
        "F": ("(Alder, Birch, & Cedar, 2020)", "Alder, Birch, and Cedar (2020)"),
    }


def test_first_authors_with_one_family_name_are_told_apart_by_initials():
    # APA 7, 8.20: in every citation of either, even in other years or with co-authors.
    john = article(title="J", year=2020, authors=(person("Smith", "John"),))
    beth = article(title="B", year=2020, authors=(person("Smith", "Beth Ann"), LAMBERT))
    later = article(title="L", year=2021, authors=(person("Smith", "Beth Ann"), *people(2)))
    assert citations(john, beth, later) == {
        "J": ("(J. Smith, 2020)", "J. Smith (2020)"),
        "B": ("(B. A. Smith & Lambert, 2020)", "B. A. Smith and Lambert (2020)"),
        "L": ("(B. A. Smith et al., 2021)", "B. A. Smith et al. (2021)"),
    }
    # The same person (same initials) twice needs no initials; a later author named Smith
    # is not a first author and changes nothing.
    again = article(title="A", year=2019, authors=(person("Smith", "John"),))
    coauthor = article(title="C", year=2020, authors=(NORCROSS, person("Smith", "Zoe")))
    assert citations(john, again, coauthor)["J"][0] == "(Smith, 2020)"


def test_same_authors_and_year_keep_their_letters_not_more_names():
    a, b = person("Alder"), person("Birch")
    first = article(title="A", year=2020, authors=(a, b, person("Cedar")))
    second = article(title="B", year=2020, authors=(a, b, person("Cedar")))
    assert [apa.citation_text(r) for r in apa.prepare([first, second])] == [
        "(Alder et al., 2020a)",
        "(Alder et al., 2020b)",
    ]


def test_author_lines_parse_and_round_trip():
    text = "Norcross, John C.\n\n  King,  Martin Luther, Jr.\nWorld Health Organization\n"
    authors = apa.parse_author_lines(text)
    assert authors == [
        NORCROSS,
        Author(family="King", given="Martin Luther", suffix="Jr."),
        Author(group="World Health Organization"),
    ]
    assert apa.author_lines(authors) == (
        "Norcross, John C.\nKing, Martin Luther, Jr.\nWorld Health Organization"
    )
    assert apa.author_list(authors[1:2]) == "King, M. L., Jr."


@pytest.mark.parametrize("line", ["Norcross, J. C., Lambert, M. J.", "Norcross,", ", John"])
def test_author_lines_with_two_people_on_a_line_are_refused(line):
    with pytest.raises(apa.AuthorListError, match="one author a line"):
        apa.parse_author_lines(line)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("John C.", "J. C."), ("J.C.", "J. C."), ("Jean-Paul", "J.-P."), ("ana maría", "A. M.")],
)
def test_initials(given, expected):
    assert apa.initials(given) == expected


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("2", "2nd ed."),
        ("3", "3rd ed."),
        ("11", "11th ed."),
        ("21", "21st ed."),
        ("Rev.", "Rev. ed."),
    ],
)
def test_edition_labels(typed, label):
    assert apa.edition_label(typed) == label
