"""What was known on a given day (?known_as_of=) about the 2025 Korea–US talks, as the
articles told it on their publication days: the domain's answers and the API's lists,
deadlines, claims, conflicts, measures and calendar on those days (the rules on built data:
tests/domain/test_known_as_of.py). The articles: the Han Cabinet report (22 April), Reuters
(24 April), Yonhap (26 April), the undated "very successful" article (24 to 30 April, counted
from 30 April) and JoongAng Daily (16 May)."""

import datetime

import pytest

from negotiations import models
from negotiations.domain.agenda import negotiation_agenda_changes, round_agenda_changes
from tests.helpers import area_slugs
from tests.seed import (
    ALASKA_SUMMIT,
    CURRENCY_POLICY,
    HAN_CABINET,
    JEJU,
    JEJU_COUNTERPART,
    JOONGANG,
    JULY_PACKAGE,
    PAUSE_EXPIRY,
    REUTERS,
    TALKS,
    TARIFF_SCOPE,
    TECHNICAL_1,
    TECHNICAL_2,
    UNDATED,
    WASHINGTON,
    YONHAP,
)

pytestmark = pytest.mark.django_db

FOUR_WITHOUT_CURRENCY = {
    "tariffs",
    "non-tariff-measures",
    "economic-security",
    "investment-cooperation",
}


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def by_round(sequence):
    return {changes["round"]["slug"]: changes for changes in sequence}


def sources_of(entries) -> set[str]:
    return {
        citation["source"]
        for entry in entries
        for citation in (entry.get("after") or entry.get("before"))["citations"]
    }


class TestDomain:
    """The agenda answers on the days the articles appeared."""

    def test_on_24_april_only_the_reuters_list_was_out(self):
        """On 24 April only Reuters had reported the list: its four areas, without currency
        policy, in its words; no second version, no dispute."""
        talks = models.Negotiation.objects.get(slug=TALKS)
        known = by_round(negotiation_agenda_changes(talks, known_as_of=day("2025-04-24")))
        washington = known[WASHINGTON]

        assert washington["round"]["status"] == "held"
        assert area_slugs(washington["first_reported"]) == FOUR_WITHOUT_CURRENCY
        assert washington["contested"] is False
        assert sources_of(washington["first_reported"]) == {REUTERS}
        # The first technical round was announced without its areas (Reuters: "working-level
        # discussions next week"); Jeju only as a Greer–Choi meeting in South Korea.
        assert known[TECHNICAL_1]["round"]["agenda_status"] == "not_reported"
        assert known[JEJU]["round"]["status"] == "planned"
        assert known[JEJU]["round"]["agenda_status"] == "not_reported"
        assert TECHNICAL_2 not in known  # first reported on 16 May

    def test_on_25_april_nothing_new_was_out(self):
        """The undated article counts from the last day of its window (30 April): on 25 April
        the answers are the 24 April ones."""
        talks = models.Negotiation.objects.get(slug=TALKS)
        assert negotiation_agenda_changes(
            talks, known_as_of=day("2025-04-25")
        ) == negotiation_agenda_changes(talks, known_as_of=day("2025-04-24"))

    def test_on_26_april_yonhap_lists_currency_policy_and_announces_the_first_technical_round(
        self,
    ):
        talks = models.Negotiation.objects.get(slug=TALKS)
        known = by_round(negotiation_agenda_changes(talks, known_as_of=day("2025-04-26")))

        washington = known[WASHINGTON]
        assert area_slugs(washington["first_reported"]) == FOUR_WITHOUT_CURRENCY | {CURRENCY_POLICY}
        technical = known[TECHNICAL_1]
        assert technical["round"]["status"] == "planned"
        assert (technical["round"]["agenda_status"], technical["round"]["agenda_basis"]) == (
            "reported",
            "announced",
        )
        assert technical["compared_to"]["slug"] == WASHINGTON
        assert area_slugs(technical["retained"]) == FOUR_WITHOUT_CURRENCY | {CURRENCY_POLICY}
        assert sources_of(technical["retained"]) == {YONHAP}

    def test_on_26_april_the_two_lists_dispute_currency_policy_alone(self):
        talks = models.Negotiation.objects.get(slug=TALKS)
        washington = by_round(negotiation_agenda_changes(talks, known_as_of=day("2025-04-26")))[
            WASHINGTON
        ]
        disputed = {entry["slug"] for entry in washington["first_reported"] if entry["disputes"]}
        assert disputed == {CURRENCY_POLICY}
        assert washington["contested"] is True

    def test_on_16_may_jejus_changes_are_known(self):
        """Jeju against the first technical round's announced four: currency policy and
        investment cooperation dropped; neither list is disputed."""
        jeju = models.Round.objects.get(slug=JEJU)
        changes = round_agenda_changes(jeju, known_as_of=day("2025-05-16"))
        assert changes["round"]["status"] == "held"
        assert changes["compared_to"]["slug"] == TECHNICAL_1
        assert area_slugs(changes["dropped"]) == {CURRENCY_POLICY, "investment-cooperation"}
        assert changes["contested"] is False
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
        assert body["known_as_of"] == {
            "date": "2025-04-25",
            "sources_published": 2,
            "sources_undated": 0,
        }
        # Jeju as Reuters had it: Greer and Choi to meet in South Korea on 15-16 May.
        jeju = rounds[JEJU]
        assert jeju["title"] == "Greer–Choi meeting in South Korea"
        assert (jeju["status"], jeju["agenda"]) == ("planned", None)
        assert (jeju["start_date"], jeju["end_date"]) == ("2025-05-15", "2025-05-16")
        assert (jeju["city"], jeju["country"]) == ("", "KR")  # "in South Korea": no city
        assert jeju["level"] is None
        assert {"level", "venue", "occasion"} <= set(jeju["unknown_fields"])
        assert [p["name_as_reported"] for p in jeju["participants"]] == ["Greer"]
        # The 24 April round as Reuters and the Han Cabinet report had it.
        washington = rounds[WASHINGTON]
        assert washington["title"] == "First round in Washington"
        assert [item["label"] for item in washington["agenda"]] == [
            "tariffs, non-tariffs",
            "economic security",
            "investment cooperation",
        ]
        for record in body["results"]:
            sources = {c["source"] for c in record["citations"]}
            assert sources <= {HAN_CABINET, REUTERS}, record["slug"]

    def test_the_first_technical_round_on_each_day(self, api):
        """What JoongAng said on 16 May ("held on May 1 in Washington, involved director-level
        officials") is not shown before: on 25 April the round is Reuters' "working-level
        discussions next week"; on 26 April Yonhap's technical discussions with their agenda."""

        def technical(known_as_of):
            return api.get(f"/api/v1/rounds/{TECHNICAL_1}/", {"known_as_of": known_as_of}).json()

        early = technical("2025-04-25")
        assert early["title"] == "Working-level discussions"
        assert (early["start_date"], early["end_date"], early["date_precision"]) == (
            "2025-04-28",
            "2025-05-02",
            "week",
        )
        assert (early["date_as_reported"], early["level"], early["status"]) == (
            "next week",
            "working",
            "planned",
        )
        assert early["city"] is None and early["agenda"] is None
        assert "JoongAng" not in early["date_note"]

        announced = technical("2025-04-26")
        assert announced["title"] == "Technical discussions"
        assert [item["label"] for item in announced["agenda"]] == [
            "tariff- and non-tariff measures",
            "economic security",
            "investment cooperation",
            "currency policies",
        ]
        assert {p["name_as_reported"] for p in announced["participants"]} == {"their teams"}

        held = technical("2025-05-16")
        assert (held["start_date"], held["date_precision"], held["date_as_reported"]) == (
            "2025-05-01",
            "day",
            "May 1",
        )
        assert (held["city"], held["level"], held["status"]) == ("Washington", "director", "held")

    def test_a_rounds_claims_keep_what_each_source_said(self, api):
        body = api.get(
            f"/api/v1/rounds/{TECHNICAL_1}/claims/", {"known_as_of": "2025-05-16"}
        ).json()
        facets = {claim["facet"]: claim for claim in body["facets"]}
        week, held = facets["date"]["values"]
        assert (week["value"]["date_as_reported"], week["state"]) == ("next week", "superseded")
        assert {c["source"] for c in week["citations"]} == {REUTERS, YONHAP}
        assert (held["value"]["start_date"], held["state"]) == ("2025-05-01", "current")
        assert [v["value"]["status"] for v in facets["status"]["values"]] == ["planned", "held"]
        assert body["cited_as_a_whole"] == []

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
        assert {r["slug"] for r in announced} == {TECHNICAL_1, TECHNICAL_2, ALASKA_SUMMIT}

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
        """On 24 April Reuters has Ahn's "a July package by the 8th of July" and the pause
        "lifted in the month of July": the pause's day came with Yonhap on 26 April."""
        body = api.get("/api/v1/deadlines/", {"known_as_of": "2025-04-24"}).json()
        deadlines = {d["slug"]: d for d in body["results"]}
        target = deadlines[JULY_PACKAGE]
        assert (target["date"], target["date_precision"]) == ("2025-07-08", "day")
        assert target["days_remaining"] == (day("2025-07-08") - day("2025-04-24")).days
        pause = deadlines[PAUSE_EXPIRY]
        assert (pause["date"], pause["end_date"], pause["date_precision"]) == (
            "2025-07-01",
            "2025-07-31",
            "month",
        )
        assert pause["date_as_reported"] == "in the month of July"
        assert pause["days_remaining"] == (day("2025-07-01") - day("2025-04-24")).days
        for deadline in (target, pause):
            assert {c["source"] for c in deadline["citations"]} == {REUTERS}

        later = api.get("/api/v1/deadlines/", {"known_as_of": "2025-04-26"}).json()
        pause = {d["slug"]: d for d in later["results"]}[PAUSE_EXPIRY]
        assert (pause["date"], pause["date_precision"]) == ("2025-07-08", "day")

    def test_conflicts_need_two_published_versions(self, api):
        def conflicts(known_as_of):
            body = api.get("/api/v1/conflicts/", {"known_as_of": known_as_of}).json()
            return {d["slug"]: d for d in body["results"]}

        # What the 25% tariff covers: Reuters (24 April) and the undated article (30 April).
        assert conflicts("2025-04-29") == {}
        on_30 = conflicts("2025-04-30")
        assert set(on_30) == {TARIFF_SCOPE}
        assert [claim["label"] for claim in on_30[TARIFF_SCOPE]["claims"]] == ["A", "B"]
        sources = {
            c["source"] for claim in on_30[TARIFF_SCOPE]["claims"] for c in claim["citations"]
        }
        assert sources == {REUTERS, YONHAP, UNDATED}
        assert set(conflicts("2025-05-16")) == {TARIFF_SCOPE, JEJU_COUNTERPART}

    def test_measures_as_known(self, api):
        body = api.get("/api/v1/measures/", {"known_as_of": "2025-04-24"}).json()
        found = {m["slug"]: m for m in body["results"]}
        assert "us-reciprocal-tariff-kr-25" in found  # Reuters, 24 April
        autos = found["us-tariff-autos-steel-aluminium-kr-25"]  # Reuters' automotive sector
        # Its rate, scope and date come with the undated article, counted from 30 April.
        assert (autos["rate_percent"], autos["scope"], autos["announced_on"]) == (None, None, None)
        for measure in body["results"]:
            assert {c["source"] for c in measure["citations"]} == {REUTERS}


def test_the_calendar_as_known_on_a_day_quotes_only_that_days_sources(api):
    body = api.get("/api/v1/deadlines.ics", {"known_as_of": "2025-04-24"}).content.decode()
    unfolded = body.replace("\r\n ", "")
    assert "July package target" in unfolded
    assert "End of the US reciprocal tariff pause" in unfolded  # "lifted in the month of July"
    assert "Reuters" in unfolded
    assert "JoongAng" not in unfolded and "Yonhap" not in unfolded


def test_the_calendar_dates_a_deadline_as_it_was_known(api):
    body = api.get("/api/v1/deadlines.ics", {"known_as_of": "2025-04-24"}).content.decode()
    pause = body.replace("\r\n ", "").split("SUMMARY:End of the US reciprocal tariff pause")[1]
    pause = pause.split("END:VEVENT")[0]
    assert "DTSTART;VALUE=DATE:20250701" in pause  # July, as Reuters had it
    assert "90-day" not in pause  # the undated article's, counted from 30 April


def test_no_answer_on_a_day_shows_a_later_articles_words(api):
    """The product's promise, on every day an article appeared and the days between: nothing
    shown comes only from an article published later (a quote of it, its title wording)."""
    later_quotes = {
        "2025-04-22": [REUTERS, YONHAP, UNDATED, JOONGANG],
        "2025-04-24": [YONHAP, UNDATED, JOONGANG],
        "2025-04-25": [YONHAP, UNDATED, JOONGANG],
        "2025-04-26": [UNDATED, JOONGANG],
        "2025-04-30": [JOONGANG],
        "2025-05-15": [JOONGANG],
    }
    for known_as_of, later in later_quotes.items():
        for url in ("/api/v1/rounds/", "/api/v1/deadlines/", "/api/v1/positions/"):
            text = api.get(url, {"known_as_of": known_as_of, "page_size": 200}).content.decode()
            for source in later:
                assert f'"{source}' not in text, (known_as_of, url, source)
        rounds = api.get("/api/v1/rounds/", {"known_as_of": known_as_of}).content.decode()
        assert "Ahn–Greer ministerial meeting in Jeju" not in rounds, known_as_of
        assert "director-level" not in rounds, known_as_of
