"""Which quote backs each value, in a real browser: an editor attaches a quote to a round's
date through the links inline and sees the panel update; the dashboard's excluded cell and a
round value's sources on hover, as known on a day too. Same set-up as the other browser
tests (tests/browser/conftest.py: the seed data per test, every page watched for CSP
violations); screenshots go to test-artifacts/."""

from negotiations import models
from tests.browser.chromium import ARTIFACTS, BROWSER, expect, log_in
from tests.seed import DEFENCE_COSTS, TECHNICAL_2, WASHINGTON

pytestmark = BROWSER

SCREEN = {"width": 1366, "height": 768}


def test_an_editor_attaches_a_quote_to_a_rounds_date(site, new_context, csp_violations):
    page = new_context(viewport=SCREEN).new_page()
    log_in(page, site)
    round_ = models.Round.objects.get(slug=TECHNICAL_2)
    quote = models.Citation.objects.exclude(rounds=round_).order_by("slug").first()
    page.goto(f"{site}/admin/negotiations/round/{round_.pk}/change/")
    date_row = page.locator('.provenance__facet[data-facet="date"]').first
    expect(date_row).not_to_contain_text(quote.quote[:40])

    group = page.locator(".citation-links").first
    group.locator(".add-row a").click()
    row = group.locator(".inline-related.dynamic-citation_links").last
    row.locator(".select2-selection").first.click()
    page.locator(".select2-dropdown .select2-search__field").fill(quote.slug)
    page.locator(".select2-results__option", has_text=quote.slug).first.click()
    row.locator('input[type="checkbox"][value="date"]').check()
    page.click('input[name="_continue"]')
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    link = round_.citation_links.get(citation=quote)
    assert link.facets == ["date"]
    date_row = page.locator('.provenance__facet[data-facet="date"]').first
    expect(date_row).to_contain_text(quote.quote[:40])
    date_row.screenshot(path=ARTIFACTS / "admin-provenance-date.png")
    page.locator(".fieldset.provenance, fieldset.provenance").first.screenshot(
        path=ARTIFACTS / "admin-provenance-panel.png"
    )
    found = [violation for watched in csp_violations for violation in watched]
    assert found == []


def test_the_dashboard_shows_an_excluded_cell_and_where_a_value_came_from(site, page):
    page.goto(f"{site}/dashboard/?round={WASHINGTON}&as_of=2025-05-16")
    excluded = page.locator(f'tr[data-area="{DEFENCE_COSTS}"] > td[data-round="{WASHINGTON}"]')
    expect(excluded).to_have_attribute("data-state", "excluded")
    expect(excluded).to_contain_text("Excluded")
    excluded.hover()
    popover = page.locator("#cell-popover")
    expect(popover).to_contain_text("off the agenda")
    expect(popover.locator("blockquote").first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "dashboard-excluded-cell.png")

    date = page.locator(f'#changes .value-source[data-round="{WASHINGTON}"][data-facet="date"]')
    date.hover()
    expect(popover).to_contain_text("Date of")
    expect(popover.locator("blockquote").first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "dashboard-value-source.png")
    # Keyboard focus opens it too.
    page.mouse.move(0, 0)
    place = page.locator(f'#changes .value-source[data-round="{WASHINGTON}"][data-facet="place"]')
    place.focus()
    expect(popover).to_contain_text("Place of")


def test_a_values_sources_as_known_on_a_day(site, page):
    page.goto(f"{site}/dashboard/?round={WASHINGTON}&known_as_of=2025-04-25")
    status = page.locator(f'#changes .value-source[data-round="{WASHINGTON}"][data-facet="status"]')
    status.hover()
    popover = page.locator("#cell-popover")
    expect(popover).to_contain_text("as known on 25 April 2025")
    expect(popover.locator("blockquote").first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "dashboard-value-source-known-as-of.png")
