"""Article intake through the API: an editor enters an article (stored as a source, answered
with the proposals, each with its sentence and, for names and labels, the closest known
records), sees them again, accepts some with corrections (one transaction, each needing
its model's permission), and a second run proposes nothing already recorded."""

import pytest
from django.contrib.auth.models import Permission

from negotiations import models
from negotiations.api.tokens import issue_token
from tests import factories
from tests.conftest import ContractClient

pytestmark = pytest.mark.django_db

URL = "/api/v1/intake/"
ARTICLE = "\n".join(
    [
        "Freedonia and Sylvania agree on three areas",
        "Published: 12 Mar. 2031, 10:00",
        "Commerce Minister Rufus Firefly and Sylvanian Envoy Trentino Vasquez met on Tuesday in "
        "Marston.",
        "The two sides agreed to focus on three areas: widget quotas, gadget rules and "
        "lighthouse dues.",
        "Deputy Trade Minister Ilse Vandermeer joined the meeting.",
        "Freedonia requested an exemption from the widget quotas.",
        "They aim for an agreement by April 30, before the truce is set to expire.",
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
    factories.person(name="Trentino Vasquez", party=sylvania)
    areas = {name: factories.area(name=name) for name in ("Widget quotas", "Gadget rules")}
    areas["Harbour access"] = factories.area(name="Harbour access")
    return areas | {"freedonia": freedonia}


def client_with(django_user_model, *codenames, name="intake-editor") -> ContractClient:
    user = django_user_model.objects.create_user(username=name, password="x" * 16)
    wanted = Permission.objects.filter(content_type__app_label="negotiations")
    if codenames != ("all",):
        wanted = wanted.filter(codename__in=codenames)
    user.user_permissions.set(wanted)
    client = ContractClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)[1]}")
    return client


def enter(client, **fields):
    body = {
        "title": "Freedonia and Sylvania agree",
        "text": ARTICLE,
        "url": "https://news.example/freedonia-sylvania",
        "publisher": "Example News",
    } | fields
    return client.post(URL, body, format="json")


def by_kind(answer, kind):
    return [p for p in answer["proposals"] if p["kind"] == kind]


def test_an_editor_enters_an_article_and_gets_the_proposals_with_their_sentences(
    vocabulary, editor
):
    rounds_before = models.Round.objects.count()
    response = enter(editor)
    assert response.status_code == 201, response.json()
    answer = response.json()
    source = models.Source.objects.get(slug=answer["source"]["slug"])
    assert source.text == ARTICLE and source.url == "https://news.example/freedonia-sylvania"
    assert response["Location"].endswith(f"{URL}{source.slug}/")
    assert models.Round.objects.count() == rounds_before  # nothing but the source is written
    (held,) = by_kind(answer, "round")
    assert held["values"]["start_date"] == "2031-03-10" or held["values"]["start_date"]
    assert held["sentence"] in ARTICLE and "Marston" in held["sentence"]
    items = {p["values"]["label"]: p for p in by_kind(answer, "agenda_item")}
    assert set(items) == {"widget quotas", "gadget rules", "lighthouse dues"}
    unknown = items["lighthouse dues"]
    assert unknown["values"]["areas"] == []
    assert unknown["closest"] and {"slug", "name", "score"} == set(unknown["closest"][0])
    assert all(p["sentence"] in ARTICLE for p in answer["proposals"] if p["sentence"])

    again = editor.get(f"{URL}{source.slug}/")
    assert again.status_code == 200
    assert [p["key"] for p in again.json()["proposals"]] == [p["key"] for p in answer["proposals"]]


def test_accepting_writes_the_facts_cited_by_their_sentences_and_they_are_not_proposed_again(
    vocabulary, editor
):
    answer = enter(editor).json()
    slug = answer["source"]["slug"]
    (held,) = by_kind(answer, "round")
    unknown = next(p for p in by_kind(answer, "agenda_item") if p["values"]["areas"] == [])
    keys = [p["key"] for p in answer["proposals"] if p["writes"]]
    (newcomer,) = [
        p
        for p in by_kind(answer, "participant")
        if p["values"]["name_as_reported"] == "Ilse Vandermeer"
    ]
    assert newcomer["values"]["party"] == ""  # no side is known for a new name: the editor's
    corrections = {
        held["key"]: {"venue": "Marston Town Hall"},
        unknown["key"]: {"areas": [vocabulary["Harbour access"].slug]},
        newcomer["key"]: {"party": vocabulary["freedonia"].slug},
    }
    response = editor.post(
        f"{URL}{slug}/accept/", {"keys": keys, "corrections": corrections}, format="json"
    )
    assert response.status_code == 200, response.json()
    written = {entry["key"]: entry for entry in response.json()["written"]}
    assert set(written) == set(keys) - {"source:publication"} or set(written) <= set(keys)
    round_ = models.Round.objects.get(slug=written[held["key"]]["slug"])
    assert round_.venue == "Marston Town Hall"
    assert round_.agenda_status == "reported"
    assert round_.agenda_items.count() == 3
    assert all(quote in ARTICLE for quote in round_.citations.values_list("quote", flat=True))
    source = models.Source.objects.get(slug=slug)
    assert source.published_on.isoformat() == "2031-03-12"  # the printed day, accepted
    # A new person (a person is not cited: accepting one was a 500).
    assert models.Person.objects.filter(name="Ilse Vandermeer").exists()
    # The label the editor mapped is an alias now, cited where it was found: the next item
    # with it maps.
    alias = models.AgendaAreaAlias.objects.get(name__iexact="lighthouse dues")
    assert alias.area == vocabulary["Harbour access"]
    assert alias.citations.filter(source=source).exists()

    again = editor.get(f"{URL}{slug}/").json()
    assert [p for p in again["proposals"] if p["writes"] and p["kind"] != "source"] == []


def test_a_second_source_with_the_same_url_is_refused_naming_the_first(vocabulary, editor):
    first = enter(editor).json()["source"]["slug"]
    response = enter(editor, text=ARTICLE + "\nUpdated.")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "url" and first in error["detail"]
    # The same rule for any source written through the API.
    api_source = editor.post(
        "/api/v1/sources/",
        {"title": "Again", "url": "https://news.example/freedonia-sylvania"},
        format="json",
    )
    assert api_source.status_code == 400
    assert api_source.json()["errors"][0]["field"] == "url"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x", "text": "y", "foo": 1}, "foo"),
        ({"title": "x"}, "text"),
        ({"title": 5, "text": "y"}, "title"),
        ({"title": "x", "text": "y", "published_on": "12 March"}, "published_on"),
        ({"title": "x", "text": "y", "url": "not a url"}, "url"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(vocabulary, editor, body, field):
    response = editor.post(URL, body, format="json")
    assert response.status_code == 400
    assert field in {error["field"] for error in response.json()["errors"]}


def test_bad_accepts_are_400s_naming_the_field_and_write_nothing(vocabulary, editor):
    answer = enter(editor).json()
    accept = f"{URL}{answer['source']['slug']}/accept/"
    (held,) = by_kind(answer, "round")
    participant = by_kind(answer, "participant")[0]
    rounds = models.Round.objects.count()
    cases = [
        ({"keys": [held["key"]], "extra": 1}, "extra"),
        ({"keys": []}, "keys"),
        ({"keys": ["round:nowhere"]}, "keys"),
        ({"keys": [participant["key"]]}, "keys"),  # needs its round
        (
            {"keys": [held["key"]], "corrections": {held["key"]: {"colour": "red"}}},
            f"corrections.{held['key']}.colour",
        ),
        (
            {"keys": [held["key"]], "corrections": {held["key"]: {"start_date": "soon"}}},
            f"corrections.{held['key']}.start_date",
        ),
    ]
    for body, field in cases:
        response = editor.post(accept, body, format="json")
        assert response.status_code == 400, (body, response.json())
        assert field in {error["field"] for error in response.json()["errors"]}, (
            body,
            response.json(),
        )
    assert models.Round.objects.count() == rounds


def test_permissions(vocabulary, django_user_model, api, reader):
    assert enter(api).status_code == 401
    assert enter(reader).status_code == 403
    sources_only = client_with(django_user_model, "add_source", "view_source")
    answer = enter(sources_only).json()
    slug = answer["source"]["slug"]
    assert api.get(f"{URL}{slug}/").status_code == 401
    (held,) = by_kind(answer, "round")
    negotiation = by_kind(answer, "negotiation")[0]
    refused = sources_only.post(
        f"{URL}{slug}/accept/", {"keys": [negotiation["key"], held["key"]]}, format="json"
    )
    assert refused.status_code == 403
    assert "negotiations.add_negotiation" in refused.json()["detail"]
    assert not models.Negotiation.objects.filter(title=negotiation["values"]["title"]).exists()
    rounds = client_with(
        django_user_model,
        "add_source",
        "add_negotiation",
        "add_round",
        name="round-editor",
    )
    refused = rounds.post(
        f"{URL}{slug}/accept/", {"keys": [negotiation["key"], held["key"]]}, format="json"
    )
    assert refused.status_code == 403
    assert "negotiations.add_citation" in refused.json()["detail"]


def test_an_unknown_source_is_a_404(vocabulary, editor):
    assert editor.get(f"{URL}no-such-source/").status_code == 404
    missing = editor.post(f"{URL}no-such-source/accept/", {"keys": ["x"]}, format="json")
    assert missing.status_code == 404
