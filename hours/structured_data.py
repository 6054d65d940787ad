"""The practice as schema.org JSON-LD: who, where, whether taking clients, and when open.

MedicalBusiness (a LocalBusiness, so a Place with opening hours) together with
MedicalOrganization, the type that defines isAcceptingNewPatients. schema.org has no
type for a psychotherapist's office; this pair is the closest honest description.
"""

from datetime import date

from hours.schedule import WEEKDAYS, Schedule, current_exceptions
from practice import fees


def practice_data(practice, url: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": ["MedicalBusiness", "MedicalOrganization"],
        "name": practice.practice_name,
        "url": url.rstrip("/") + "/",
        # A waitlist means a new client cannot start now, so it is not "accepting".
        "isAcceptingNewPatients": practice.accepting_new_clients == "yes",
    }
    if practice.phone:
        data["telephone"] = practice.phone
    if practice.email:
        data["email"] = practice.email
    if not practice.telehealth_only and practice.street_address:
        address = {
            "@type": "PostalAddress",
            "streetAddress": practice.street_address,
            "addressLocality": practice.locality,
            "addressRegion": practice.region,
            "postalCode": practice.postal_code,
            "addressCountry": practice.country,
        }
        data["address"] = {key: value for key, value in address.items() if value}
    data.update(
        fees.structured_data(
            fees=practice.fee_items, insurers=practice.insurers, authorities=practice.licensure
        )
    )
    return data


def _hours(opens: str, closes: str, **extra) -> dict:
    return {"@type": "OpeningHoursSpecification", **extra, "opens": opens, "closes": closes}


def _hhmm(value) -> str:
    return value.strftime("%H:%M")


def opening_hours_data(schedule: Schedule, today: date) -> dict:
    """openingHoursSpecification for the week, specialOpeningHoursSpecification for
    exceptions not yet over; a closed exception is opens = closes = 00:00."""
    weekly = [
        _hours(_hhmm(i.opens), _hhmm(i.closes), dayOfWeek=f"https://schema.org/{WEEKDAYS[day]}")
        for day, intervals in enumerate(schedule.weekly)
        for i in intervals
    ]
    special = []
    for exception in current_exceptions(schedule, today):
        valid = {
            "name": exception.label,
            "validFrom": exception.start.isoformat(),
            "validThrough": exception.end.isoformat(),
        }
        if exception.closed:
            special.append(_hours("00:00", "00:00", **valid))
        else:
            special.extend(
                _hours(_hhmm(i.opens), _hhmm(i.closes), **valid) for i in exception.intervals
            )
    data = {}
    if weekly:
        data["openingHoursSpecification"] = weekly
    if special:
        data["specialOpeningHoursSpecification"] = special
    return data
