"""The Content-Security-Policy in a real browser: every page an editor or an API user opens
works under it, and none of them runs into it (no securitypolicyviolation event, no console
error). The page fixture (conftest.py) collects violations; each test also says so itself.
"""

from urllib.request import urlopen

from axes.models import AccessAttempt

from negotiations import models
from tests.browser.chromium import BROWSER, PlaywrightTimeoutError, expect, log_in

pytestmark = BROWSER

JEJU = "jeju-ministerial-2025-05-16"


def violations(csp_violations) -> list[str]:
    return [violation for watched in csp_violations for violation in watched]


def policy(response) -> str:
    header = response.headers.get("content-security-policy", "")
    assert "default-src 'none'" in header
    return header


def test_the_admin_works_under_the_policy(site, page, csp_violations):
    log_in(page, site)
    jeju = models.Round.objects.get(slug=JEJU)

    # The round's change page: calendar, a new inline row, an autocomplete, a collapsed
    # fieldset's toggle, the prepopulated slug of a new item.
    policy(page.goto(f"{site}/admin/negotiations/round/{jeju.pk}/change/"))
    page.locator(".datetimeshortcuts a", has_text="Today").first.click()
    page.locator("a", has_text="Add another Agenda item").click()
    page.locator(".select2-selection").first.click()
    page.keyboard.type("Korea")
    expect(page.locator(".select2-results__option").first).to_be_visible()
    page.keyboard.press("Escape")

    # The list: search, filter, select all and ask to delete (the confirmation page).
    page.goto(f"{site}/admin/negotiations/round/?q=Jeju&level=ministerial")
    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "delete_selected")
    page.click("button[name=index]")
    expect(page.locator("#content h1")).to_have_text("Delete multiple objects")

    # The history, an old version's revert page; an add form's "+" popup.
    page.goto(f"{site}/admin/negotiations/round/{jeju.pk}/history/")
    page.locator("#change-history a[href*='/history/']").first.click()
    expect(page.locator("#content h1")).to_contain_text("Revert")
    page.goto(f"{site}/admin/negotiations/deadline/add/")
    with page.expect_popup() as opened:
        page.locator("a.add-related").first.click()
    popup = opened.value
    popup.wait_for_load_state()
    expect(popup.locator("#content h1")).to_contain_text("Add")

    assert violations(csp_violations) == []


def test_a_locked_out_login_and_a_refused_search_work_under_the_policy(
    site, page, csp_violations, settings
):
    page.goto(f"{site}/admin/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.fill("#id_username", "admin")
        page.fill("#id_password", "wrong")
        page.click('input[type="submit"]')
    expect(page.locator(".errornote")).to_contain_text("Too many failed logins")

    AccessAttempt.objects.all().delete()  # lift the lock (every test client is 127.0.0.1)
    log_in(page, site)
    page.goto(f"{site}/admin/negotiations/round/?q=" + "+".join(["word"] * 20))
    expect(page.locator(".errornote")).to_contain_text("at most 10 words")

    assert violations(csp_violations) == []


def schema_generated(site):
    """The schema (seven hundred operations) is generated once per process, the first time
    it is asked for: not within a page's wait."""
    urlopen(f"{site}/api/v1/schema/?format=json", timeout=120).read()


def test_swagger_ui_works_under_the_policy(site, page, csp_violations):
    schema_generated(site)
    header = policy(page.goto(f"{site}/api/v1/docs/"))
    assert "'nonce-" in header  # its set-up script and style carry the page's nonce

    # The tags are folded (seven hundred operations): open one, once the schema is read.
    tag = page.locator(".opblock-tag", has_text="agenda-areas").first
    tag.wait_for(timeout=60_000)
    tag.click()
    operation = page.locator(".opblock-summary", has_text="/api/v1/agenda-areas/").first
    operation.click()
    page.locator("button.try-out__btn").first.click()
    page.locator("button.execute").first.click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    expect(status).to_have_text("200", timeout=20_000)

    assert violations(csp_violations) == []


def test_redoc_works_under_the_policy_and_fetches_nothing_from_elsewhere(
    site, page, csp_violations
):
    schema_generated(site)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    policy(page.goto(f"{site}/api/v1/redoc/"))

    title = page.locator("h1", has_text="Negotiation Tracker API")
    expect(title).to_be_visible(timeout=60_000)  # once the schema is loaded and read
    # Search runs in a worker whose index of seven hundred operations is built after the
    # page is drawn; a query typed before it is ready finds nothing and is not re-run.
    results = page.locator('[data-role="search:results"] li')
    for _ in range(12):
        page.fill('input[placeholder="Search..."]', "")
        page.fill('input[placeholder="Search..."]', "rounds")
        try:
            results.first.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeoutError:
            continue
    expect(results.first).to_be_visible()

    assert violations(csp_violations) == []
    assert [url for url in requested if not url.startswith((site, "data:", "blob:"))] == []


def test_the_browsable_api_works_under_the_policy(site, page, csp_violations):
    log_in(page, site)  # an editor sees the write forms too
    for path in [f"/api/v1/rounds/{JEJU}/", "/api/v1/rounds/?negotiation=kr-us", "/api/v1/"]:
        policy(page.goto(f"{site}{path}", wait_until="networkidle"))
        expect(page.locator(".response-info")).to_be_visible()
        if page.locator("#extra-actions-menu").count():
            page.click("#extra-actions-menu")
            expect(page.locator('[aria-labelledby="extra-actions-menu"]')).to_be_visible()

    assert violations(csp_violations) == []
