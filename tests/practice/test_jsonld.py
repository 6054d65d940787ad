"""practice/jsonld.py: JSON-LD that no text in the data can break out of."""

import datetime
import json
import re

from django.utils.safestring import SafeString

from practice.jsonld import EncodedJSON, encoded, json_ld_script

SCRIPT = re.compile(r'^<script type="application/ld\+json">(.*)</script>$', flags=re.DOTALL)


def test_the_element_holds_the_data_as_json():
    data = {"name": "Ellis Counselling · Ünïcode", "date": datetime.date(2026, 11, 2)}
    html = json_ld_script(data)
    assert isinstance(html, SafeString)
    [body] = SCRIPT.findall(html)
    assert json.loads(body) == {"name": "Ellis Counselling · Ünïcode", "date": "2026-11-02"}
    assert "Ünïcode" in body  # not \\u escapes: readable in the page source


def test_nothing_in_the_data_can_end_the_script_or_start_markup():
    hostile = "</script><script>alert(1)</script><!-- & &amp;"
    html = json_ld_script({"name": hostile})
    [body] = SCRIPT.findall(html)
    assert not {"<", ">", "&"} & set(body)
    assert html.count("</script>") == 1
    assert json.loads(body) == {"name": hostile}


def test_encoded_members_are_placed_as_they_are_and_escaped_like_the_rest():
    citations = [{"name": "</script><!-- & x"}, {"name": "B"}]
    data = {"name": "A", "citation": encoded(citations)}
    assert not {"<", ">", "&"} & set(data["citation"])
    [body] = SCRIPT.findall(json_ld_script(data))
    assert json.loads(body) == {"name": "A", "citation": citations}
    [body] = SCRIPT.findall(json_ld_script({"citation": EncodedJSON("[]")}))
    assert json.loads(body) == {"citation": []}


def test_an_encoded_member_that_was_not_escaped_cannot_end_the_script():
    hostile = EncodedJSON(json.dumps(["</script><script>alert(1)</script>&"]))
    html = json_ld_script({"name": "A", "citation": hostile})
    assert html.count("</script>") == 1
    [body] = SCRIPT.findall(html)
    assert json.loads(body)["citation"] == ["</script><script>alert(1)</script>&"]
