"""gunicorn settings for production: `gunicorn -c python:practice.gunicorn`."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
# Method, path without its query string, status and duration: no client address and no
# query values, since even a search query can say something about a visitor.
access_log_format = "%(m)s %(U)s %(s)s %(L)ss"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
