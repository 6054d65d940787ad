"""static/js/hours.js on the markup the server renders: run its update() in node on a
minimal DOM (tests/hours/fake_dom.js) at a later moment than the render, as happens
with a cached page, and check what a visitor would see."""

import json
import subprocess
from datetime import UTC, datetime, time, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.cache import cache
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone

from hours.cached import site_hours
from hours.clock import practice_today
from hours.models import ExceptionHours, HoursException, OpeningHours
from hours.schedule import (
    WEEKDAYS,
    day_text,
    exception_text,
    local_moment,
    status_at,
    status_text,
    upcoming_exception,
    week_of,
)
from tests.hours.cases import NEW_YORK
from tests.hours.test_script import NODE, SCRIPT

FAKE_DOM = Path(__file__).with_name("fake_dom.js")
VOID = {"br", "img", "input", "meta", "link", "hr"}

RUNNER = """
const hours = require(process.argv[1]);
const { documentFor, toTree } = require(process.argv[2]);
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
    const { tree, now } = JSON.parse(input);
    global.document = documentFor(tree);
    const data = JSON.parse(document.getElementById("opening-hours-data").textContent);
    hours.update(data, new Date(now));
    process.stdout.write(JSON.stringify(toTree(document.root)));
});
"""


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = ["div", {}]
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = [tag, {name: value or "" for name, value in attrs}]
        self.stack[-1].append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        if tag not in VOID:
            assert self.stack.pop()[0] == tag

    def handle_data(self, data):
        self.stack[-1].append(data)


def to_tree(html: str) -> list:
    builder = _TreeBuilder()
    builder.feed(html)
    return builder.root


def elements(tree, predicate):
    if isinstance(tree, str):
        return []
    found = [tree] if predicate(tree) else []
    for child in tree[2:]:
        found.extend(elements(child, predicate))
    return found


def text(tree) -> str:
    return tree if isinstance(tree, str) else "".join(text(child) for child in tree[2:])


def with_attribute(name):
    return lambda element: name in element[1]


def run_update(html: str, now: datetime) -> list:
    result = subprocess.run(
        [NODE, "-e", RUNNER, str(SCRIPT), str(FAKE_DOM)],
        input=json.dumps({"tree": to_tree(html), "now": now.isoformat()}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture
def rendered(demo_site):
    """The footer and the contact page's full hours, rendered today, with a closure
    in 35 days (not yet within the footer's 30) and a short day in 6 days."""
    cache.clear()
    hours = OpeningHours.objects.get(site=demo_site)
    hours.exceptions.all().delete()
    today = timezone.localdate()
    closure = HoursException.objects.create(
        setting=hours, label="Retreat", start_date=today + timedelta(days=35)
    )
    short = HoursException.objects.create(
        setting=hours, label="Short day", start_date=today + timedelta(days=6)
    )
    ExceptionHours.objects.create(exception=short, opens=time(10), closes=time(11))
    return render_hours(), site_hours(demo_site).schedule, closure


def render_hours() -> str:
    """The footer's hours and the contact page's full hours, as the server renders them."""
    return (
        engines["django"]
        .from_string('{% load hours_tags %}{% opening_hours %}{% opening_hours "full" %}')
        .render({"request": RequestFactory().get("/")})
    )


def test_the_script_corrects_a_cached_page(rendered):
    html, schedule, closure = rendered
    # Ten days later, at 15:00 UTC.
    later = datetime.combine(timezone.localdate() + timedelta(days=10), time(15), tzinfo=UTC)
    today = local_moment(later, NEW_YORK)[0]
    tree = run_update(html, later)

    statuses = elements(tree, with_attribute("data-hours-status"))
    assert len(statuses) == 2
    for status in statuses:
        assert "hidden" not in status[1]
        assert text(status) == status_text(status_at(schedule, later, NEW_YORK), today)

    for table_rows in (
        elements(tree, with_attribute("data-weekday"))[:7],
        elements(tree, with_attribute("data-weekday"))[7:],
    ):
        marked = [row for row in table_rows if row[1].get("aria-current") == "date"]
        assert [text(row).split()[0] for row in marked] == [WEEKDAYS[today.weekday()]]
        assert "hours-today" in marked[0][1]["class"]
        assert "(today)" in text(marked[0])
        others = [row for row in table_rows if row is not marked[0]]
        assert all("(today)" not in text(row) for row in others)
        assert all("hours-today" not in row[1].get("class", "") for row in others)

    # Both tables show the hours of that later week, exceptions included.
    assert week_texts(tree) == [[day_text(schedule, day) for day in week_of(today)]] * 2

    # The footer now names the retreat, 25 days ahead: the script found it in the data.
    (line,) = elements(tree, with_attribute("data-hours-exception"))
    assert "hidden" not in line[1]
    assert text(line) == exception_text(upcoming_exception(schedule, today))
    assert "(Retreat)" in text(line)
    assert closure.start_date == today + timedelta(days=25)

    # The full list hides the short day, which is over by now.
    items = elements(tree, with_attribute("data-hours-end"))
    assert [("hidden" in item[1], text(item).endswith("(Short day)")) for item in items] == [
        (True, True),
        (False, False),
    ]


def test_the_server_fallback_before_the_script(rendered):
    html, _, _ = rendered
    tree = to_tree(html)
    assert all("hidden" in s[1] for s in elements(tree, with_attribute("data-hours-status")))
    (line,) = elements(tree, with_attribute("data-hours-exception"))
    assert text(line).endswith("(Short day)")


def week_texts(tree) -> list[list[str]]:
    """The hours column of each table (the footer's, then the full one)."""
    cells = [
        text(elements(row, lambda element: element[0] == "td")[0])
        for row in elements(tree, with_attribute("data-weekday"))
    ]
    return [cells[:7], cells[7:]]


def test_a_page_cached_last_week_shows_the_hours_of_the_visitor_s_week(demo_site):
    cache.clear()
    hours = OpeningHours.objects.get(site=demo_site)
    hours.exceptions.all().delete()
    today = practice_today()
    HoursException.objects.create(setting=hours, label="Staff day", start_date=today)
    next_week = week_of(today + timedelta(days=7))
    HoursException.objects.create(setting=hours, label="Vacation", start_date=next_week[2])
    short = HoursException.objects.create(
        setting=hours, label="Holiday hours", start_date=next_week[4]
    )
    ExceptionHours.objects.create(exception=short, opens=time(11), closes=time(14))
    html = render_hours()
    # Rendered this week: today's row names today's closure.
    for texts in week_texts(to_tree(html)):
        assert texts[today.weekday()] == "Closed (Staff day)"

    # Seen next Thursday (10:00 or 11:00 in New York): next week's own hours.
    later = datetime.combine(next_week[3], time(15), tzinfo=UTC)
    tree = run_update(html, later)
    expected = [
        "10:00 am–4:00 pm",
        "10:00 am–4:00 pm",
        "Closed (Vacation)",
        "10:30 am–4:30 pm",
        "11:00 am–2:00 pm (Holiday hours)",
        "Closed",
        "Closed",
    ]
    schedule = site_hours(demo_site).schedule
    assert [day_text(schedule, day) for day in next_week] == expected
    assert week_texts(tree) == [expected, expected]
    marked = [
        text(row).split()[0]
        for row in elements(tree, with_attribute("data-weekday"))
        if row[1].get("aria-current") == "date"
    ]
    assert marked == ["Thursday", "Thursday"]
