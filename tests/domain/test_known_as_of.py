"""What was known on a given day (?known_as_of=): the rules on built talks, a source a day
(the seed's story on the articles' days: tests/end_to_end/test_known_as_of_story.py)."""

import datetime

import pytest

from negotiations import models
from negotiations.domain.agenda import negotiation_agenda_changes
from tests import factories

pytestmark = pytest.mark.django_db


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


class TestRules:
    @pytest.fixture
    def story(self):
        """A source a day: the meeting is announced on 1 March and reported on 10 March."""
        announced = factories.source(published_on=day("2025-03-01"))
        reported = factories.source(published_on=day("2025-03-10"))
        undated = factories.source()
        talks = factories.negotiation()
        area = factories.area(slug="asof-area")
        meeting = factories.round(
            talks,
            1,
            agenda={"steel": area},
            start_date=day("2025-03-05"),
            summary="They met.",
            outcomes="They agreed.",
        )
        meeting.citations.add(factories.citation(announced, "They will meet on 5 March."))
        meeting.agenda_items.get().citations.add(factories.citation(announced, "On steel."))
        models.Participant.objects.create(
            round=meeting, party=talks.parties.first(), name_as_reported="A minister"
        ).citations.add(factories.citation(reported, "A minister attended."))
        models.Participant.objects.create(
            round=meeting, party=talks.parties.last(), name_as_reported="Someone"
        ).citations.add(factories.citation(undated, "Someone attended."))
        return {"talks": talks, "meeting": meeting, "undated": undated}

    def test_before_a_sources_day_its_facts_are_unknown(self, api, story):
        url = f"/api/v1/rounds/{story['meeting'].slug}/"
        assert api.get(url, {"known_as_of": "2025-02-28"}).status_code == 404
        before = api.get(url, {"known_as_of": "2025-03-04"}).json()
        assert before["status"] == "planned"  # dated after the day: not yet held
        # Written after the meeting; its only citation supports the round as a whole.
        assert before["summary"] is None and before["outcomes"] is None
        assert {"summary", "outcomes"} <= set(before["unknown_fields"])
        assert before["agenda_basis"] == "announced"
        assert before["participants"] == []
        assert before["known_as_of"] == {
            "date": "2025-03-04",
            "sources_published": models.Source.objects.filter(
                published_on__lte=day("2025-03-04")
            ).count(),
            "sources_undated": models.Source.objects.filter(published_on=None).count(),
        }

    def test_after_a_sources_day_its_facts_are_known_with_their_citations_only(self, api, story):
        url = f"/api/v1/rounds/{story['meeting'].slug}/"
        after = api.get(url, {"known_as_of": "2025-03-10"}).json()
        assert after["status"] == "held" and after["outcomes"] == "They agreed."
        assert after["agenda_basis"] == "discussed"
        assert [p["name_as_reported"] for p in after["participants"]] == ["A minister"]
        # The undated source never counts: its participant is left out, whatever the day.
        everything = api.get(url).json()
        assert len(everything["participants"]) == 2 and "known_as_of" not in everything

    def test_a_window_counts_from_its_last_day(self, api, story):
        source = factories.source(
            published_on=day("2025-02-01"),
            published_on_end=day("2025-02-03"),
            published_on_inferred=True,
            date_note="Inferred.",
        )
        position = models.Position.objects.create(
            slug="asof-position", party=story["talks"].parties.first(), kind="statement"
        )
        position.citations.add(factories.citation(source, "We said so."))
        found = [
            p["slug"]
            for p in api.get("/api/v1/positions/", {"known_as_of": "2025-02-02"}).json()["results"]
        ]
        assert "asof-position" not in found
        found = [
            p["slug"]
            for p in api.get("/api/v1/positions/", {"known_as_of": "2025-02-03"}).json()["results"]
        ]
        assert "asof-position" in found

    def test_an_agenda_none_of_whose_items_is_cited_yet_is_not_reported(self, story):
        later = factories.source(published_on=day("2025-04-01"))
        second = factories.round(
            story["talks"],
            2,
            agenda={"more steel": models.AgendaArea.objects.get(slug="asof-area")},
        )
        second.citations.add(factories.citation(story["meeting"].citations.first().source))
        second.agenda_items.get().citations.add(factories.citation(later, "More steel."))

        sequence = negotiation_agenda_changes(story["talks"], known_as_of=day("2025-03-20"))

        assert sequence[1]["round"]["agenda_status"] == "not_reported"
        assert sequence[1]["round"]["agenda_basis"] is None
        assert sequence[1]["reason"].startswith("This round's agenda was not reported")
