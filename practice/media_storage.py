"""Uploads on S3-compatible object storage (MEDIA_STORAGE=s3), for a site that runs on
several machines: django-storages' S3 backend with the object rules of this site.

- Images and their renditions (original_images/, images/) are public objects that never
  change (a new upload gets a new name, AWS_S3_FILE_OVERWRITE=False; a rendition's name
  carries its filter), so they are stored with a year-long Cache-Control. Their URLs stay
  on the site's own origin (/media/...), served by practice.views.uploaded_image from the
  bucket and kept by the cache in front: no page asks another origin for anything, and
  the Content-Security-Policy stays 'self'.
- Everything else (documents/) is private: only Wagtail's serve view sends it, after the
  collection's privacy rules (WAGTAILDOCS_SERVE_METHOD = "serve_view").

MEDIA_S3_OBJECT_ACLS=false leaves ACLs out of uploads, for buckets whose owner has turned
ACLs off (AWS's default for new buckets): make the two image prefixes public with a
bucket policy there instead.
"""

from botocore.config import Config
from django.conf import settings
from storages.backends.s3 import S3Storage

PUBLIC_PREFIXES = ("original_images/", "images/")
PUBLIC_CACHE_CONTROL = "public, max-age=31536000, immutable"


def is_public(name: str) -> bool:
    return name.startswith(PUBLIC_PREFIXES)


def client_config(endpoint_url: str | None) -> Config:
    """botocore's settings for S3-compatible services: checksums only where the API
    requires them (botocore 1.36 sends CRC32 checksums by default, which MinIO, Ceph, R2
    and others reject or answer without), and path-style addresses on a custom endpoint,
    where buckets are seldom DNS names."""
    return Config(
        s3={"addressing_style": "path" if endpoint_url else "auto"},
        signature_version="s3v4",
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )


class MediaStorage(S3Storage):
    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        acls = getattr(settings, "MEDIA_S3_OBJECT_ACLS", True)
        if is_public(name):
            parameters.setdefault("CacheControl", PUBLIC_CACHE_CONTROL)
            if acls:
                parameters.setdefault("ACL", "public-read")
        elif acls:
            parameters.setdefault("ACL", "private")
        return parameters

    def url(self, name, parameters=None, expire=None, http_method=None):
        if is_public(name):
            return settings.MEDIA_URL + name
        return super().url(name, parameters, expire, http_method)
