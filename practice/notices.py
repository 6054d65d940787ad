"""What makes a required notice not ready for visitors: the rule behind the admin
dashboard's warning (practice/wagtail_hooks.py), in plain Python.

seed_demo writes its notices around PLACEHOLDER_MARKER, so a notice the practice has not
made its own yet is easy to spot, for the editor on the page and for the dashboard.
"""

import re

PLACEHOLDER_MARKER = "Review before publishing"

NOT_CHOSEN = "not chosen in Settings → Policies and notices"
NOT_PUBLISHED = "not published"
NOT_PUBLIC = "private: visitors cannot read it"
PLACEHOLDER = f"still contains the placeholder text (“{PLACEHOLDER_MARKER}”)"
NO_EFFECTIVE_DATE = "has no effective date"

_TAGS = re.compile(r"<[^>]+>")


def contains_placeholder(text: str) -> bool:
    """Whether `text` (plain, HTML or a StreamField's JSON) still holds the marker, in
    any case and however the editor's markup or spacing splits it."""
    plain = " ".join(_TAGS.sub(" ", text).split()).casefold()
    return PLACEHOLDER_MARKER.casefold() in plain


def notice_problems(
    *, chosen: bool, live: bool, public: bool, has_placeholder: bool, has_effective_date: bool
) -> list[str]:
    """Why a required notice is not properly posted; empty when it is."""
    if not chosen:
        return [NOT_CHOSEN]
    problems = []
    if not live:
        problems.append(NOT_PUBLISHED)
    elif not public:
        problems.append(NOT_PUBLIC)
    if has_placeholder:
        problems.append(PLACEHOLDER)
    if not has_effective_date:
        problems.append(NO_EFFECTIVE_DATE)
    return problems
