"""The agenda evidence story of the 2025 Korea–US talks, as the articles tell it: what the
domain functions and the agenda-change endpoints answer about the seed's rounds (Washington
agrees four areas; the first technical round is announced on those four; Jeju drops currency
policy and investment cooperation; the 24 April lists disagree on currency policy alone;
only the currency drop is stated by a source)."""

import datetime

import pytest

from negotiations import models
from negotiations.domain.agenda import (
    agenda_matrix,
    area_history,
    area_negotiations,
    compare_rounds,
    negotiation_agenda_changes,
    round_agenda_changes,
)
from negotiations.models import AgendaArea, Negotiation, Round
from tests import factories
from tests.helpers import area_slugs, entries_by_area
from tests.seed import (
    CURRENCY_POLICY,
    JEJU,
    JEJU_COUNTERPART,
    TALKS,
    TECHNICAL_1,
    TECHNICAL_2,
    WASHINGTON,
)

# The day before Yonhap (26 April): the first technical round was announced, its areas not yet.
BEFORE_YONHAP = datetime.date(2025, 4, 25)
FIVE_AREAS = {
    "tariffs",
    "non-tariff-measures",
    "economic-security",
    "investment-cooperation",
    "currency-policy",
}

pytestmark = pytest.mark.django_db


class TestComparisonOfTheRounds:
    """round_agenda_changes, compare_rounds, the matrix and an area's history on the talks."""

    def test_jeju_against_the_first_technical_round(self):
        """Jeju is compared with the latest earlier held round whose agenda was reported: the
        round of 1 May, whose four areas were announced (Yonhap, 26 April)."""
        changes = round_agenda_changes(Round.objects.get(slug=JEJU))

        assert changes["compared_to"]["slug"] == TECHNICAL_1
        assert changes["comparable"] is True
        assert changes["skipped"] == []
        assert area_slugs(changes["dropped"]) == {"currency-policy", "investment-cooperation"}
        assert area_slugs(changes["added"]) == {
            "digital-trade",
            "rules-of-origin",
            "commercial-considerations",
        }
        assert area_slugs(changes["retained"]) == {
            "tariffs",
            "economic-security",
            "non-tariff-measures",
        }

    def test_the_first_technical_round_retains_the_four_areas_of_washington(self):
        changes = round_agenda_changes(Round.objects.get(slug=TECHNICAL_1))

        assert changes["compared_to"]["slug"] == WASHINGTON
        assert area_slugs(changes["retained"]) == FIVE_AREAS
        assert changes["added"] == changes["dropped"] == []
        assert all(entry["basis"] == "inferred" for entry in changes["retained"])

    def test_round_with_unknown_agenda_has_unknown_changes_not_empty_ones(self):
        """On 25 April the first technical round was announced without its areas."""
        changes = round_agenda_changes(
            Round.objects.get(slug=TECHNICAL_1), known_as_of=BEFORE_YONHAP
        )

        assert changes["round"]["agenda_status"] == "not_reported"
        assert changes["comparable"] is False
        assert "not reported" in changes["reason"]
        assert changes["added"] == changes["dropped"] == changes["retained"] == []

    def test_labels_as_reported_on_both_sides(self):
        changes = round_agenda_changes(Round.objects.get(slug=JEJU))
        dropped = {entry["slug"]: entry for entry in changes["dropped"]}
        currency = dropped["currency-policy"]

        assert currency["before"]["label"] == "currency policies"  # Yonhap's words, 1 May
        assert currency["after"] is None
        assert currency["before"]["citations"], "a dropped area keeps the citations of its report"
        rules = {entry["slug"]: entry for entry in changes["added"]}["rules-of-origin"]
        assert rules["before"] is None
        assert rules["after"]["label"] == "country of origin"

    def test_currency_policy_drop_is_annotated_with_sources(self):
        changes = round_agenda_changes(Round.objects.get(slug=JEJU))
        notes = {note["area"]: note for note in changes["annotations"]}

        assert "currency-policy" in notes
        assert notes["currency-policy"]["change"] == "dropped"
        assert notes["currency-policy"]["citations"]

    def test_first_round_has_nothing_to_compare_with(self):
        changes = round_agenda_changes(Round.objects.get(slug=WASHINGTON))

        assert changes["compared_to"] is None
        assert changes["comparable"] is False
        assert "currency-policy" in area_slugs(changes["first_reported"])
        assert changes["added"] == changes["dropped"] == changes["retained"] == []

    def test_only_the_first_reported_agenda_is_first_reported(self):
        jeju = Round.objects.get(slug=JEJU)
        assert round_agenda_changes(jeju)["first_reported"] == []
        assert round_agenda_changes(Round.objects.get(slug=TECHNICAL_1))["first_reported"] == []
        # Compared with a round whose agenda is unknown: nothing is known, nothing is first.
        unknown_basis = compare_rounds(
            Round.objects.get(slug=TECHNICAL_1),
            Round.objects.get(slug=WASHINGTON),
            known_as_of=BEFORE_YONHAP,
        )
        assert unknown_basis["first_reported"] == []
        assert unknown_basis["comparable"] is False

    def test_whole_negotiation_in_sequence_with_constant_queries(
        self, django_assert_max_num_queries
    ):
        negotiation = Negotiation.objects.get(slug=TALKS)
        # Rounds, items, annotations, exclusions, the quotes' links and citations, claims.
        with django_assert_max_num_queries(7):
            sequence = negotiation_agenda_changes(negotiation)

        assert [entry["round"]["slug"] for entry in sequence][:3] == [
            WASHINGTON,
            TECHNICAL_1,
            JEJU,
        ]
        jeju = next(entry for entry in sequence if entry["round"]["slug"] == JEJU)
        assert jeju == round_agenda_changes(Round.objects.get(slug=JEJU))

    def test_matrix_marks_currency_policy_present_announced_then_dropped(self):
        matrix = agenda_matrix(Negotiation.objects.get(slug=TALKS))
        currency = next(area for area in matrix["areas"] if area["slug"] == "currency-policy")
        cells = {cell["round"]: cell for cell in currency["cells"]}

        assert (cells[WASHINGTON]["state"], cells[WASHINGTON]["change"]) == (
            "present",
            "first_reported",
        )
        assert (cells[TECHNICAL_1]["state"], cells[TECHNICAL_1]["change"]) == (
            "present",
            "retained",
        )
        # Off the list, and JoongAng Daily says so ("but with currency policy absent").
        assert (cells[JEJU]["state"], cells[JEJU]["change"]) == ("excluded", "dropped")
        assert [r["slug"] for r in matrix["rounds"]][:3] == [WASHINGTON, TECHNICAL_1, JEJU]

    def test_matrix_before_the_announcement_marks_the_first_technical_round_unknown(self):
        matrix = agenda_matrix(Negotiation.objects.get(slug=TALKS), known_as_of=BEFORE_YONHAP)
        for area in matrix["areas"]:
            cells = {cell["round"]: cell for cell in area["cells"]}
            assert cells[TECHNICAL_1]["state"] == "unknown", area["slug"]
            assert cells[JEJU]["state"] == "unknown", area["slug"]

    def test_area_history_of_currency_policy(self):
        currency = AgendaArea.objects.get(slug="currency-policy")
        history = area_history(currency, [n.pk for n in area_negotiations(currency)])
        talks = next(n for n in history["negotiations"] if n["negotiation"]["slug"] == TALKS)

        assert {"round": WASHINGTON, "change": "first_reported"} in talks["events"]
        assert {"round": JEJU, "change": "dropped"} in talks["events"]
        states = {entry["round"]["slug"]: entry["state"] for entry in talks["rounds"]}
        assert states[TECHNICAL_1] == "present"


def test_an_agenda_answer_as_known_on_a_day_words_each_item_as_its_sources_did():
    """On 24 April only Reuters had the list: "tariffs, non-tariffs", not JoongAng's (16 May)
    "tariff and nontariff measures"."""
    washington = Round.objects.get(slug=WASHINGTON)
    changes = round_agenda_changes(washington, known_as_of=datetime.date(2025, 4, 24))
    labels = {entry["slug"]: entry["after"]["label"] for entry in changes["first_reported"]}
    assert labels["tariffs"] == "tariffs, non-tariffs"
    matrix = agenda_matrix(
        Negotiation.objects.get(slug=TALKS), known_as_of=datetime.date(2025, 4, 24)
    )
    tariffs = next(area for area in matrix["areas"] if area["slug"] == "tariffs")
    assert tariffs["cells"][0]["label"] == "tariffs, non-tariffs"


class TestEvidence:
    """The 24 April lists, the stated currency drop and the bases of the lists."""

    def test_the_24_april_lists_dispute_currency_policy_alone(self):
        """Reuters' four areas leave out currency policy, which the three other lists name:
        a dispute about that area, computed from the lists, and about no other."""
        changes = round_agenda_changes(models.Round.objects.get(slug=WASHINGTON))
        found = entries_by_area(changes)

        assert changes["contested"] is True
        disputed = {area for area, (_, entry) in found.items() if entry["disputes"]}
        assert disputed == {CURRENCY_POLICY}
        assert "reuters-2025-04-24" in str(found[CURRENCY_POLICY][1]["disputes"])

    def test_jejus_comparison_rests_on_undisputed_lists(self):
        """Jeju is compared with the 1 May announcement (Yonhap alone) and reported by
        JoongAng alone: no version of either list disagrees."""
        changes = round_agenda_changes(models.Round.objects.get(slug=JEJU))
        assert changes["contested"] is False
        assert all(not entry["disputes"] for _, entry in entries_by_area(changes).values())

    def test_only_the_currency_drop_is_stated_and_it_states_no_cause(self):
        changes = round_agenda_changes(models.Round.objects.get(slug=JEJU))
        found = entries_by_area(changes)

        stated = {slug for slug, (_, entry) in found.items() if entry["basis"] == "stated"}
        assert stated == {"currency-policy"}
        notes = [n for n in changes["annotations"] if n["area"] == "currency-policy"]
        report = next(n for n in notes if n["basis"] == "stated")
        assert [c["slug"] for c in report["citations"]] == [
            "joongang-2025-05-16--four-to-six-areas"
        ]
        assert "but with currency policy absent" in report["citations"][0]["quote"]
        assert "Treasury" not in report["note"]
        reading = next(n for n in notes if n["basis"] == "editors_reading")
        assert "Treasury" in reading["note"] and "No article links" in reading["note"]

    def test_each_list_says_what_kind_of_list_it_is(self):
        """Jeju's six are a scope agreed there; the 1 May four were announced before it, as
        the second technical round's six key areas were."""
        changes = round_agenda_changes(models.Round.objects.get(slug=JEJU))
        assert changes["round"]["agenda_basis"] == "agreed_scope"
        assert changes["compared_to"]["agenda_basis"] == "announced"
        first = round_agenda_changes(models.Round.objects.get(slug=TECHNICAL_1))
        assert first["compared_to"]["agenda_basis"] == "agreed_scope"
        planned = round_agenda_changes(models.Round.objects.get(slug=TECHNICAL_2))
        assert planned["round"]["agenda_basis"] == "announced"
        assert planned["compared_to"]["slug"] == JEJU

    def test_a_held_round_after_the_planned_one_is_compared_with_jeju(self):
        """The second technical round is planned ('six key areas'): a held round added
        after it is compared with Jeju, and the planned round is named as skipped."""
        talks = models.Negotiation.objects.get(slug=TALKS)
        tariffs = models.AgendaArea.objects.get(slug="tariffs")
        later = factories.round(talks, 5, agenda={"balanced trade": tariffs})

        changes = round_agenda_changes(later)

        assert changes["compared_to"]["slug"] == JEJU
        assert [(s["round"]["slug"], s["reason"]) for s in changes["skipped"]] == [
            (TECHNICAL_2, "planned")
        ]

    def test_compare_keeps_the_dispute_of_either_round(self):
        jeju = models.Round.objects.get(slug=JEJU)
        washington = models.Round.objects.get(slug=WASHINGTON)
        changes = compare_rounds(washington, jeju)
        disputed = {
            area for area, (_, entry) in entries_by_area(changes).items() if entry["disputes"]
        }
        assert disputed == {CURRENCY_POLICY}
        assert compare_rounds(jeju, washington)["contested"] is True


class TestDisputesOnTheRecordsThemselves:
    """A disputed fact shows its dispute wherever it appears, not only in comparisons."""

    def test_a_round_lists_the_disagreements_about_it(self, api):
        jeju = api.get(f"/api/v1/rounds/{JEJU}/").json()
        assert [(d["slug"], d["topic"]) for d in jeju["disputes"]] == [
            (JEJU_COUNTERPART, "participants")
        ]
        listed = api.get("/api/v1/rounds/", {"negotiation": TALKS}).json()
        assert {r["slug"]: r["disputes"] for r in listed["results"]}[JEJU] == jeju["disputes"]

    def test_the_24_april_round_lists_the_computed_dispute_of_its_lists(self, api):
        washington = api.get(f"/api/v1/rounds/{WASHINGTON}/").json()
        assert washington["disputes"]
        assert all(dispute.get("computed") for dispute in washington["disputes"])

    def test_a_round_known_before_the_second_version_shows_no_dispute(self, api):
        early = api.get(f"/api/v1/rounds/{WASHINGTON}/", {"known_as_of": "2025-04-24"}).json()
        assert early["disputes"] == []

    def test_both_readings_of_the_25_percent_tariff_show_the_dispute(self, api):
        for slug in ("us-reciprocal-tariff-kr-25", "us-tariff-autos-steel-aluminium-kr-25"):
            measure = api.get(f"/api/v1/measures/{slug}/").json()
            assert [d["slug"] for d in measure["disputes"]] == [
                "scope-of-25-percent-tariff-on-korea"
            ], slug
        conflict = api.get("/api/v1/conflicts/scope-of-25-percent-tariff-on-korea/").json()
        assert set(conflict["measures"]) == {
            "us-reciprocal-tariff-kr-25",
            "us-tariff-autos-steel-aluminium-kr-25",
        }


# --- The endpoints ---------------------------------------------------------------------------


def test_round_agenda_changes(api):
    body = api.get(f"/api/v1/rounds/{JEJU}/agenda-changes/").json()

    assert set(body) >= {"round", "compared_to", "added", "dropped", "retained", "annotations"}
    assert body["round"]["slug"] == JEJU
    assert body["compared_to"]["slug"] == TECHNICAL_1
    assert area_slugs(body["dropped"]) == {"currency-policy", "investment-cooperation"}
    assert area_slugs(body["added"]) == {
        "digital-trade",
        "rules-of-origin",
        "commercial-considerations",
    }
    assert {"economic-security", "non-tariff-measures"} <= area_slugs(body["retained"])
    assert body["skipped"] == []
    currency = next(e for e in body["dropped"] if e["slug"] == "currency-policy")
    assert currency["name"] == "Currency policy"
    assert currency["before"]["label"] and currency["before"]["citations"]
    assert any(note["area"] == "currency-policy" for note in body["annotations"])


def test_round_with_unknown_agenda(api):
    body = api.get(
        f"/api/v1/rounds/{TECHNICAL_1}/agenda-changes/", {"known_as_of": "2025-04-25"}
    ).json()
    assert body["round"]["agenda_status"] == "not_reported"
    assert body["comparable"] is False
    assert body["added"] == body["dropped"] == body["retained"] == []


def test_negotiation_agenda_changes_in_one_response(api):
    body = api.get(f"/api/v1/negotiations/{TALKS}/agenda-changes/").json()
    assert body["negotiation"]["slug"] == TALKS
    sequence = [entry["round"]["slug"] for entry in body["changes"]]
    assert sequence[:3] == [WASHINGTON, TECHNICAL_1, JEJU]
    jeju = body["changes"][2]
    assert jeju == api.get(f"/api/v1/rounds/{JEJU}/agenda-changes/").json()


def test_agenda_matrix(api):
    body = api.get(f"/api/v1/negotiations/{TALKS}/agenda-matrix/").json()
    rounds = [r["slug"] for r in body["rounds"]]
    currency = next(a for a in body["areas"] if a["slug"] == "currency-policy")
    states = dict(zip(rounds, [(c["state"], c["change"]) for c in currency["cells"]], strict=True))
    assert states[WASHINGTON] == ("present", "first_reported")
    assert states[TECHNICAL_1] == ("present", "retained")
    assert states[JEJU] == ("excluded", "dropped")
    cell = currency["cells"][rounds.index(WASHINGTON)]
    assert cell["label"] == "currency policy" and cell["citations"]


def test_area_history(api):
    body = api.get("/api/v1/agenda-areas/currency-policy/history/").json()
    assert body["area"] == {"slug": "currency-policy", "name": "Currency policy"}
    talks = next(n for n in body["negotiations"] if n["negotiation"]["slug"] == TALKS)
    assert talks["events"] == [
        {"round": WASHINGTON, "change": "first_reported"},
        {"round": JEJU, "change": "dropped"},
    ]
    assert body["count"] == 1 and body["next"] is None


def test_compare_any_two_rounds(api):
    body = api.get("/api/v1/rounds/compare/", {"from": TECHNICAL_1, "to": JEJU}).json()
    assert body == round_agenda_changes(Round.objects.get(slug=JEJU))
    across = api.get("/api/v1/rounds/compare/", {"from": WASHINGTON, "to": JEJU}).json()
    assert across["compared_to"]["slug"] == WASHINGTON
    assert area_slugs(across["dropped"]) == area_slugs(body["dropped"])


def test_compare_annotations_agree_with_the_result(api):
    """An annotation is returned only for an area listed under its own kind of change."""
    for query in ({"from": WASHINGTON, "to": JEJU}, {"from": TECHNICAL_2, "to": JEJU}):
        body = api.get("/api/v1/rounds/compare/", query).json()
        for note in body["annotations"]:
            assert note["area"] in area_slugs(body[note["change"]]), (query, note)
    washington = api.get("/api/v1/rounds/compare/", {"from": WASHINGTON, "to": JEJU}).json()
    assert {
        (note["area"], note["change"], note["basis"]) for note in washington["annotations"]
    } == {
        ("currency-policy", "dropped", "stated"),
        ("currency-policy", "dropped", "editors_reading"),
        ("digital-trade", "added", "editors_reading"),
        ("rules-of-origin", "added", "editors_reading"),
        ("commercial-considerations", "added", "editors_reading"),
        ("tariffs", "retained", "editors_reading"),
    }


def test_compare_with_an_unknown_agenda_has_no_annotations(api):
    """The first Japan–US discussions: no source reported their agenda."""
    body = api.get(
        "/api/v1/rounds/compare/", {"from": "jp-us-face-to-face-week-of-2025-04-14", "to": JEJU}
    ).json()
    assert body["comparable"] is False
    assert body["added"] == body["dropped"] == body["retained"] == []
    assert body["annotations"] == []


def test_first_reported_agenda_is_first_reported_not_added(api):
    """The first known agenda has nothing to compare with: nothing was added."""
    body = api.get(f"/api/v1/rounds/{WASHINGTON}/agenda-changes/").json()
    assert body["compared_to"] is None and body["comparable"] is False
    assert "currency-policy" in area_slugs(body["first_reported"])
    assert body["added"] == body["dropped"] == body["retained"] == []


def test_compare_across_negotiations(api):
    response = api.get(
        "/api/v1/rounds/compare/", {"from": "alaska-lng-summit-2025-summer", "to": JEJU}
    )
    body = response.json()
    assert response.status_code == 200
    assert body["compared_to"]["negotiation"] != body["round"]["negotiation"]
    assert "energy-cooperation" in area_slugs(body["dropped"])
