"""The pages every accessibility and validity check covers, and the two checkers.

axe-core and the Nu HTML Checker come from node_modules (`make install`, package.json);
Java runs the checker. A missing tool fails the test and says how to install it: these
checks are never skipped.
"""

import io
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from contact import intake_modes

AXE_JS = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus axe's best practices (landmarks,
# heading order, one h1...). Rules tagged only "experimental" stay out: they change meaning
# between axe releases.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]

ARTICLE_WITH_REFERENCES = "/articles/why-i-ask-for-feedback/"
# A word the demo content uses (articles.demo), so the results page lists something.
SEARCH_TERM = "feedback"


@dataclass(frozen=True)
class PageState:
    """One page in one state: a plain address, or the contact form after a submission,
    while the practice takes new clients or in another intake mode."""

    name: str
    path: str
    submit: str = ""  # "", "empty", "valid" or "out-of-state"
    status: int = 200  # the status of the page finally shown
    shows: str = ""  # text that proves it is the page meant (results, references...)
    intake_mode: str = intake_modes.OPEN  # PracticeSettings.accepting_new_clients

    @property
    def intake(self) -> intake_modes.IntakeForm:
        return intake_modes.intake_form(self.intake_mode)


PAGE_STATES = [
    PageState("home", "/", shows="Individual and couples psychotherapy"),
    PageState("content page", "/about/", shows="My approach"),
    PageState("article index", "/articles/", shows="Why I ask for your feedback"),
    PageState("article with references", ARTICLE_WITH_REFERENCES, shows="References"),
    PageState("contact form", "/contact/", shows="Your message"),
    PageState(
        "contact form with errors", "/contact/", submit="empty", status=400, shows="Please correct"
    ),
    PageState("thank-you page", "/contact/", submit="valid", shows="Thank you"),
    PageState("policy page", "/notice-of-privacy-practices/", shows="Your rights"),
    PageState("good faith estimate", "/good-faith-estimate/", shows="calendar days"),
    # A state the therapist may not see clients in: the notice and its confirmation.
    PageState(
        "contact form out of state",
        "/contact/",
        submit="out-of-state",
        status=400,
        shows="Before you send",
    ),
    PageState("fees page", "/fees-and-insurance/", shows="Licensed in: New York"),
    PageState("search results", f"/search/?q={SEARCH_TERM}", shows="Why I ask for your feedback"),
    PageState(
        "home on a waitlist",
        "/",
        intake_mode=intake_modes.WAITLIST,
        shows="Waitlist for new clients",
    ),
    PageState(
        "contact form on a waitlist",
        "/contact/",
        intake_mode=intake_modes.WAITLIST,
        shows="Ask for a place on the waitlist",
    ),
    PageState(
        "waitlist thank-you page",
        "/contact/",
        submit="valid",
        intake_mode=intake_modes.WAITLIST,
        shows="Thank you",
    ),
    PageState(
        "contact form when closed",
        "/contact/",
        intake_mode=intake_modes.CLOSED,
        shows="Finding another therapist",
    ),
    PageState(
        "contact form when closed, with errors",
        "/contact/",
        submit="empty",
        status=400,
        intake_mode=intake_modes.CLOSED,
        shows="Please correct",
    ),
    PageState("404 page", "/no-such-page/", status=404, shows="Page not found"),
]

VALID_INQUIRY = {
    "name": "Alex Example",
    "email": "alex@example.com",
    "message": "I would like to ask about an appointment.",
}
OUT_OF_STATE = "California"  # the demo practice sees clients in NY, NJ and PA


def allow_quick_submissions(settings) -> None:
    """A test fills the form faster than a person and more often than the hourly limit:
    neither may turn its submission into spam or a 429 page."""
    settings.INQUIRY_MIN_SUBMIT_SECONDS = 0
    settings.INQUIRY_RATE_LIMIT = 0


def set_intake_mode(state: PageState) -> None:
    """Switch the practice to the state's intake mode, as staff would in the settings
    (saving empties the page cache)."""
    from practice.models import PracticeSettings

    for practice in PracticeSettings.objects.exclude(accepting_new_clients=state.intake_mode):
        practice.accepting_new_clients = state.intake_mode
        practice.save()


def build_search_index() -> None:
    """Saving a page leaves its indexing to the task worker, which tests do not run; the
    search results page needs the index (as tests/articles/test_search.py builds it)."""
    call_command("update_index", verbosity=0, stdout=io.StringIO())


# --- In the browser ---------------------------------------------------------------------


def open_state(page, state: PageState) -> None:
    """Bring the tab to `state`, the way a visitor would get there."""
    set_intake_mode(state)
    response = page.goto(state.path)
    if state.submit in ("valid", "out-of-state"):
        page.get_by_label("Your name").fill(VALID_INQUIRY["name"])
        page.get_by_label("Email address").fill(VALID_INQUIRY["email"])
        page.get_by_label("Your message").fill(VALID_INQUIRY["message"])
        page.get_by_role("radio", name=state.intake.choices[0][1]).check()
        page.get_by_label("I understand").check()
    if state.submit == "out-of-state":
        page.get_by_label("Which state do you live in?").select_option(label=OUT_OF_STATE)
        # contact-form.js shows the notice at once; sending without ticking it brings the
        # server's answer, the form again with the notice.
        page.locator("#out-of-state").wait_for(state="visible")
    if state.submit:
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name=state.intake.submit_label).click()
        response = navigation.value
    assert response is not None
    assert response.status == state.status, f"{state.name}: {page.url} answered {response.status}"
    if state.submit == "valid":
        assert page.url.endswith("/contact/thank-you/"), page.url
    assert state.shows in page.locator("body").inner_text(), f"{state.name}: {page.url}"


def axe_violations(page) -> list[dict]:
    """axe-core's violations for the document in the tab.

    The script is evaluated through the DevTools protocol rather than added as a <script>
    element, so the site's Content-Security-Policy (which forbids inline and injected
    scripts, rightly) does not block this test tool, and the policy stays on while testing.
    """
    if not AXE_JS.exists():
        pytest.fail(
            f"axe-core is missing at {AXE_JS}: run `make install` (npm ci installs it from "
            "package.json). Accessibility checks are never skipped.",
            pytrace=False,
        )
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})).violations",
        AXE_TAGS,
    )


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(
                " > ".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            lines.append(f"    {target}: {node.get('failureSummary', '').splitlines()[-1].strip()}")
    return "\n".join(lines)


# --- On the server's HTML ---------------------------------------------------------------


def fetch_html(client, state: PageState) -> str:
    """The HTML the server sends for `state`, through Django's test client."""
    set_intake_mode(state)
    if state.submit == "empty":
        response = client.post(state.path, {})
    elif state.submit in ("valid", "out-of-state"):
        from contact.spam import sign_render_time

        form = {
            **VALID_INQUIRY,
            "preferred_contact": "email",
            "client_type": state.intake.choices[0][0],
            "acknowledge": "on",
            "rendered_at": sign_render_time(),
        }
        if state.submit == "out-of-state":
            form["state"] = "CA"
        response = client.post(state.path, form, follow=True)
        if state.submit == "valid":
            assert response.redirect_chain, "a valid submission should redirect to thank-you"
    else:
        response = client.get(state.path)
    assert response.status_code == state.status, f"{state.name}: {response.status_code}"
    html = response.content.decode()
    assert state.shows in html, f"{state.name} does not show {state.shows!r}"
    return html


def java_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "Java is not installed; the Nu HTML Checker needs it: "
            "`sudo apt-get install default-jre-headless`. HTML checks are never skipped.",
            pytrace=False,
        )
    if not VNU_JAR.exists():
        pytest.fail(
            f"The Nu HTML Checker is missing at {VNU_JAR}: run `make install` (npm ci "
            "installs vnu-jar from package.json). HTML checks are never skipped.",
            pytrace=False,
        )
    return [java, "-jar", str(VNU_JAR)]


# Checked with the pages: if its error does not come back, the checker's output was not
# understood, and an empty list of errors would prove nothing.
CANARY_NAME = "canary (deliberately invalid)"
CANARY_HTML = '<!DOCTYPE html><html lang="en"><title>canary</title><p id="a"><p id="a">'


def vnu_errors(documents: dict[str, str], workdir: Path) -> list[str]:
    """Check every document in one run of the checker (Java starts slowly) and return
    its errors as "page name:line: message" lines."""
    files = {}
    for number, (name, html) in enumerate({**documents, CANARY_NAME: CANARY_HTML}.items()):
        path = workdir / f"page-{number}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    completed = subprocess.run(
        [*java_command(), "--format", "json", "--errors-only", "--exit-zero-always", "--stdout"]
        + [str(workdir / file_name) for file_name in files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    errors = []
    for message in json.loads(completed.stdout)["messages"]:
        # The checker names each file by a file: URL; its last part is ours.
        name = files.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url", "?"))
        errors.append(f"{name}:{message.get('lastLine', '?')}: {message['message']}")
    canary = [error for error in errors if error.startswith(CANARY_NAME)]
    assert any("Duplicate ID" in error for error in canary), (
        f"The Nu HTML Checker did not report the canary's duplicate id: {completed.stdout!r}"
    )
    return [error for error in errors if not error.startswith(CANARY_NAME)]
