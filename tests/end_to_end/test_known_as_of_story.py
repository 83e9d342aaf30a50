"""What was known on a given day (?known_as_of=) about the 2025 Korea–US talks, as the
articles told it on their publication days: the domain's answers and the API's lists,
deadlines, conflicts, measures and calendar on those days (the rules on built data:
tests/domain/test_known_as_of.py)."""

import datetime

import pytest

from negotiations import models
from negotiations.domain.agenda import negotiation_agenda_changes, round_agenda_changes
from tests.helpers import area_slugs
from tests.seed import (
    ALASKA_SUMMIT,
    APRIL_LIST,
    CURRENCY_POLICY,
    JEJU,
    JULY_PACKAGE,
    PAUSE_EXPIRY,
    REUTERS,
    TALKS,
    TECHNICAL_1,
    TECHNICAL_2,
    WASHINGTON,
)

pytestmark = pytest.mark.django_db


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def by_round(sequence):
    return {changes["round"]["slug"]: changes for changes in sequence}


class TestDomain:
    """The agenda answers on the days the articles appeared."""

    def test_on_25_april_washington_has_taken_place_and_jejus_agenda_is_unknown(self):
        talks = models.Negotiation.objects.get(slug=TALKS)
        known = by_round(negotiation_agenda_changes(talks, known_as_of=day("2025-04-25")))

        washington = known[WASHINGTON]
        assert washington["round"]["status"] == "held"
        assert "currency-policy" in area_slugs(washington["first_reported"])
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

        assert area_slugs(washington["first_reported"]) == {
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
        assert citations == {REUTERS}

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


class TestAPI:
    """The API's answers on those days."""

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
        assert {r["slug"] for r in announced} == {TECHNICAL_2, ALASKA_SUMMIT}

    def test_agenda_answers_carry_the_day(self, api):
        for url in (
            f"/api/v1/rounds/{JEJU}/agenda-changes/",
            f"/api/v1/negotiations/{TALKS}/agenda-changes/",
            f"/api/v1/negotiations/{TALKS}/agenda-matrix/",
            f"/api/v1/agenda-areas/{CURRENCY_POLICY}/history/",
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
        assert PAUSE_EXPIRY not in deadlines
        target = deadlines[JULY_PACKAGE]
        assert target["days_remaining"] == (day("2025-07-08") - day("2025-04-24")).days
        assert {c["source"] for c in target["citations"]} == {REUTERS}

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
            assert {c["source"] for c in measure["citations"]} == {REUTERS}


def test_the_calendar_as_known_on_a_day_quotes_only_that_days_sources(api):
    body = api.get("/api/v1/deadlines.ics", {"known_as_of": "2025-04-24"}).content.decode()
    unfolded = body.replace("\r\n ", "")
    assert "July package target" in unfolded
    assert "End of the US reciprocal tariff pause" not in unfolded  # reported from 25 April
    assert "Reuters" in unfolded and "JoongAng" not in unfolded
