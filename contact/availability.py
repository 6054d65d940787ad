"""Which days and times of day the contact form offers, from the weekly office hours.

Pure Python. A day is offered when the office has hours on it; a part of the day when
some weekly interval overlaps it on any day. Exceptions (holidays) are left out: a
person says when they can usually come, not on which date.
"""

from datetime import time

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# [start, end) of each part of the day; evening runs to midnight.
PARTS_OF_DAY = (
    ("morning", "Morning (before noon)", time(0), time(12)),
    ("afternoon", "Afternoon (noon to 5 pm)", time(12), time(17)),
    ("evening", "Evening (after 5 pm)", time(17), time.max),
)


def day_choices(weekly) -> list[tuple[str, str]]:
    """`weekly`: seven sequences (Monday first) of intervals with .opens and .closes."""
    return [
        (name.lower(), name) for name, intervals in zip(WEEKDAYS, weekly, strict=True) if intervals
    ]


def time_choices(weekly) -> list[tuple[str, str]]:
    intervals = [interval for day in weekly for interval in day]
    return [
        (value, label)
        for value, label, start, end in PARTS_OF_DAY
        if any(i.opens < end and i.closes > start for i in intervals)
    ]


def labels(choices: list[tuple[str, str]], values) -> str:
    """The chosen values as the person saw them, in the form's order: what is stored."""
    chosen = set(values)
    return ", ".join(label for value, label in choices if value in chosen)
