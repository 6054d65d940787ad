"""A fixed-window counter in the cache: at most `limit` hits per key per window."""

import time

from django.core.cache import cache


class RateLimit:
    def __init__(self, name: str, limit: int, window_seconds: int = 3600):
        self.name = name
        self.limit = limit
        self.window = window_seconds

    def _key(self, key: str, now: float | None) -> str:
        window_number = int((now if now is not None else time.time()) // self.window)
        return f"ratelimit:{self.name}:{key}:{window_number}"

    def is_exceeded(self, key: str, now: float | None = None) -> bool:
        if self.limit <= 0:
            return False
        return cache.get(self._key(key, now), 0) >= self.limit

    def hit(self, key: str, now: float | None = None) -> int:
        """Count one hit and return the window's count including it. add() then incr() are
        each atomic in the cache, so simultaneous hits each get their own number."""
        if self.limit <= 0:
            return 0
        cache_key = self._key(key, now)
        # add() is a no-op when the key exists, so concurrent first hits don't reset it.
        cache.add(cache_key, 0, timeout=self.window)
        try:
            return cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.set(cache_key, 1, timeout=self.window)
            return 1

    def allow(self, key: str, now: float | None = None) -> bool:
        """Count this hit and say whether it is within the limit: the check and the count
        are one step, so requests racing each other cannot all pass."""
        return self.limit <= 0 or self.hit(key, now) <= self.limit

    def retry_after(self, now: float | None = None) -> int:
        """Seconds until the current window ends."""
        now = now if now is not None else time.time()
        return int(self.window - now % self.window) or 1
