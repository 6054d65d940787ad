"""Container health check: `python -m practice.healthcheck` exits 0 when /healthz/ says 200.

It sends the first ALLOWED_HOSTS name as the Host header, because Django rejects a
request for 127.0.0.1 once ALLOWED_HOSTS names only the real domain."""

import os
import sys
import urllib.error
import urllib.request


def check(url: str, host: str, timeout: float = 5) -> bool:
    headers = {"Host": host, "X-Forwarded-Proto": "https"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own http URL
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def main() -> int:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0].lstrip(".") if hosts and hosts[0] != "*" else "localhost"
    port = os.environ.get("PORT", "8000")
    return 0 if check(f"http://127.0.0.1:{port}/healthz/", host) else 1


if __name__ == "__main__":
    sys.exit(main())
