"""References used by the intake and export tests: the seed one and a rich set."""

import datetime

from articles import apa, csl
from articles.models import ArticleReference

SEED_MARKDOWN = (
    "Norcross, J. C., & Lambert, M. J. (2018). Psychotherapy relationships that work III. "
    "*Psychotherapy, 55*(4), 303–315. https://doi.org/10.1037/pst0000193"
)
SEED_HTML = (
    "Norcross, J. C., &amp; Lambert, M. J. (2018). Psychotherapy relationships that work III. "
    "<em>Psychotherapy, 55</em>(4), 303–315. "
    '<a href="https://doi.org/10.1037/pst0000193">https://doi.org/10.1037/pst0000193</a>'
)
SEED_FIELDS = csl.empty_fields() | {
    "kind": apa.JOURNAL_ARTICLE,
    "authors": [
        {"family": "Norcross", "given": "John C."},
        {"family": "Lambert", "given": "Michael J."},
    ],
    "year": 2018,
    "title": "Psychotherapy relationships that work III",
    "container": "Psychotherapy",
    "volume": "55",
    "issue": "4",
    "pages": "303-315",
    "doi": "https://doi.org/10.1037/pst0000193",
}


def people(count: int) -> list[dict]:
    return [{"family": f"Família{n}", "given": f"Ann B{n}."} for n in range(1, count + 1)]


RICH_SET = [
    SEED_FIELDS,
    csl.empty_fields()
    | {
        "kind": apa.JOURNAL_ARTICLE,
        "authors": [{"family": "Flückiger", "given": "Christoph"}],
        "year": 2018,
        "title": "The alliance in adult psychotherapy: A meta-analytic synthesis",
        "container": "Psychotherapy",
        "volume": "55",
        "issue": "4",
        "pages": "316-340",
        "doi": "https://doi.org/10.1037/pst0000172",
    },
    csl.empty_fields()
    | {
        "kind": apa.JOURNAL_ARTICLE,
        "authors": [*people(2), {"family": "King", "given": "Martin L.", "suffix": "Jr."}],
        "year": 2020,
        "title": "Three authors & 50% of the effect",
        "container": "Journal of Counseling Psychology",
        "volume": "67",
        "pages": "e101",
    },
    csl.empty_fields()
    | {
        "kind": apa.JOURNAL_ARTICLE,
        "authors": people(21),
        "year": 2021,
        "title": "A large collaboration",
        "container": "Clinical Psychology Review",
        "volume": "88",
        "pages": "102057",
        "doi": "https://doi.org/10.1016/j.cpr.2021.102057",
    },
    csl.empty_fields()
    | {
        "kind": apa.REPORT,
        "authors": [{"group": "World Health Organization"}],
        "year": 2022,
        "title": "World mental health report: Transforming mental health for all",
        "publisher": "World Health Organization",
        "number": "WHO-2022-1",
        "url": "https://www.who.int/publications/i/item/9789240049338",
    },
    csl.empty_fields()
    | {
        "kind": apa.BOOK,
        "authors": [
            {"family": "Wampold", "given": "Bruce E."},
            {"family": "Imel", "given": "Zac E."},
        ],
        "year": 2015,
        "title": "The great psychotherapy debate: The evidence for what makes psychotherapy work",
        "edition": "2",
        "publisher": "Routledge",
        "doi": "https://doi.org/10.4324/9780203582015",
    },
    csl.empty_fields()
    | {
        "kind": apa.CHAPTER,
        "authors": [
            {"family": "Elliott", "given": "Robert"},
            {"family": "Bohart", "given": "Arthur C."},
        ],
        "year": 2019,
        "title": "Empathy",
        "container": "Psychotherapy relationships that work",
        "editors": [
            {"family": "Norcross", "given": "John C."},
            {"family": "Lambert", "given": "Michael J."},
        ],
        "edition": "3",
        "pages": "245-287",
        "publisher": "Oxford University Press",
    },
    csl.empty_fields()
    | {
        "kind": apa.WEB_PAGE,
        "authors": [{"group": "National Institute of Mental Health"}],
        "title": "Psychotherapies",
        "container": "NIMH",
        "url": "https://www.nimh.nih.gov/health/topics/psychotherapies",
        "accessed": datetime.date(2026, 5, 1),
    },
]


def fields_of(reference: ArticleReference) -> dict:
    return {name: getattr(reference, name) for name in csl.FIELD_NAMES}


def entry(fields: dict) -> str:
    """The APA line the article would show for these field values, with *italics*."""
    reference = ArticleReference(**fields)
    reference.clean()  # the DOI in its stored form, as the editor's form would save it
    return apa.to_markdown(apa.reference_runs(reference.as_apa()))


def entry_html(fields: dict) -> str:
    reference = ArticleReference(**fields)
    reference.clean()
    return apa.to_html(apa.reference_runs(reference.as_apa()))
