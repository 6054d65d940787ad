"""The editor's "Fill from DOI" button (static/js/articles-doi.js), run by Node on a fake DOM."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

NODE = shutil.which("node")
HARNESS = Path(__file__).with_name("doi_button_harness.js")
SCRIPT = settings.BASE_DIR / "static" / "js" / "articles-doi.js"

pytestmark = pytest.mark.skipif(NODE is None, reason="Node is not installed")


def run(scenario):
    result = subprocess.run(
        [NODE, str(HARNESS), str(SCRIPT), scenario],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(result.stdout)


def test_fills_the_reference_fields_from_the_lookup():
    outcome = run("success")
    assert outcome["templateHasButton"] is False  # the empty form template is left alone
    assert outcome["button"] == {
        "tag": "BUTTON",
        "type": "button",
        "text": "Fill from DOI",
        "describedBy": outcome["status"]["id"],
    }
    assert outcome["requests"] == [
        {
            "url": "/admin/articles/doi-lookup/?doi=doi%3A10.1037%2Fpst0000193",
            "credentials": "same-origin",
        }
    ]
    assert outcome["values"]["kind"] == "journal"
    assert outcome["values"]["authors"] == "Norcross, John C.\nLambert, Michael J."
    assert outcome["values"]["title"] == "Psychotherapy relationships that work III"
    assert outcome["values"]["doi"] == "https://doi.org/10.1037/pst0000193"
    assert outcome["events"] == ["input", "change"]  # the kind select shows its fields
    assert outcome["status"]["role"] == "status"
    assert not outcome["status"]["error"]


def test_a_failed_lookup_shows_the_message_and_changes_nothing():
    outcome = run("unknown")
    assert outcome["status"]["text"] == "No metadata was found for this DOI."
    assert outcome["status"]["error"]
    assert outcome["values"]["kind"] == "book"
    assert outcome["values"]["title"] == "Typed by hand"
    assert outcome["values"]["doi"] == "doi:10.1037/pst0000193"
    assert outcome["events"] == []
