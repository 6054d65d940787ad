"""Which days and times the form offers (contact/availability.py) and its payment choices
(contact/payment.py)."""

from datetime import time

from contact import availability, payment
from hours.schedule import Interval


def week(**days):
    names = [name.lower() for name in availability.WEEKDAYS]
    return tuple(tuple(days.get(name, ())) for name in names)


def test_days_are_those_with_hours():
    weekly = week(monday=[Interval(time(9), time(12))], thursday=[Interval(time(18), time(20))])
    assert availability.day_choices(weekly) == [("monday", "Monday"), ("thursday", "Thursday")]


def test_parts_of_day_are_those_the_hours_overlap():
    morning_only = week(monday=[Interval(time(8), time(12))])
    assert [v for v, _ in availability.time_choices(morning_only)] == ["morning"]
    # 11:30 to 17:30 reaches into all three; touching a boundary is not overlapping.
    all_day = week(friday=[Interval(time(11, 30), time(17, 30))])
    assert [v for v, _ in availability.time_choices(all_day)] == [
        "morning",
        "afternoon",
        "evening",
    ]
    split = week(tuesday=[Interval(time(12), time(17))], saturday=[Interval(time(19), time(21))])
    assert [v for v, _ in availability.time_choices(split)] == ["afternoon", "evening"]


def test_no_hours_offer_nothing():
    assert availability.day_choices(week()) == []
    assert availability.time_choices(week()) == []


def test_answers_are_stored_as_shown_in_the_forms_order():
    choices = [("monday", "Monday"), ("friday", "Friday")]
    assert availability.labels(choices, ["friday", "monday"]) == "Monday, Friday"
    assert availability.labels(choices, []) == ""


def test_payment_choices_follow_the_insurers():
    assert payment.choices([]) == [("self-pay", "Self-pay"), ("not-sure", "Not sure yet")]
    assert payment.choices(["Aetna"]) == [
        ("self-pay", "Self-pay"),
        ("insurer:Aetna", "Insurance: Aetna"),
        ("other", "Another insurer"),
        ("not-sure", "Not sure yet"),
    ]


def test_payment_answers_read_as_chosen():
    assert payment.answer_text("insurer:Aetna") == "Insurance: Aetna"
    assert payment.answer_text("other", "Oscar") == "Another insurer: Oscar"
    assert payment.answer_text("self-pay") == "Self-pay"
    assert payment.answer_text("not-sure") == "Not sure yet"
    assert payment.answer_text("") == ""
