"""The Nu HTML Checker reports no errors on any public page type, as the server sends it."""

import pytest

from tests.browser.checks import (
    PAGE_STATES,
    allow_quick_submissions,
    build_search_index,
    fetch_html,
    vnu_errors,
)


@pytest.mark.django_db
def test_every_page_type_is_valid_html(client, demo_site, settings, tmp_path):
    allow_quick_submissions(settings)
    build_search_index()
    documents = {state.name: fetch_html(client, state) for state in PAGE_STATES}
    errors = vnu_errors(documents, tmp_path)
    assert errors == [], "The Nu HTML Checker found:\n" + "\n".join(errors)
