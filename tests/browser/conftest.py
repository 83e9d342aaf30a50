"""Fixtures of the browser tests (tests/browser/chromium.py says when they run).

live_server tests are transactional: the database is flushed after each of them. Each test
loads the seed data itself, and each module puts it back at the end for the tests that run
after it, which expect the seed data loaded once per session by tests/conftest.py.

Every page of every browser test is watched for Content-Security-Policy violations: the
browser's securitypolicyviolation events and its console's "Content Security Policy"
errors. A test whose pages had any fails.
"""

import os

import pytest
from django.core.management import call_command

from tests.browser.chromium import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    MISSING,
    PASSWORD,
    REPORT_VIOLATIONS,
    sync_playwright,
)
from tests.seed import SEED_FIXTURE


@pytest.fixture(scope="module")
def browser(django_db_blocker):
    """One headless Chromium for the module; the seed data is restored when it is done."""
    if MISSING:
        pytest.fail(f"REQUIRE_BROWSER=1 but {MISSING}")
    # Playwright's sync API runs an event loop in this thread; Django would refuse
    # database access from it. The tests touch the database only between page actions.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(exist_ok=True)
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
        # The live server's tests flushed the database: put the session's seed data back.
        with django_db_blocker.unblock():
            call_command("loaddata", SEED_FIXTURE, verbosity=0)


@pytest.fixture
def site(browser, live_server, django_user_model):
    """The live server with the seed data and a superuser (flushed after each test)."""
    call_command("loaddata", SEED_FIXTURE, verbosity=0)
    django_user_model.objects.create_superuser("admin", "admin@example.com", PASSWORD)
    return live_server.url


def watch_csp(context) -> list[str]:
    """The Content-Security-Policy violations of every page the context opens."""
    violations: list[str] = []

    def report(violation: str) -> None:
        violations.append(violation)

    context.expose_function("reportCspViolation", report)
    context.add_init_script(REPORT_VIOLATIONS)

    def console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")

    context.on("console", console)
    return violations


@pytest.fixture
def csp_violations():
    return []


@pytest.fixture
def new_context(browser, csp_violations):
    """Open a browser context whose pages are watched for CSP violations."""
    contexts = []

    def open_context(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        watched = watch_csp(context)
        csp_violations.append(watched)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context, csp_violations):
    yield new_context(viewport={"width": 1280, "height": 900}).new_page()
    found = [violation for watched in csp_violations for violation in watched]
    assert found == [], "Content-Security-Policy violations:\n" + "\n".join(found)
