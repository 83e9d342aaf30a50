"""What was known on a given day (?known_as_of=): the seed story as the articles told it
on their publication days, and the rules on small built data."""

import datetime

import pytest

from negotiations import models
from negotiations.domain.agenda import negotiation_agenda_changes, round_agenda_changes
from tests import factories
from tests.contract import error_messages

pytestmark = pytest.mark.django_db

TALKS = "kr-us-tariff-talks-2025"
WASHINGTON = "washington-2plus2-2025-04-24"
TECHNICAL_1 = "washington-technical-1-2025-05-01"
JEJU = "jeju-ministerial-2025-05-16"
TECHNICAL_2 = "technical-2-week-of-2025-05-19"
APRIL_LIST = "currency-policy-on-2025-04-24-agenda"


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def by_round(sequence):
    return {changes["round"]["slug"]: changes for changes in sequence}


def slugs(entries):
    return {entry["slug"] for entry in entries}


class TestSeedStory:
    def test_on_25_april_washington_has_taken_place_and_jejus_agenda_is_unknown(self):
        talks = models.Negotiation.objects.get(slug=TALKS)
        known = by_round(negotiation_agenda_changes(talks, known_as_of=day("2025-04-25")))

        washington = known[WASHINGTON]
        assert washington["round"]["status"] == "held"
        assert "currency-policy" in slugs(washington["first_reported"])
        assert washington["contested"] is True  # both versions of the list were out
        jeju = known[JEJU]
        assert jeju["round"]["status"] == "planned"  # it had not taken place yet
        assert jeju["round"]["agenda_status"] == "not_reported"
        assert jeju["comparable"] is False
        assert TECHNICAL_2 not in known  # first reported on 16 May

    def test_on_24_april_only_the_reuters_list_was_out(self):
        """The undated article (counted from 25 April), Yonhap (26 April) and JoongAng
        (16 May) list currency policy; on 24 April only Reuters had reported the list."""
        talks = models.Negotiation.objects.get(slug=TALKS)
        washington = by_round(negotiation_agenda_changes(talks, known_as_of=day("2025-04-24")))[
            WASHINGTON
        ]

        assert slugs(washington["first_reported"]) == {
            "tariffs",
            "non-tariff-measures",
            "economic-security",
            "investment-cooperation",
        }
        assert washington["contested"] is False  # one version is no disagreement yet
        citations = {
            citation["source"]
            for entry in washington["first_reported"]
            for citation in entry["after"]["citations"]
        }
        assert citations == {"reuters-2025-04-24"}

    def test_on_16_may_jejus_changes_are_known_with_the_dispute(self):
        jeju = models.Round.objects.get(slug=JEJU)
        changes = round_agenda_changes(jeju, known_as_of=day("2025-05-16"))
        assert changes["round"]["status"] == "held"
        assert {entry["slug"] for entry in changes["dropped"]} == {
            "currency-policy",
            "investment-cooperation",
        }
        assert changes["contested"] is True
        assert changes == round_agenda_changes(jeju)  # nothing published since changes it

    def test_a_round_no_source_had_reported_is_not_known(self):
        from negotiations.domain.agenda import RoundNotKnown

        with pytest.raises(RoundNotKnown):
            round_agenda_changes(
                models.Round.objects.get(slug=TECHNICAL_2), known_as_of=day("2025-05-15")
            )


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
        assert before["summary"] == before["outcomes"] == ""
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
        assert sequence[1]["round"]["agenda_basis"] == ""
        assert sequence[1]["reason"].startswith("This round's agenda was not reported")


class TestAPI:
    def test_rounds_list_as_known_on_a_day(self, api):
        body = api.get("/api/v1/rounds/", {"negotiation": TALKS, "known_as_of": "2025-04-25"})
        body = body.json()
        rounds = {r["slug"]: r for r in body["results"]}
        assert set(rounds) == {WASHINGTON, TECHNICAL_1, JEJU}
        assert rounds[JEJU]["status"] == "planned" and rounds[JEJU]["agenda"] is None
        assert rounds[JEJU]["participants"] == []  # the Jeju report is from 16 May
        assert body["known_as_of"]["date"] == "2025-04-25"
        assert body["known_as_of"]["sources_published"] == 3

    def test_status_filters_read_the_rounds_as_known(self, api):
        held = api.get(
            "/api/v1/rounds/",
            {"negotiation": TALKS, "known_as_of": "2025-04-25", "status": "held"},
        ).json()["results"]
        assert [r["slug"] for r in held] == [WASHINGTON]
        reported = api.get(
            "/api/v1/rounds/",
            {"negotiation": TALKS, "known_as_of": "2025-04-25", "agenda_status": "reported"},
        ).json()["results"]
        assert [r["slug"] for r in reported] == [WASHINGTON]
        announced = api.get(
            "/api/v1/rounds/", {"known_as_of": "2025-05-16", "agenda_basis": "announced"}
        ).json()["results"]
        assert {r["slug"] for r in announced} == {TECHNICAL_2, "alaska-lng-summit-2025-summer"}

    def test_agenda_answers_carry_the_day(self, api):
        for url in (
            f"/api/v1/rounds/{JEJU}/agenda-changes/",
            f"/api/v1/negotiations/{TALKS}/agenda-changes/",
            f"/api/v1/negotiations/{TALKS}/agenda-matrix/",
            "/api/v1/agenda-areas/currency-policy/history/",
        ):
            body = api.get(url, {"known_as_of": "2025-05-16"}).json()
            assert body["known_as_of"]["date"] == "2025-05-16", url
            assert "known_as_of" not in api.get(url).json(), url

    def test_unknown_rounds_are_404s_that_say_why(self, api):
        response = api.get(
            f"/api/v1/rounds/{TECHNICAL_2}/agenda-changes/", {"known_as_of": "2025-05-01"}
        )
        assert response.status_code == 404
        assert "2025-05-01" in response.json()["detail"]
        response = api.get(
            "/api/v1/rounds/compare/",
            {"from": WASHINGTON, "to": TECHNICAL_2, "known_as_of": "2025-05-01"},
        )
        assert response.status_code == 404
        assert (
            api.get(f"/api/v1/rounds/{TECHNICAL_2}/", {"known_as_of": "2025-05-01"}).status_code
            == 404
        )

    def test_deadlines_count_from_the_day_known(self, api):
        body = api.get("/api/v1/deadlines/", {"known_as_of": "2025-04-24"}).json()
        deadlines = {d["slug"]: d for d in body["results"]}
        # Reuters had the July package on 24 April; the pause's expiry came a day later.
        assert "tariff-pause-expiry-2025-07-08" not in deadlines
        target = deadlines["july-package-target-2025-07-08"]
        assert target["days_remaining"] == (day("2025-07-08") - day("2025-04-24")).days
        assert {c["source"] for c in target["citations"]} == {"reuters-2025-04-24"}

    def test_conflicts_need_two_published_versions(self, api):
        def conflicts(known_as_of):
            body = api.get("/api/v1/conflicts/", {"known_as_of": known_as_of}).json()
            return {d["slug"]: d for d in body["results"]}

        assert APRIL_LIST not in conflicts("2025-04-24")
        on_25 = conflicts("2025-04-25")[APRIL_LIST]
        assert [claim["label"] for claim in on_25["claims"]] == ["A", "B"]
        sources = {c["source"] for claim in on_25["claims"] for c in claim["citations"]}
        assert "joongang-2025-05-16" not in sources

    def test_measures_as_known(self, api):
        body = api.get("/api/v1/measures/", {"known_as_of": "2025-04-24"}).json()
        found = {m["slug"] for m in body["results"]}
        assert "us-reciprocal-tariff-kr-25" in found  # Reuters, 24 April
        assert "us-tariff-autos-steel-aluminium-kr-25" in found  # Reuters' item-specific
        for measure in body["results"]:
            assert {c["source"] for c in measure["citations"]} == {"reuters-2025-04-24"}

    @pytest.mark.parametrize(
        ("url", "params", "name"),
        [
            ("/api/v1/rounds/", {"known_as_of": "25 April"}, "known_as_of"),
            (f"/api/v1/rounds/{JEJU}/", {"known_as_of": "2025-13-01"}, "known_as_of"),
            (f"/api/v1/rounds/{JEJU}/agenda-changes/", {"known_as_of": "x"}, "known_as_of"),
            (
                f"/api/v1/rounds/{JEJU}/agenda-changes/",
                {"include_planned": "yes"},
                "include_planned",
            ),
            (
                f"/api/v1/negotiations/{TALKS}/agenda-matrix/",
                {"include_planned": "1"},
                "include_planned",
            ),
            ("/api/v1/agenda-areas/currency-policy/history/", {"page_size": "101"}, "page_size"),
            ("/api/v1/conflicts/", {"known_as_of": "2025-04-31"}, "known_as_of"),
        ],
    )
    def test_bad_values_are_400s_naming_the_parameter(self, api, url, params, name):
        response = api.get(url, params)
        assert response.status_code == 400, response.content
        assert name in error_messages(response)

    def test_area_history_is_paged_by_negotiation(self, api):
        talks = models.Negotiation.objects.get(slug=TALKS)
        energy = models.AgendaArea.objects.get(slug="energy-cooperation")
        for index in range(3):
            other = factories.negotiation(title=f"zz energy talks {index}")
            factories.round(other, 1, agenda={"energy": energy})
        first = api.get("/api/v1/agenda-areas/energy-cooperation/history/", {"page_size": 2})
        body = first.json()
        assert body["count"] == 4 and len(body["negotiations"]) == 2 and body["next"]
        second = api.get(body["next"]).json()
        titles = [n["negotiation"]["title"] for n in body["negotiations"] + second["negotiations"]]
        assert titles == sorted(titles) and len(set(titles)) == 4
        assert talks.title not in titles  # energy is on the Alaska track's agenda, not the talks'


def test_the_calendar_as_known_on_a_day_quotes_only_that_days_sources(api):
    body = api.get("/api/v1/deadlines.ics", {"known_as_of": "2025-04-24"}).content.decode()
    unfolded = body.replace("\r\n ", "")
    assert "July package target" in unfolded
    assert "End of the US reciprocal tariff pause" not in unfolded  # reported from 25 April
    assert "Reuters" in unfolded and "JoongAng" not in unfolded
