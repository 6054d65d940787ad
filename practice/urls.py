from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from practice import search, views, visits

handler500 = views.server_error

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("search/", search.search, name="search"),
    # Page views counted by static/js/visits.js (practice/visits.py). Underscored, as
    # Wagtail's own _util/: no page slug can take it.
    path("_visits/", visits.count_visit, name="count_visit"),
    # Wagtail's own sign-in takes a password alone: it leads to the two-factor one instead.
    path("admin/login/", views.admin_login_redirect, name="wagtailadmin_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/", include("allauth.urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("articles.urls")),
]

# Uploaded images and their renditions. A small practice site has no separate
# file server; a proxy in front may serve these two folders itself and take this over.
# Not the rest of MEDIA_ROOT: documents/ is only reached through Wagtail's serve view,
# which sends them as downloads and enforces a collection's privacy.
urlpatterns += [
    re_path(
        rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>(?:original_images|images)/.*)$",
        views.uploaded_image,
    ),
]

urlpatterns += [path("", include(wagtail_urls))]
