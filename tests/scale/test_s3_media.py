"""Uploads on S3-compatible storage (MEDIA_STORAGE=s3) against moto's standalone S3
server, a real HTTP server on loopback: images go up through the admin as public,
year-cacheable objects, pages show their renditions from the site's own origin, private
documents go only to the users their collection allows, and deleting an image deletes its
objects."""

import io
import logging
import os
import re
import subprocess
import sys

import boto3
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, CollectionViewRestriction
from wagtail.tasks import delete_file_from_storage_task

from practice import processes
from practice.media_storage import PUBLIC_CACHE_CONTROL, client_config
from tests.practice.test_images import page_with_image

pytestmark = pytest.mark.django_db

BUCKET = "practice-media"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
DELETE_TASK = "wagtail.tasks.delete_file_from_storage_task"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def moto_server():
    from moto.server import ThreadedMotoServer

    # moto's server logs every request at INFO.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = processes.free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(moto_server, settings, monkeypatch, tmp_path):
    """An empty bucket on the moto server and the site's settings for MEDIA_STORAGE=s3;
    yields a boto3 client to look at what the site stored."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    client = boto3.client(
        "s3",
        endpoint_url=moto_server,
        region_name="us-east-1",
        config=client_config(moto_server),
    )
    client.create_bucket(Bucket=BUCKET)
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = moto_server
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.AWS_S3_CLIENT_CONFIG = client_config(moto_server)
    settings.MEDIA_S3_OBJECT_ACLS = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "practice.media_storage.MediaStorage"},
    }
    # Nothing may land on the local disk instead.
    settings.MEDIA_ROOT = tmp_path / "not-used"
    yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client, prefix: str = "") -> list[str]:
    listing = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def is_public(client, key: str) -> bool:
    grants = client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    return any(grant["Grantee"].get("URI") == ALL_USERS for grant in grants)


def png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (90, 140, 120)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload_image(admin_client) -> Image:
    response = admin_client.post(
        "/admin/images/add/",
        {"title": "Office", "file": SimpleUploadedFile("office.png", png(), "image/png")},
    )
    assert response.status_code == 302, response.content[:2000]
    return Image.objects.get(title="Office")


def test_an_image_uploaded_in_the_admin_is_a_public_object_kept_for_a_year(admin_client, bucket):
    image = upload_image(admin_client)
    (original,) = keys(bucket, "original_images/")
    assert original == image.file.name
    assert is_public(bucket, original)
    stored = bucket.head_object(Bucket=BUCKET, Key=original)
    assert stored["CacheControl"] == PUBLIC_CACHE_CONTROL
    assert stored["ContentType"] == "image/png"
    # The same name again gets a new object: nothing is ever overwritten.
    second = upload_image_named(admin_client, "Office again")
    assert second.file.name != image.file.name
    assert len(keys(bucket, "original_images/")) == 2


def upload_image_named(admin_client, title: str) -> Image:
    response = admin_client.post(
        "/admin/images/add/",
        {"title": title, "file": SimpleUploadedFile("office.png", png(), "image/png")},
    )
    assert response.status_code == 302
    return Image.objects.get(title=title)


def test_a_page_shows_renditions_from_the_bucket_on_the_sites_own_origin(
    admin_client, client, home_page, bucket
):
    image = upload_image(admin_client)
    page = page_with_image(home_page, image)
    html = client.get(page.url).content.decode()
    sources = set(re.findall(r'(?:src|srcset)="([^"]+)"', html))
    urls = {part.split()[0] for source in sources for part in source.split(",")}
    renditions = sorted(url for url in urls if url.startswith("/media/images/"))
    assert renditions, html
    # Nothing from another origin: every image address is a path on this site.
    assert not [url for url in urls if "://" in url or url.startswith("//")]

    stored = keys(bucket, "images/")
    assert len(stored) >= len(renditions)
    for url in renditions:
        key = url.removeprefix("/media/")
        assert key in stored
        assert is_public(bucket, key)
        assert bucket.head_object(Bucket=BUCKET, Key=key)["CacheControl"] == PUBLIC_CACHE_CONTROL
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == PUBLIC_CACHE_CONTROL
        body = b"".join(response.streaming_content)
        assert body == bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert client.get("/media/images/not-there.webp").status_code == 404


def test_an_image_while_the_bucket_is_away_is_a_503_not_a_500(client, bucket, settings):
    # Nothing listens on this port: the storage cannot be reached.
    settings.AWS_S3_ENDPOINT_URL = f"http://127.0.0.1:{processes.free_port()}"
    response = client.get("/media/images/office.width-480.png")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_a_private_document_goes_only_to_the_users_its_collection_allows(
    admin_client, client, django_user_model, bucket
):
    clinicians = Group.objects.create(name="Clinicians")
    private = Collection.get_first_root_node().add_child(name="Client handouts")
    restriction = CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.add(clinicians)
    response = admin_client.post(
        "/admin/documents/add/",
        {
            "title": "Intake form",
            "file": SimpleUploadedFile("intake.pdf", PDF, "application/pdf"),
            "collection": private.pk,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    document = Document.objects.get(title="Intake form")
    (key,) = keys(bucket, "documents/")
    assert not is_public(bucket, key)

    allowed = django_user_model.objects.create_user("clinician", password="x" * 16)
    allowed.groups.add(clinicians)
    refused = django_user_model.objects.create_user("visitor", password="x" * 16)

    client.force_login(allowed)
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")

    client.force_login(refused)
    response = client.get(document.url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    client.logout()
    assert client.get(document.url).status_code == 302


def test_deleting_an_image_deletes_its_objects(
    admin_client, client, home_page, bucket, django_capture_on_commit_callbacks
):
    image = upload_image(admin_client)
    image.get_rendition("width-480")
    assert keys(bucket, "original_images/")
    assert keys(bucket, "images/")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/images/{image.pk}/delete/")
    assert response.status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()
    # Wagtail deletes the files in jobs queued after the commit; run them as the worker would.
    jobs = DBTaskResult.objects.filter(task_path=DELETE_TASK)
    assert jobs.count() == 2  # the original and its rendition
    for job in jobs:
        delete_file_from_storage_task.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
    assert keys(bucket) == []


def settings_from(environment: dict[str, str]) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "c = s.AWS_S3_CLIENT_CONFIG; "
        "print(s.STORAGES['default']['BACKEND'], s.AWS_STORAGE_BUCKET_NAME, "
        "s.AWS_S3_ENDPOINT_URL, s.AWS_S3_FILE_OVERWRITE, c.request_checksum_calculation, "
        "c.response_checksum_validation, c.s3['addressing_style'])"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "practice.settings.test", **environment},
        capture_output=True,
        text=True,
        check=False,
    )


def test_media_storage_s3_is_configured_from_the_environment():
    answer = settings_from(
        {
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": "media",
            "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        }
    )
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.split() == [
        "practice.media_storage.MediaStorage",
        "media",
        "http://127.0.0.1:9000",
        "False",
        "when_required",
        "when_required",
        "path",
    ]


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"MEDIA_STORAGE": "s3"}, "needs AWS_STORAGE_BUCKET_NAME"),
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be local or s3"),
    ],
)
def test_a_bad_media_storage_setting_stops_the_start(environment, message):
    answer = settings_from(environment)
    assert answer.returncode != 0
    assert message in answer.stderr
