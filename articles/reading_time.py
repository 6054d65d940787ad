"""How long an article takes to read, from the words of its body."""

import math
from collections.abc import Iterable

# A common figure for adults reading prose on a screen; an estimate, shown rounded up.
WORDS_PER_MINUTE = 220


def reading_minutes(texts: Iterable[str]) -> int:
    """Whole minutes, rounded up, never less than one: "1 min read" for a short note."""
    words = sum(len(text.split()) for text in texts)
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
