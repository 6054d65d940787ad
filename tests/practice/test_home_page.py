"""The home page as a first meeting: portrait, welcome, whom the practice helps, whether
it takes new clients, one call to action, the latest articles and the hours."""

import io
import re

from PIL import Image as PILImage

from practice import placeholder_portrait
from practice.models import PracticeSettings


def test_placeholder_portrait_is_a_drawn_jpeg_and_the_same_every_time():
    first = placeholder_portrait.placeholder_portrait()
    assert first == placeholder_portrait.placeholder_portrait()
    image = PILImage.open(io.BytesIO(first))
    assert (image.format, image.size) == ("JPEG", (800, 1000))
    # Not one flat colour: the shapes are there.
    assert len(image.getcolors(maxcolors=100_000) or range(100_001)) > 50


def test_home_shows_portrait_in_modern_formats_with_size_and_alt(client, demo_site):
    html = client.get("/").content.decode()
    portrait = re.search(r'<div class="home-portrait">\s*<picture>(.*?)</picture>', html, re.S)
    assert portrait, "no portrait"
    picture = portrait[1]
    assert 'type="image/avif"' in picture
    # WebP, which every current browser shows, is the <img> itself.
    assert re.search(r'<img [^>]*src="[^"]+\.webp"', picture)
    assert 'width="360"' in picture
    assert 'height="450"' in picture
    assert f'alt="{placeholder_portrait.DESCRIPTION}"' in picture


def test_home_uses_the_portrait_description_typed_in_practice_details(client, demo_site):
    practice = PracticeSettings.for_site(demo_site)
    practice.portrait_alt_text = "Morgan Ellis in the consulting room"
    practice.save()
    assert 'alt="Morgan Ellis in the consulting room"' in client.get("/").content.decode()


def test_home_shows_welcome_help_availability_one_call_to_action_articles_and_hours(
    client, demo_site
):
    html = client.get("/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert "Individual and couples psychotherapy for adults" in main
    assert "<li>Grief and loss</li>" in main
    assert '<p class="availability availability-yes">Accepting new clients</p>' in main
    # One button, to the contact page.
    assert re.findall(r'class="btn[^"]*" href="([^"]+)"', main) == ["/contact/"]
    # The three newest articles as cards, newest first, with date and summary.
    titles = re.findall(r'<h3 class="article-card-title"><a href="[^"]+">([^<]+)</a>', main)
    assert titles == [
        "Update on Therapy Partners",
        "Why I ask for your feedback every session",
        "What the first sessions are for",
    ]
    assert '<time datetime="2026-11-02">November 2, 2026</time>' in main
    assert "What the latest review of research" in main
    # The hours: the live status box (hours.js fills it) and the week in the footer.
    assert "data-opening-hours" in main
    assert 'href="#footer-hours-heading"' in main
    assert 'id="footer-hours-heading"' in html


def test_home_says_when_the_practice_has_a_waitlist(client, demo_site):
    PracticeSettings.objects.update(accepting_new_clients="waitlist")
    html = client.get("/").content.decode()
    assert '<p class="availability availability-waitlist">Waitlist for new clients</p>' in html


def test_seed_demo_leaves_a_removed_portrait_removed(client, demo_site):
    from django.core.management import call_command

    practice = PracticeSettings.for_site(demo_site)
    assert practice.portrait is not None
    practice.portrait = None
    practice.save()
    call_command("seed_demo", stdout=io.StringIO())
    practice.refresh_from_db()
    assert practice.portrait is None
    assert '<div class="home-portrait">' not in client.get("/").content.decode()


def test_the_portrait_costs_no_query_for_the_practice_details(
    client, demo_site, django_assert_max_num_queries
):
    """The cached practice details carry the portrait: a warm home page asks the database
    for the renditions and the page's own content, not for the image."""
    client.get("/")
    with django_assert_max_num_queries(12) as queries:
        client.get("/")
    assert not [q for q in queries.captured_queries if 'FROM "wagtailimages_image"' in q["sql"]]


def test_editors_set_the_portrait_and_the_list_in_practice_details(
    client, demo_site, django_user_model
):
    client.force_login(django_user_model.objects.create_superuser("editor", password="x" * 16))
    practice = PracticeSettings.for_site(demo_site)
    html = client.get(f"/admin/settings/practice/practicesettings/{demo_site.pk}/").content.decode()
    assert 'name="portrait"' in html
    assert 'name="portrait_alt_text"' in html
    assert "Who the practice helps" in html
    assert practice.who_we_help_items[0] == "Adults living with anxiety, worry or panic"
