from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from hours.offsets import COVERED_DAYS, offset_changes, offset_table

NEW_YORK = ZoneInfo("America/New_York")
HOUR = 3600


def test_new_york_changes_twice_a_year_at_two_in_the_morning():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    changes = offset_changes(NEW_YORK, start, start + timedelta(days=365))
    assert changes == [
        (start, -5 * HOUR),
        (datetime(2026, 3, 8, 7, tzinfo=UTC), -4 * HOUR),  # 2:00 EST becomes 3:00 EDT
        (datetime(2026, 11, 1, 6, tzinfo=UTC), -5 * HOUR),  # 2:00 EDT becomes 1:00 EST
    ]


def test_a_zone_without_changes_has_one_offset():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    phoenix = ZoneInfo("America/Phoenix")
    assert offset_changes(phoenix, start, start + timedelta(days=365)) == [(start, -7 * HOUR)]


def test_the_table_starts_before_today_everywhere_and_ends_with_no_offset():
    table = offset_table("America/New_York", date(2026, 12, 4))
    assert table[0] == (int(datetime(2026, 12, 3, tzinfo=UTC).timestamp()) * 1000, -5 * HOUR)
    end = datetime(2026, 12, 3, tzinfo=UTC) + timedelta(days=COVERED_DAYS + 1)
    assert table[-1] == (int(end.timestamp()) * 1000, None)
    assert [seconds for _, seconds in table[1:-1]] == [-4 * HOUR, -5 * HOUR]


ZONES = ["America/New_York", "America/Phoenix", "Australia/Lord_Howe", "Europe/Dublin", "UTC"]


@given(
    st.sampled_from(ZONES),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    st.integers(min_value=0, max_value=COVERED_DAYS * 86400 - 1),
)
def test_the_table_gives_the_zone_s_offset_at_every_instant_it_covers(zone, today, seconds):
    """Lord Howe moves by half an hour, Dublin's winter time is its "negative" summer
    time: whatever the rules, the entry in force is the offset zoneinfo gives."""
    table = offset_table(zone, today)
    start_ms = table[0][0]
    moment_ms = start_ms + seconds * 1000
    in_force = [offset for start, offset in table if start <= moment_ms][-1]
    moment = datetime.fromtimestamp(moment_ms / 1000, UTC)
    assert in_force == int(moment.astimezone(ZoneInfo(zone)).utcoffset().total_seconds())
