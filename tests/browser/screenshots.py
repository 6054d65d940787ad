"""`make screenshots`: the main pages of the demo site as a visitor sees them, at a phone's
and a desktop's width, in the light and the dark colour scheme, into docs/screenshots/.

Run through pytest (`pytest tests/browser/screenshots.py`) so that it gets what the browser
tests get: a throwaway test database seeded with the demo site, a live server, and Debian's
Chromium with every request to another origin failing the run. The file is not named
test_*.py, so `make test` does not collect it and never rewrites the committed pictures.

Pictures are cut at MAX_HEIGHT and saved as palette PNGs: the README shows them, and the
repository should not grow by megabytes each time they are made again.
"""

import io

import pytest
from django.conf import settings
from PIL import Image

from tests.browser.checks import PageState, open_state
from tests.browser.conftest import DESKTOP, PHONE

OUTPUT = settings.BASE_DIR / "docs" / "screenshots"
MAX_HEIGHT = 2400

SHOTS = {
    "home": PageState("home", "/", shows="Individual and couples psychotherapy"),
    "article": PageState("article", "/articles/update-on-therapy-partners/", shows="References"),
    "articles": PageState("article index", "/articles/", shows="Why I ask for your feedback"),
    "contact": PageState("contact form", "/contact/", shows="Your message"),
    "contact-errors": PageState(
        "contact form with errors", "/contact/", submit="empty", status=400, shows="Please"
    ),
    "404": PageState("404 page", "/no-such-page/", status=404, shows="Page not found"),
}
WIDTHS = {PHONE["width"]: PHONE, DESKTOP["width"]: DESKTOP}
SCHEMES = ("light", "dark")


def save_png(png: bytes, name: str) -> None:
    """A 256-colour palette PNG: text and flat colours survive it, and it is a third of
    the size of Chromium's RGB one."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    palette = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette.save(OUTPUT / f"{name}.png", optimize=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_screenshots(page, demo_site, settings):
    settings.INQUIRY_MIN_SUBMIT_SECONDS = 0
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            for name, state in SHOTS.items():
                open_state(page, state)
                # The portrait and fonts have loaded; nothing is half drawn.
                page.wait_for_load_state("networkidle")
                page.evaluate("document.fonts.ready")
                height = min(
                    page.evaluate("document.documentElement.scrollHeight"),
                    MAX_HEIGHT,
                )
                png = page.screenshot(
                    full_page=True,
                    clip={"x": 0, "y": 0, "width": width, "height": height},
                    animations="disabled",
                    caret="hide",
                )
                save_png(png, f"{name}-{width}-{scheme}")
