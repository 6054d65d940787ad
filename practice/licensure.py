"""Where the therapist may see clients by telehealth, and under what authority.

Pure Python. The practice details hold one line per state, "CA: license", "TX: psypact" or
"OH: compact". A PSYPACT Authority to Practice Interjurisdictional Telepsychology (APIT) or
another interstate compact privilege lets the therapist work with clients located in that
state, but it is not a license there: it is always shown as what it is, never as a license.
"""

from dataclasses import dataclass

US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "PR": "Puerto Rico",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}
OUTSIDE_US = "outside-us"
OUTSIDE_US_LABEL = "Outside the US"

LICENSE = "license"
PSYPACT = "psypact"
COMPACT = "compact"
# How each kind is introduced on the site: only the first says "licensed".
KIND_HEADINGS = {
    LICENSE: "Licensed in",
    PSYPACT: "Telehealth under PSYPACT (APIT) in",
    COMPACT: "Telehealth under an interstate compact privilege in",
}
FORMAT_HELP = (
    "One state per line: its two-letter code, a colon, and “license”, “psypact” (a "
    "PSYPACT Authority to Practice Interjurisdictional Telepsychology) or “compact” "
    "(another interstate compact privilege). For example “NY: license” or “NJ: psypact”."
)


@dataclass(frozen=True)
class Authority:
    code: str
    kind: str

    @property
    def state_name(self) -> str:
        return US_STATES[self.code]


class LicensureError(ValueError):
    pass


def parse(text: str) -> list[Authority]:
    """The states in `text`, in its order; raises LicensureError naming each bad line."""
    authorities, problems, seen = [], [], set()
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        code, _, kind = (part.strip() for part in line.partition(":"))
        code, kind = code.upper(), kind.lower()
        if code not in US_STATES:
            problems.append(f"line {number}: “{code}” is not a US state code")
        elif kind not in KIND_HEADINGS:
            problems.append(f"line {number}: say “license”, “psypact” or “compact”")
        elif code in seen:
            problems.append(f"line {number}: {code} is listed twice")
        else:
            seen.add(code)
            authorities.append(Authority(code, kind))
    if problems:
        raise LicensureError("; ".join(problems))
    return authorities


def parse_leniently(text: str) -> list[Authority]:
    """For rendering: the valid lines only (the admin form refuses invalid ones, but a
    page must render whatever is stored)."""
    authorities, seen = [], set()
    for line in text.splitlines():
        try:
            [authority] = parse(line) or [None]
        except LicensureError:
            continue
        if authority is not None and authority.code not in seen:
            seen.add(authority.code)
            authorities.append(authority)
    return authorities


def served_codes(authorities: list[Authority]) -> frozenset[str]:
    """States where a client may be seen by telehealth: licensed or privileged alike."""
    return frozenset(authority.code for authority in authorities)


def is_served(state: str, authorities: list[Authority]) -> bool:
    """Whether a person in `state` (a code, or OUTSIDE_US) can be seen here."""
    return state in served_codes(authorities)


def summary(authorities: list[Authority]) -> list[tuple[str, list[str]]]:
    """("Licensed in", ["New York"]), ("Telehealth under PSYPACT (APIT) in", [...]):
    each kind that has states, licenses first."""
    return [
        (heading, [a.state_name for a in authorities if a.kind == kind])
        for kind, heading in KIND_HEADINGS.items()
        if any(a.kind == kind for a in authorities)
    ]


def summary_text(authorities: list[Authority]) -> str:
    """ "Licensed in: New York; Telehealth under PSYPACT (APIT) in: New Jersey"."""
    return "; ".join(f"{heading}: {', '.join(names)}" for heading, names in summary(authorities))


def state_choices() -> list[tuple[str, str]]:
    return [*((code, name) for code, name in US_STATES.items()), (OUTSIDE_US, OUTSIDE_US_LABEL)]


def state_label(value: str) -> str:
    return US_STATES.get(value, OUTSIDE_US_LABEL if value == OUTSIDE_US else "")
