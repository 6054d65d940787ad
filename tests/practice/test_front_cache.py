"""What practice/front_cache.py queues on a change, and that a cache which is down or
refuses costs an error in the log, never an exception. Varnish itself is in
tests/scale/test_varnish.py."""

import logging

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from practice import front_cache, processes
from practice.models import PracticeSettings

pytestmark = pytest.mark.django_db

CACHE = {"varnish": {"BACKEND": "practice.front_cache.VarnishBackend", "LOCATION": "x"}}
BAN_TASK = "practice.front_cache.ban_everything"
PURGE_TASK = "wagtail.contrib.frontend_cache.tasks.purge_urls_from_cache_task"


def queued(task_path: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=task_path))


def test_without_a_front_cache_nothing_is_queued(demo_site):
    PracticeSettings.for_site(demo_site).save()
    demo_site.root_page.specific.save_revision().publish()
    assert queued(BAN_TASK) == []
    assert queued(PURGE_TASK) == []


@override_settings(WAGTAILFRONTENDCACHE=CACHE)
def test_a_settings_change_queues_a_ban(demo_site):
    PracticeSettings.for_site(demo_site).save()
    assert len(queued(BAN_TASK)) == 1


@override_settings(WAGTAILFRONTENDCACHE=CACHE)
def test_publishing_a_page_outside_the_menu_queues_its_urls_and_its_listings(home_page):
    from practice.models import ContentPage

    page = ContentPage(title="Hidden", slug="hidden", show_in_menus=False)
    home_page.add_child(instance=page)
    page.save_revision().publish()
    (job,) = queued(PURGE_TASK)
    urls = job.args_kwargs["args"][0]
    paths = sorted(url.split("/", 3)[3] for url in urls)
    assert paths == ["", "feeds/articles.atom", "feeds/articles.rss", "hidden/", "sitemap.xml"]
    assert queued(BAN_TASK) == []


@override_settings(WAGTAILFRONTENDCACHE=CACHE)
def test_publishing_a_page_in_the_menu_queues_a_ban(home_page):
    from practice.models import ContentPage

    page = ContentPage(title="Shown", slug="shown", show_in_menus=True)
    home_page.add_child(instance=page)
    page.save_revision().publish()
    assert queued(PURGE_TASK) == []
    assert len(queued(BAN_TASK)) >= 1


@pytest.mark.parametrize("method", ["purge", "ban_everything"])
def test_a_cache_that_does_not_answer_is_logged_not_raised(method, caplog):
    closed = f"http://127.0.0.1:{processes.free_port()}"
    backend = front_cache.VarnishBackend({"LOCATION": closed})
    with caplog.at_level(logging.ERROR, logger="practice.front_cache"):
        if method == "purge":
            backend.purge("http://127.0.0.1/about/")
        else:
            backend.ban_everything()
    assert "did not answer" in caplog.text


@override_settings(WAGTAILFRONTENDCACHE=CACHE)
def test_publishing_a_page_the_footer_links_queues_a_ban(demo_site):
    """The policies in every page's footer (practice/policies.py) are not in the menu."""
    from practice.policies import PolicySettings

    privacy = PolicySettings.for_site(demo_site).website_privacy
    assert not privacy.show_in_menus
    privacy.title = "Privacy on this website"
    privacy.save_revision().publish()
    assert queued(PURGE_TASK) == []
    assert len(queued(BAN_TASK)) == 1
