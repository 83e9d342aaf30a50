"""The admin and the dashboard in headless Chromium: they fit a 1,366 x 768 screen, pass
axe-core's WCAG 2.1 AA rules (axe-core ships with axe-playwright-python: nothing is
downloaded), and an agenda item added by an alias label changes the round's change panel.

Same set-up as the other browser tests (tests/browser/conftest.py: Debian's Chromium, the
seed data loaded per test on the live server, every page watched for CSP violations)."""

import pytest

from negotiations import models
from tests.browser.chromium import ARTIFACTS, BROWSER, expect, log_in

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:  # pragma: no cover - a dev dependency
    Axe = None

pytestmark = BROWSER

JEJU = "jeju-ministerial-2025-05-16"
WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
SCREEN = {"width": 1366, "height": 768}


@pytest.fixture
def screen(new_context, csp_violations):
    """A 1,366 x 768 window (watched for Content-Security-Policy violations too)."""
    yield new_context(viewport=SCREEN).new_page()
    found = [violation for watched in csp_violations for violation in watched]
    assert found == [], "Content-Security-Policy violations:\n" + "\n".join(found)


def violations(page, csp_violations) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now, readable. The
    styles axe injects to measure contrast are its own, not the page's: the Content-Security-
    Policy reports they cause during its run are dropped."""
    assert Axe is not None, "axe-playwright-python is missing (pip install -e '.[dev]')"
    before = [len(watched) for watched in csp_violations]
    found = Axe().run(page, options=WCAG_21_AA).response["violations"]
    for watched, count in zip(csp_violations, before, strict=False):
        del watched[count:]
    return [
        f"{rule['id']}: {node['target']} {node['failureSummary']}"
        for rule in found
        for node in rule["nodes"]
    ]


def scrolls_sideways(page) -> list[str]:
    """The page, or a table frame in it, wider than its window: what needs sideways scrolling."""
    return page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll(
                '.results, .inline-group .tabular, .inline-group fieldset')]
            .filter(e => e.scrollWidth > e.clientWidth + 1)
            .map(e => e.className || e.tagName)"""
    )


def jeju_change_url(site) -> str:
    jeju = models.Round.objects.get(slug=JEJU)
    return f"{site}/admin/negotiations/round/{jeju.pk}/change/"


def test_the_round_list_and_the_jeju_page_fit_1366_and_pass_axe(site, screen, csp_violations):
    log_in(screen, site)
    screen.goto(f"{site}/admin/negotiations/round/")
    assert screen.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    assert scrolls_sideways(screen) == []
    assert violations(screen, csp_violations) == []
    screen.screenshot(path=ARTIFACTS / "admin-rounds-1366.png")

    screen.goto(jeju_change_url(site))
    screen.wait_for_load_state("networkidle")
    assert screen.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    assert scrolls_sideways(screen) == []
    assert violations(screen, csp_violations) == []
    # Two quotes of one source are told apart in the citation choices.
    chips = screen.locator(
        "#participants-group .select2-selection__choice", has_text="joongang-2025-05-16--"
    )
    texts = {chips.nth(i).inner_text() for i in range(chips.count())}
    assert len(texts) >= 2
    screen.screenshot(path=ARTIFACTS / "admin-round-1366.png")
    screen.locator("#agenda_items-group").screenshot(path=ARTIFACTS / "admin-round-agenda-1366.png")


def test_the_review_queue_and_the_admin_index_pass_axe(site, screen, csp_violations):
    log_in(screen, site)
    assert violations(screen, csp_violations) == []
    screen.goto(f"{site}/admin/review/")
    expect(screen.locator("h1")).to_contain_text("Review queue")
    assert violations(screen, csp_violations) == []


def test_the_dashboard_passes_axe(site, screen, csp_violations):
    for query in ("", f"?round={JEJU}&as_of=2025-05-16", "?known_as_of=2025-04-25"):
        screen.goto(f"{site}/dashboard/{query}")
        expect(screen.locator("h1")).to_be_visible()
        assert violations(screen, csp_violations) == [], query
    # With a cell's details open, too.
    cell = screen.locator(f'tr[data-area="currency-policy"] > td[data-round="{JEJU}"]')
    screen.goto(f"{site}/dashboard/?round={JEJU}&as_of=2025-05-16")
    cell.focus()
    expect(screen.locator("#cell-popover")).to_contain_text("Previously reported as")
    assert violations(screen, csp_violations) == []


def test_adding_an_item_by_an_alias_label_updates_the_change_panel(site, screen, csp_violations):
    log_in(screen, site)
    screen.goto(jeju_change_url(site))
    panel = screen.locator(".field-agenda_changes")
    expect(panel.locator(".change-list--dropped")).to_contain_text("Currency policy")

    screen.locator("#agenda_items-group .add-row a").click()
    row = screen.locator("#agenda_items-group tr.dynamic-agenda_items").last
    row.locator('input[name$="-label"]').fill("monetary policy")
    row.locator('input[name$="-order"]').fill("7")
    screen.click('input[name="_continue"]')
    expect(screen.locator(".messagelist")).to_contain_text("was changed successfully")

    # The label names currency policy through its alias: kept at Jeju, no longer dropped.
    panel = screen.locator(".field-agenda_changes")
    expect(panel.locator(".change-list--retained")).to_contain_text("Currency policy")
    expect(panel.locator(".change-list--dropped")).not_to_contain_text("Currency policy")
    item = models.AgendaItem.objects.get(round__slug=JEJU, label="monetary policy")
    assert item.slug == f"{JEJU}--monetary-policy"
    assert list(item.areas.values_list("slug", flat=True)) == ["currency-policy"]
    # Once the page's widgets are drawn (select2 sizes its boxes after the first paint);
    # polled from here: wait_for_function evaluates a string, which the page's CSP refuses.
    for _ in range(50):
        width = screen.evaluate("() => document.documentElement.scrollWidth")
        if width <= SCREEN["width"]:
            break
        screen.wait_for_timeout(200)
    assert width <= SCREEN["width"]
