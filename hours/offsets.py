"""The practice's UTC offsets over the coming year, for the browser script.

With them static/js/hours.js finds the practice's local time by adding an offset, and
never builds an Intl.DateTimeFormat on page load: the first one a page builds loads the
browser's time zone data, tens of milliseconds of main thread on a desktop and four times
that on a phone, in the middle of the page's load. Pure Python, no Django imports.
"""

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

# A page rendered today is shown, and may be left open, for days; after this the script
# falls back to Intl.DateTimeFormat, which is right at any time.
COVERED_DAYS = 366
# No zone changes its offset twice within this (every real change is months apart), so
# stepping by it and bisecting finds every change.
STEP = timedelta(hours=12)


def offset_seconds(tz: ZoneInfo, moment: datetime) -> int:
    return int(moment.astimezone(tz).utcoffset().total_seconds())


def offset_changes(tz: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """[(from, offset in seconds)]: the offset in force at `start` (aware), then every
    change before `end`, each at the first whole second of its new offset."""
    changes = [(start, offset_seconds(tz, start))]
    low = start
    while low < end:
        high = min(low + STEP, end)
        if offset_seconds(tz, high) != changes[-1][1]:
            # The old offset holds at `low`, the new one at `high`: narrow down to the
            # second (zones change on whole seconds).
            before, after = low, high
            while after - before > timedelta(seconds=1):
                middle = before + timedelta(seconds=(after - before).total_seconds() // 2)
                if offset_seconds(tz, middle) == changes[-1][1]:
                    before = middle
                else:
                    after = middle
            changes.append((after, offset_seconds(tz, after)))
        low = high
    return changes


@lru_cache(maxsize=16)
def offset_table(time_zone: str, today: date) -> tuple[tuple[int, int | None], ...]:
    """The offsets as the script reads them: ((milliseconds since the epoch, offset in
    seconds), ...), from the start of the day before `today` (UTC, so every zone's today
    is inside) to COVERED_DAYS later, where a last entry with offset None ends the table."""
    start = datetime(today.year, today.month, today.day, tzinfo=UTC) - timedelta(days=1)
    end = start + timedelta(days=COVERED_DAYS + 1)
    changes = offset_changes(ZoneInfo(time_zone), start, end)
    return (
        *((int(moment.timestamp()) * 1000, seconds) for moment, seconds in changes),
        (int(end.timestamp()) * 1000, None),
    )
