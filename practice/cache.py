"""Django's Redis cache, made to degrade instead of fail when Redis is away.

Django's RedisCache raises on a refused connection or a timeout, which would turn a
Redis outage into a 500 on every page. Here such an error is logged as a warning and the
operation behaves as a miss: a read finds nothing, a write is dropped, add() stores
nothing, incr() raises ValueError as for a missing key. So pages still render (from the
database, slower), the page cache and the cached hours simply miss, and the contact
form's rate limit lets requests through until Redis is back.

After an error the cache stays "down" for RETRY_SECONDS (OPTIONS key, default 5) and
answers at once without trying Redis: a Redis that hangs instead of refusing would
otherwise cost every cache call its timeout. Then the next call tries again, and the
pool reconnects by itself. The log names only the error's class and the operation.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
DEFAULT_RETRY_SECONDS = 5
# Per process, not per client: Django makes a cache client per thread, and a threaded
# server would otherwise try (and log) the outage in every new thread.
DOWN_UNTIL: dict[tuple, float] = {}


def _on_error(miss):
    """Run the operation unless Redis is known to be down; on a connection error or a
    timeout, mark it down and return `miss(*args)` instead."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args):
            down_until = DOWN_UNTIL.get(self.servers_key, 0.0)
            if time.monotonic() < down_until:
                return miss(*args)
            try:
                result = method(self, *args)
            except UNAVAILABLE as error:
                if not down_until:
                    logger.warning(
                        "Redis cache unavailable (%s in %s); serving without it for now.",
                        type(error).__name__,
                        method.__name__,
                    )
                DOWN_UNTIL[self.servers_key] = time.monotonic() + self.retry_seconds
                return miss(*args)
            if down_until:
                logger.info("Redis cache is back.")
                DOWN_UNTIL.pop(self.servers_key, None)
            return result

        return wrapper

    return decorate


def _nothing(*args):
    return None


def _false(*args):
    return False


def _missing_key(key, delta):
    raise ValueError(f"Key '{key}' not found (the cache is unavailable).")


class ResilientRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, retry_seconds=DEFAULT_RETRY_SECONDS, **options):
        super().__init__(servers, **options)
        self.retry_seconds = retry_seconds
        self.servers_key = tuple(servers)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        """One client per connection pool, kept. Django makes a new redis.Redis on every
        call, and building one (its table of reply callbacks) cost a third of a cached
        page's time; a client shares its pool safely between calls and threads."""
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    add = _on_error(_false)(RedisCacheClient.add)
    get = _on_error(lambda key, default: default)(RedisCacheClient.get)
    set = _on_error(_nothing)(RedisCacheClient.set)
    touch = _on_error(_false)(RedisCacheClient.touch)
    delete = _on_error(_false)(RedisCacheClient.delete)
    get_many = _on_error(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _on_error(_false)(RedisCacheClient.has_key)
    incr = _on_error(_missing_key)(RedisCacheClient.incr)
    set_many = _on_error(_nothing)(RedisCacheClient.set_many)
    delete_many = _on_error(_nothing)(RedisCacheClient.delete_many)
    clear = _on_error(_false)(RedisCacheClient.clear)


class ResilientRedisCache(RedisCache):
    """OPTIONS are Django's (socket_connect_timeout, socket_timeout and other connection
    pool options) plus RETRY_SECONDS."""

    def __init__(self, server, params):
        super().__init__(server, params)
        options = dict(self._options)
        retry_seconds = options.pop("RETRY_SECONDS", DEFAULT_RETRY_SECONDS)
        self._options = {**options, "retry_seconds": retry_seconds}
        self._class = ResilientRedisCacheClient
