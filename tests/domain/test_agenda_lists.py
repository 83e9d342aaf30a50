"""What sources listed and left off, on built talks: a source's whole list that leaves out an
area another lists disputes that area only; an area a source says was off is *excluded*,
not merely absent or unknown (negotiations.domain.agenda_lists)."""

import datetime

import pytest

from negotiations import models
from negotiations.domain.agenda import agenda_matrix, round_agenda_changes
from tests import factories
from tests.helpers import dispute_slugs, entries_by_area

pytestmark = pytest.mark.django_db


@pytest.fixture
def talks():
    """Two rounds: the first's four areas as most sources list them, one source's list
    without currency policy; the second drops it, and a source says it was off there."""
    areas = {name: factories.area(slug=f"ls-{name}") for name in ("fx", "tariffs", "sec", "inv")}
    negotiation = factories.negotiation()
    majority = factories.source(published_on=datetime.date(2025, 4, 26))
    minority = factories.source(published_on=datetime.date(2025, 4, 24))
    first = factories.round(negotiation, 1, agenda=dict(areas), status="held")
    items = {item.label: item for item in first.agenda_items.all()}
    for source in (majority, minority):
        listed = [name for name in areas if source is majority or name != "fx"]
        first.citation_links.create(
            citation=factories.citation(source, quote=f"Four areas: {', '.join(listed)}."),
            facets=["agenda_list"],
        )
        for name in listed:
            items[name].citation_links.create(
                citation=factories.citation(source, quote=f"On {name}."), facets=["label"]
            )
    second = factories.round(
        negotiation,
        2,
        agenda={name: area for name, area in areas.items() if name != "fx"},
        status="held",
    )
    second.citations.add(factories.citation(majority))
    for item in second.agenda_items.all():
        item.citations.add(factories.citation(majority))
    off = factories.exclusion(negotiation=negotiation, round=second, area=areas["fx"])
    return {"negotiation": negotiation, "first": first, "second": second, "off": off}


def test_a_list_that_leaves_an_area_out_disputes_that_area_only(talks):
    found = entries_by_area(round_agenda_changes(talks["second"]))
    assert dispute_slugs(found["ls-fx"][1]) == [f"{talks['first'].slug}--ls-fx--listed"]
    for area in ("ls-tariffs", "ls-sec", "ls-inv"):
        assert dispute_slugs(found[area][1]) == [], area
    claims = found["ls-fx"][1]["disputes"][0]["claims"]
    assert [len(claim["citations"]) for claim in claims] == [1, 1]
    assert found["ls-fx"][1]["disputes"][0]["computed"] is True


def test_before_the_other_list_was_published_there_is_no_dispute(talks):
    changes = round_agenda_changes(talks["first"], known_as_of=datetime.date(2025, 4, 24))
    assert {entry["slug"] for entry in changes["first_reported"]} == {
        "ls-tariffs",
        "ls-sec",
        "ls-inv",
    }
    assert changes["contested"] is False


def test_an_area_a_source_says_was_off_is_excluded(talks):
    changes = round_agenda_changes(talks["second"])
    assert [(entry["slug"], entry["scope"]) for entry in changes["excluded"]] == [
        ("ls-fx", "round")
    ]
    assert changes["excluded"][0]["citations"]
    cells = {area["slug"]: area["cells"] for area in agenda_matrix(talks["negotiation"])["areas"]}
    assert [cell["state"] for cell in cells["ls-fx"]] == ["present", "excluded"]
    assert cells["ls-fx"][1]["change"] == "dropped"
    assert cells["ls-fx"][1]["exclusions"][0]["exclusion"] == talks["off"].slug


def test_an_area_off_a_whole_negotiation_is_excluded_where_no_list_has_it(talks):
    defence = factories.area(slug="ls-defence")
    factories.exclusion(negotiation=talks["negotiation"], area=defence)
    cells = {area["slug"]: area["cells"] for area in agenda_matrix(talks["negotiation"])["areas"]}
    assert [cell["state"] for cell in cells["ls-defence"]] == ["excluded", "excluded"]
    assert {cell["exclusions"][0]["scope"] for cell in cells["ls-defence"]} == {"negotiation"}


def test_an_exclusion_no_source_had_published_is_not_known(talks):
    talks["off"].citation_links.update(
        citation=factories.citation(factories.source(published_on=datetime.date(2025, 6, 1)))
    )
    changes = round_agenda_changes(talks["second"], known_as_of=datetime.date(2025, 5, 1))
    assert changes["excluded"] == []


def test_the_round_lists_the_disputes_its_sources_lists_make(api, talks):
    body = api.get(f"/api/v1/rounds/{talks['first'].slug}/").json()
    computed = [dispute for dispute in body["disputes"] if dispute["computed"]]
    assert [(d["area"], d["facet"]) for d in computed] == [("ls-fx", "agenda_list")]
    exclusions = api.get("/api/v1/agenda-exclusions/", {"round": talks["second"].slug}).json()
    assert [entry["area"] for entry in exclusions["results"]] == ["ls-fx"]
    assert models.AgendaExclusion.objects.filter(round=talks["second"]).count() == 1
