"""With Redis gone, the site answers from the database; with Redis back, it caches again.

A real redis-server on a free loopback port, stopped and started during the test."""

import pytest
from django.core.cache import cache, caches

from practice.cache import DOWN_UNTIL, ResilientRedisCache
from practice.processes import RedisServer
from tests.contact.conftest import captured_logs, form_data

PAGES = ("/", "/about/", "/articles/", "/articles/why-i-ask-for-feedback/")


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()
    DOWN_UNTIL.clear()


def redis_caches(port: int, retry_seconds: float) -> dict:
    """As base.py configures REDIS_URL."""
    return {
        "default": {
            "BACKEND": "practice.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": "practice",
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "RETRY_SECONDS": retry_seconds,
            },
        }
    }


@pytest.fixture
def redis_site(settings, redis_server, demo_site):
    # Overriding CACHES makes Django drop its cache handlers: `cache` is the Redis one now.
    settings.CACHES = redis_caches(redis_server.port, retry_seconds=0)
    settings.PAGE_CACHE_SECONDS = 300
    assert isinstance(caches["default"], ResilientRedisCache)
    return redis_server


def answers(client) -> list[int]:
    statuses = [client.get(url).status_code for url in (*PAGES, "/contact/")]
    statuses.append(client.post("/contact/", form_data()).status_code)
    return statuses


def test_pages_and_the_contact_form_work_without_redis_and_cache_again_after(client, redis_site):
    assert answers(client) == [200] * 5 + [303]
    assert client.get("/about/")["X-Cache"] == "hit"

    redis_site.stop()
    with captured_logs() as logs:
        assert answers(client) == [200] * 5 + [303]
        assert client.get("/about/")["X-Cache"] == "miss"  # rendered, and not kept
    warnings = [line for line in logs if "Redis cache unavailable" in line]
    assert warnings
    assert not [line for line in logs if "alex" in line.lower() or "rivera" in line.lower()]

    redis_site.start()
    assert client.get("/about/")["X-Cache"] == "miss"
    assert client.get("/about/")["X-Cache"] == "hit"
    assert answers(client) == [200] * 5 + [303]


def test_after_an_error_redis_is_left_alone_for_a_while(settings, redis_server):
    settings.CACHES = redis_caches(redis_server.port, retry_seconds=3600)
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"
    redis_server.stop()
    assert cache.get("greeting", "missing") == "missing"
    assert cache.add("other", 1) is False
    with pytest.raises(ValueError, match="unavailable"):
        cache.incr("counter")
    assert cache.get_many(["greeting"]) == {}
    redis_server.start()  # back, but not asked again until the pause is over
    assert cache.get("greeting", "missing") == "missing"
    DOWN_UNTIL.clear()
    cache.set("greeting", "hello again")
    assert cache.get("greeting") == "hello again"


def test_one_redis_client_serves_every_call(settings, redis_server):
    """Django builds a client per cache call; ours keeps one per connection pool."""
    settings.CACHES = redis_caches(redis_server.port, retry_seconds=0)
    backend = cache._cache
    reader = backend.get_client("greeting")
    assert backend.get_client("other") is reader
    assert backend.get_client("greeting", write=True) is reader  # one server, one pool
    cache.set("greeting", "hello")
    assert reader.get(cache.make_and_validate_key("greeting")) is not None
