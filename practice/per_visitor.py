"""Private pages from the page cache: stored once, with each visitor's values filled in.

The contact form is the same for every anonymous visitor except for its CSRF token and
its signed render time. A view that says so (`declare(request, name=value, ...)`) has its
answer stored like a public page, with each declared value replaced by a placeholder;
later visitors get that copy with fresh values made by the function registered under the
value's name. The answer stays `Cache-Control: private, no-store` for browsers and
proxies, and no visitor's value is ever in the stored copy. Only the CSRF cookie may be
set on such an answer; it is set anew for each visitor, as the CSRF middleware would.
"""

import secrets
from collections.abc import Callable

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware, get_token

CSRF_TOKEN = "csrf_token"  # noqa: S105 - the name of a value, not a secret


def _csrf_token(request) -> str:
    # The page cache answers before the CSRF middleware has run: read the visitor's
    # cookie as it would, so a returning visitor keeps their secret.
    _csrf_middleware.process_request(request)
    return get_token(request)


_csrf_middleware = CsrfViewMiddleware(lambda request: None)
_makers: dict[str, Callable] = {CSRF_TOKEN: _csrf_token}


def register(name: str, make: Callable) -> None:
    """`make(request)` returns a fresh value for `name` (an app's AppConfig.ready())."""
    _makers[name] = make


def declare(request, **values: str) -> None:
    """The view's answer is the same for every anonymous visitor apart from `values`
    (each a value it rendered, under a registered name): it may be stored."""
    unknown = set(values) - set(_makers)
    if unknown:
        raise ValueError(f"No maker registered for {sorted(unknown)}")
    request.per_visitor_values = values


def declared(request) -> dict[str, str] | None:
    return getattr(request, "per_visitor_values", None)


def storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
        and all(value for value in declared(request).values())
    )


def freeze(response, values: dict[str, str]) -> tuple:
    """The answer as stored: each value replaced by a placeholder that no page contains
    (it carries a random part made for this copy)."""
    nonce = secrets.token_hex(16)
    content = response.content
    for name, value in values.items():
        content = content.replace(value.encode(), _placeholder(name, nonce))
    return response.status_code, list(response.items()), content, nonce, tuple(values)


def fill(request, response, nonce: str, names: tuple[str, ...]):
    """The stored answer with this visitor's values, and their CSRF cookie."""
    content = response.content
    for name in names:
        content = content.replace(_placeholder(name, nonce), _makers[name](request).encode())
    response.content = content
    if response.has_header("Content-Length"):  # the values need not be as long as before
        response["Content-Length"] = str(len(content))
    if CSRF_TOKEN in names:
        _csrf_middleware.process_response(request, response)
    return response


def _placeholder(name: str, nonce: str) -> bytes:
    return f"per-visitor:{name}:{nonce}".encode()
