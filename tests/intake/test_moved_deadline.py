"""Intake of an article that moves a recorded deadline to another day (issue 20): proposed
as a change of that deadline (a new version of its date, cited by the sentence; the quotes
that stated the old day keep it, as superseded), not as a new deadline."""

import datetime

import pytest

from negotiations import models
from negotiations.domain import writes
from negotiations.domain.claims import record_claims
from negotiations.intake import proposals as kinds
from negotiations.intake.accept import accept
from negotiations.intake.engine import propose
from tests import factories
from tests.intake.test_api import URL, by_kind, enter, vocabulary  # noqa: F401

pytestmark = pytest.mark.django_db

MOVED = "They now aim for an agreement by May 29, a deadline moved from April 30."
ARTICLE = "\n".join(
    [
        "Freedonia and Sylvania give themselves another month",
        "Published: 2 Apr. 2031, 10:00",
        "Commerce Minister Rufus Firefly met Trentino Vasquez on Tuesday in Marston.",
        MOVED,
        "",
    ]
)


@pytest.fixture
def target(vocabulary):  # noqa: F811
    talks = factories.negotiation(parties=[vocabulary["freedonia"]])
    deadline = models.Deadline.objects.create(
        slug="agreement-target",
        title="Target date for an agreement",
        kind="negotiating_target",
        negotiation=talks,
        date=datetime.date(2031, 4, 30),
    )
    earlier = factories.source(
        text="They aim for an agreement by April 30.", published_on=datetime.date(2031, 3, 12)
    )
    old = factories.citation(earlier, quote="They aim for an agreement by April 30.")
    writes.set_citation_links(
        record=deadline, links=[writes.CitationLinkSpec(citation=old, facets=("date",))]
    )
    return deadline


def test_a_moved_deadline_is_proposed_as_a_change_of_the_recorded_one(target):
    source = factories.source(text=ARTICLE, published_on=datetime.date(2031, 4, 2))
    found = propose(source)
    deadlines = list(found.of_kind(kinds.DEADLINE))
    assert len(deadlines) == 1, [(p.key, p.values) for p in deadlines]
    (moved,) = deadlines
    assert moved.existing == "agreement-target"
    assert moved.values["date"] == datetime.date(2031, 5, 29)
    assert moved.values["previous_date"] == datetime.date(2031, 4, 30)
    assert moved.sentence == MOVED

    before = models.Deadline.objects.count()
    accept(found, [moved.key])
    target.refresh_from_db()
    assert models.Deadline.objects.count() == before  # no new deadline
    assert target.date == datetime.date(2031, 5, 29)
    assert target.history.count() >= 2  # the old day is a version of its own
    links = {link.citation.quote: link for link in target.citation_links.select_related("citation")}
    assert links[MOVED].facets == ["date"] and links[MOVED].reports_change
    old = links["They aim for an agreement by April 30."]
    assert old.values["date"]["date"] == "2031-04-30"  # superseded: that source said the old day
    # Its claims: the new day current, the old one superseded by the sentence.
    (date,) = [f for f in record_claims(target)["facets"] if f["facet"] == "date"]
    states = {v["value"]["date"]: v["state"] for v in date["values"]}
    assert states == {"2031-05-29": "current", "2031-04-30": "superseded"}, date
    # Run again: nothing is proposed for it.
    assert list(propose(source).of_kind(kinds.DEADLINE)) == []


def test_accepting_the_move_through_the_api(target, editor):
    answer = enter(editor, text=ARTICLE, url="https://news.example/moved").json()
    (moved,) = by_kind(answer, "deadline")
    assert "agreement-target" in moved["key"]
    response = editor.post(
        f"{URL}{answer['source']['slug']}/accept/", {"keys": [moved["key"]]}, format="json"
    )
    assert response.status_code == 200, response.json()
    target.refresh_from_db()
    assert target.date == datetime.date(2031, 5, 29)
    assert target.citation_links.filter(citation__quote=MOVED).exists()


def test_accepting_the_move_in_the_admin(target, staff_client):
    response = staff_client.post(
        "/admin/intake/add/",
        {"title": "Another month", "url": "", "publisher": "Example", "text": ARTICLE},
    )
    assert response.status_code == 302
    page = staff_client.get(response["Location"])
    html = page.content.decode()
    assert "Moves Target date for an agreement from 2031-04-30 to 2031-05-29." in html
    rows = page.context["rows"]
    (moved,) = [r for r in rows if r["kind"] == "Deadline"]
    data = {"accept": [moved["key"]]}
    data.update({field["name"]: field["value"] for field in moved["fields"]})
    before = models.Deadline.objects.count()
    assert staff_client.post(response["Location"], data).status_code == 302
    target.refresh_from_db()
    assert target.date == datetime.date(2031, 5, 29)
    assert models.Deadline.objects.count() == before
