"""The pure rules of the visit counts (practice/visit_rules.py) and the chart's geometry
(practice/svg_chart.py)."""

import pytest

from practice import svg_chart, visit_rules

CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.mark.parametrize("agent", [CHROME, SAFARI, FIREFOX])
def test_browsers_are_not_robots(agent):
    assert not visit_rules.is_bot(agent)


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "   ",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) HeadlessChrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Linux; Android 11) Chrome/120.0 Mobile Safari/537.36 Chrome-Lighthouse",
        "curl/8.5.0",
        "Wget/1.21.4",
        "python-requests/2.32.3",
        "Go-http-client/1.1",
        "UptimeRobot/2.0; http://www.uptimerobot.com/",
    ],
)
def test_robots_that_say_so_are_robots(agent):
    assert visit_rules.is_bot(agent)


ORIGIN = "https://practice.example"


@pytest.mark.parametrize(
    ("fetch_site", "origin", "counts"),
    [
        ("same-origin", ORIGIN, True),
        ("same-origin", None, True),
        ("same-site", ORIGIN, False),  # a sibling subdomain is another site's page
        ("cross-site", ORIGIN, False),  # Fetch metadata wins over a forged Origin
        ("none", None, False),  # typed into the address bar: not a beacon
        (None, ORIGIN, True),  # a browser from before Fetch metadata
        (None, "HTTPS://PRACTICE.EXAMPLE", True),
        (None, "https://elsewhere.example", False),
        (None, "http://practice.example", False),
        (None, "null", False),
        (None, None, False),  # neither header: not a browser
    ],
)
def test_only_the_sites_own_pages_send_beacons(fetch_site, origin, counts):
    assert visit_rules.is_same_origin(fetch_site, origin, ORIGIN) is counts


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"12", 12),
        (b" 7\n", 7),
        (b"999999999999", 999999999999),
        (b"", None),
        (b"0", None),
        (b"012", None),
        (b"-3", None),
        (b"+3", None),
        (b"1e3", None),
        (b"12 13", None),
        (b"page=12", None),
        (b"1234567890123", None),
        ("١٢".encode(), None),  # digits of other scripts that int() would accept
        (b"\x00\xff", None),
    ],
)
def test_a_beacon_names_a_page_by_its_id_alone(body, expected):
    assert visit_rules.page_id(body) == expected


@pytest.mark.parametrize(
    ("value", "days"),
    [("7", 7), ("30", 30), ("365", 365), (None, 30), ("", 30), ("8", 30), ("x", 30)],
)
def test_the_report_period_is_one_of_three(value, days):
    assert visit_rules.period_days(value) == days


def test_bars_are_scaled_to_the_largest_value_and_sit_on_the_baseline():
    chart = svg_chart.bar_chart([("a", 5), ("b", 10), ("c", 0)], width=300, height=120)
    tallest = chart.bars[1]
    assert tallest.y == svg_chart.TOP
    assert tallest.y + tallest.height == chart.baseline == 120 - svg_chart.BOTTOM
    assert chart.bars[0].height == pytest.approx(tallest.height / 2)
    assert chart.bars[2].height == 0
    assert [bar.x for bar in chart.bars] == sorted(bar.x for bar in chart.bars)
    assert chart.bars[-1].x + chart.bars[-1].width <= 300
    assert (chart.total, chart.largest, chart.first_label, chart.last_label) == (15, 10, "a", "c")


def test_a_chart_of_nothing_has_no_bars():
    empty = svg_chart.bar_chart([])
    assert empty.bars == ()
    assert (empty.total, empty.first_label) == (0, "")
    zeros = svg_chart.bar_chart([("a", 0), ("b", 0)])
    assert all(bar.height == 0 for bar in zeros.bars)
