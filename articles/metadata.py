"""What search engines and reference managers read: schema.org JSON-LD for an article."""

from django.utils import timezone

from articles import apa

SCHEMA_TYPES = {
    apa.JOURNAL_ARTICLE: "ScholarlyArticle",
    apa.BOOK: "Book",
    apa.CHAPTER: "Chapter",
    apa.REPORT: "Report",
    apa.WEB_PAGE: "WebPage",
}


def person(author: apa.Author) -> dict:
    if author.is_group:
        return {"@type": "Organization", "name": author.group}
    return {
        "@type": "Person",
        "name": " ".join(part for part in (author.given, author.family) if part),
        "familyName": author.family,
        **({"givenName": author.given} if author.given else {}),
    }


def citation(reference: apa.Reference) -> dict:
    data = {
        "@type": SCHEMA_TYPES.get(reference.kind, "CreativeWork"),
        "name": reference.title,
        "author": [person(author) for author in reference.authors],
        "text": apa.to_text(reference.runs),
    }
    if reference.year:
        data["datePublished"] = str(reference.year)
    if reference.doi:
        data["url"] = reference.doi
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "DOI",
            "value": reference.doi.removeprefix(apa.DOI_URL),
        }
    elif reference.url:
        data["url"] = reference.url
    if reference.container and reference.kind in (apa.JOURNAL_ARTICLE, apa.CHAPTER):
        data["isPartOf"] = {
            "@type": "Periodical" if reference.kind == apa.JOURNAL_ARTICLE else "Book",
            "name": reference.container,
        }
    return data


def article_json_ld(
    page, *, url, author_name, publisher_name, citations, tags, image_url=""
) -> dict:
    """`citations`: a list of what `citation` makes, or the list encoded as JSON (what
    articles store; practice.jsonld.EncodedJSON)."""
    modified = page.updated or (
        timezone.localdate(page.last_published_at) if page.last_published_at else None
    )
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": page.title[:110],
        "description": page.summary,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": page.date.isoformat(),
        "dateModified": (max(modified, page.date) if modified else page.date).isoformat(),
        "author": {"@type": "Person", "name": author_name} if author_name else None,
        "publisher": {"@type": "Organization", "name": publisher_name},
        "keywords": [tag.name for tag in tags],
        "citation": citations,
    }
    if image_url:
        data["image"] = image_url
    # Leave out what is empty; "citation" is always there, [] when the article cites nothing.
    return {
        key: value
        for key, value in data.items()
        if key == "citation" or value not in (None, [], "")
    }
