"""Stored citations to APA links, without a database."""

import re

from articles import apa
from articles.blocks import ArticleBodyBlock
from articles.citations import CitationRenderer, cited_keys
from articles.formatted_references import format_references

NORCROSS = apa.Reference(
    kind=apa.JOURNAL_ARTICLE,
    title="Psychotherapy relationships that work III",
    authors=(apa.Author("Norcross", "John C."), apa.Author("Lambert", "Michael J.")),
    year=2018,
    key="n",
)
FLUCKIGER = apa.Reference(
    kind=apa.JOURNAL_ARTICLE,
    title="The alliance in adult psychotherapy",
    authors=tuple(apa.Author(name, "A.") for name in ("Flückiger", "Del Re", "Wampold")),
    year=2018,
    key="f",
)


def cite(key, label="label", locator="", narrative=False):
    extra = f' data-locator="{locator}"' if locator else ""
    extra += ' data-narrative="1"' if narrative else ""
    return f'<a linktype="citation" data-ref="{key}"{extra}>{label}</a>'


def backlinks(citations) -> dict[str, list[str]]:
    """Each reference list entry's id, and where its links back lead."""
    return {
        entry: re.findall(r'class="citation-backlink" href="#([^"]+)"', item)
        for entry, item in re.findall(r'<li id="([^"]+)">(.*?)</li>', citations.reference_items())
    }


def renderer():
    return CitationRenderer(format_references([NORCROSS, FLUCKIGER]))


def test_one_citation_becomes_a_parenthetical_link():
    html = renderer().render(f"<p>Claim {cite('n', locator='p. 307')}.</p>")
    assert html == (
        '<p>Claim <a class="citation" href="#ref-n" id="cite-n-1">'
        "(Norcross &amp; Lambert, 2018, p. 307)</a>.</p>"
    )


def test_adjacent_citations_share_one_parenthesis_in_reference_order():
    citations = renderer()
    html = citations.render(f"<p>Claim {cite('n', locator='307')} {cite('f')}.</p>")
    assert html == (
        '<p>Claim (<a class="citation" href="#ref-f" id="cite-f-1">Flückiger et al., 2018</a>; '
        '<a class="citation" href="#ref-n" id="cite-n-1">Norcross &amp; Lambert, 2018, p. 307</a>'
        ").</p>"
    )
    assert backlinks(citations) == {"ref-f": ["cite-f-1"], "ref-n": ["cite-n-1"]}


def test_citations_apart_stay_apart_and_are_numbered_for_back_links():
    citations = renderer()
    html = citations.render(
        f"<p>A {cite('n', locator='304')} and B {cite('n', locator='307')}.</p>"
    )
    assert 'id="cite-n-1">(Norcross &amp; Lambert, 2018, p. 304)</a> and B ' in html
    assert 'id="cite-n-2">(Norcross &amp; Lambert, 2018, p. 307)</a>.' in html
    assert backlinks(citations)["ref-n"] == ["cite-n-1", "cite-n-2"]
    norcross = citations.reference_items().splitlines()[1]
    assert norcross.startswith('<li id="ref-n">Norcross, J. C., &amp; Lambert, M. J. (2018).')
    assert norcross.endswith(
        ' <a class="citation-backlink" href="#cite-n-1" aria-label="Back to citation 1 in the'
        ' text">↩</a> <a class="citation-backlink" href="#cite-n-2" aria-label="Back to'
        ' citation 2 in the text">2</a></li>'
    )


def test_narrative_citation():
    html = renderer().render(f"<p>{cite('n', narrative=True, locator='p. 303')} found</p>")
    assert ">Norcross and Lambert (2018, p. 303)</a> found" in html


def test_a_deleted_reference_leaves_its_words_without_a_link():
    html = renderer().render(f"<p>Claim {cite('gone', '(Gone, 2001)')}.</p>")
    assert html == '<p>Claim <span class="citation citation-missing">(Gone, 2001)</span>.</p>'


def test_other_rich_text_is_expanded_as_usual():
    html = renderer().render('<p><a href="https://example.com/">x</a> <b>y</b></p>')
    assert html == '<p><a href="https://example.com/">x</a> <b>y</b></p>'


def test_cited_keys_are_found_in_nested_blocks_in_order():
    body = ArticleBodyBlock().to_python(
        [
            {"type": "paragraph", "value": f"<p>{cite('n')} {cite('f')}</p>"},
            {"type": "heading", "value": {"text": "H", "level": "h2"}},
            {
                "type": "callout",
                "value": {"kind": "note", "heading": "", "text": f"<p>{cite('x')}</p>"},
            },
        ]
    )
    assert cited_keys(body) == ["n", "f", "x"]
