"""handler500: an unreachable database is a 503 with Retry-After, anything else a 500;
both pages need no database. (tests/faults/test_database_restart.py stops a real server.)"""

from django.db import IntegrityError, InterfaceError, OperationalError
from django.template.loader import render_to_string

from practice.views import server_error


def answer_while_handling(error: Exception, rf):
    """What Django's handler gets: it calls handler500 inside its `except` block."""
    try:
        raise error
    except Exception:  # as Django's handler does
        return server_error(rf.get("/contact/"))


def test_an_unreachable_database_is_a_503_to_retry_later(rf):
    for error in (OperationalError("connection refused"), InterfaceError("connection closed")):
        response = answer_while_handling(error, rf)
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]
        assert b"<h1>Temporarily unavailable</h1>" in response.content


def test_other_errors_stay_500s(rf):
    for error in (IntegrityError("duplicate key"), ValueError("a bug")):
        response = answer_while_handling(error, rf)
        assert response.status_code == 500
        assert b"<h1>Something went wrong</h1>" in response.content
        assert not response.has_header("Retry-After")


def test_the_unavailable_page_is_styled_and_needs_no_database():
    # No `db` fixture: any query here would fail the test.
    html = render_to_string("503.html")
    assert "/static/css/site.css" in html
    assert "988" in html
