"""Swagger UI and ReDoc in a real headless Chromium: they render the API's schema and make
no request to another origin (no CDN, no web fonts from elsewhere), fonts included."""

from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from tests.browser.chromium import BROWSER

pytestmark = [*BROWSER, pytest.mark.django_db(transaction=True)]

# Milliseconds a page may take to draw the whole schema (about 15 s on a busy 2-core machine).
RENDERED = 60_000


@pytest.fixture
def offline_page(new_context, csp_violations, live_server):
    """A page whose every request to another origin is recorded and refused; its CSP
    violations are collected by new_context (conftest.py)."""
    context = new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    origin = urlsplit(live_server.url).netloc
    foreign = []

    def route(route):
        if urlsplit(route.request.url).netloc == origin:
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    # The schema (seven hundred operations) is generated once per process and server, the
    # first time it is asked for: not within the page's wait for its first paint.
    urlopen(f"{live_server.url}/api/v1/schema/?format=json", timeout=120).read()
    yield page, foreign
    found = [violation for watched in csp_violations for violation in watched]
    assert found == [], "Content-Security-Policy violations:\n" + "\n".join(found)


def test_redoc_is_offline_with_its_fonts(offline_page, live_server):
    page, foreign = offline_page
    response = page.goto(f"{live_server.url}/api/v1/redoc/")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page.get_by_text("Negotiation Tracker API").first.wait_for(timeout=RENDERED)
    # An operation's summary; the operations of the trait tags (HEAD and OPTIONS, the 405s
    # of unsupported writes) are a description each, not hundreds of entries.
    page.get_by_text("Rounds as CSV").first.wait_for(state="attached")
    assert page.get_by_text("PUT rounds: not allowed").count() == 0
    page.evaluate("document.fonts.ready")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert {"Montserrat", "Roboto"} <= {family.strip('"') for family in loaded}
    assert foreign == []


def test_swagger_ui_is_offline(offline_page, live_server):
    page, foreign = offline_page
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".swagger-ui .info .title").wait_for(timeout=RENDERED)
    page.locator(".opblock-tag", has_text="rounds").first.wait_for(timeout=RENDERED)
    assert foreign == []
