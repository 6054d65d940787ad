"""static/js/hours.js, run in node, gives the same answers as hours/schedule.py on the
same schedules and moments: status text, the practice's date, today's hours, the
week's hours with their exceptions and the upcoming exception."""

import json
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings

from hours.schedule import (
    day_text,
    exception_text,
    format_intervals,
    intervals_on,
    local_moment,
    status_at,
    status_text,
    to_data,
    upcoming_exception,
    week_of,
)
from tests.hours.cases import MOMENTS, NEW_YORK, SCHEDULES, utc

SCRIPT = Path(settings.BASE_DIR) / "static" / "js" / "hours.js"
NODE = shutil.which("node") or "/usr/bin/node"

RUNNER = """
const hours = require(process.argv[1]);
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
    const answers = JSON.parse(input).map(({ data, now }) => {
        const moment = new Date(now);
        const today = hours.localMoment(moment, data.timeZone, data.utcOffsets).date;
        const upcoming = hours.upcomingException(data, today);
        return {
            today,
            status: hours.statusText(hours.statusAt(data, moment), today),
            hours: hours.formatIntervals(hours.intervalsOn(data, today)),
            upcoming: upcoming ? hours.exceptionText(upcoming) : null,
            week: hours.weekOf(today).map((day) => hours.dayText(data, day)),
        };
    });
    process.stdout.write(JSON.stringify(answers));
});
"""


def python_answer(schedule, now) -> dict:
    today = local_moment(now, NEW_YORK)[0]
    upcoming = upcoming_exception(schedule, today)
    return {
        "today": today.isoformat(),
        "status": status_text(status_at(schedule, now, NEW_YORK), today),
        "hours": format_intervals(intervals_on(schedule, today)),
        "upcoming": exception_text(upcoming) if upcoming else None,
        "week": [day_text(schedule, day) for day in week_of(today)],
    }


def run_script(cases: list[dict]) -> list[dict]:
    result = subprocess.run(
        [NODE, "-e", RUNNER, str(SCRIPT)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def node():
    if not Path(NODE).exists():
        pytest.fail("node is needed to test static/js/hours.js")
    return NODE


def cases_and_answers(moments):
    cases, expected = [], []
    for name, schedule in SCHEDULES.items():
        for now in moments:
            # The page embeds the schedule as of the day it was rendered: a week earlier.
            rendered = local_moment(now, NEW_YORK)[0] - timedelta(days=7)
            data = to_data(schedule, "America/New_York", rendered)
            cases.append({"data": data, "now": now.isoformat()})
            expected.append(
                {"case": f"{name} at {now.isoformat()}", **python_answer(schedule, now)}
            )
    return cases, expected


def test_script_matches_python_on_named_moments(node):
    moments = [
        utc("2026-03-04T15:00"),  # Wednesday, open
        utc("2026-03-06T18:30"),  # Friday afternoon, next opening Monday
        utc("2026-03-09T14:30"),  # after spring forward
        utc("2026-11-02T14:30"),  # after fall back
        utc("2026-11-26T16:00"),  # Thanksgiving
        utc("2026-12-24T18:00"),  # before a long vacation
    ]
    cases, expected = cases_and_answers(moments)
    answers = run_script(cases)
    for answer, want in zip(answers, expected, strict=True):
        case = want.pop("case")
        assert answer == want, case
    # The answers are the real ones, not merely equal.
    by_case = dict(zip((c["now"] for c in cases[6:12]), answers[6:12], strict=True))
    assert by_case["2026-11-26T16:00:00+00:00"]["status"] == "Closed · opens Friday 10:00 am"
    assert by_case["2026-12-24T18:00:00+00:00"]["status"] == (
        "Closed · opens Monday, January 4 10:00 am"
    )
    assert by_case["2026-11-26T16:00:00+00:00"]["week"][3] == "Closed (Thanksgiving)"
    assert by_case["2026-12-24T18:00:00+00:00"]["week"][3:5] == [
        "10:00 am–12:00 pm (Christmas Eve)",
        "Closed (Vacation)",
    ]


def test_script_matches_python_around_the_clock(node):
    """Every 47 minutes across both daylight-saving weeks, Thanksgiving and the year's
    end, on every schedule: thousands of moments, one node run."""
    cases, expected = cases_and_answers(MOMENTS)
    assert len(cases) > 3000
    answers = run_script(cases)
    mismatches = [
        (want["case"], answer)
        for answer, want in zip(answers, expected, strict=True)
        if answer != {key: value for key, value in want.items() if key != "case"}
    ]
    assert mismatches == []


def test_script_without_the_offset_table_asks_intl_and_agrees(node):
    """The table ends a year after the page was rendered (and an old cached page has
    none): the script then falls back to Intl.DateTimeFormat, with the same answers."""
    cases, expected = cases_and_answers(MOMENTS[::7])
    for case in cases:
        del case["data"]["utcOffsets"]
    answers = run_script(cases)
    assert [answer["today"] for answer in answers] == [want["today"] for want in expected]
    assert [answer["status"] for answer in answers] == [want["status"] for want in expected]


def test_script_past_the_offset_table_asks_intl(node):
    now = utc("2026-11-02T04:30")  # 23:30 on November 1 in New York, after fall back
    data = to_data(SCHEDULES["demo"], "America/New_York", date(2025, 10, 1))
    assert data["utcOffsets"][-1][0] < now.timestamp() * 1000
    assert run_script([{"data": data, "now": now.isoformat()}])[0]["today"] == "2026-11-01"
