"""Evidence in agenda answers on built talks: basis, disputes, comparison rules and first
reported agendas (the seed's disputed 24 April list: tests/end_to_end/test_agenda_story.py)."""

import pytest

from negotiations import models
from negotiations.choices import AgendaBasis, RoundStatus
from negotiations.domain.agenda import (
    agenda_matrix,
    negotiation_agenda_changes,
    round_agenda_changes,
)
from tests import factories
from tests.helpers import dispute_slugs, entries_by_area

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas():
    return {name: factories.area(slug=f"ev-{name}") for name in ("fx", "ntm", "tariffs")}


def annotate(round_, area, change, basis, *, cited=True):
    note = models.AgendaChangeAnnotation.objects.create(
        round=round_, area=area, change=change, basis=basis, note=f"{basis} {change}"
    )
    if cited:
        note.citations.add(factories.citation())
    return note


def dispute(round_, *, area=None, topic="agenda", versions=2, slug=None):
    disagreement = models.Disagreement.objects.create(
        slug=slug or factories.unique("dispute"),
        title=f"About {round_.slug}",
        note="Two versions.",
        round=round_,
        area=area,
        topic=topic,
    )
    for label in "AB"[:versions]:
        claim = disagreement.claims.create(label=label, claim=f"Version {label}.")
        claim.citations.add(factories.citation(quote=f"Quote {label}."))
    return disagreement


class TestBasis:
    def test_a_cited_stated_annotation_of_the_same_change_makes_it_stated(self, areas):
        talks = factories.negotiation()
        factories.round(talks, 1, agenda={"fx": areas["fx"], "ntm": areas["ntm"]})
        second = factories.round(talks, 2, agenda={"ntm": areas["ntm"], "t": areas["tariffs"]})
        annotate(second, areas["fx"], "dropped", "stated")
        annotate(second, areas["tariffs"], "added", "editors_reading")
        # A stated note without a citation, or about another kind of change, states nothing.
        annotate(second, areas["ntm"], "retained", "stated", cited=False)

        found = entries_by_area(round_agenda_changes(second))

        assert found["ev-fx"][0] == "dropped" and found["ev-fx"][1]["basis"] == "stated"
        assert found["ev-tariffs"][1]["basis"] == "inferred"
        assert found["ev-ntm"][1]["basis"] == "inferred"

    def test_a_stated_note_about_another_change_does_not_count(self, areas):
        talks = factories.negotiation()
        factories.round(talks, 1, agenda={"fx": areas["fx"]})
        second = factories.round(talks, 2, agenda={"fx": areas["fx"]})
        annotate(second, areas["fx"], "dropped", "stated")

        changes = round_agenda_changes(second)

        assert changes["retained"][0]["basis"] == "inferred"
        assert changes["annotations"] == []  # it explains no change of this answer

    def test_matrix_cells_carry_the_basis_the_annotations_and_the_dropped_report(self, areas):
        talks = factories.negotiation()
        first = factories.round(talks, 1, agenda={"fx": areas["fx"]})
        second = factories.round(talks, 2, agenda={"ntm": areas["ntm"]})
        annotate(second, areas["fx"], "dropped", "stated")

        matrix = agenda_matrix(talks)
        cells = {area["slug"]: area["cells"] for area in matrix["areas"]}
        first_fx, dropped_fx = cells["ev-fx"]

        assert first_fx["change"] == "first_reported" and first_fx["basis"] is None
        assert dropped_fx["change"] == "dropped" and dropped_fx["basis"] == "stated"
        assert dropped_fx["before"]["label"] == "fx"
        assert dropped_fx["before"]["item"] == first.agenda_items.get().slug
        assert [note["basis"] for note in dropped_fx["annotations"]] == ["stated"]
        assert dropped_fx["annotations"][0]["citations"]
        assert cells["ev-ntm"][1]["change"] == "added"
        assert cells["ev-ntm"][1]["basis"] == "inferred"


class TestDisputes:
    def test_an_agenda_wide_dispute_of_the_compared_round_is_on_every_entry(self, areas):
        talks = factories.negotiation()
        first = factories.round(talks, 1, agenda={"fx": areas["fx"], "ntm": areas["ntm"]})
        second = factories.round(talks, 2, agenda={"ntm": areas["ntm"], "t": areas["tariffs"]})
        disputed_list = dispute(first)

        changes = round_agenda_changes(second)

        assert changes["contested"] is True
        for kind, entry in entries_by_area(changes).values():
            assert dispute_slugs(entry) == [disputed_list.slug], kind
        claims = changes["dropped"][0]["disputes"][0]["claims"]
        assert [claim["label"] for claim in claims] == ["A", "B"]
        assert all(claim["citations"] for claim in claims)

    def test_an_area_dispute_of_the_later_round_is_on_that_area_only(self, areas):
        talks = factories.negotiation()
        factories.round(talks, 1, agenda={"fx": areas["fx"], "ntm": areas["ntm"]})
        second = factories.round(talks, 2, agenda={"ntm": areas["ntm"]})
        about_fx = dispute(second, area=areas["fx"])

        found = entries_by_area(round_agenda_changes(second))

        assert dispute_slugs(found["ev-fx"][1]) == [about_fx.slug]
        assert dispute_slugs(found["ev-ntm"][1]) == []

    def test_disputes_about_something_else_than_the_agenda_are_not_shown(self, areas):
        talks = factories.negotiation()
        factories.round(talks, 1, agenda={"fx": areas["fx"]})
        second = factories.round(talks, 2, agenda={"fx": areas["fx"]})
        dispute(second, topic="participants")  # who met, not what was on the agenda

        changes = round_agenda_changes(second)

        assert changes["contested"] is False
        assert changes["retained"][0]["disputes"] == []

    def test_an_unchanged_absent_cell_shows_only_its_own_areas_disputes(self, areas):
        talks = factories.negotiation()
        first = factories.round(talks, 1, agenda={"fx": areas["fx"]})
        second = factories.round(talks, 2, agenda={"fx": areas["fx"]})
        dispute(second)  # the list as a whole
        dispute(first, area=areas["tariffs"])  # was "tariffs" on the first list?
        factories.round(talks, 3, agenda={"tariffs": areas["tariffs"]})

        matrix = agenda_matrix(talks)
        tariffs = next(area for area in matrix["areas"] if area["slug"] == "ev-tariffs")
        first_cell, second_cell, third_cell = tariffs["cells"]

        assert first_cell["change"] is None and len(first_cell["disputes"]) == 1
        assert second_cell["change"] is None and second_cell["disputes"] == []
        assert third_cell["change"] == "added" and len(third_cell["disputes"]) == 1
        assert matrix["contested"] is True


class TestComparisonRules:
    def test_a_held_round_skips_planned_and_postponed_rounds(self, areas):
        talks = factories.negotiation()
        factories.round(talks, 1, agenda={"fx": areas["fx"]})
        factories.round(
            talks,
            2,
            agenda={"ntm": areas["ntm"]},
            status=RoundStatus.PLANNED,
            agenda_basis=AgendaBasis.ANNOUNCED,
        )
        factories.round(
            talks,
            3,
            agenda={"tariffs": areas["tariffs"]},
            status=RoundStatus.POSTPONED,
            agenda_basis=AgendaBasis.ANNOUNCED,
        )
        fourth = factories.round(talks, 4, agenda={"fx": areas["fx"]})

        changes = round_agenda_changes(fourth)

        assert changes["compared_to"]["sequence"] == 1
        assert [(s["round"]["sequence"], s["reason"]) for s in changes["skipped"]] == [
            (3, "postponed"),
            (2, "planned"),
        ]
        assert [entry["slug"] for entry in changes["retained"]] == ["ev-fx"]

    def test_include_planned_compares_a_held_round_with_a_planned_one(self, areas):
        talks = factories.negotiation()
        factories.round(talks, 1, agenda={"fx": areas["fx"]})
        factories.round(
            talks,
            2,
            agenda={"ntm": areas["ntm"]},
            status=RoundStatus.PLANNED,
            agenda_basis=AgendaBasis.ANNOUNCED,
        )
        third = factories.round(talks, 3, agenda={"fx": areas["fx"]})

        changes = round_agenda_changes(third, include_planned=True)

        assert changes["compared_to"]["sequence"] == 2 and changes["skipped"] == []
        assert [entry["slug"] for entry in changes["added"]] == ["ev-fx"]
        assert [entry["slug"] for entry in changes["dropped"]] == ["ev-ntm"]

    def test_a_planned_round_is_compared_with_the_latest_round_of_any_status(self, areas):
        talks = factories.negotiation()
        factories.round(talks, 1, agenda={"fx": areas["fx"]})
        factories.round(
            talks, 2, agenda={"ntm": areas["ntm"]}, status="planned", agenda_basis="announced"
        )
        third = factories.round(
            talks, 3, agenda={"ntm": areas["ntm"]}, status="planned", agenda_basis="announced"
        )

        changes = round_agenda_changes(third)

        assert changes["compared_to"]["sequence"] == 2 and changes["skipped"] == []

    def test_the_whole_sequence_follows_the_same_rules(self, areas):
        talks = factories.negotiation()
        factories.round(talks, 1, agenda={"fx": areas["fx"]})
        factories.round(
            talks, 2, agenda={"ntm": areas["ntm"]}, status="planned", agenda_basis="announced"
        )
        factories.round(talks, 3, agenda={"fx": areas["fx"]})

        sequence = negotiation_agenda_changes(talks)

        assert [c["compared_to"] and c["compared_to"]["sequence"] for c in sequence] == [
            None,
            1,
            1,
        ]
        assert [entry["slug"] for entry in sequence[0]["first_reported"]] == ["ev-fx"]
        included = negotiation_agenda_changes(talks, include_planned=True)
        assert included[2]["compared_to"]["sequence"] == 2

    def test_the_first_reported_agenda_is_never_added(self, areas):
        talks = factories.negotiation()
        factories.round(talks, 1)  # agenda not reported: unknown, not empty
        second = factories.round(talks, 2, agenda={"fx": areas["fx"]})

        changes = round_agenda_changes(second)

        assert changes["added"] == [] and changes["compared_to"] is None
        assert [entry["slug"] for entry in changes["first_reported"]] == ["ev-fx"]
        assert changes["first_reported"][0]["after"]["label"] == "fx"
