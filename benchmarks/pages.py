"""What a page costs to download, and the page checks: render-blocking scripts and images
without a size. Pages and their files are fetched over HTTP from the running server."""

import gzip
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Script types the browser runs; any other type (JSON-LD, templates) is data.
JAVASCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
# Elements that may follow a script at the end of <body> without making it block content.
TRAILING = {"script", "body", "html"}


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.images_without_size = 0
        self.images = 0
        # Scripts that block rendering so far; one in <body> stops blocking once only
        # scripts follow it (the end of the body).
        self.blocking: list[str] = []
        self._pending_body_scripts: list[str] = []
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag not in TRAILING:
            self.blocking += self._pending_body_scripts
            self._pending_body_scripts = []
        if tag == "body":
            self._in_body = True
        elif tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            self.stylesheets.append(attributes.get("href") or "")
        elif tag == "img":
            self.images += 1
            if not (attributes.get("width") and attributes.get("height")):
                self.images_without_size += 1
        elif tag == "script":
            self._script(attributes)

    def _script(self, attributes):
        kind = (attributes.get("type") or "").strip().lower()
        if kind not in JAVASCRIPT_TYPES:
            return
        source = attributes.get("src")
        if source:
            self.scripts.append(source)
        if kind == "module" or (source and {"defer", "async"} & attributes.keys()):
            return
        label = source or "inline script"
        if self._in_body:
            self._pending_body_scripts.append(label)
        else:
            self.blocking.append(label)


@dataclass
class PageSizes:
    path: str
    html_bytes: int
    html_gzip_bytes: int
    asset_bytes: int  # CSS and JS the page links, uncompressed
    asset_gzip_bytes: int
    assets: list[str] = field(default_factory=list)
    blocking_scripts: list[str] = field(default_factory=list)
    images: int = 0
    images_without_size: int = 0


def gzip_size(content: bytes) -> int:
    """Bytes after gzip at the level whitenoise compresses static files with."""
    return len(gzip.compress(content, compresslevel=9, mtime=0))


def fetch(url: str) -> bytes:
    if urllib.parse.urlsplit(url).scheme != "http":
        raise ValueError(f"Not a loopback HTTP URL: {url}")
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - checked above
        return response.read()


def measure_page(base_url: str, path: str, downloaded: dict[str, bytes]) -> PageSizes:
    """Sizes of the page at `path` and of the CSS and JS it links (`downloaded` keeps the
    files already fetched)."""
    html = fetch(base_url + path)
    parser = PageParser()
    parser.feed(html.decode())
    parser.close()
    assets = list(dict.fromkeys(parser.stylesheets + parser.scripts))
    for asset in assets:
        if asset not in downloaded:
            downloaded[asset] = fetch(urllib.parse.urljoin(base_url + path, asset))
    return PageSizes(
        path=path,
        html_bytes=len(html),
        html_gzip_bytes=gzip_size(html),
        asset_bytes=sum(len(downloaded[asset]) for asset in assets),
        asset_gzip_bytes=sum(gzip_size(downloaded[asset]) for asset in assets),
        assets=assets,
        blocking_scripts=parser.blocking,
        images=parser.images,
        images_without_size=parser.images_without_size,
    )


def sitemap_paths(base_url: str) -> list[str]:
    """The paths of every page in /sitemap.xml, whatever host name the sitemap gives."""
    from xml.etree import ElementTree

    # Our own server's sitemap, fetched over loopback.
    root = ElementTree.fromstring(fetch(base_url + "/sitemap.xml"))  # noqa: S314
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    return [
        urllib.parse.urlsplit(location.text.strip()).path
        for location in root.iter(f"{namespace}loc")
    ]
