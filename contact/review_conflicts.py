"""Two reviewers editing one inquiry: the second save must not silently undo the first.

The review form carries, signed, what it showed of the reviewed fields (the notes as a
digest). Saving compares that with the row, locked, and refuses when they differ. Values,
not a version number: no migration, and the worker's notification updates, which touch
none of these fields, never count as a conflict.
"""

import hashlib

from django.core import signing

SALT = "contact.inquiry.review-state"
REVIEWED_FIELDS = ("status", "assigned_to", "staff_notes")


def notes_digest(notes: str) -> str:
    # Browsers send a textarea's line breaks as CRLF; text saved elsewhere may have LF.
    return hashlib.sha256(notes.replace("\r\n", "\n").encode()).hexdigest()


def review_state(pk: int, status: str, assigned_to: int | None, staff_notes: str) -> dict:
    return {
        "pk": pk,
        "status": status,
        "assigned_to": assigned_to,
        "staff_notes": notes_digest(staff_notes),
    }


def state_of(inquiry) -> dict:
    return review_state(inquiry.pk, inquiry.status, inquiry.assigned_to_id, inquiry.staff_notes)


def sign_state(state: dict) -> str:
    return signing.dumps(state, salt=SALT)


def unsign_state(token: str, pk: int) -> dict | None:
    """The state a form was shown with; None when the token is missing, altered or
    belongs to another inquiry (then nothing is known about what the reviewer saw)."""
    try:
        state = signing.loads(token or "", salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(state, dict) or state.get("pk") != pk:
        return None
    return state


def changed_since(seen: dict | None, current: dict) -> list[str]:
    """Reviewed fields stored with another value than the form showed: all of them when
    what the form showed is unknown."""
    if seen is None:
        return list(REVIEWED_FIELDS)
    return [name for name in REVIEWED_FIELDS if seen.get(name) != current[name]]
