"""JSON-LD for search engines: the one inline <script> a strict CSP still allows."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

# The escapes of django.utils.html.json_script: nothing in the data can end the <script>
# element ("</script>", "<!--"), and & cannot start an entity. Applied with str.replace, not
# str.translate: translate looks up every character in a dict, which took 7 ms for the
# JSON-LD of an article with a hundred references.
SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


class EncodedJSON(str):
    """JSON text, as `encoded` makes it, for a top-level member of json_ld_script's data: it
    goes into the element as it is. An article stores its citations encoded; decoding and
    encoding a hundred of them again took a millisecond on each render."""


def encoded(data) -> EncodedJSON:
    return EncodedJSON(escaped(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)))


def escaped(text: str) -> str:
    for character, escape in SCRIPT_ESCAPES:
        text = text.replace(character, escape)
    return text


def json_ld_script(data) -> SafeString:
    """The whole <script type="application/ld+json"> element for `data`, whatever text it holds."""
    members = {}
    if isinstance(data, dict):
        members = {key: value for key, value in data.items() if isinstance(value, EncodedJSON)}
        data = {key: value for key, value in data.items() if key not in members}
    text = escaped(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))
    if members:
        parts = [text[1:-1]] if text != "{}" else []
        for key, value in members.items():
            # Encoded here or stored by `encoded`; whatever made it, checked (a quick scan).
            if any(character in value for character, _ in SCRIPT_ESCAPES):
                value = escaped(value)
            parts.append(f"{escaped(json.dumps(key, ensure_ascii=False))}: {value}")
        text = "{" + ", ".join(parts) + "}"
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
