"""propose() on an article about made-up talks, then accept(): what is proposed, that nothing
is written before acceptance, what acceptance writes (cited by verbatim sentences), and that
the same article proposes nothing already recorded."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from negotiations import models
from negotiations.intake import proposals as kinds
from negotiations.intake import propose
from negotiations.intake.accept import accept
from tests import factories

ARTICLE = "\n".join(
    [
        "Freedonia and Sylvania agree on four areas",
        "Published: 12 Mar. 2031, 10:00",
        "Commerce Minister Rufus Firefly and Sylvanian Envoy Trentino Vasquez met on Tuesday in "
        "Marston.",
        "The two sides agreed to focus on four areas: widget quotas, gadget rules, sprocket "
        "safety and harbour access.",
        'Firefly said the talks were "productive".',
        "Freedonia requested an exemption from the widget quotas.",
        "They aim for an agreement by April 30, before the truce is set to expire.",
        '"Trentino Vasquezz and I agreed to hold the second round of technical consultations '
        'next week," Firefly said.',
        "",
    ]
)


@pytest.fixture
def vocabulary(db):
    freedonia = factories.party(name="Freedonia")
    sylvania = factories.party(name="Sylvania")
    commerce = factories.organization(name="Commerce Ministry", party=freedonia)
    firefly = factories.person(name="Rufus Firefly", party=freedonia)
    firefly.roles.create(organization=commerce, title="Commerce Minister")
    vasquez = factories.person(name="Trentino Vasquez", party=sylvania)
    for name in ("Widget quotas", "Gadget rules", "Sprocket safety", "Harbour access"):
        factories.area(name=name)
    return {"freedonia": freedonia, "sylvania": sylvania, "firefly": firefly, "vasquez": vasquez}


def article(**fields):
    return models.Source(title="Freedonia and Sylvania agree", text=ARTICLE, **fields)


def test_propose_reads_the_article_and_writes_nothing(vocabulary, django_assert_max_num_queries):
    before = {m: m._base_manager.count() for m in (models.Source, models.Round, models.Citation)}
    with django_assert_max_num_queries(20):  # the vocabulary, loaded once
        found = propose(article())
    assert {m: m._base_manager.count() for m in before} == before

    (publication,) = found.of_kind(kinds.SOURCE)
    assert publication.values["published_on"] == datetime.date(2031, 3, 12)
    assert publication.sentence == "Published: 12 Mar. 2031, 10:00"

    held, planned = found.of_kind(kinds.ROUND)
    assert held.values["start_date"] == datetime.date(2031, 3, 11)  # "on Tuesday"
    assert held.values["city"] == "Marston"
    assert held.values["status"] == "held"
    assert planned.values["start_date"] == datetime.date(2031, 3, 17)  # "next week"
    assert planned.values["date_precision"] == "week"
    assert planned.values["status"] == "planned"
    assert planned.values["level"] == "working"

    participants = {p.values["person"] for p in found.of_kind(kinds.PARTICIPANT)}
    assert participants == {vocabulary["firefly"].slug, vocabulary["vasquez"].slug}
    items = found.of_kind(kinds.AGENDA_ITEM)
    assert [i.values["label"] for i in items] == [
        "widget quotas", "gadget rules", "sprocket safety", "harbour access",
    ]  # fmt: skip
    assert all(i.values["round"] == held.key for i in items)
    assert {d.values["kind"] for d in found.of_kind(kinds.DEADLINE)} == {
        "negotiating_target", "legal_expiry",
    }  # fmt: skip
    assert {(p.values["party"], p.values["kind"]) for p in found.of_kind(kinds.POSITION)} >= {
        (vocabulary["freedonia"].slug, "request"),
    }
    (alias,) = found.of_kind(kinds.PERSON_ALIAS)
    assert alias.values == alias.values | {
        "person": vocabulary["vasquez"].slug, "name": "Trentino Vasquezz", "kind": "misspelling",
    }  # fmt: skip
    # Every sentence is verbatim in the text.
    assert all(s.sentence in ARTICLE for p in found.items for s in p.support if s.sentence)


def test_keys_are_stable(vocabulary):
    assert propose(article()).keys == propose(article()).keys


def test_accept_writes_cited_facts_and_a_second_run_proposes_none_of_them(vocabulary):
    found = propose(article())
    keys = [p.key for p in found.items if p.writes]
    accepted = accept(found, keys)
    source = accepted.source
    assert source.published_on == datetime.date(2031, 3, 12)
    assert source.text == ARTICLE

    held = accepted.records[found.of_kind(kinds.ROUND)[0].key]
    assert held.negotiation.parties.count() == 2
    assert held.agenda_status == "reported"
    assert held.agenda_basis == "agreed_scope"
    assert held.agenda_items.count() == 4
    assert held.participants.count() == 2
    for quote in held.citations.values_list("quote", flat=True):
        assert quote in ARTICLE
    assert all(c.source_id == source.pk for _, _, c, _ in accepted.links)
    assert ("date" in facets for key, _, _, facets in accepted.links if key.startswith("round:"))
    assert models.PersonAlias.objects.filter(name="Trentino Vasquezz").exists()

    again = propose(article())
    written = [p for p in again.items if p.writes and p.kind != kinds.SOURCE]
    assert written == []
    assert again.source_slug == source.slug


def test_a_fact_whose_round_is_not_accepted_is_refused_and_nothing_is_written(vocabulary):
    found = propose(article())
    participant = found.of_kind(kinds.PARTICIPANT)[0]
    sources = models.Source.objects.count()
    with pytest.raises(ValidationError) as refused:
        accept(found, [participant.key])
    assert participant.key in refused.value.message_dict
    assert models.Source.objects.count() == sources


def test_corrections_change_what_is_written(vocabulary):
    found = propose(article())
    held = found.of_kind(kinds.ROUND)[0]
    negotiation = found.of_kind(kinds.NEGOTIATION)[0]
    accepted = accept(found, [negotiation.key, held.key], {held.key: {"city": "Marston Harbour"}})
    assert accepted.records[held.key].city == "Marston Harbour"


def test_an_unknown_key_is_refused(vocabulary):
    with pytest.raises(ValidationError) as refused:
        accept(propose(article()), ["round:nowhere"])
    assert "keys" in refused.value.message_dict
