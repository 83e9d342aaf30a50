"""The agenda comparison domain functions, on the seed data and on edge cases."""

import pytest

from negotiations.choices import RoundStatus
from negotiations.domain.agenda import (
    agenda_matrix,
    area_history,
    area_negotiations,
    compare_rounds,
    negotiation_agenda_changes,
    round_agenda_changes,
)
from negotiations.domain.labels import resolve_agenda_areas
from negotiations.models import AgendaArea, AgendaChangeAnnotation, Negotiation, Round
from tests import factories

pytestmark = pytest.mark.django_db

WASHINGTON = "washington-2plus2-2025-04-24"
TECHNICAL_1 = "washington-technical-1-2025-05-01"
JEJU = "jeju-ministerial-2025-05-16"
TALKS = "kr-us-tariff-talks-2025"


def slugs(entries):
    return {entry["slug"] for entry in entries}


class TestSeedStory:
    def test_jeju_against_washington(self):
        changes = round_agenda_changes(Round.objects.get(slug=JEJU))

        assert changes["compared_to"]["slug"] == WASHINGTON
        assert changes["comparable"] is True
        assert slugs(changes["dropped"]) == {"currency-policy", "investment-cooperation"}
        assert slugs(changes["added"]) == {
            "digital-trade",
            "rules-of-origin",
            "commercial-considerations",
        }
        assert slugs(changes["retained"]) == {"tariffs", "economic-security", "non-tariff-measures"}

    def test_unknown_agenda_of_first_technical_round_is_skipped_and_named(self):
        changes = round_agenda_changes(Round.objects.get(slug=JEJU))

        assert [skip["round"]["slug"] for skip in changes["skipped"]] == [TECHNICAL_1]
        assert changes["skipped"][0]["reason"] == "agenda_not_reported"

    def test_round_with_unknown_agenda_has_unknown_changes_not_empty_ones(self):
        changes = round_agenda_changes(Round.objects.get(slug=TECHNICAL_1))

        assert changes["round"]["agenda_status"] == "not_reported"
        assert changes["comparable"] is False
        assert "not reported" in changes["reason"]
        assert changes["added"] == changes["dropped"] == changes["retained"] == []

    def test_labels_as_reported_on_both_sides(self):
        changes = round_agenda_changes(Round.objects.get(slug=JEJU))
        dropped = {entry["slug"]: entry for entry in changes["dropped"]}
        currency = dropped["currency-policy"]

        assert currency["before"]["label"] == "currency policy"
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
        assert "currency-policy" in slugs(changes["first_reported"])
        assert changes["added"] == changes["dropped"] == changes["retained"] == []

    def test_only_the_first_reported_agenda_is_first_reported(self):
        jeju = Round.objects.get(slug=JEJU)
        assert round_agenda_changes(jeju)["first_reported"] == []
        assert round_agenda_changes(Round.objects.get(slug=TECHNICAL_1))["first_reported"] == []
        # Compared with a round whose agenda is unknown: nothing is known, nothing is first.
        unknown_basis = compare_rounds(Round.objects.get(slug=TECHNICAL_1), jeju)
        assert unknown_basis["first_reported"] == []

    def test_whole_negotiation_in_sequence_with_constant_queries(
        self, django_assert_max_num_queries
    ):
        negotiation = Negotiation.objects.get(slug=TALKS)
        with django_assert_max_num_queries(6):
            sequence = negotiation_agenda_changes(negotiation)

        assert [entry["round"]["slug"] for entry in sequence][:3] == [
            WASHINGTON,
            TECHNICAL_1,
            JEJU,
        ]
        jeju = next(entry for entry in sequence if entry["round"]["slug"] == JEJU)
        assert jeju == round_agenda_changes(Round.objects.get(slug=JEJU))

    def test_matrix_marks_currency_policy_present_unknown_then_dropped(self):
        matrix = agenda_matrix(Negotiation.objects.get(slug=TALKS))
        currency = next(area for area in matrix["areas"] if area["slug"] == "currency-policy")
        cells = {cell["round"]: cell for cell in currency["cells"]}

        assert cells[WASHINGTON]["state"] == "present"
        assert cells[TECHNICAL_1]["state"] == "unknown"
        assert cells[JEJU]["state"] == "absent"
        assert cells[JEJU]["change"] == "dropped"
        assert [r["slug"] for r in matrix["rounds"]][:3] == [WASHINGTON, TECHNICAL_1, JEJU]

    def test_area_history_of_currency_policy(self):
        currency = AgendaArea.objects.get(slug="currency-policy")
        history = area_history(currency, [n.pk for n in area_negotiations(currency)])
        talks = next(n for n in history["negotiations"] if n["negotiation"]["slug"] == TALKS)

        assert {"round": WASHINGTON, "change": "first_reported"} in talks["events"]
        assert {"round": JEJU, "change": "dropped"} in talks["events"]
        states = {entry["round"]["slug"]: entry["state"] for entry in talks["rounds"]}
        assert states[TECHNICAL_1] == "unknown"


class TestEdgeCases:
    @pytest.fixture
    def areas(self):
        return {name: factories.area(slug=f"edge-{name}") for name in ("tariffs", "ntm", "fx")}

    def test_item_mapped_to_two_areas_counts_for_both(self, areas):
        talks = factories.negotiation()
        factories.round(
            talks, 1, agenda={"tariff and non-tariff measures": [areas["tariffs"], areas["ntm"]]}
        )
        second = factories.round(talks, 2, agenda={"non-tariffs": areas["ntm"]})

        changes = round_agenda_changes(second)

        assert slugs(changes["retained"]) == {"edge-ntm"}
        assert slugs(changes["dropped"]) == {"edge-tariffs"}
        retained = changes["retained"][0]
        assert retained["before"]["label"] == "tariff and non-tariff measures"
        assert retained["after"]["label"] == "non-tariffs"

    def test_area_renamed_through_an_alias_is_retained(self, areas):
        areas["fx"].aliases.create(name="edge exchange-rate policy", kind="synonym")
        talks = factories.negotiation()
        # Each round's labels are mapped as an editor's import would: by name or alias.
        first, renamed = areas["fx"].name, "Edge Exchange-Rate Policy"
        factories.round(talks, 1, agenda={first: resolve_agenda_areas(first)})
        (resolved,) = resolve_agenda_areas(renamed)
        assert resolved == areas["fx"], "the alias names the area, whatever the case"
        second = factories.round(talks, 2, agenda={renamed: resolved})

        changes = round_agenda_changes(second)

        assert slugs(changes["retained"]) == {"edge-fx"}
        assert changes["added"] == changes["dropped"] == []
        assert changes["retained"][0]["before"]["label"] == first
        assert changes["retained"][0]["after"]["label"] == renamed

    def test_reported_empty_agenda_drops_everything(self, areas):
        talks = factories.negotiation()
        factories.round(talks, 1, agenda={"fx": areas["fx"]})
        second = factories.round(talks, 2, agenda={})

        assert slugs(round_agenda_changes(second)["dropped"]) == {"edge-fx"}

    def test_cancelled_round_is_not_a_basis(self, areas):
        talks = factories.negotiation()
        factories.round(talks, 1, agenda={"fx": areas["fx"]})
        factories.round(talks, 2, agenda={"ntm": areas["ntm"]}, status=RoundStatus.CANCELLED)
        third = factories.round(talks, 3, agenda={"fx": areas["fx"]})

        changes = round_agenda_changes(third)

        assert changes["compared_to"]["sequence"] == 1
        assert [(s["round"]["sequence"], s["reason"]) for s in changes["skipped"]] == [
            (2, "cancelled")
        ]
        assert slugs(changes["retained"]) == {"edge-fx"}

    def test_several_unknown_rounds_are_skipped_latest_first(self, areas):
        talks = factories.negotiation()
        factories.round(talks, 1, agenda={"fx": areas["fx"]})
        factories.round(talks, 2)
        factories.round(talks, 3)
        fourth = factories.round(talks, 4, agenda={"ntm": areas["ntm"]})

        changes = round_agenda_changes(fourth)

        assert [s["round"]["sequence"] for s in changes["skipped"]] == [3, 2]
        assert slugs(changes["added"]) == {"edge-ntm"}
        assert slugs(changes["dropped"]) == {"edge-fx"}

    def test_compare_any_two_rounds_across_negotiations(self, areas):
        one, other = factories.negotiation(), factories.negotiation()
        first = factories.round(one, 1, agenda={"fx": areas["fx"], "tariffs": areas["tariffs"]})
        second = factories.round(other, 1, agenda={"tariffs": areas["tariffs"]})

        changes = compare_rounds(first, second)

        assert changes["compared_to"]["slug"] == first.slug
        assert changes["round"]["slug"] == second.slug
        assert slugs(changes["dropped"]) == {"edge-fx"}
        assert slugs(changes["retained"]) == {"edge-tariffs"}

    def test_compare_with_a_round_whose_agenda_is_unknown(self, areas):
        talks = factories.negotiation()
        unknown = factories.round(talks, 1)
        known = factories.round(talks, 2, agenda={"fx": areas["fx"]})

        changes = compare_rounds(unknown, known)

        assert changes["comparable"] is False
        assert changes["added"] == changes["dropped"] == changes["retained"] == []
        assert changes["skipped"][0]["round"]["slug"] == unknown.slug

    def test_annotations_match_the_comparison_they_come_with(self, areas):
        talks = factories.negotiation()
        first = factories.round(talks, 1, agenda={"fx": areas["fx"], "tariffs": areas["tariffs"]})
        second = factories.round(talks, 2, agenda={"fx": areas["fx"], "ntm": areas["ntm"]})
        same = factories.round(talks, 3, agenda={"fx": areas["fx"], "ntm": areas["ntm"]})
        unknown = factories.round(talks, 4)
        for area, change in (("ntm", "added"), ("tariffs", "dropped"), ("fx", "retained")):
            AgendaChangeAnnotation.objects.create(
                round=second, area=areas[area], change=change, note=f"{area} {change}"
            )

        def notes(changes):
            return {(note["area"], note["change"]) for note in changes["annotations"]}

        everything = {
            ("edge-ntm", "added"),
            ("edge-tariffs", "dropped"),
            ("edge-fx", "retained"),
        }
        assert notes(round_agenda_changes(second)) == everything
        assert notes(compare_rounds(first, second)) == everything
        # Against an identical agenda, nothing was added or dropped: only "retained" stays.
        assert notes(compare_rounds(same, second)) == {("edge-fx", "retained")}
        # Against an unknown agenda, nothing is known to have changed.
        assert compare_rounds(unknown, second)["annotations"] == []
        # The first reported agenda added nothing: an "added" note there explains no change.
        AgendaChangeAnnotation.objects.create(
            round=first, area=areas["fx"], change="added", note="New."
        )
        assert notes(round_agenda_changes(first)) == set()

    def test_queries_do_not_grow_with_rounds(self, areas, django_assert_max_num_queries):
        talks = factories.negotiation()
        for sequence in range(1, 31):
            factories.round(talks, sequence, agenda={"fx": areas["fx"]} if sequence % 3 else None)
        # Rounds, item-area links, annotations, dispute claims, citation links (the quotes
        # too, when there are links), and for the matrix its areas.
        with django_assert_max_num_queries(6):
            negotiation_agenda_changes(talks)
        with django_assert_max_num_queries(7):
            agenda_matrix(talks)
