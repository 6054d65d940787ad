import pytest


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_home_page_renders_in_chromium(page, demo_site, request_log):
    page.goto("/")
    assert page.locator("h1").count() >= 1
    assert any(url.endswith(".css") for url in request_log.urls)
    assert request_log.console_errors == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_request_to_another_origin_is_caught(page, demo_site, request_log):
    page.goto("/")
    page.evaluate(
        "() => { const img = new Image(); img.src = 'http://127.0.0.2:9/pixel.png'; "
        "document.body.append(img); }"
    )
    page.wait_for_timeout(200)
    assert request_log.foreign() == ["http://127.0.0.2:9/pixel.png"]
    request_log.urls.clear()  # the check in the fixture's teardown has done its job here
