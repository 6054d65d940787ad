"""The "Fees and insurance from practice details" block, the practice details behind it,
and the JSON-LD that carries the same facts."""

import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.template import engines
from django.test import Client, RequestFactory
from wagtail.models import Site
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from practice.models import ContentPage, PracticeSettings
from tests.html import inline_attributes

FEES_URL = "/fees-and-insurance/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def practice(demo_site) -> PracticeSettings:
    return PracticeSettings.for_site(demo_site)


def practice_json_ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    [data] = [d for d in map(json.loads, blocks) if "MedicalBusiness" in d.get("@type", [])]
    return data


def section(html: str) -> str:
    start = html.index('<section class="practice-fees')
    return html[start : html.index("</section>", start)]


def test_the_demo_fees_page_shows_the_practice_details(client, demo_site):
    html = client.get(FEES_URL).content.decode()
    fees = section(html)
    assert re.search(r"<th scope=\"row\">Individual session</th>\s*<td>\$180</td>", fees)
    assert "Couples session" in fees
    assert "$220" in fees
    assert "75 minutes" in fees
    assert "Sliding scale" in fees
    assert "reduced-fee places" in fees
    assert "<li>Aetna</li>" in fees
    assert "Licensed in: New York" in fees
    assert "Telehealth under PSYPACT (APIT) in: New Jersey, Pennsylvania" in fees
    # PSYPACT states are never shown as licenses.
    assert not re.search(r"Licensed in:[^<]*(New Jersey|Pennsylvania)", fees)
    assert inline_attributes(html) == []


def test_without_insurers_or_fees_the_block_says_so(client, practice):
    practice.insurance_accepted = ""
    practice.fees = []
    practice.sliding_scale = False
    practice.licensed_states = ""
    practice.save()
    fees = section(client.get(FEES_URL).content.decode())
    assert "Please ask about current fees." in fees
    assert "Self-pay; no insurance plans are accepted in network." in fees
    assert "Sliding scale" not in fees
    assert "Licensed in" not in fees


def test_json_ld_has_offers_payment_and_area_served(client, demo_site):
    data = practice_json_ld(client.get(FEES_URL).content.decode())
    assert data["makesOffer"][1] == {
        "@type": "Offer",
        "name": "Individual session",
        "price": "180.00",
        "priceCurrency": "USD",
        "description": "50 minutes",
    }
    assert data["paymentAccepted"] == "Self-pay, Aetna, Empire BlueCross BlueShield"
    assert [area["name"] for area in data["areaServed"]] == [
        "New York",
        "New Jersey",
        "Pennsylvania",
    ]
    assert {area["@type"] for area in data["areaServed"]} == {"State"}


def test_warm_render_of_the_block_costs_no_query(demo_site, django_assert_num_queries):
    request = RequestFactory().get(FEES_URL)
    assert Site.find_for_request(request) == demo_site
    template = engines["django"].from_string("{% load practice_tags %}{% practice_fees %}")
    first = template.render({"request": request})
    with django_assert_num_queries(0):
        assert template.render({"request": request}) == first


def test_the_block_renders_in_a_preview_without_a_matching_request(demo_site):
    page = ContentPage.objects.get(slug="fees-and-insurance")
    template = engines["django"].from_string("{% load practice_tags %}{% practice_fees %}")
    assert "Individual session" in template.render({"page": page})


def test_a_change_to_the_details_reaches_the_cached_fees_page(settings, practice):
    settings.PAGE_CACHE_SECONDS = 300
    assert Client().get(FEES_URL)["X-Cache"] == "miss"
    assert Client().get(FEES_URL)["X-Cache"] == "hit"
    practice.insurance_accepted = "Cigna"
    practice.fees = [{"type": "fee", "value": {"service": "Intake", "amount": "95.5", "notes": ""}}]
    practice.save()
    html = Client().get(FEES_URL).content.decode()
    assert "<li>Cigna</li>" in section(html)
    assert "$95.50" in section(html)
    assert practice_json_ld(html)["makesOffer"] == [
        {"@type": "Offer", "name": "Intake", "price": "95.50", "priceCurrency": "USD"}
    ]


@pytest.mark.parametrize("bad", ["NY license", "ZZ: license", "NY: license\nny: psypact"])
def test_the_licensed_states_are_checked_when_saved_in_the_admin(practice, bad):
    practice.licensed_states = bad
    with pytest.raises(ValidationError) as error:
        practice.full_clean()
    assert "licensed_states" in error.value.message_dict


def test_practice_details_edit_form_shows_the_new_panels(admin_client, demo_site):
    html = admin_client.get(
        f"/admin/settings/practice/practicesettings/{demo_site.pk}/"
    ).content.decode()
    for text in ["Telehealth and licensure", "Fees and insurance", "Insurance accepted"]:
        assert text in html


def settings_form(admin_client, site) -> tuple[str, dict]:
    url = f"/admin/settings/practice/practicesettings/{site.pk}/"
    data = querydict_from_html(admin_client.get(url).content.decode(), form_id="w-editor-form")
    return url, data.dict()


def test_editing_fees_and_states_in_the_admin(admin_client, demo_site):
    url, data = settings_form(admin_client, demo_site)
    data.update(
        nested_form_data(
            {
                "fees": streamfield(
                    [("fee", {"service": "Intake", "amount": "150", "notes": "90 minutes"})]
                )
            }
        )
    )
    data.update(licensed_states="NY: license\nCT: compact", insurance_accepted="Cigna\n")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    practice = PracticeSettings.for_site(demo_site)
    assert practice.fee_items == [
        {"service": "Intake", "amount": Decimal("150.00"), "notes": "90 minutes"}
    ]
    assert practice.insurers == ["Cigna"]

    data["licensed_states"] = "NY: licence"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "say “license”, “psypact” or “compact”" in response.content.decode()
    assert PracticeSettings.for_site(demo_site).licensed_states == "NY: license\nCT: compact"
