"""Spellings and relations are facts too: the API shows where each was found."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/people/scott-bessent/", "/api/v1/people/"])
def test_a_misspelling_cites_the_article_it_came_from(api, path):
    body = api.get(path, {"search": "Bescent"} if path.endswith("people/") else {}).json()
    person = body["results"][0] if "results" in body else body
    alias = next(a for a in person["aliases"] if a["name"] == "Scott Bescent")
    assert alias["citations"]
    assert all("Bescent" in citation["quote"] for citation in alias["citations"])


@pytest.mark.parametrize("resource", ["parties", "organizations", "agenda-areas"])
def test_aliases_of_every_kind_carry_their_citations(api, resource):
    records = api.get(f"/api/v1/{resource}/", {"page_size": 500}).json()["results"]
    aliases = [alias for record in records for alias in record["aliases"]]
    assert aliases
    cited = [alias for alias in aliases if alias["citations"]]
    assert cited, f"no {resource} alias shows its citations"
    for alias in cited:
        assert {"slug", "source", "publisher", "quote"} == set(alias["citations"][0])


def test_related_negotiations_cite_their_relation(api):
    records = api.get("/api/v1/negotiations/", {"page_size": 500}).json()["results"]
    relations = [relation for record in records for relation in record["related"]]
    assert relations
    assert any(relation["citations"] for relation in relations)
