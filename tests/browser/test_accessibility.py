"""axe-core finds no WCAG 2.x A/AA or best-practice violation on any public page type,
at a phone's width and a desktop's, in the light and the dark colour scheme. Findings are
fixed in the templates and the stylesheet, never by turning rules off."""

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
def test_axe_finds_no_violations_at_both_widths_in_both_schemes(page, demo_site, settings, state):
    allow_quick_submissions(settings)
    build_search_index()
    page.set_viewport_size(PHONE)
    open_state(page, state)
    findings = []
    # The same document at both widths and in both schemes: the layout reflows and the
    # colours change, the state (a submitted form) stays, and the demo site is seeded once.
    for scheme in ("light", "dark"):
        # Without reduced motion Bootstrap's buttons fade to the new scheme's colours over
        # 0.15 s, and axe would measure a colour halfway there.
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
        for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            violations = axe_violations(page)
            if violations:
                findings.append(f"{scheme}, at {width} width:\n{describe_violations(violations)}")
    assert not findings, f"axe on the {state.name} ({page.url}), " + "\n".join(findings)
