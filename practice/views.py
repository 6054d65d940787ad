import logging
import mimetypes
import sys
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.static import serve as static_serve

logger = logging.getLogger(__name__)

# The database cannot be reached (refused, shutting down, connection dropped): the site is
# down for a while, not broken. IntegrityError and DataError remain 500s.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)
# What a 503 asks clients and crawlers to wait; a restart takes seconds.
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """handler500: a 503 with Retry-After while the database is unreachable, else a 500.

    Django calls it while handling the exception, so sys.exc_info() still holds it. Both
    pages are plain templates rendered without the request: no context processor, tag or
    session may reach for the database that just failed. Django logs the error (path,
    status and traceback; never the request body) after this returns."""
    if isinstance(sys.exc_info()[1], DATABASE_UNREACHABLE):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = HttpResponseServerError(render_to_string("500.html"))
    # A proxy cache must not keep serving the error once the site is back.
    add_never_cache_headers(response)
    return response


@require_safe
@never_cache
def healthz(request):
    """For load balancers and compose health checks: is the database answering?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@require_safe
def robots_txt(request):
    """Everything public may be crawled; the sitemap lists it."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def uploaded_image(request, path):
    """An uploaded image or rendition from MEDIA_ROOT, as it is set when asked, or from the
    bucket (MEDIA_STORAGE=s3), on the site's own origin either way."""
    if isinstance(default_storage, FileSystemStorage):
        return static_serve(request, path, document_root=settings.MEDIA_ROOT)
    return stored_image(path)


def stored_image(path: str):
    from botocore.exceptions import BotoCoreError, ClientError

    from practice.media_storage import PUBLIC_CACHE_CONTROL

    if ".." in path.split("/"):
        raise Http404
    try:
        if not default_storage.exists(path):
            raise Http404
        stored = default_storage.open(path)
    except (BotoCoreError, ClientError) as error:
        # The bucket is unreachable or refuses: the image is away for a while, not broken.
        logger.warning("Media storage did not answer: %s", type(error).__name__)
        response = HttpResponse("Image temporarily unavailable.", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response
    content_type, _ = mimetypes.guess_type(path)
    response = FileResponse(stored, content_type=content_type)
    # Names never change content (practice/media_storage.py).
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    return response


@never_cache
def admin_login_redirect(request):
    """Wagtail's /admin/login/ (linked from its pages and lockout screen) checks only the
    password. Whatever is sent here, GET or POST, nobody is signed in: the browser is sent
    to the two-factor sign-in, keeping only where it was going."""
    target = reverse("account_login")
    next_url = request.GET.get("next")
    if next_url:
        target += "?" + urlencode({"next": next_url})
    return HttpResponseRedirect(target)
