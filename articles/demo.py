"""Demo articles: the index and three articles, one an update on "Therapy Partners".

Like every seeder it only creates: an article that exists (by slug) is left as edited.
"""

import datetime
import uuid
from html import escape

from wagtail.models import Site

from articles import apa
from articles.models import ArticleIndexPage, ArticlePage, ArticleReference, ArticleRelatedPage
from practice.demo import add_demo_visit_counts, ensure_child_page, heading, paragraph
from practice.models import ContentPage

# Fixed keys, so the citations below can point at the references they create.
NAMESPACE = uuid.UUID("5f0c2b1e-8d2a-4c55-9a57-6b1f0a3c9e11")


def key(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


REFERENCES = {
    "norcross-lambert-2018": {
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
        "doi": "http://dx.doi.org/10.1037/pst0000193",
    },
    "fluckiger-2018": {
        "kind": apa.JOURNAL_ARTICLE,
        "authors": [
            {"family": "Flückiger", "given": "Christoph"},
            {"family": "Del Re", "given": "A. C."},
            {"family": "Wampold", "given": "Bruce E."},
            {"family": "Horvath", "given": "Adam O."},
        ],
        "year": 2018,
        "title": "The alliance in adult psychotherapy: A meta-analytic synthesis",
        "container": "Psychotherapy",
        "volume": "55",
        "issue": "4",
        "pages": "316-340",
        "doi": "10.1037/pst0000172",
    },
    "lambert-whipple-2018": {
        "kind": apa.JOURNAL_ARTICLE,
        "authors": [
            {"family": "Lambert", "given": "Michael J."},
            {"family": "Whipple", "given": "Jason L."},
            {"family": "Kleinstäuber", "given": "Maria"},
        ],
        "year": 2018,
        "title": (
            "Collecting and delivering progress feedback: A meta-analysis of routine "
            "outcome monitoring"
        ),
        "container": "Psychotherapy",
        "volume": "55",
        "issue": "4",
        "pages": "520-537",
        "doi": "doi:10.1037/pst0000167",
    },
    "wampold-imel-2015": {
        "kind": apa.BOOK,
        "authors": [
            {"family": "Wampold", "given": "Bruce E."},
            {"family": "Imel", "given": "Zac E."},
        ],
        "year": 2015,
        "title": ("The great psychotherapy debate: The evidence for what makes psychotherapy work"),
        "edition": "2",
        "publisher": "Routledge",
        "doi": "https://doi.org/10.4324/9780203582015",
    },
    "apa-2013": {
        "kind": apa.JOURNAL_ARTICLE,
        "authors": [{"group": "American Psychological Association"}],
        "year": 2013,
        "title": "Recognition of psychotherapy effectiveness",
        "container": "Psychotherapy",
        "volume": "50",
        "issue": "1",
        "pages": "102-109",
        "doi": "10.1037/a0030276",
    },
}


def cite(name: str, label: str, locator: str = "", narrative: bool = False) -> str:
    """A citation as the editor's "Cite" button stores it."""
    attributes = f'linktype="citation" data-ref="{key(name)}"'
    if locator:
        attributes += f' data-locator="{escape(locator)}"'
    if narrative:
        attributes += ' data-narrative="1"'
    return f"<a {attributes}>{escape(label)}</a>"


def callout(text: str, heading_text: str = "") -> dict:
    return {
        "type": "callout",
        "value": {"kind": "key-point", "heading": heading_text, "text": text},
    }


ARTICLES = [
    {
        "slug": "update-on-therapy-partners",
        "title": "Update on Therapy Partners",
        "summary": (
            "What the latest review of research on the therapy relationship adds to my page "
            "on becoming partners in therapy."
        ),
        "date": datetime.date(2026, 11, 2),
        "tags": ["research", "therapy relationship"],
        "references": ["norcross-lambert-2018", "fluckiger-2018"],
        "related": ["therapy-partners"],
        "body": [
            paragraph(
                "<p>My page <em>Therapy Partners</em> explains why I treat therapy as joint "
                "work. This update summarises the most thorough recent look at the evidence "
                "behind that view: the third report of an American Psychological Association "
                "task force on the therapy relationship, published in 2018 as a special issue "
                "of the journal <em>Psychotherapy</em>.</p>"
            ),
            heading("What the task force looked at"),
            paragraph(
                "<p>The task force described the relationship as the feelings and attitudes "
                "client and therapist hold toward each other, and the way they show them "
                + cite("norcross-lambert-2018", "(Norcross & Lambert, 2018, p. 304)", "p. 304")
                + ". Putting the relationship in the foreground does not mean that methods are "
                "unimportant: the two work together, and the reviews simply chose the "
                "relationship as their subject.</p>"
            ),
            paragraph(
                "<p>Most of the special issue consists of meta-analyses, each pooling many "
                "studies of one element of the relationship, such as agreeing on goals, "
                "collaborating, empathy, repairing strains in the alliance, and asking clients "
                "for feedback. The strength of the working alliance alone was reliably linked "
                "with better outcomes across hundreds of studies "
                + cite("fluckiger-2018", "(Flückiger et al., 2018)")
                + ".</p>"
            ),
            callout(
                "<p>The editors conclude that the relationship accounts for at least as much "
                "of the difference in how therapy turns out as the particular treatment "
                "method does "
                + cite("norcross-lambert-2018", "(Norcross & Lambert, 2018, p. 307)", "p. 307")
                + ".</p>",
                "In short",
            ),
            heading("What this means for our work"),
            paragraph(
                "<p>Whatever methods we use, the partnership itself is part of what helps. "
                "That is why I ask about your goals early, check regularly whether our work "
                "feels right to you, and welcome it when you tell me it does not.</p>"
            ),
        ],
    },
    {
        "slug": "why-i-ask-for-feedback",
        "title": "Why I ask for your feedback every session",
        "summary": (
            "A few minutes at the end of each session help us notice early when therapy is "
            "not helping, and change course."
        ),
        "date": datetime.date(2026, 10, 5),
        "tags": ["research", "starting therapy"],
        "references": ["lambert-whipple-2018", "wampold-imel-2015"],
        "related": [],
        "body": [
            paragraph(
                "<p>Near the end of each session I will ask you two short questions: how you "
                "have been doing this week, and how today's session felt. It takes a few "
                "minutes, and it is one of the most useful things we do.</p>"
            ),
            heading("Why it matters"),
            paragraph(
                "<p>Therapists are not good at spotting, on their own, the clients who are "
                "getting worse. When progress is tracked routinely and discussed openly, "
                "fewer people leave therapy worse off than they started "
                + cite("lambert-whipple-2018", "(Lambert et al., 2018)")
                + ".</p>"
            ),
            paragraph(
                "<p>Research comparing therapies also suggests that much of what helps is "
                "shared by good therapies of every kind, including a relationship in which "
                "the client feels heard "
                + cite("wampold-imel-2015", "(Wampold & Imel, 2015)")
                + ". Your feedback is how I find out whether that is happening.</p>"
            ),
        ],
    },
    {
        "slug": "what-the-first-sessions-are-for",
        "title": "What the first sessions are for",
        "summary": "How the first three or four meetings work, and what you can ask me.",
        "date": datetime.date(2026, 9, 14),
        "tags": ["starting therapy"],
        "references": ["apa-2013"],
        "related": ["therapy-partners"],
        "body": [
            paragraph(
                "<p>The first sessions are a chance for both of us to decide whether working "
                "together makes sense. I will ask about what brings you here, your history "
                "and what you would like to be different. You can ask me anything about how I "
                "work, my training, fees and confidentiality.</p>"
            ),
            paragraph(
                "<p>Psychotherapy is an effective treatment for many difficulties, and its "
                "benefits often last after it ends "
                + cite("apa-2013", "(American Psychological Association, 2013)")
                + ". Finding a therapist you can work with is a good first step.</p>"
            ),
            {
                "type": "quote",
                "value": {
                    "quote": "You are the expert on your own life; I bring what I know about "
                    "how people change.",
                    "source": "Something I say in most first sessions",
                    "locator": "",
                },
            },
        ],
    },
]


def seed(stdout) -> None:
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    index = ensure_child_page(
        home,
        ArticleIndexPage,
        stdout,
        slug="articles",
        title="Articles",
        intro="<p>Notes on therapy and the research behind how I work.</p>",
        show_in_menus=True,
    )
    for spec in ARTICLES:
        if not index.get_children().filter(slug=spec["slug"]).exists():
            create_article(index, home, spec, stdout)


def create_article(index, home, spec: dict, stdout) -> None:
    related = [
        page
        for slug in spec["related"]
        if (page := ContentPage.objects.descendant_of(home).filter(slug=slug).first())
    ]
    page = ArticlePage(
        slug=spec["slug"],
        title=spec["title"],
        summary=spec["summary"],
        date=spec["date"],
        body=spec["body"],
        references=[
            ArticleReference(key=key(name), sort_order=position, **REFERENCES[name])
            for position, name in enumerate(spec["references"])
        ],
        related_links=[ArticleRelatedPage(target=target) for target in related],
    )
    for reference in page.references.all():
        reference.full_clean(exclude=["page"])  # normalises the DOI as the editor would
    page.tags.add(*spec["tags"])
    index.add_child(instance=page)
    page.save_revision().publish()
    add_demo_visit_counts(page)
    stdout.write(f"Created the article {page.title!r}.")
