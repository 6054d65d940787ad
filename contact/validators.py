"""Loose checks for what visitors type: international phone numbers, single-line text
without invisible formatting characters, and plain text."""

import re
import unicodedata

from django.core.exceptions import ValidationError

# Digits with the separators people write in phone numbers, an optional leading +,
# and an optional extension ("x 12", "ext. 12").
PHONE_PATTERN = re.compile(r"^\+?[\d\s().\-/]+(?:\s*(?:x|ext\.?)\s*\d{1,6})?$", re.IGNORECASE)
PHONE_MIN_DIGITS = 5
PHONE_MAX_DIGITS = 20
# Line and paragraph separators end a line as surely as a newline does.
LINE_BREAK_CATEGORIES = {"Cc", "Zl", "Zp"}
ALLOWED_IN_TEXT = {"\n", "\r", "\t"}
# Invisible formatting characters (category Cf), such as the text-direction controls
# U+202A-U+202E and U+2066-U+2069, can make a name show in the admin as other text than
# it is. ZERO WIDTH NON-JOINER and JOINER are Cf too, but names in Persian and several
# Indic scripts need them.
FORMAT_CATEGORY = "Cf"
ALLOWED_FORMAT_CHARACTERS = {"\u200c", "\u200d"}


def is_plausible_phone(value: str) -> bool:
    value = value.strip()
    if not PHONE_PATTERN.match(value):
        return False
    main_number = re.split(r"(?i)x|ext", value)[0]
    digits = sum(character.isdigit() for character in main_number)
    return PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS


def has_control_characters(value: str, allowed: set[str] = frozenset()) -> bool:
    return any(
        unicodedata.category(character) in LINE_BREAK_CATEGORIES and character not in allowed
        for character in value
    )


def has_format_characters(value: str) -> bool:
    return any(
        unicodedata.category(character) == FORMAT_CATEGORY
        and character not in ALLOWED_FORMAT_CHARACTERS
        for character in value
    )


def validate_phone(value: str) -> None:
    if value and not is_plausible_phone(value):
        raise ValidationError(
            "Enter a phone number with digits, for example +1 555 010 4477.", code="phone"
        )


def validate_single_line(value: str) -> None:
    if has_control_characters(value):
        raise ValidationError("Use a single line without special characters.", code="single_line")
    if has_format_characters(value):
        raise ValidationError(
            "Remove the invisible formatting characters (such as text-direction marks); "
            "they can make text look different from what it is.",
            code="format_characters",
        )


def validate_plain_text(value: str) -> None:
    if has_control_characters(value, allowed=ALLOWED_IN_TEXT):
        raise ValidationError(
            "The message contains characters that cannot be stored; remove them and try again.",
            code="control_characters",
        )
