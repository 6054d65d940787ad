"""Uploads through the admin: raster images only (an SVG can carry script), PDF documents
only, and documents always downloaded, never shown as a page of this site."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def add_image(client, name, content, content_type):
    return client.post(
        "/admin/images/add/",
        {"title": "Upload", "file": SimpleUploadedFile(name, content, content_type)},
    )


def test_svg_images_are_refused(admin_client, media_root):
    for name in ("drawing.svg", "drawing.png"):  # the extension or the content gives it away
        response = add_image(admin_client, name, SVG, "image/svg+xml")
        assert response.status_code == 200, name
        assert "file" in response.context["form"].errors, name
    assert not Image.objects.exists()


def test_a_raster_image_is_accepted(admin_client, media_root):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (90, 140, 120)).save(buffer, format="PNG")
    response = add_image(admin_client, "office.png", buffer.getvalue(), "image/png")
    assert response.status_code == 302
    assert Image.objects.get().file.name.endswith(".png")


def test_only_pdf_documents_are_accepted(admin_client, media_root):
    for name, content in (("page.html", b"<script>alert(1)</script>"), ("drawing.svg", SVG)):
        response = admin_client.post(
            "/admin/documents/add/",
            {"title": "Upload", "file": SimpleUploadedFile(name, content, "text/html")},
        )
        assert response.status_code == 200, name
        assert "file" in response.context["form"].errors, name
    assert not Document.objects.exists()


def test_documents_are_downloaded_with_a_safe_type(client, db, media_root):
    document = Document.objects.create(
        title="Intake form", file=ContentFile(PDF, name="intake-form.pdf")
    )
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "intake-form.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert b"".join(response.streaming_content) == PDF
    # Only through that view: the file itself is not served from MEDIA_URL.
    assert document.file.url.startswith("/media/documents/")
    assert client.get(document.file.url).status_code == 404


def test_uploaded_images_are_served_from_media(client, db, media_root):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (90, 140, 120)).save(buffer, format="PNG")
    image = Image.objects.create(title="Office", file=ContentFile(buffer.getvalue(), "o.png"))
    rendition = image.get_rendition("width-20")
    for url in (image.file.url, rendition.url):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Content-Type-Options"] == "nosniff", url
