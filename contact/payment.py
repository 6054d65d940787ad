"""The payment choices of the contact form, from the practice's list of accepted insurers.

Pure Python. Each insurer's choice carries its name, so an answer means the same when the
list changes between showing the form and sending it (a removed insurer is then an
invalid choice, and the form asks again)."""

SELF_PAY = "self-pay"
OTHER_INSURER = "other"
NOT_SURE = "not-sure"
INSURER_PREFIX = "insurer:"


def choices(insurers: list[str]) -> list[tuple[str, str]]:
    """Self-pay, each accepted insurer, another insurer, not sure. Without accepted
    insurers there is no insurance to choose: only self-pay and not sure."""
    if not insurers:
        return [(SELF_PAY, "Self-pay"), (NOT_SURE, "Not sure yet")]
    return [
        (SELF_PAY, "Self-pay"),
        *((INSURER_PREFIX + name, f"Insurance: {name}") for name in insurers),
        (OTHER_INSURER, "Another insurer"),
        (NOT_SURE, "Not sure yet"),
    ]


def answer_text(value: str, other_insurer: str = "") -> str:
    """What is stored and shown to staff: the choice as the person read it."""
    if value == SELF_PAY:
        return "Self-pay"
    if value == NOT_SURE:
        return "Not sure yet"
    if value == OTHER_INSURER:
        return f"Another insurer: {other_insurer}"
    if value.startswith(INSURER_PREFIX):
        return f"Insurance: {value.removeprefix(INSURER_PREFIX)}"
    return ""
