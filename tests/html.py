"""HTML inspection helpers shared by the test suites."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

# Attributes that make the browser fetch something (not plain links a visitor may click).
FETCHING_ATTRIBUTES = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "form": ("action",),
    "input": ("src",),
}
# <link> relations that name a URL without fetching it.
NON_FETCHING_LINK_RELS = {"canonical", "alternate"}


class _ResourceCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline_handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in attributes:
            if name.startswith("on") or name == "style":
                self.inline_handlers.append(f"<{tag} {name}>")
        if tag == "link" and NON_FETCHING_LINK_RELS & set((attributes.get("rel") or "").split()):
            return
        for name in FETCHING_ATTRIBUTES.get(tag, ()):
            value = attributes.get(name)
            if not value:
                continue
            if name == "srcset":
                self.urls.extend(part.strip().split(" ")[0] for part in value.split(","))
            else:
                self.urls.append(value)


def fetched_urls(html: str) -> list[str]:
    collector = _ResourceCollector()
    collector.feed(html)
    return collector.urls


def third_party_urls(html: str, own_host: str = "testserver") -> list[str]:
    """Every URL the page would make the browser fetch from another origin."""
    foreign = []
    for url in fetched_urls(html):
        parts = urlsplit(url)
        if parts.scheme in ("", "http", "https") and parts.netloc in ("", own_host):
            continue
        if parts.scheme == "data":
            continue
        foreign.append(url)
    return foreign


def inline_attributes(html: str) -> list[str]:
    """Inline event handlers and style attributes, which a strict CSP would block."""
    collector = _ResourceCollector()
    collector.feed(html)
    return collector.inline_handlers
