"""A page's description for search engines when its editor wrote none: its introduction
as plain text, cut at a word near the length search results show."""

import html
import re

from django.utils.html import strip_tags

# Search engines show about this many characters of a description.
MAX_LENGTH = 160
# Where rich text ends a block: without a space there, "<p>One.</p><p>Two.</p>" would
# read "One.Two.".
BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote)>|<br\s*/?>", re.IGNORECASE)


def plain_description(text: str, max_length: int = MAX_LENGTH) -> str:
    """Plain text of `text` (plain or rich text HTML), on one line, at most `max_length`
    characters: a longer one is cut after a whole word and ends with an ellipsis."""
    plain = " ".join(html.unescape(strip_tags(BLOCK_END.sub(" ", text))).split())
    if len(plain) <= max_length:
        return plain
    cut = plain[: max_length - 1]
    if plain[max_length - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"
