"""The fees, insurers and licensed states as schema.org members (practice/fees.py)."""

from decimal import Decimal

from practice import fees, licensure


def test_fees_are_offers_in_dollars_and_insurers_are_accepted_payment():
    data = fees.structured_data(
        fees=[
            {"service": "Individual session", "amount": Decimal("180"), "notes": "50 minutes"},
            {"service": "Group", "amount": None, "notes": ""},
        ],
        insurers=["Aetna", "Cigna"],
        authorities=licensure.parse("NY: license\nNJ: psypact"),
    )
    assert data["makesOffer"] == [
        {
            "@type": "Offer",
            "name": "Individual session",
            "price": "180.00",
            "priceCurrency": "USD",
            "description": "50 minutes",
        },
        {"@type": "Offer", "name": "Group"},
    ]
    assert data["paymentAccepted"] == "Self-pay, Aetna, Cigna"
    assert data["areaServed"] == [
        {"@type": "State", "name": "New York"},
        {"@type": "State", "name": "New Jersey"},
    ]


def test_nothing_set_adds_nothing():
    assert fees.structured_data(fees=[], insurers=[], authorities=[]) == {}


def test_lines_drop_blanks_and_repeats():
    assert fees.lines(" Aetna \n\nCigna\nAetna\n") == ["Aetna", "Cigna"]
