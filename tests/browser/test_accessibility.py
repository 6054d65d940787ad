"""axe-core finds no WCAG 2.x A/AA or best-practice violation on any public page type,
at a phone's width and a desktop's. Findings are fixed in the templates, never by
turning rules off."""

import pytest

from tests.browser.checks import (
    PAGE_STATES,
    allow_quick_submissions,
    axe_violations,
    build_search_index,
    describe_violations,
    open_state,
)
from tests.browser.conftest import DESKTOP, PHONE


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("state", PAGE_STATES, ids=[state.name for state in PAGE_STATES])
def test_axe_finds_no_violations_at_phone_and_desktop_width(page, demo_site, settings, state):
    allow_quick_submissions(settings)
    build_search_index()
    page.set_viewport_size(PHONE)
    open_state(page, state)
    findings = []
    # The same document at both widths: the layout reflows, the state (a submitted form)
    # stays, and the demo site is seeded once.
    for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        violations = axe_violations(page)
        if violations:
            findings.append(f"at {width} width:\n{describe_violations(violations)}")
    assert not findings, f"axe on the {state.name} ({page.url}), " + "\n".join(findings)
