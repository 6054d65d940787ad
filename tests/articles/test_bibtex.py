"""Reading and writing BibTeX (articles/bibtex.py), without a database."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from articles import apa, bibtex, csl
from tests.articles.samples import SEED_MARKDOWN, entry

# As Google Scholar and publishers' "Cite" links give it.
SEED_BIBTEX = r"""
@article{norcross2018psychotherapy,
  title={Psychotherapy relationships that work {III}.},
  author={Norcross, John C and Lambert, Michael J},
  journal={Psychotherapy},
  volume={55},
  number={4},
  pages={303--315},
  year={2018},
  publisher={Educational Publishing Foundation},
  doi = {10.1037/pst0000193}
}
"""


def only(text):
    (parsed,) = bibtex.parse(text)
    return parsed


def test_the_seed_reference():
    parsed = only(SEED_BIBTEX)
    assert parsed.problems == []
    assert parsed.label == "norcross2018psychotherapy"
    assert entry(parsed.fields) == SEED_MARKDOWN


def test_braces_accents_and_latex():
    parsed = only(
        r"""@Article{Fl2018,
          Author = "Fl{\"u}ckiger, Christoph and Del~Re, A. C. and Wampold, Bruce E. and
                    Horvath, Adam O.",
          Title = "The Alliance in Adult {P}sychotherapy: {A} Meta-Analytic Synthesis",
          Journal = {Psychotherapy}, Year = {2018}, Volume = 55, Number = 4,
          Pages = {316 -- 340}, DOI = {10.1037/pst0000172}}"""
    )
    fields = parsed.fields
    assert [a["family"] for a in fields["authors"]] == ["Flückiger", "Del Re", "Wampold", "Horvath"]
    assert fields["title"] == "The Alliance in Adult Psychotherapy: A Meta-Analytic Synthesis"
    assert fields["pages"] == "316-340"
    assert fields["volume"] == "55"


def test_accent_forms_and_first_last_names():
    parsed = only(
        r"""@book{b, author = {Fran\c{c}ois M{\'e}ndez and Jos\'{e} {\`A}lvarez and
        de la Fontaine, Jean}, title = {T{\^e}te-{\`a}-t{\^e}te}, year = 1999,
        publisher = {Presses de l'Universit\'e}, edition = {3rd}}"""
    )
    assert parsed.fields["authors"] == [
        {"family": "Méndez", "given": "François"},
        {"family": "Àlvarez", "given": "José"},
        {"family": "de la Fontaine", "given": "Jean"},
    ]
    assert parsed.fields["title"] == "Tête-à-tête"
    assert parsed.fields["publisher"] == "Presses de l'Université"
    assert parsed.fields["kind"] == apa.BOOK


def test_group_authors_suffixes_and_and_others():
    parsed = only(
        r"""@techreport{who, author = {{World Health Organization} and King, Jr., Martin L.
        and others}, title = {Report}, institution = {WHO}, number = {7}, year = {2022}}"""
    )
    assert parsed.fields["authors"] == [
        {"group": "World Health Organization"},
        {"family": "King", "given": "Martin L.", "suffix": "Jr."},
    ]
    assert parsed.problems == []
    assert "“and others”" in parsed.notes[0]
    assert parsed.fields["number"] == "7"
    assert parsed.fields["publisher"] == "WHO"


def test_page_forms():
    for pages in ("303--315", "303-315", "303–315", "303 - 315", "303---315"):
        parsed = only(f"@article{{a, title={{T}}, journal={{J}}, pages={{{pages}}}}}")
        assert parsed.fields["pages"] == "303-315", pages


def test_chapter_with_editors_and_web_page_with_date():
    chapter, web = bibtex.parse(
        r"""@incollection{c, author={Elliott, Robert}, title={Empathy},
            booktitle={Psychotherapy relationships that work}, editor={Norcross, John C. and
            Lambert, Michael J.}, pages={245--287}, publisher={Oxford University Press},
            year={2019}}
        @online{w, title={Psychotherapies}, organization={NIMH}, year={n.d.},
            url={https://www.nimh.nih.gov/health/topics/psychotherapies?x=50%25_a},
            urldate={2026-05-01}}"""
    )
    assert chapter.fields["kind"] == apa.CHAPTER
    assert chapter.fields["container"] == "Psychotherapy relationships that work"
    assert [e["family"] for e in chapter.fields["editors"]] == ["Norcross", "Lambert"]
    assert web.fields["kind"] == apa.WEB_PAGE
    assert web.fields["url"] == "https://www.nimh.nih.gov/health/topics/psychotherapies?x=50%25_a"
    assert web.fields["accessed"] == datetime.date(2026, 5, 1)
    assert web.fields["year"] is None
    assert "not a year" in web.notes[0]


def test_unknown_types_and_bad_dates_are_reported_per_entry():
    misc, bad_date = bibtex.parse(
        "@unpublished{u, title={Draft}}\n"
        "@online{o, title={Site}, url={https://example.org/}, urldate={yesterday}}"
    )
    assert misc.fields["kind"] == apa.REPORT
    assert "imported as “Report”" in misc.notes[0]
    assert "not a date" in bad_date.problems[0]


def test_broken_entries_are_problems_not_exceptions():
    entries = bibtex.parse("@article{ok, title={Fine}, journal={J}}\n@article{broken, title={x")
    assert entries[0].problems == []
    assert "could not be read" in entries[1].problems[0]
    assert bibtex.parse("") == []
    assert bibtex.parse("just some words") == []


def test_writing_escapes_latex_and_keeps_case():
    reference = apa.Reference(
        kind=apa.JOURNAL_ARTICLE,
        title="Therapy & 50% of {the} effect_size",
        authors=(apa.Author(group="A & B Group"), apa.Author(family="Ó Brien", given="Áine")),
        year=2020,
        container="J",
        pages="1-2",
        doi="https://doi.org/10.1000/a_b%c",
    )
    text = bibtex.dump([reference])
    assert "title = {{Therapy \\& 50\\% of \\{the\\} effect\\_size}}" in text
    assert "author = {{A \\& B Group} and Ó Brien, Áine}" in text
    assert "pages = {1--2}" in text
    assert "doi = {10.1000/a_b%c}" in text
    fields = only(text).fields
    assert fields["title"] == "Therapy & 50% of {the} effect_size"
    assert fields["authors"] == [{"group": "A & B Group"}, {"family": "Ó Brien", "given": "Áine"}]


def test_text_comes_back_as_typed():
    title = r"Pre--post ~ C:\path {x} ``quoted'' 50% ¡Sí! !` and a--b---c"
    reference = apa.Reference(
        kind=apa.BOOK,
        title=title,
        authors=(
            apa.Author(family="Smith and Jones", given="Ann"),
            apa.Author(family="Stone", given="Ann and Bo"),
            apa.Author(group="Research and Practice, Inc."),
        ),
        publisher="Pub ~ -- ``x''",
    )
    fields = only(bibtex.dump([reference])).fields
    assert fields["title"] == title
    assert fields["publisher"] == "Pub ~ -- ``x''"
    assert fields["authors"] == [
        {"family": "Smith and Jones", "given": "Ann"},
        {"family": "Stone", "given": "Ann and Bo"},
        {"group": "Research and Practice, Inc."},
    ]


def test_braces_and_spaces_in_links_are_percent_encoded():
    reference = apa.Reference(
        kind=apa.WEB_PAGE,
        title="T",
        url="https://example.org/a}b{c d",
        accessed=datetime.date(2026, 5, 1),
    )
    text = bibtex.dump([reference])
    assert "url = {https://example.org/a%7Db%7Bc%20d}" in text
    parsed = only(text)
    assert parsed.problems == []
    assert parsed.fields["url"] == "https://example.org/a%7Db%7Bc%20d"
    assert parsed.fields["accessed"] == datetime.date(2026, 5, 1)
    doi = apa.Reference(kind=apa.BOOK, title="T", doi="https://doi.org/10.1000/x}{y")
    assert "doi = {10.1000/x%7D%7By}" in bibtex.dump([doi])


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300)
    | st.text('@{}=,"\\ %a-', max_size=80)
)
def test_any_text_gives_entries_or_nothing_never_an_exception(text):
    for parsed in bibtex.parse(text):
        assert set(parsed.fields) == set(csl.FIELD_NAMES)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_any_field_value_gives_an_entry(value):
    value = value.replace("}", "").replace("{", "")
    entries = bibtex.parse(
        f"@article{{k, title={{{value}}}, author={{{value}}}, pages={{{value}}}}}"
    )
    for parsed in entries:
        assert set(parsed.fields) == set(csl.FIELD_NAMES)


def test_a_repeated_key_is_a_problem():
    first, repeated = bibtex.parse("@article{k, title={A}}\n@article{k, title={B}}")
    assert first.problems == []
    assert "already has the key “k”" in repeated.problems[0]


def test_urls_wrapped_in_the_url_macro():
    parsed = only(r"@online{w, title={T}, url={\url{https://example.org/a_b}}}")
    assert parsed.fields["url"] == "https://example.org/a_b"
