"""The colour tokens in static/css/site.css meet WCAG 2 contrast in both colour schemes:
body text AAA (7:1), all other text AA (4.5:1), focus rings, field edges and checked
controls 3:1 against what they sit on."""

import re

import pytest
from django.conf import settings

SITE_CSS = settings.BASE_DIR / "static" / "css" / "site.css"
DARK = "@media (prefers-color-scheme: dark)"
TOKEN = re.compile(r"--color-([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;")

AAA, AA, NON_TEXT = 7.0, 4.5, 3.0
BACKGROUNDS = ("bg", "surface", "surface-sage")
PAIRS = [
    *(("text", background, AAA) for background in BACKGROUNDS),
    *(("text-muted", background, AA) for background in BACKGROUNDS),
    *(("link", background, AA) for background in BACKGROUNDS),
    *(("link-hover", background, AA) for background in BACKGROUNDS),
    *(("danger", background, AA) for background in BACKGROUNDS),
    *(("positive-text", background, AA) for background in (*BACKGROUNDS, "positive-bg")),
    ("notice-text", "notice-bg", AA),
    ("on-accent", "accent", AA),
    ("on-accent", "accent-hover", AA),
    ("text", "highlight", AA),
    ("link", "highlight", AA),
    *(("focus", background, NON_TEXT) for background in BACKGROUNDS),
    ("field-border", "bg", NON_TEXT),
    ("control", "bg", NON_TEXT),
]
# Bootstrap's check mark and radio dot are white, drawn on --color-control.
WHITE_ON_CONTROL = NON_TEXT


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def schemes() -> dict[str, dict[str, str]]:
    css = re.sub(r"/\*.*?\*/", "", SITE_CSS.read_text(encoding="utf-8"), flags=re.S)
    light_part, dark_part = css.split(DARK, 1)
    dark_block = dark_part[: dark_part.index("}\n}") + 1]
    light = dict(TOKEN.findall(light_part))
    return {"light": light, "dark": {**light, **dict(TOKEN.findall(dark_block))}}


def test_contrast_helper_matches_known_ratios():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_dark_scheme_sets_every_colour_of_its_own():
    css = SITE_CSS.read_text(encoding="utf-8")
    light_part, dark_part = css.split(DARK, 1)
    light_names = set(dict(TOKEN.findall(light_part)))
    dark_names = set(dict(TOKEN.findall(dark_part[: dark_part.index("}\n}")])))
    assert light_names, "no colour tokens found in site.css"
    assert light_names - dark_names == set()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_pair_meets_its_contrast_target(scheme):
    colours = schemes()[scheme]
    failures = [
        f"{foreground} on {background}: {contrast(colours[foreground], colours[background]):.2f}"
        f" < {target}"
        for foreground, background, target in PAIRS
        if contrast(colours[foreground], colours[background]) < target
    ]
    if contrast("#ffffff", colours["control"]) < WHITE_ON_CONTROL:
        failures.append("white mark on control")
    assert failures == []
