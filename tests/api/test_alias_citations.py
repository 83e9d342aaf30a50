"""Spellings and relations are facts too: the API shows where each was found."""

import pytest

from negotiations import models
from negotiations.choices import NegotiationRelationKind
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def misspelt():
    """A person an article misspelt, the misspelling cited by the article."""
    person = factories.person(name="Rudolf Rassendyll")
    alias = person.aliases.create(name="Rudolf Rassendil")
    alias.citations.add(factories.citation(quote="Rudolf Rassendil arrived on Tuesday."))
    return person


@pytest.mark.parametrize("listed", [False, True], ids=["detail", "search"])
def test_a_misspelling_cites_the_article_it_came_from(api, misspelt, listed):
    if listed:
        body = api.get("/api/v1/people/", {"search": "Rassendil"}).json()
        person = body["results"][0]
    else:
        person = api.get(f"/api/v1/people/{misspelt.slug}/").json()
    assert person["slug"] == misspelt.slug
    alias = next(a for a in person["aliases"] if a["name"] == "Rudolf Rassendil")
    assert alias["citations"]
    assert all("Rassendil" in citation["quote"] for citation in alias["citations"])


BUILDERS = {
    "parties": factories.party,
    "organizations": factories.organization,
    "agenda-areas": factories.area,
}


@pytest.mark.parametrize("resource", list(BUILDERS))
def test_aliases_of_every_kind_carry_their_citations(api, resource):
    owner = BUILDERS[resource]()
    owner.aliases.create(name="An uncited spelling")
    owner.aliases.create(name="A cited spelling").citations.add(factories.citation())
    records = api.get(f"/api/v1/{resource}/", {"page_size": 500}).json()["results"]
    record = next(record for record in records if record["slug"] == owner.slug)
    aliases = {alias["name"]: alias for alias in record["aliases"]}
    assert aliases["An uncited spelling"]["citations"] == []
    cited = aliases["A cited spelling"]["citations"]
    assert cited, f"no {resource} alias shows its citations"
    assert {"slug", "source", "publisher", "quote", "published_on", "facets", "values"} <= set(
        cited[0]
    )


def test_related_negotiations_cite_their_relation(api):
    spun_off, original = factories.negotiation(), factories.negotiation()
    models.NegotiationRelation.objects.create(
        from_negotiation=spun_off,
        to_negotiation=original,
        kind=NegotiationRelationKind.SPUN_OFF_FROM,
    ).citations.add(factories.citation())
    records = api.get("/api/v1/negotiations/", {"page_size": 500}).json()["results"]
    record = next(record for record in records if record["slug"] == spun_off.slug)
    relations = record["related"]
    assert relations
    assert all(relation["citations"] for relation in relations)
