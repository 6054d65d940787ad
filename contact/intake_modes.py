"""What the contact form offers, and what an inquiry is, in each intake mode.

The mode is the practice's one switch, PracticeSettings.accepting_new_clients: "yes"
(open), "waitlist" or "no" (closed). The form's "about" question changes with it, and the
server, not the visitor, decides the inquiry's kind from the mode and the answer:

- open: new client → consultation; returning client → other.
- waitlist: new client → waitlist; returning client → other. The waitlist is for new
  clients; a returning client writes to the therapist as before.
- closed: returning client or a general question → other. A first consultation is not
  offered, and a form that asks for one anyway is refused (`kind_for` returns None).

Pure Python: no database, no Django models.
"""

from dataclasses import dataclass

OPEN = "yes"
WAITLIST = "waitlist"
CLOSED = "no"
MODES = (OPEN, WAITLIST, CLOSED)

# Inquiry.Kind's values.
CONSULTATION = "consultation"
WAITLIST_REQUEST = "waitlist"
OTHER = "other"

# The answers to the form's "about" question (the client_type field); "new" and
# "returning" are also Inquiry.ClientType's values.
NEW_CLIENT = "new"
RETURNING_CLIENT = "returning"
QUESTION = "question"


@dataclass(frozen=True)
class IntakeForm:
    """How the contact form looks in one mode."""

    mode: str
    heading: str  # above the form; "" for none
    question_label: str
    choices: tuple[tuple[str, str], ...]
    submit_label: str
    # Shown when an answer is not one of `choices` (a form shown in another mode, or forged).
    refused_choice: str
    # How the practice takes new clients now, for a form shown before the mode changed.
    now: str

    @property
    def mode_changed(self) -> str:
        return (
            f"While this form was open, the practice changed how it takes new clients: "
            f"{self.now}. The form has been updated and nothing was sent yet; please check "
            "your answers and send it again."
        )


_FORMS = {
    OPEN: IntakeForm(
        mode=OPEN,
        heading="",
        question_label="Have you been a client here before?",
        choices=((NEW_CLIENT, "New client"), (RETURNING_CLIENT, "Returning client")),
        submit_label="Send message",
        refused_choice="Choose whether you are a new or a returning client.",
        now="it is taking new clients again",
    ),
    WAITLIST: IntakeForm(
        mode=WAITLIST,
        heading="Ask for a place on the waitlist",
        question_label="Have you been a client here before?",
        choices=(
            (NEW_CLIENT, "New client: put me on the waitlist"),
            (RETURNING_CLIENT, "Returning client"),
        ),
        submit_label="Send waitlist request",
        refused_choice="Choose whether you are a new or a returning client.",
        now="new clients now join a waitlist",
    ),
    CLOSED: IntakeForm(
        mode=CLOSED,
        heading="Returning clients and general questions",
        question_label="What is your message about?",
        choices=(
            (RETURNING_CLIENT, "I am or was a client here"),
            (QUESTION, "A general question"),
        ),
        submit_label="Send message",
        refused_choice=(
            "The practice is not taking new clients at the moment, so this form cannot "
            "ask for a first appointment. Choose one of the options below; the page "
            "above lists other places to find a therapist."
        ),
        now="it is not taking new clients",
    ),
}

# (mode, answer) → (kind, client_type); an answer a mode does not offer is missing.
_KINDS = {
    (OPEN, NEW_CLIENT): (CONSULTATION, NEW_CLIENT),
    (OPEN, RETURNING_CLIENT): (OTHER, RETURNING_CLIENT),
    (WAITLIST, NEW_CLIENT): (WAITLIST_REQUEST, NEW_CLIENT),
    (WAITLIST, RETURNING_CLIENT): (OTHER, RETURNING_CLIENT),
    (CLOSED, RETURNING_CLIENT): (OTHER, RETURNING_CLIENT),
    # Someone who has not been a client: "new" in the inquiry, but not a request to start.
    (CLOSED, QUESTION): (OTHER, NEW_CLIENT),
}


def mode_of(value: str) -> str:
    """A stored setting as a mode; anything unknown counts as open, the field's default."""
    return value if value in MODES else OPEN


def intake_form(mode: str) -> IntakeForm:
    return _FORMS[mode_of(mode)]


def kind_for(mode: str, answer: str) -> tuple[str, str] | None:
    """The inquiry's (kind, client_type) for `answer` in `mode`; None when the mode
    does not offer that answer."""
    return _KINDS.get((mode_of(mode), answer))
