"""The agenda comparison domain functions on built talks: items mapped to two areas,
renames through aliases, empty, cancelled and unknown agendas, comparisons across
negotiations, annotations, constant queries (the seed's story: tests/end_to_end/)."""

import pytest

from negotiations.choices import RoundStatus
from negotiations.domain.agenda import (
    agenda_matrix,
    compare_rounds,
    negotiation_agenda_changes,
    round_agenda_changes,
)
from negotiations.domain.labels import resolve_agenda_areas
from negotiations.models import AgendaChangeAnnotation
from tests import factories
from tests.helpers import area_slugs

pytestmark = pytest.mark.django_db


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

        assert area_slugs(changes["retained"]) == {"edge-ntm"}
        assert area_slugs(changes["dropped"]) == {"edge-tariffs"}
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

        assert area_slugs(changes["retained"]) == {"edge-fx"}
        assert changes["added"] == changes["dropped"] == []
        assert changes["retained"][0]["before"]["label"] == first
        assert changes["retained"][0]["after"]["label"] == renamed

    def test_reported_empty_agenda_drops_everything(self, areas):
        talks = factories.negotiation()
        factories.round(talks, 1, agenda={"fx": areas["fx"]})
        second = factories.round(talks, 2, agenda={})

        assert area_slugs(round_agenda_changes(second)["dropped"]) == {"edge-fx"}

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
        assert area_slugs(changes["retained"]) == {"edge-fx"}

    def test_several_unknown_rounds_are_skipped_latest_first(self, areas):
        talks = factories.negotiation()
        factories.round(talks, 1, agenda={"fx": areas["fx"]})
        factories.round(talks, 2)
        factories.round(talks, 3)
        fourth = factories.round(talks, 4, agenda={"ntm": areas["ntm"]})

        changes = round_agenda_changes(fourth)

        assert [s["round"]["sequence"] for s in changes["skipped"]] == [3, 2]
        assert area_slugs(changes["added"]) == {"edge-ntm"}
        assert area_slugs(changes["dropped"]) == {"edge-fx"}

    def test_compare_any_two_rounds_across_negotiations(self, areas):
        one, other = factories.negotiation(), factories.negotiation()
        first = factories.round(one, 1, agenda={"fx": areas["fx"], "tariffs": areas["tariffs"]})
        second = factories.round(other, 1, agenda={"tariffs": areas["tariffs"]})

        changes = compare_rounds(first, second)

        assert changes["compared_to"]["slug"] == first.slug
        assert changes["round"]["slug"] == second.slug
        assert area_slugs(changes["dropped"]) == {"edge-fx"}
        assert area_slugs(changes["retained"]) == {"edge-tariffs"}

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
