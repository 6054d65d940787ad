"""Fees, sliding scale, insurers and licensed states as schema.org JSON-LD. Pure Python:
takes the values of the practice details, returns members for the practice's JSON-LD.

schema.org has no property for the insurers a provider accepts (MedicalOrganization has
none; healthPlanNetworkId names a network a plan belongs to, not an insurer). The valid,
honest place is paymentAccepted, a free-text list of accepted payment: "Self-pay" and
each insurer by name. Fees are Offers the practice makes (makesOffer), each with its
price in US dollars. The states where the therapist may see clients are areaServed,
whatever the authority (license or compact privilege): it says where, not how.
"""

from decimal import Decimal

from practice import licensure

SELF_PAY = "Self-pay"


def lines(text: str) -> list[str]:
    """One item per non-empty line, stripped, first occurrence only."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        if line.strip():
            seen.setdefault(line.strip(), None)
    return list(seen)


def offer(service: str, amount: Decimal | None, notes: str = "") -> dict:
    data = {"@type": "Offer", "name": service}
    if amount is not None:
        data["price"] = f"{amount:.2f}"
        data["priceCurrency"] = "USD"
    if notes:
        data["description"] = notes
    return data


def structured_data(
    *, fees: list[dict], insurers: list[str], authorities: list[licensure.Authority]
) -> dict:
    """`fees` are {"service", "amount", "notes"} dicts."""
    data = {}
    offers = [
        offer(fee["service"], fee.get("amount"), fee.get("notes", ""))
        for fee in fees
        if fee.get("service")
    ]
    if offers:
        data["makesOffer"] = offers
    if fees or insurers:
        data["paymentAccepted"] = ", ".join([SELF_PAY, *insurers])
    if authorities:
        data["areaServed"] = [
            {"@type": "State", "name": authority.state_name} for authority in authorities
        ]
    return data
