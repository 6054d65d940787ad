"""JSON-LD for search engines: the one inline <script> a strict CSP still allows."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# As django.utils.html.json_script does: nothing in the data can end the <script> element
# ("</script>", "<!--"), and & cannot start an entity.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data) -> SafeString:
    """The whole <script type="application/ld+json"> element for `data`, whatever text it holds."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
