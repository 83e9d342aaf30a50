"""The review queue: each kind of entry on built data, suggestions ranked by similarity, and
the admin's accept action (a cited alias and the mapping, or nothing at all)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from negotiations import models
from negotiations.domain import review
from tests import factories
from tests.contract import error_fields

pytestmark = pytest.mark.django_db

REVIEW = "/api/v1/review/"
# The queue's page costs this many queries at most, whatever the size of the record: the
# counts (one per kind), the people, parties and organizations and their aliases, the
# taxonomy, the distinct names as reported, and the rows of the page's kinds; and the data
# version (the answer's ETag and its key in the answer cache).
MAX_QUERIES = 25  # 23 before the kind of whole-record citations (its count and its rows)
TEXT = (
    "The two sides agreed to expand the number of areas of cooperation from four to six, "
    "Rudolf Rassendil said after the meeting."
)


@pytest.fixture
def built():
    """One record of each kind that needs review, on built talks: a minister who took part
    in the second round and an article that misspells him, an area the agenda's words are
    not yet an alias of."""
    kr, us = factories.party(name="Ruritania"), factories.party()
    talks = factories.negotiation(parties=[kr, us])
    first = factories.round(talks, 1, agenda={})
    second = factories.round(talks, 2, agenda={})
    factories.area(name="Exchange-rate policy", slug="exchange-rate-policy")
    factories.person(name="Rudolf Rassendyll", slug="rudolf-rassendyll", party=kr)
    factories.person(name="Michael Elphberg", slug="michael-elphberg", party=us)
    models.Participant.objects.create(
        round=second,
        party=kr,
        person=models.Person.objects.get(slug="rudolf-rassendyll"),
        name_as_reported="Rudolf Rassendyll",
    )
    article = factories.source(text=TEXT, published_on=datetime.date(2025, 5, 16))
    misspelt = factories.citation(article, quote="Rudolf Rassendil said after the meeting")
    item = models.AgendaItem.objects.create(
        round=second, label="exchange-rate management", slug="exchange-rate-item", unmapped=True
    )
    item.citations.add(factories.citation(article, quote="areas of cooperation"))
    participant = models.Participant.objects.create(
        round=first, party=kr, name_as_reported="Rudolf Rassendil"
    )
    participant.citations.set([misspelt])
    speaker = models.Position.objects.create(
        slug="position-micheal-elphburg",
        party=us,
        kind="statement",
        summary="A statement.",
        speaker_name_as_reported="Micheal Elphburg",
    )
    speaker.citations.add(misspelt)
    undated = factories.source(slug="undated-source", published_on=None)
    misquoted = factories.citation(
        article,
        quote="agreed to expand the number of areas of cooperation from four to seven",
        slug="article--misquoted",
    )
    factories.citation(undated, slug="undated-source--quote")  # cites the undated source
    uncited = models.Deadline.objects.create(
        slug="uncited-deadline", title="An uncited deadline", kind="political_event",
        date=datetime.date(2025, 9, 1),
    )  # fmt: skip
    return {
        "item": item,
        "participant": participant,
        "speaker": speaker,
        "undated": undated,
        "misquoted": misquoted,
        "uncited": uncited,
        "first": first,
        "second": second,
        "kr": kr,
    }


def entries(api, **params) -> list[dict]:
    response = api.get(REVIEW, {"page_size": 500, **params})
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def entry_of(found: list[dict], kind: str, record_id: int) -> dict:
    return next(e for e in found if e["kind"] == kind and e["record"]["id"] == record_id)


def test_the_queue_lists_each_kind_of_entry_with_ranked_suggestions(
    api, built, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES):
        found = entries(api)

    item = entry_of(found, review.UNMAPPED_ITEM, built["item"].pk)
    assert item["record"]["text"] == "exchange-rate management"
    assert item["round"] == {"slug": built["second"].slug, "title": built["item"].round.title}
    assert item["suggestions"][0]["slug"] == "exchange-rate-policy"
    scores = [s["score"] for s in item["suggestions"]]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 100

    participant = entry_of(found, review.UNMATCHED_PARTICIPANT, built["participant"].pk)
    assert participant["suggestions"][0]["slug"] == "rudolf-rassendyll"

    speaker = entry_of(found, review.UNMATCHED_SPEAKER, built["speaker"].pk)
    assert speaker["suggestions"][0]["slug"] == "michael-elphberg"

    undated = entry_of(found, review.UNDATED_SOURCE, built["undated"].pk)
    assert undated["record"]["slug"] == "undated-source"

    quote = entry_of(found, review.UNVERIFIED_QUOTE, built["misquoted"].pk)
    passage = quote["suggestions"][0]["name"]
    assert "from four to six" in passage and quote["suggestions"][0]["score"] > 80

    uncited = entry_of(found, review.UNCITED_FACT, built["uncited"].pk)
    assert uncited["record"]["text"] == "An uncited deadline"

    # Kinds come in order; within the queue every entry once.
    order = [review.KINDS.index(entry["kind"]) for entry in found]
    assert order == sorted(order)
    assert len({entry["key"] for entry in found}) == len(found)


def test_names_that_are_not_people_are_not_listed(api, built):
    first, kr = built["first"], built["kr"]
    rassendyll = models.Person.objects.get(slug="rudolf-rassendyll")
    for name, person in (
        ("director-level officials", None),  # a description of people
        ("Ruritanian officials", None),
        ("Ruritania", None),  # a party
        ("Rassendyll", rassendyll),  # a surname of the person linked
    ):
        models.Participant.objects.create(
            round=first, party=kr, person=person, name_as_reported=name
        )
    names = {e["record"]["text"] for e in entries(api, kind=review.UNMATCHED_PARTICIPANT)}
    assert "director-level officials" not in names
    assert "Ruritanian officials" not in names
    assert "Ruritania" not in names
    assert "Rassendyll" not in names
    assert names == {"Rudolf Rassendil"}


def test_the_queue_pages_and_filters_by_kind(api, built, django_assert_max_num_queries):
    everything = entries(api)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = api.get(REVIEW, {"page_size": 2, "page": 2})
    body = response.json()
    assert body["count"] == len(everything)
    assert [e["key"] for e in body["results"]] == [e["key"] for e in everything[2:4]]
    assert body["next"] and body["previous"]

    only = entries(api, kind=review.UNDATED_SOURCE)
    assert [e["kind"] for e in only] == [review.UNDATED_SOURCE]
    # An empty kind is not given, as an empty filter of a list (Schemathesis finding).
    assert len(entries(api, kind="")) == len(everything)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "nonsense"}, "kind"),
        ({"colour": "red"}, "colour"),
        ({"page_size": "0"}, "page_size"),
        ({"cursor": ""}, "cursor"),
    ],
)
def test_bad_query_parameters_are_a_400_naming_them(api, params, field):
    response = api.get(REVIEW, params)
    assert response.status_code == 400
    assert field in error_fields(response)


def test_the_queue_is_read_only(editor):
    assert editor.post(REVIEW, {}, format="json").status_code == 405


# --- The admin page and its accept action ---------------------------------------------------


def test_admin_review_page_lists_entries_with_accept_buttons(
    staff_client, built, django_assert_max_num_queries
):
    # The queue's queries, and the session, the user and their permissions.
    with django_assert_max_num_queries(MAX_QUERIES + 4):
        response = staff_client.get(reverse("admin:review"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Review queue" in html
    assert f'data-entry="{review.UNMAPPED_ITEM}:{built["item"].pk}"' in html
    assert 'name="target" value="exchange-rate-policy"' in html
    assert staff_client.get(reverse("admin:index")).content.decode().count(reverse("admin:review"))


def test_accepting_an_area_creates_a_cited_alias_and_maps_the_item(staff_client, built):
    item = built["item"]
    response = staff_client.post(
        reverse("admin:review"),
        {"entry": f"{review.UNMAPPED_ITEM}:{item.pk}", "target": "exchange-rate-policy"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert list(item.areas.values_list("slug", flat=True)) == ["exchange-rate-policy"]
    assert not item.unmapped
    alias = models.AgendaAreaAlias.objects.get(
        area__slug="exchange-rate-policy", name="exchange-rate management"
    )
    assert list(alias.citations.all()) == list(item.citations.all())
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("mapped to Exchange-rate policy" in message for message in messages)


def test_accepting_a_person_creates_a_cited_alias_and_links_the_participant(staff_client, built):
    participant = built["participant"]
    staff_client.post(
        reverse("admin:review"),
        {
            "entry": f"{review.UNMATCHED_PARTICIPANT}:{participant.pk}",
            "target": "rudolf-rassendyll",
        },
    )
    participant.refresh_from_db()
    assert participant.person.slug == "rudolf-rassendyll"
    alias = models.PersonAlias.objects.get(
        person__slug="rudolf-rassendyll", name="Rudolf Rassendil"
    )
    quotes = [citation.quote for citation in alias.citations.all()]
    assert quotes and all("Rudolf Rassendil" in quote for quote in quotes)


def test_a_refused_mapping_changes_nothing(staff_client, built):
    """Rassendyll already takes part in the second round: linking a second participant to
    him is refused, and the alias is not created either."""
    participant = models.Participant.objects.create(
        round=built["second"], party=built["kr"], name_as_reported="Rudolf Rassendil"
    )
    response = staff_client.post(
        reverse("admin:review"),
        {
            "entry": f"{review.UNMATCHED_PARTICIPANT}:{participant.pk}",
            "target": "rudolf-rassendyll",
        },
        follow=True,
    )
    assert "Nothing was changed" in response.content.decode()
    assert "already takes part in this round" in response.content.decode()
    participant.refresh_from_db()
    assert participant.person is None
    assert not models.PersonAlias.objects.filter(name="Rudolf Rassendil").exists()


def test_accepting_needs_the_permissions(client, django_user_model, built):
    user = django_user_model.objects.create_user("clerk", password="x" * 16, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_agendaitem"))
    client.force_login(user)
    response = client.post(
        reverse("admin:review"),
        {"entry": f"{review.UNMAPPED_ITEM}:{built['item'].pk}", "target": "exchange-rate-policy"},
    )
    assert response.status_code == 403
    assert not built["item"].areas.exists()


# --- One entry per unmapped label; creating an area from the queue (issue 20) ---------------


@pytest.fixture
def same_label(built):
    """The label of the built item, spelt two more ways at the first round and a third
    round, each item cited by its own quote."""
    article = models.Source.objects.get(text=TEXT)
    third = factories.round(built["second"].negotiation, 3, agenda={})
    items = [built["item"]]
    spellings = ((built["first"], "Exchange rate  management"), (third, "exchange–rate management"))
    for round_, label in spellings:
        item = models.AgendaItem.objects.create(
            round=round_, label=label, slug=f"{round_.slug}--xr", unmapped=True
        )
        item.citations.add(factories.citation(article, quote="Rudolf Rassendil said"))
        items.append(item)
    return items


def test_one_entry_per_unmapped_label_listing_its_items(api, same_label):
    found = entries(api, kind=review.UNMAPPED_ITEM)
    assert len(found) == 1
    (entry,) = found
    assert sorted(item["id"] for item in entry["items"]) == sorted(i.pk for i in same_label)
    assert {item["round"]["slug"] for item in entry["items"]} == {i.round.slug for i in same_label}
    assert "3 items at 3 rounds" in entry["reason"]
    assert entry["suggestions"][0]["slug"] == "exchange-rate-policy"
    # Other kinds list no items.
    assert all(e["items"] == [] for e in entries(api) if e["kind"] != review.UNMAPPED_ITEM)


def test_one_accept_maps_every_item_with_the_label_and_records_one_cited_alias(
    staff_client, same_label
):
    entry = f"{review.UNMAPPED_ITEM}:{same_label[0].pk}"
    response = staff_client.post(
        reverse("admin:review"), {"entry": entry, "target": "exchange-rate-policy"}
    )
    assert response.status_code == 302
    for item in same_label:
        assert list(item.areas.values_list("slug", flat=True)) == ["exchange-rate-policy"]
    (alias,) = models.AgendaAreaAlias.objects.filter(
        area__slug="exchange-rate-policy", name__icontains="management"
    )
    cited = {c.pk for item in same_label for c in item.citations.all()}
    assert {c.pk for c in alias.citations.all()} == cited
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("3 items" in message and "3 rounds" in message for message in messages)
    assert not models.AgendaItem.objects.filter(area_links=None).exists()


def test_a_clash_at_one_round_maps_none_of_the_label_items(staff_client, same_label):
    """The area is already on the third round's agenda: the accept is refused whole."""
    area = models.AgendaArea.objects.get(slug="exchange-rate-policy")
    third = same_label[2].round
    other = models.AgendaItem.objects.create(round=third, label="Exchange-rate policy", slug="x")
    models.AgendaItemArea.objects.create(item=other, area=area, round=third)
    response = staff_client.post(
        reverse("admin:review"),
        {"entry": f"{review.UNMAPPED_ITEM}:{same_label[0].pk}", "target": area.slug},
        follow=True,
    )
    assert "Nothing was changed" in response.content.decode()
    unmapped = models.AgendaItem.objects.filter(pk__in=[i.pk for i in same_label], area_links=None)
    assert unmapped.count() == 3
    assert not models.AgendaAreaAlias.objects.filter(name__icontains="management").exists()


def test_the_queue_creates_an_area_and_maps_the_label_to_it(staff_client, same_label):
    page = staff_client.get(reverse("admin:review") + "?kind=unmapped_item").content.decode()
    assert 'name="new_area_name" value="Exchange rate management"' in page
    assert 'name="new_area_slug" value="exchange-rate-management"' in page
    response = staff_client.post(
        reverse("admin:review"),
        {
            "entry": f"{review.UNMAPPED_ITEM}:{same_label[0].pk}",
            "new_area_name": "Exchange-rate management",
            "new_area_slug": "",
            "new_area_description": "How each side manages its currency.",
        },
    )
    assert response.status_code == 302
    area = models.AgendaArea.objects.get(slug="exchange-rate-management")
    assert area.description == "How each side manages its currency."
    for item in same_label:
        assert list(item.areas.all()) == [area]
    # The label is the area's name: no alias is needed for it to map next time.
    assert review.AreaIndex().resolve("exchange rate management") == [area]


@pytest.mark.parametrize(
    ("name", "slug", "field", "named"),
    [
        ("Exchange-rate POLICY", "", "Name of the new area", "Exchange-rate policy"),
        (
            "Managed exchange rates",
            "exchange-rate-policy",
            "Slug of the new area",
            "Exchange-rate policy",
        ),
        ("", "", "Name of the new area", "a name"),
        ("Managed exchange rates", "Not a slug!", "slug", "slug"),
    ],
)
def test_creating_an_area_that_exists_is_refused_naming_the_field_and_that_area(
    staff_client, same_label, name, slug, field, named
):
    areas = models.AgendaArea.objects.count()
    response = staff_client.post(
        reverse("admin:review"),
        {
            "entry": f"{review.UNMAPPED_ITEM}:{same_label[0].pk}",
            "new_area_name": name,
            "new_area_slug": slug,
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Nothing was changed" in html and field in html and named in html
    assert models.AgendaArea.objects.count() == areas
    assert models.AgendaItem.objects.filter(area_links=None).count() == 3


def test_creating_an_area_needs_the_permission_to_add_areas(client, django_user_model, same_label):
    user = django_user_model.objects.create_user("clerk", password="x" * 16, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_agendaitem", "add_agendaareaalias"])
    )
    client.force_login(user)
    data = {"entry": f"{review.UNMAPPED_ITEM}:{same_label[0].pk}", "new_area_name": "New area"}
    assert client.post(reverse("admin:review"), data).status_code == 403
    assert not models.AgendaArea.objects.filter(name="New area").exists()
    user.user_permissions.add(Permission.objects.get(codename="add_agendaarea"))
    client.force_login(django_user_model.objects.get(pk=user.pk))
    assert client.post(reverse("admin:review"), data).status_code == 302
    assert models.AgendaArea.objects.get(name="New area").agenda_items.count() == 3
