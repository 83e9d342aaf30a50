"""The dashboard in a real headless Chromium (Debian's /usr/bin/chromium), driven by
Playwright: tests/browser/chromium.py and conftest.py. Screenshots go to test-artifacts/
(ignored by git)."""

import re

import pytest

from negotiations import models
from tests.browser.chromium import ARTIFACTS, BROWSER, PASSWORD, expect

JEJU = "jeju-ministerial-2025-05-16"
MAY_1 = "washington-technical-1-2025-05-01"
NEXT_WEEK = "technical-2-week-of-2025-05-19"
WASHINGTON = "washington-2plus2-2025-04-24"

pytestmark = BROWSER


def cell(page, area: str, round_slug: str):
    return page.locator(f'tr[data-area="{area}"] > td.cell[data-round="{round_slug}"]')


def test_dashboard_marks_jeju_currency_policy_dropped(site, page, new_context):
    page.goto(f"{site}/dashboard/?as_of=2025-05-16&round={JEJU}")
    expect(page.locator("h1")).to_have_text("Korea–US tariff negotiations 2025 (July package)")

    dropped = cell(page, "currency-policy", JEJU)
    expect(dropped).to_have_attribute("data-change", "dropped")
    # JoongAng Daily says the areas were expanded without it: excluded, not merely off.
    expect(dropped).to_have_attribute("data-state", "excluded")
    expect(dropped).to_contain_text("Excluded")
    expect(dropped).to_contain_text("Dropped")
    # Focusing a cell shows the label as reported before and the editors' explanation.
    dropped.focus()
    popover = page.locator("#cell-popover")
    expect(popover).to_be_visible()
    expect(popover).to_contain_text("Previously reported as")
    expect(popover).to_contain_text("currency policies")  # the 1 May announcement's words
    expect(popover).to_contain_text("Treasury")
    # Hovering a present cell shows the label and the quote that supports it.
    cell(page, "tariffs", JEJU).hover()
    expect(popover).to_contain_text("balanced trade")
    expect(popover.locator("blockquote").first).to_be_visible()
    page.keyboard.press("Escape")
    expect(popover).to_be_hidden()

    expect(cell(page, "tariffs", MAY_1)).to_have_attribute("data-state", "present")
    week = page.locator(f'g.round-mark[data-round="{NEXT_WEEK}"] rect.round-span')
    expect(week).to_have_count(1)
    assert week.bounding_box()["width"] > 20  # a week drawn as a span, not a dot
    expect(page.locator("#changes")).to_contain_text(
        "Compared with First round of technical consultations"
    )

    page.mouse.move(0, 0)
    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    page.screenshot(path=ARTIFACTS / "dashboard-1280-full.png", full_page=True)
    # The overview (docs/dashboard.png): the page down to the end of the agenda matrix.
    bottom = page.locator("#agenda").evaluate(
        "element => element.getBoundingClientRect().bottom + window.scrollY"
    )
    page.screenshot(
        path=ARTIFACTS / "dashboard-1280.png",
        full_page=True,
        clip={"x": 0, "y": 0, "width": 1280, "height": bottom + 24},
    )

    # Printed, the page drops its navigation and forms and opens the tables.
    page.emulate_media(media="print")
    expect(page.locator("nav.picker")).to_be_hidden()
    expect(page.locator("form.as-of")).to_be_hidden()
    expect(page.locator("#timeline table.data-table").first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "dashboard-print.png", full_page=True)
    page.emulate_media(media="screen")

    small = new_context(viewport={"width": 390, "height": 844}).new_page()
    small.goto(f"{site}/dashboard/?as_of=2025-05-16&round={JEJU}")
    expect(small.locator("h1")).to_be_visible()
    # The page itself does not scroll sideways; the matrix and the timeline do.
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    small.screenshot(path=ARTIFACTS / "dashboard-390.png", full_page=True)


def test_changing_as_of_on_the_page_changes_the_countdown(site, page):
    page.goto(f"{site}/dashboard/")
    pause = page.locator('[data-deadline="tariff-pause-expiry-2025-07-08"].deadline-card')

    page.fill('form.as-of input[name="as_of"]', "2025-05-16")
    page.click('form.as-of button[type="submit"]')
    page.wait_for_url("**as_of=2025-05-16**")
    expect(pause.locator(".deadline-card__number")).to_have_text("53")
    expect(pause).to_contain_text("days to go")

    page.fill('form.as-of input[name="as_of"]', "2025-06-10")
    page.click('form.as-of button[type="submit"]')
    page.wait_for_url("**as_of=2025-06-10**")
    expect(pause.locator(".deadline-card__number")).to_have_text("28")
    election = page.locator('[data-deadline="korea-snap-election-2025-06-03"].deadline-card')
    expect(election).to_contain_text("7 days ago")


def test_editing_a_round_in_the_admin_shows_on_the_dashboard(site, page):
    page.goto(f"{site}/dashboard/?as_of=2025-05-16&round={JEJU}")
    expect(cell(page, "digital-trade", JEJU)).to_have_attribute("data-change", "added")

    # Follow the round's admin link: the admin asks to log in, then opens the round.
    page.locator("#changes .changes__round").get_by_role("link", name="Admin", exact=True).click()
    page.wait_for_url("**/admin/login/**")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click('input[type="submit"]')
    jeju = models.Round.objects.get(slug=JEJU)
    page.wait_for_url(f"**/admin/negotiations/round/{jeju.pk}/change/")
    expect(page.locator("#content h2, #content h1").first).to_be_visible()
    # The admin's inlines are wider than the window: keep the 1280 px view.
    page.screenshot(path=ARTIFACTS / "admin-round-1280.png")

    # Delete the "digital trade" agenda item inline and save.
    labels = page.locator('input[name^="agenda_items-"][name$="-label"]')
    names = [labels.nth(i).get_attribute("name") for i in range(labels.count())]
    values = [labels.nth(i).input_value() for i in range(labels.count())]
    prefix = names[values.index("digital trade")].removesuffix("-label")
    page.check(f'input[name="{prefix}-DELETE"]')
    page.click('input[name="_save"]')
    page.wait_for_url("**/admin/negotiations/round/")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert not models.AgendaItem.objects.filter(round=jeju, label="digital trade").exists()

    page.goto(f"{site}/dashboard/?as_of=2025-05-16&round={JEJU}")
    digital = cell(page, "digital-trade", JEJU)
    expect(digital).to_have_attribute("data-state", "absent")
    expect(digital).not_to_have_attribute("data-change", re.compile(".*"))
    # The next round now adds digital trade, since Jeju no longer had it.
    expect(cell(page, "digital-trade", NEXT_WEEK)).to_have_attribute("data-change", "added")
    expect(page.locator("#changes .change-list--added")).not_to_contain_text("Digital trade")


def test_a_disputed_change_shows_its_versions_on_hover_and_on_keyboard_focus(site, page):
    """The 24 April lists disagree on currency policy (Reuters' four leave it out)."""
    page.goto(f"{site}/dashboard/?as_of=2025-05-16&round={WASHINGTON}")
    entry = page.locator('#changes [data-area="currency-policy"]')
    marker = entry.locator(".dispute")
    claims = marker.locator(".dispute__claims")
    expect(marker).to_contain_text("Disputed")
    expect(claims).to_be_hidden()

    marker.hover()
    expect(claims).to_be_visible()
    expect(claims).to_contain_text("Reuters")
    page.mouse.move(0, 0)
    expect(claims).to_be_hidden()

    # Keyboard only: Tab until the marker has focus, and its versions show.
    page.locator("body").click(position={"x": 1, "y": 1})
    for _ in range(400):
        page.keyboard.press("Tab")
        if marker.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the dispute marker cannot be reached with the keyboard")
    expect(claims).to_be_visible()
    # Screen readers get the versions as the marker's description.
    described = marker.get_attribute("aria-describedby")
    assert described == claims.get_attribute("id")
    page.screenshot(path=ARTIFACTS / "dispute-marker.png")

    # The matrix cell is marked too, and its floating panel lists both versions.
    currency = cell(page, "currency-policy", WASHINGTON)
    expect(currency).to_have_attribute("data-disputed", "true")
    expect(currency.locator(".cell__disputed")).to_be_visible()
    currency.focus()
    popover = page.locator("#cell-popover")
    expect(popover).to_contain_text("Sources disagree")


def test_the_known_as_of_control_shows_what_the_sources_had_reported(site, page):
    page.goto(f"{site}/dashboard/")
    page.fill('form.as-of input[name="known_as_of"]', "2025-04-25")
    page.fill('form.as-of input[name="as_of"]', "")
    page.click('form.as-of button[type="submit"]')
    page.wait_for_url("**known_as_of=2025-04-25**")

    expect(page.locator(".known-as-of")).to_contain_text("25 April 2025")
    # Jeju had not taken place and its agenda was not yet reported; the second technical
    # round had not been announced at all; Washington's list was Reuters', without currency
    # policy, which Reuters reports Bessent wanted discussed separately: excluded.
    jeju = cell(page, "tariffs", JEJU)
    expect(jeju).to_have_attribute("data-state", "unknown")
    expect(cell(page, "tariffs", MAY_1)).to_have_attribute("data-state", "unknown")
    expect(page.locator(f'th[data-round="{NEXT_WEEK}"]')).to_have_count(0)
    washington = cell(page, "tariffs", WASHINGTON)
    expect(washington).to_have_attribute("data-change", "first_reported")
    expect(cell(page, "currency-policy", WASHINGTON)).to_have_attribute("data-state", "excluded")
    expect(cell(page, "currency-policy", JEJU)).to_have_attribute("data-state", "unknown")
    # Days are counted from the day chosen when no other day is given.
    pause = page.locator('[data-deadline="july-package-target-2025-07-08"].deadline-card')
    expect(pause.locator(".deadline-card__number")).to_have_text("74")
    page.screenshot(path=ARTIFACTS / "dashboard-known-as-of.png", full_page=True)

    page.get_by_role("link", name="Show everything reported so far").click()
    expect(page.locator(f'th[data-round="{NEXT_WEEK}"]')).to_have_count(1)
