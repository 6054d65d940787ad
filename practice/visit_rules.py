"""Which beacons count as a visit (practice/visits.py), as pure rules.

A beacon counts only when a browser on one of the site's own pages sent it: same origin
by the browser's own Fetch metadata (or, from a browser too old to send it, by Origin),
not from a user agent that says it is a robot, and naming a page by a plain number.
"""

import re

# Substrings (lower case) of user agents that announce themselves as robots, crawlers,
# link previewers, monitors or scripted browsers. Not every robot says so; the count is
# of pages seen, not a measure of people.
BOT_MARKERS = (
    "bot",
    "crawl",
    "spider",
    "slurp",
    "facebookexternalhit",
    "embedly",
    "preview",
    "monitor",
    "lighthouse",
    "headlesschrome",
    "phantomjs",
    "curl",
    "wget",
    "python",
    "java/",
    "go-http-client",
    "okhttp",
    "httpclient",
    "node-fetch",
    "axios",
)
MAX_PAGE_ID_LENGTH = 12
PAGE_ID = re.compile(rb"[1-9][0-9]{0,11}")
PERIODS = (7, 30, 365)
DEFAULT_PERIOD = 30


def is_bot(user_agent: str) -> bool:
    """A missing user agent is a script's."""
    agent = user_agent.lower()
    return not agent.strip() or any(marker in agent for marker in BOT_MARKERS)


def is_same_origin(fetch_site: str | None, origin: str | None, own_origin: str) -> bool:
    """Browsers send Sec-Fetch-Site with every request; only "same-origin" is ours. One
    too old for it still sends Origin with a POST. With neither, it is not a browser."""
    if fetch_site is not None:
        return fetch_site == "same-origin"
    return origin is not None and origin.lower() == own_origin.lower()


def page_id(body: bytes) -> int | None:
    """The page a beacon names: its body is the page's id and nothing else."""
    text = body.strip()
    return int(text) if PAGE_ID.fullmatch(text) else None


def period_days(value: str | None) -> int:
    """The report's period from its query string: one of PERIODS, else the default."""
    try:
        days = int(value or "")
    except ValueError:
        return DEFAULT_PERIOD
    return days if days in PERIODS else DEFAULT_PERIOD
