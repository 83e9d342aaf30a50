"""Names: known people by any spelling and misspelt ("Scott Bescent", "Anne Duk Gae-woon",
"Jamie Son Greer"), family names alone, new people with a title; parties by name, alias and
demonym."""

import pytest

from negotiations.intake.gazetteer import Vocabulary
from negotiations.models import Person
from tests import factories


@pytest.fixture
def people(db):
    """People with the seed's names, each with a role, and no alias: the vocabulary knows
    only them."""
    home, away = factories.party(name="Freedonia"), factories.party(name="Sylvania")
    industry = factories.organization(name="Ministry of Trade, Industry and Energy", party=home)
    industry.aliases.create(name="Industry Ministry")
    ustr = factories.organization(name="Office of the Trade Representative", party=away)
    treasury = factories.organization(name="Department of the Treasury", party=away)
    treasury.aliases.create(name="Treasury")
    ahn = factories.person(name="Ahn Duk-geun", party=home)
    ahn.roles.create(organization=industry, title="Minister of Trade, Industry and Energy")
    han = factories.person(name="Han Duck-soo", party=home)
    bessent = factories.person(name="Scott Bessent", party=away)
    bessent.roles.create(organization=treasury, title="Treasury Secretary")
    greer = factories.person(name="Jamieson Greer", party=away)
    greer.roles.create(organization=ustr, title="Trade Representative")
    found = {"ahn": ahn, "han": han, "bessent": bessent, "greer": greer, "home": home}
    return found


def vocabulary(people):
    ids = [p.pk for p in people.values() if isinstance(p, Person)]
    return Vocabulary(people=Person.objects.filter(pk__in=ids))


def found(people, text):
    return {m.text: m for m in vocabulary(people).find_people(text)}


@pytest.mark.parametrize(
    ("written", "who"),
    [("Scott Bescent", "bessent"), ("Scott Becent", "bessent"), ("Jamie Son Greer", "greer")],
)
def test_misspelt_names_match_the_known_person(people, written, who):
    match = found(people, f"The talks with {written} went well.")[written]
    assert match.slug == people[who].slug
    assert 85 <= match.score < 100


def test_a_title_that_fits_the_persons_role_lowers_the_score_needed(people):
    text = "Choi met Industry Minister Anne Duk Gae-woon and others."
    match = found(people, text)["Anne Duk Gae-woon"]
    assert match.slug == people["ahn"].slug
    assert match.title == "Industry Minister"
    assert match.organization  # the minister's ministry, from the role
    # Without the title the name is too far from any spelling to be matched.
    assert "Anne Duk Gae-woon" not in found(people, "The guest Anne Duk Gae-woon came.")


def test_spelling_variants_match_exactly(people):
    match = found(people, "Ahn Dukgeun spoke.")["Ahn Dukgeun"]
    assert match.slug == people["ahn"].slug


def test_a_family_name_alone_is_the_person_named_in_full(people):
    matches = vocabulary(people).find_people("Scott Bessent spoke. Later Bessent said more.")
    assert [m.slug for m in matches] == [people["bessent"].slug] * 2


def test_an_unknown_name_with_a_title_is_a_new_person(people):
    text = "Freedonia's Deputy Trade Minister Ilse Vandermeer met them."
    match = found(people, text)["Ilse Vandermeer"]
    assert match.new
    assert match.title == "Deputy Trade Minister"
    assert match.party == people["home"].slug


def test_an_unknown_name_without_a_title_is_not_proposed(people):
    assert "Josh Smithers" not in found(people, "Reporting by Josh Smithers and others.")


def test_parties_by_name_alias_and_demonym(people):
    home = people["home"]
    home.aliases.create(name="Fredonia City")
    vocab = vocabulary(people)
    text = "Freedonian officials met in Fredonia City with Freedonia."
    assert [m.slug for m in vocab.find_parties(text)] == [home.slug] * 3
    (group,) = [g for g in vocab.find_groups(text) if g.party == home.slug]
    assert group.text == "Freedonian officials"
