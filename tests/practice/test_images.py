import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image

from practice.models import ContentPage


@pytest.fixture
def photo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (90, 140, 120)).save(buffer, format="PNG")
    return Image.objects.create(
        title="Office",
        file=ImageFile(buffer, name="office.png"),
        description="The consulting room, with two armchairs",
    )


def page_with_image(home_page, image) -> ContentPage:
    """A live content page under the home page showing `image` in an image block."""
    page = ContentPage(
        title="Our office",
        slug="our-office",
        body=[
            {
                "type": "image",
                "value": {
                    "image": {"image": image.pk, "alt_text": "", "decorative": False},
                    "caption": "The consulting room",
                },
            }
        ],
    )
    home_page.add_child(instance=page)
    return page


def test_image_block_renders_responsive_webp_with_alt_and_size(client, home_page, photo):
    page = page_with_image(home_page, photo)
    html = client.get(page.url).content.decode()
    assert "<picture>" in html
    assert 'type="image/webp"' in html
    assert 'alt="The consulting room, with two armchairs"' in html
    assert 'width="' in html
    assert 'height="' in html
    assert "<figcaption" in html
    assert "The consulting room</figcaption>" in html


def test_server_error_page_is_styled_and_needs_no_database():
    from django.template.loader import render_to_string

    # No `db` fixture: any query here would fail the test.
    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "988" in html
    assert "/static/css/site.css" in html


def test_an_article_with_a_hero_image_renders_in_ten_queries_or_fewer(
    client, home_page, photo, django_assert_max_num_queries
):
    """Renditions are found through the cache once made (page cache off, as in all tests)."""
    from articles.models import ArticleIndexPage
    from benchmarks.content import create_article_with_references

    article = create_article_with_references(ArticleIndexPage.objects.get(), 5, tags=2)
    article.hero_image = photo
    article.save_revision().publish()
    client.get(article.url)
    with django_assert_max_num_queries(10):
        response = client.get(article.url)
    assert 'property="og:image"' in response.content.decode()
