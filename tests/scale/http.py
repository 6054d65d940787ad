"""Plain HTTP on loopback for the scale-out tests: every answer is returned, none raised."""

import http.client
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str


def request(
    url: str,
    method: str = "GET",
    *,
    headers: dict | None = None,
    body: bytes | None = None,
    source: str | None = None,
) -> Answer:
    """One request on a new connection, from loopback address `source` if given."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname,
        parts.port,
        timeout=30,
        source_address=(source, 0) if source else None,
    )
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path or "/", body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read().decode("utf-8", "replace"))
    finally:
        connection.close()
