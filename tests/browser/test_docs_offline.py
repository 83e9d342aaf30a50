"""Swagger UI and ReDoc in a real headless Chromium: they render the API's schema and make
no request to another origin (no CDN, no web fonts from elsewhere), fonts included."""

from urllib.parse import urlsplit

import pytest

from tests.browser.test_dashboard_browser import MISSING, REQUIRED, browser  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        bool(MISSING) and not REQUIRED,
        reason=f"browser tests need Chromium and Playwright: {MISSING}",
    ),
]


@pytest.fixture
def offline_page(browser, live_server):  # noqa: F811
    """A page whose every request to another origin is recorded and refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    origin = urlsplit(live_server.url)
    foreign, violations = [], []

    def record(request):
        url = urlsplit(request.url)
        if url.scheme in ("http", "https") and url.netloc != origin.netloc:
            foreign.append(request.url)

    page.on("request", record)
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).netloc == origin.netloc
            else route.abort()
        ),
    )
    yield page, foreign, violations
    context.close()


def test_redoc_is_offline_with_its_fonts(offline_page, live_server):
    page, foreign, violations = offline_page
    response = page.goto(f"{live_server.url}/api/v1/redoc/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.get_by_text("Negotiation Tracker API").first.wait_for()
    page.get_by_text("rounds_list").first.wait_for(state="attached")
    page.evaluate("document.fonts.ready")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert {"Montserrat", "Roboto"} <= {family.strip('"') for family in loaded}
    assert foreign == [] and violations == []


def test_swagger_ui_is_offline(offline_page, live_server):
    page, foreign, violations = offline_page
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    page.locator(".opblock-tag", has_text="rounds").first.wait_for()
    assert foreign == [] and violations == []
