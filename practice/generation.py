"""One generation number for everything public pages are built from, kept in the cache.

Whole pages (practice/page_cache.py), the site lookup, practice details and menu
(practice/sites.py) and the resolved office hours (hours/cached.py) are stored with the
generation that was current when they were built. Any change that can alter a public
page (practice/signals.py, hours/signals.py) replaces the number, so every entry built
before it is ignored from then on: the site is small, and rebuilding all of it is cheap.

An entry is stored with the number read *before* it was built: a change made while it
was being built leaves it stale and therefore unused. The number is replaced again when
the change's transaction commits, since a build that started after the first replacement
but read the rows before the commit would otherwise be kept.

With the default in-process cache each server process has its own number and only the
process that handled the change sees it, so there entries expire after a few minutes;
with a shared cache (REDIS_URL) every process sees the change at once.
"""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

GENERATION_KEY = "content:generation"
IN_PROCESS_TIMEOUT = 5 * 60

T = TypeVar("T")


def entry_timeout() -> int | None:
    """Forever in a shared cache; a few minutes in a process's own (see above)."""
    return IN_PROCESS_TIMEOUT if isinstance(caches["default"], LocMemCache) else None


def lookup(key: str) -> tuple[str, object | None]:
    """The current generation and what `key` holds if it was built in it, in one round trip."""
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        return bump(), None
    entry = found.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == generation:
        return generation, entry[1]
    return generation, None


def store(key: str, generation: str, value, timeout: int | None) -> None:
    cache.set(key, (generation, value), timeout)


def cached(key: str, build: Callable[[], T]) -> T:
    """What `build()` returns, from the cache while nothing public has changed.
    `build()` returning None is not stored."""
    generation, value = lookup(key)
    if value is None:
        value = build()
        if value is not None:
            store(key, generation, value, entry_timeout())
    return value


def bump(**kwargs) -> str:
    generation = uuid.uuid4().hex
    cache.set(GENERATION_KEY, generation, None)
    return generation


def invalidate(**kwargs) -> None:
    """Signal receiver: forget everything built so far, now and again on commit."""
    bump()
    transaction.on_commit(bump)
