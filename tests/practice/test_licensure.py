"""Licensed states and compact privileges: parsing, classification, how they are shown."""

import pytest

from practice import licensure
from practice.licensure import Authority, LicensureError


def test_lines_parse_in_order_with_case_and_spaces_forgiven():
    assert licensure.parse("ny: License\n\n  NJ :psypact \nOH: COMPACT") == [
        Authority("NY", "license"),
        Authority("NJ", "psypact"),
        Authority("OH", "compact"),
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("XX: license", "line 1: “XX” is not a US state code"),
        ("NY license", "line 1"),
        ("NY: licence", "line 1: say “license”, “psypact” or “compact”"),
        ("NY: license\nNY: psypact", "line 2: NY is listed twice"),
    ],
)
def test_bad_lines_are_named(text, problem):
    with pytest.raises(LicensureError, match=problem):
        licensure.parse(text)


def test_rendering_skips_bad_lines_instead_of_failing():
    assert licensure.parse_leniently("NY: license\nZZ: license\nNY: psypact\nTX: psypact") == [
        Authority("NY", "license"),
        Authority("TX", "psypact"),
    ]


def test_privileges_are_served_but_never_called_licenses():
    authorities = licensure.parse("NY: license\nNJ: psypact\nPA: psypact\nOH: compact")
    assert licensure.is_served("NJ", authorities)
    assert licensure.is_served("NY", authorities)
    assert not licensure.is_served("CA", authorities)
    assert not licensure.is_served(licensure.OUTSIDE_US, authorities)
    assert licensure.summary_text(authorities) == (
        "Licensed in: New York; Telehealth under PSYPACT (APIT) in: New Jersey, Pennsylvania; "
        "Telehealth under an interstate compact privilege in: Ohio"
    )
    [(heading, states)] = licensure.summary(licensure.parse("NJ: psypact"))
    assert "icens" not in heading
    assert states == ["New Jersey"]


def test_state_choices_end_with_outside_the_us():
    choices = licensure.state_choices()
    assert choices[0] == ("AL", "Alabama")
    assert choices[-1] == (licensure.OUTSIDE_US, "Outside the US")
    assert len(choices) == len(licensure.US_STATES) + 1
    assert licensure.state_label("NY") == "New York"
    assert licensure.state_label(licensure.OUTSIDE_US) == "Outside the US"
    assert licensure.state_label("nonsense") == ""
