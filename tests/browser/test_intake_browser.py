"""An editor enters an article published after the seeds end through the admin's "Add an
article", in headless Chromium: a new round in Washington on a given day, a new person with
a title, an agenda of three areas one of which no area knows, a deadline moved to another
day. The round, its agenda and the deadline are then in the API with their quotes, and the
clicks, picks and form submissions it took are counted (the README compares them with the
20 saves and ~45 picks of the admin's forms, issue 20).

Same set-up as the other browser tests (tests/browser/conftest.py: Debian's Chromium, the
seed data loaded per test on the live server, every page watched for CSP violations)."""

import json

from negotiations import models
from tests.browser.chromium import ARTIFACTS, BROWSER, log_in
from tests.conftest import ContractClient
from tests.seed import TALKS

pytestmark = BROWSER

TITLE = "South Korea and US hold fourth round of tariff talks in Washington"
ARTICLE = "\n".join(
    [
        TITLE,
        "Published: 20 Jun. 2025, 08:30",
        "Trade Minister Yeo Han-koo met U.S. Trade Representative Jamieson Greer in Washington "
        "on Thursday for the fourth round of tariff talks.",
        "The two sides agreed to focus on three areas: tariffs, shipbuilding and digital trade "
        "rules.",
        "They now aim to reach a package deal by August 1, a deadline moved from July 8.",
        "",
    ]
)
ROUND_SENTENCE = ARTICLE.splitlines()[2]
AGENDA_SENTENCE = ARTICLE.splitlines()[3]
DEADLINE_SENTENCE = ARTICLE.splitlines()[4]
# What entering it takes (README, "Article intake"): the link to the page, the two buttons;
# two picks (an area for the label no area knows, the new person's side); two submissions.
CLICKS, PICKS, SUBMISSIONS = 3, 2, 2


class Counted:
    """The page's clicks, picks (a choice in a list) and form submissions."""

    def __init__(self, page):
        self.page, self.clicks, self.picks, self.submissions = page, 0, 0, 0

    def click(self, selector, *, submits=False):
        self.clicks += 1
        self.submissions += submits
        self.page.click(selector)

    def pick(self, selector, value):
        self.picks += 1
        self.page.select_option(selector, value)


def test_an_editor_enters_a_new_article_and_its_facts_are_in_the_api(site, page):
    before = models.Deadline.objects.filter(negotiation__slug=TALKS).count()
    log_in(page, site)
    editor = Counted(page)
    editor.click('a[href="/admin/intake/add/"]')  # on the index page
    page.wait_for_url(f"{site}/admin/intake/add/")
    page.fill("#id_title", TITLE)
    page.fill("#id_url", "https://news.example/kr-us-fourth-round")
    page.fill("#id_publisher", "Example News")
    page.fill("#id_text", ARTICLE)
    editor.click('input[value="Read the article"]', submits=True)
    page.wait_for_url(f"{site}/admin/intake/*/")
    page.screenshot(path=ARTIFACTS / "admin-intake-review.png", full_page=True)

    # The agenda item of the label no area knows (its key ends with the label's words).
    row = page.locator('tr[data-key$=":digitaltraderules"]')
    picker = row.locator("select").first
    options = picker.locator("option").all_inner_texts()
    assert options[0].startswith("Unmapped") and options[1].startswith("Digital trade")
    editor.pick(f"#{picker.get_attribute('id')}", "digital-trade")
    # The new person's side: no title of the text says it.
    yeo = page.locator('tr[data-key^="participant:"][data-key$=":yeohankoo"]')
    editor.pick(f"#{yeo.locator('select').nth(1).get_attribute('id')}", "kr")
    editor.click('input[value="Accept selected"]', submits=True)
    page.wait_for_selector("text=Written, cited by their sentences")
    assert (editor.clicks, editor.picks, editor.submissions) == (CLICKS, PICKS, SUBMISSIONS)

    api = ContractClient()
    source = models.Source.objects.get(url="https://news.example/kr-us-fourth-round")
    round_ = models.Round.objects.filter(citations__source=source).distinct().get()
    answer = api.get(f"/api/v1/rounds/{round_.slug}/").json()
    assert answer["negotiation"]["slug"] == TALKS
    assert answer["start_date"] == "2025-06-19"  # "on Thursday", before the 20 June article
    text = json.dumps(answer, ensure_ascii=False)
    assert ROUND_SENTENCE in text and AGENDA_SENTENCE in text
    assert [item["label"] for item in answer["agenda"]] == [
        "tariffs", "shipbuilding", "digital trade rules",
    ]  # fmt: skip
    assert all(item["areas"] for item in answer["agenda"])  # the unknown label mapped
    people = {p["name_as_reported"] for p in answer["participants"]}
    assert people == {"Yeo Han-koo", "Jamieson Greer"}
    assert models.Person.objects.filter(name="Yeo Han-koo").exists()  # a new person
    # The label picked is an alias now: the next article's "digital trade rules" maps.
    assert models.AgendaAreaAlias.objects.filter(
        name="digital trade rules", area__slug="digital-trade"
    ).exists()

    deadlines = api.get("/api/v1/deadlines/", {"negotiation": TALKS}).json()["results"]
    (moved,) = [d for d in deadlines if d["date"] == "2025-08-01"]
    assert DEADLINE_SENTENCE in json.dumps(moved, ensure_ascii=False)
    # Moved, not added: a recorded 8 July deadline has the new day, the old one superseded.
    assert len(deadlines) == before
    assert moved["slug"].endswith("2025-07-08")
    claims = api.get(f"/api/v1/deadlines/{moved['slug']}/claims/").json()
    assert "2025-07-08" in json.dumps(claims) and "superseded" in json.dumps(claims)
