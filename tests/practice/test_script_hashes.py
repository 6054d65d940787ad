"""practice.security.script_hashes: the CSP hash of every JSON-LD block, as browsers take it."""

import base64
import hashlib

from practice.security import script_hashes


def expression(text: bytes) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text).digest()).decode()}'"


def test_each_json_ld_block_is_hashed_from_its_opening_to_its_closing_tag():
    html = (
        b'<html><script src="/static/a.js"></script>'
        b'<script type="application/ld+json">{"a": 1}</script>'
        b'<p>between</p><SCRIPT data-x=1 TYPE=\'application/ld+json\'>{"b": "\xc3\xbc"}</script >'
        b'<script type="application/ld+json">{"a": 1}</script></html>'
    )
    assert script_hashes(html) == sorted(
        {expression(b'{"a": 1}'), expression(b'{"b": "\xc3\xbc"}')}
    )


def test_other_scripts_and_an_unclosed_block_give_no_hash():
    assert script_hashes(b'<script>alert(1)</script><script type="text/json">{}</script>') == []
    assert script_hashes(b'<script type="application/ld+json">{"a": 1}') == []
