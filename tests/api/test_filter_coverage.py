"""Every filter and every ordering of every list, checked against the ORM on the seed data.

The hand-written cases in test_filters.py show what the filters mean on built talks shaped
like the Korea–US ones; these check, generically, that each filter is wired to the right
column (the API answers exactly what the equivalent ORM query does, for a value that keeps
some records and drops others) and that each ordering sorts by its field, both ways.
"""

import pytest
from django.db.models import F

from negotiations import models
from negotiations.api.urls import router
from tests.helpers import slugs

pytestmark = pytest.mark.django_db

VIEWSETS = {prefix: viewset for prefix, viewset, _ in router.registry}


def values_of(model, field):
    """Candidate values for a filter: every choice of a choice field, else every value."""
    choices = model._meta.get_field(field).choices
    if choices:
        return [value for value, _ in choices]
    values = model.objects.order_by().values_list(field, flat=True).distinct()
    return sorted({value for value in values if value not in (None, "")}, key=str)


# (list, query parameter, model, ORM lookup for one value, where candidate values come from)
FILTERS = [
    ("parties", "kind", models.Party, "kind", (models.Party, "kind")),
    ("organizations", "party", models.Organization, "party__slug", (models.Party, "slug")),
    ("organizations", "kind", models.Organization, "kind", (models.Organization, "kind")),
    ("organizations", "parent", models.Organization, "parent__slug", (models.Organization, "slug")),
    ("people", "party", models.Person, "party__slug", (models.Party, "slug")),
    (
        "people",
        "organization",
        models.Person,
        "roles__organization__slug",
        (models.Organization, "slug"),
    ),
    ("negotiations", "party", models.Negotiation, "parties__slug", (models.Party, "slug")),
    ("negotiations", "status", models.Negotiation, "status", (models.Negotiation, "status")),
    ("rounds", "negotiation", models.Round, "negotiation__slug", (models.Negotiation, "slug")),
    ("rounds", "level", models.Round, "level", (models.Round, "level")),
    ("rounds", "party", models.Round, "negotiation__parties__slug", (models.Party, "slug")),
    ("rounds", "start_date_after", models.Round, "start_date__gte", (models.Round, "start_date")),
    ("rounds", "start_date_before", models.Round, "start_date__lte", (models.Round, "start_date")),
    ("rounds", "status", models.Round, "status", (models.Round, "status")),
    ("rounds", "agenda_status", models.Round, "agenda_status", (models.Round, "agenda_status")),
    ("rounds", "agenda_basis", models.Round, "agenda_basis", (models.Round, "agenda_basis")),
    ("rounds", "participant", models.Round, "participants__person__slug", (models.Person, "slug")),
    (
        "rounds",
        "area",
        models.Round,
        "agenda_items__area_links__area__slug",
        (models.AgendaArea, "slug"),
    ),
    ("rounds", "city", models.Round, "city__iexact", (models.Round, "city")),
    ("rounds", "country", models.Round, "country__iexact", (models.Round, "country")),
    ("agenda-items", "round", models.AgendaItem, "round__slug", (models.Round, "slug")),
    (
        "agenda-exclusions",
        "negotiation",
        models.AgendaExclusion,
        "negotiation__slug",
        (models.Negotiation, "slug"),
    ),
    ("agenda-exclusions", "round", models.AgendaExclusion, "round__slug", (models.Round, "slug")),
    (
        "agenda-exclusions",
        "area",
        models.AgendaExclusion,
        "area__slug",
        (models.AgendaArea, "slug"),
    ),
    (
        "agenda-exclusions",
        "handled_in",
        models.AgendaExclusion,
        "handled_in__slug",
        (models.Negotiation, "slug"),
    ),
    (
        "agenda-items",
        "negotiation",
        models.AgendaItem,
        "round__negotiation__slug",
        (models.Negotiation, "slug"),
    ),
    (
        "agenda-items",
        "area",
        models.AgendaItem,
        "area_links__area__slug",
        (models.AgendaArea, "slug"),
    ),
    (
        "deadlines",
        "negotiation",
        models.Deadline,
        "negotiation__slug",
        (models.Negotiation, "slug"),
    ),
    ("deadlines", "kind", models.Deadline, "kind", (models.Deadline, "kind")),
    ("measures", "negotiation", models.Measure, "negotiation__slug", (models.Negotiation, "slug")),
    ("measures", "imposing_party", models.Measure, "imposing_party__slug", (models.Party, "slug")),
    ("measures", "target_party", models.Measure, "target_party__slug", (models.Party, "slug")),
    ("measures", "kind", models.Measure, "kind", (models.Measure, "kind")),
    ("measures", "status", models.Measure, "status", (models.Measure, "status")),
    ("positions", "party", models.Position, "party__slug", (models.Party, "slug")),
    ("positions", "kind", models.Position, "kind", (models.Position, "kind")),
    ("positions", "area", models.Position, "areas__slug", (models.AgendaArea, "slug")),
    ("positions", "round", models.Position, "round__slug", (models.Round, "slug")),
    (
        "positions",
        "negotiation",
        models.Position,
        "negotiation__slug",
        (models.Negotiation, "slug"),
    ),
    ("positions", "speaker", models.Position, "speaker__slug", (models.Person, "slug")),
    ("sources", "publisher", models.Source, "publisher__iexact", (models.Source, "publisher")),
    ("citations", "source", models.Citation, "source__slug", (models.Source, "slug")),
    ("conflicts", "status", models.Disagreement, "status", (models.Disagreement, "status")),
    ("conflicts", "topic", models.Disagreement, "topic", (models.Disagreement, "topic")),
    (
        "conflicts",
        "negotiation",
        models.Disagreement,
        "negotiation__slug",
        (models.Negotiation, "slug"),
    ),
    ("conflicts", "round", models.Disagreement, "round__slug", (models.Round, "slug")),
    ("conflicts", "area", models.Disagreement, "area__slug", (models.AgendaArea, "slug")),
]


@pytest.mark.parametrize(
    ("resource", "param", "model", "lookup", "candidates"),
    FILTERS,
    ids=[f"{resource}?{param}" for resource, param, *_ in FILTERS],
)
def test_filter_answers_what_the_orm_does(api, resource, param, model, lookup, candidates):
    everything = set(model.objects.values_list("slug", flat=True))
    answers = {
        value: set(model.objects.filter(**{lookup: value}).values_list("slug", flat=True))
        for value in values_of(*candidates)
    }
    # A value that keeps some records and drops others, else one that keeps none: either
    # way an ignored or miswired filter gives a different answer.
    telling = [v for v, found in answers.items() if 0 < len(found) < len(everything)]
    telling += [v for v, found in answers.items() if not found]
    assert telling, f"the seed data cannot tell ?{param}= from no filter"
    value = telling[0]
    expected = answers[value]
    response = api.get(f"/api/v1/{resource}/", {param: value, "page_size": 500})
    assert set(slugs(response)) == expected
    assert len(slugs(response)) == len(expected)  # no duplicates from joins


def test_every_filter_of_every_list_is_covered():
    covered = {(resource, param) for resource, param, *_ in FILTERS}
    # Filters whose meaning is not one column: covered case by case in test_filters.py,
    # test_deadlines.py and test_known_as_of.py (search matches names and aliases, deadline
    # status is computed, known_as_of reads the sources' publication days).
    special = {"search", "updated_since", "as_of", "upcoming", "within_days", "known_as_of"}
    for prefix, viewset in VIEWSETS.items():
        for name in viewset.filterset_class.base_filters:
            if name not in special:
                assert (prefix, name) in covered, f"/{prefix}/?{name}= has no generic test"


SEARCHES = [
    ("parties", models.Party, "name", models.PartyAlias, "party"),
    ("organizations", models.Organization, "name", models.OrganizationAlias, "organization"),
    ("people", models.Person, "name", models.PersonAlias, "person"),
    ("agenda-areas", models.AgendaArea, "name", models.AgendaAreaAlias, "area"),
    ("rounds", models.Round, "title", None, None),
    ("sources", models.Source, "title", None, None),
    ("citations", models.Citation, "quote", None, None),
]


@pytest.mark.parametrize(
    ("resource", "model", "text_field", "alias_model", "owner"),
    SEARCHES,
    ids=[resource for resource, *_ in SEARCHES],
)
def test_search_finds_records_by_their_words_and_aliases(
    api, resource, model, text_field, alias_model, owner
):
    record = model.objects.order_by("pk").first()
    word = max(getattr(record, text_field).split(), key=len)  # a distinctive word of it
    assert record.slug in slugs(api.get(f"/api/v1/{resource}/", {"search": word.upper()}))
    assert slugs(api.get(f"/api/v1/{resource}/", {"search": "no-such-words-anywhere"})) == []
    if alias_model is not None:
        # An alias that is not part of its owner's name is found through the alias alone.
        alias = next(
            a
            for a in alias_model.objects.select_related(owner).order_by("pk")
            if a.name.lower() not in getattr(a, owner).name.lower()
        )
        found = slugs(api.get(f"/api/v1/{resource}/", {"search": alias.name, "page_size": 500}))
        assert getattr(alias, owner).slug in found


ORDERINGS = [
    (prefix, field) for prefix, viewset in VIEWSETS.items() for field in viewset.ordering_fields
]


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize(("resource", "field"), ORDERINGS, ids=[f"{r}:{f}" for r, f in ORDERINGS])
def test_ordering_sorts_by_its_field(api, resource, field, descending):
    model = VIEWSETS[resource].queryset.model
    value_of = dict(model.objects.values_list("slug", field))
    response = api.get(
        f"/api/v1/{resource}/", {"ordering": f"-{field}" if descending else field, "page_size": 500}
    )
    served = [value_of[slug] for slug in slugs(response)]
    assert len(served) == len(value_of)
    # The database's own order (its collation for text), missing values left aside: where
    # they go is documented per field, and they tie with each other.
    expression = F(field).desc() if descending else F(field).asc()
    expected = list(model.objects.order_by(expression).values_list(field, flat=True))
    assert [v for v in served if v is not None] == [v for v in expected if v is not None]
