"""Every resource: list, detail by slug, create, update, delete, and who may do what."""

import pytest

from negotiations import models
from negotiations.api.urls import router
from tests import factories
from tests.contract import error_messages

pytestmark = pytest.mark.django_db

# resource path -> (model, a valid new record, a valid partial update); {names} in the records
# are the slugs of the built records (``world``)
RESOURCES = {
    "parties": (
        models.Party,
        {"name": "Canada", "code": "CA", "kind": "country"},
        {"notes": "x"},
    ),
    "organizations": (
        models.Organization,
        {"name": "Ministry of Foreign Affairs of Japan", "party": "{jp}", "kind": "ministry"},
        {"acronym": "MOFA-JP"},
    ),
    "people": (
        models.Person,
        {"name": "Yeo Han-koo", "party": "{kr}"},
        {"notes": "x"},
    ),
    "negotiations": (
        models.Negotiation,
        {"title": "Korea–US shipbuilding talks", "parties": ["{kr}", "{us}"], "status": "proposed"},
        {"status": "active"},
    ),
    "rounds": (
        models.Round,
        {
            "negotiation": "{talks}",
            "sequence": 10,
            "title": "Third round of technical consultations",
            "level": "working",
            "status": "planned",
            "start_date": "2025-06-01",
            "end_date": "2025-06-30",
            "date_precision": "month",
            "date_as_reported": "in June",
        },
        {"summary": "Edited."},
    ),
    "agenda-areas": (
        models.AgendaArea,
        {"name": "Agriculture"},
        {"description": "Farm goods."},
    ),
    "agenda-items": (
        models.AgendaItem,
        {"round": "{later_round}", "label": "{forex}", "order": 9},
        {"notes": "Edited."},
    ),
    "deadlines": (
        models.Deadline,
        {
            "title": "Section 232 review",
            "kind": "other",
            "date": "2025-08-01",
            "date_precision": "month",
            "end_date": "2025-08-31",
        },
        {"description": "Edited."},
    ),
    "measures": (
        models.Measure,
        {
            "title": "Tariff on lumber",
            "kind": "sectoral_tariff",
            "imposing_party": "{us}",
            "status": "proposed",
            "rate_percent": 10,
        },
        {"rate_percent": "12.5"},
    ),
    "positions": (
        models.Position,
        {
            "party": "{kr}",
            "kind": "statement",
            "summary": "Korea will keep talking.",
            "round": "{rounds}",
        },
        {"summary": "Edited."},
    ),
    "sources": (
        models.Source,
        {"title": "A new article", "publisher": "AP"},
        {"notes": "x"},
    ),
    "citations": (
        models.Citation,
        {"source": "{sources}", "quote": "I believe we had a good start today."},
        {"note": "Ahn, 24 April."},
    ),
    "conflicts": (
        models.Disagreement,
        {"title": "Date of the second technical round", "note": "Sources differ."},
        {"status": "resolved", "resolution": "Later reports agree."},
    ),
}


class World(dict):
    """A built record of every resource (named by its path), and what the new records refer
    to: parties, talks, a later round with an agenda, one with its agenda not reported. Each
    is built when a test first asks for it (by its name, or a {name} in a record)."""

    def __missing__(self, name):
        self[name] = getattr(self, name.replace("-", "_"))()
        return self[name]

    # What the records are built from (objects, not slugs).

    def party_kr(self):
        return factories.party()

    def party_us(self):
        return factories.party()

    def talks_record(self):
        return factories.negotiation(parties=[self["party_kr"], self["party_us"]])

    def digital(self):
        return factories.area()

    def security_area(self):
        return factories.area()

    def round_record(self):
        return factories.round(
            self["talks_record"],
            1,
            agenda={"digital trade": self["digital"], "economic security": self["security_area"]},
        )

    def citation_record(self):
        return factories.citation()

    # Slugs, by the names RESOURCES and the tests use.

    def kr(self):
        return self["party_kr"].slug

    def us(self):
        return self["party_us"].slug

    def jp(self):
        return factories.party().slug

    def talks(self):
        return self["talks_record"].slug

    def forex(self):
        """A label that is an area's alias."""
        fx = factories.area(name="Exchange policy", slug="exchange-policy")
        return fx.aliases.create(name="forex policy").name

    def later_round(self):
        return factories.round(
            self["talks_record"], 2, agenda={"digital trade": self["digital"]}
        ).slug

    def unreported_round(self):
        return factories.round(self["talks_record"], 3).slug

    def security(self):
        return self["security_area"].slug

    def parties(self):
        return self["kr"]

    def organizations(self):
        return factories.organization(party=self["party_kr"]).slug

    def people(self):
        return factories.person().slug

    def negotiations(self):
        return self["talks"]

    def rounds(self):
        return self["round_record"].slug

    def agenda_areas(self):
        return self["digital"].slug

    def agenda_items(self):
        return self["round_record"].agenda_items.first().slug

    def deadlines(self):
        return factories.deadline(negotiation=self["talks_record"]).slug

    def measures(self):
        return factories.measure(
            imposing_party=self["party_us"], target_party=self["party_kr"]
        ).slug

    def positions(self):
        return models.Position.objects.create(
            slug=factories.unique("position"),
            party=self["party_us"],
            kind="request",
            summary="A request.",
            negotiation=self["talks_record"],
            round=self["round_record"],
        ).slug

    def sources(self):
        return self["citation_record"].source.slug

    def citations(self):
        return self["citation_record"].slug

    def conflicts(self):
        return models.Disagreement.objects.create(
            slug=factories.unique("conflict"),
            title="Which list?",
            note="Two lists.",
            round=self["round_record"],
        ).slug


@pytest.fixture
def world():
    return World()


def filled(value, world):
    """A record of RESOURCES with the built records' slugs in."""
    if isinstance(value, dict):
        return {key: filled(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [filled(item, world) for item in value]
    return value.format_map(world) if isinstance(value, str) else value


def resource(path, world):
    """(model, the built record's slug, a valid new record, a valid partial update)."""
    model, payload, change = RESOURCES[path]
    return model, world[path], filled(payload, world), change


@pytest.mark.parametrize("path", RESOURCES)
def test_list_and_detail_by_slug(api, world, path):
    response = api.get(f"/api/v1/{path}/")
    assert response.status_code == 200
    body = response.json()
    assert {"count", "next", "previous", "results"} <= set(body)
    assert body["count"] >= 1
    slug = world[path]
    detail = api.get(f"/api/v1/{path}/{slug}/")
    assert detail.status_code == 200
    assert detail.json()["slug"] == slug
    assert "created" in detail.json() and "updated" in detail.json()


@pytest.mark.parametrize("path", RESOURCES)
def test_unknown_slug_is_404(api, path):
    response = api.get(f"/api/v1/{path}/no-such-record/")
    assert response.status_code == 404
    assert "detail" in response.json()


def attempt_every_write(client, path, world) -> dict[str, int]:
    """POST, PUT, PATCH and DELETE on a resource (valid bodies); their status codes."""
    _, slug, payload, change = resource(path, world)
    detail = f"/api/v1/{path}/{slug}/"
    return {
        "POST": client.post(f"/api/v1/{path}/", payload, format="json").status_code,
        "PUT": client.put(detail, payload, format="json").status_code,
        "PATCH": client.patch(detail, change, format="json").status_code,
        "DELETE": client.delete(detail).status_code,
    }


def snapshot(model):
    return sorted(model.objects.values_list("pk", "slug", "updated"))


@pytest.mark.parametrize("path", RESOURCES)
def test_anonymous_cannot_write(api, world, path):
    model, *_ = resource(path, world)  # built before the snapshot
    before = snapshot(model)
    statuses = attempt_every_write(api, path, world)
    assert statuses == dict.fromkeys(("POST", "PUT", "PATCH", "DELETE"), 401)
    assert snapshot(model) == before


@pytest.mark.parametrize("path", RESOURCES)
def test_user_without_permission_cannot_write(reader, world, path):
    model, *_ = resource(path, world)  # built before the snapshot
    before = snapshot(model)
    assert reader.get(f"/api/v1/{path}/").status_code == 200
    assert reader.get(f"/api/v1/{path}/{world[path]}/").status_code == 200
    statuses = attempt_every_write(reader, path, world)
    assert statuses == dict.fromkeys(("POST", "PUT", "PATCH", "DELETE"), 403)
    assert snapshot(model) == before


@pytest.fixture
def source_changer(django_user_model):
    """Authenticated by token, with only negotiations.change_source."""
    from django.contrib.auth.models import Permission
    from rest_framework.test import APIClient

    from negotiations.api.tokens import issue_token

    user = django_user_model.objects.create_user(username="source-changer", password="x" * 16)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="negotiations", codename="change_source")
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)[1]}")
    return client


def test_a_change_permission_allows_only_updates_of_that_model(source_changer, world):
    slug = world["sources"]
    detail = f"/api/v1/sources/{slug}/"
    before = models.Source.objects.count()
    patched = source_changer.patch(detail, {"notes": "Checked."}, format="json")
    assert patched.status_code == 200, patched.content
    put = source_changer.put(detail, {"title": "Retitled", "publisher": "Reuters"}, format="json")
    assert put.status_code == 200, put.content
    assert models.Source.objects.get(slug=slug).title == "Retitled"
    assert source_changer.delete(detail).status_code == 403
    assert (
        source_changer.post("/api/v1/sources/", RESOURCES["sources"][1], format="json").status_code
        == 403
    )
    assert models.Source.objects.count() == before
    assert models.Source.objects.filter(slug=slug).exists()


@pytest.mark.parametrize("path", [path for path in RESOURCES if path != "sources"])
def test_a_change_permission_does_not_extend_to_other_models(source_changer, world, path):
    model, *_ = resource(path, world)  # built before the snapshot
    before = snapshot(model)
    statuses = attempt_every_write(source_changer, path, world)
    assert statuses == dict.fromkeys(("POST", "PUT", "PATCH", "DELETE"), 403)
    assert snapshot(model) == before


@pytest.mark.parametrize("path", RESOURCES)
def test_editor_creates_updates_and_deletes(editor, world, path):
    model, _, payload, change = resource(path, world)
    created = editor.post(f"/api/v1/{path}/", payload, format="json")
    assert created.status_code == 201, created.content
    slug = created.json()["slug"]
    assert slug, "a slug is made when none is given"
    assert model.objects.filter(slug=slug).exists()

    updated = editor.patch(f"/api/v1/{path}/{slug}/", change, format="json")
    assert updated.status_code == 200, updated.content
    for key in change:
        assert str(updated.json()[key]) == str(change[key]) or float(updated.json()[key]) == float(
            change[key]
        )

    assert editor.delete(f"/api/v1/{path}/{slug}/").status_code == 204
    assert not model.objects.filter(slug=slug).exists()


@pytest.mark.parametrize("path", RESOURCES)
def test_slug_cannot_change(editor, world, path):
    model, slug, payload, _ = resource(path, world)
    response = editor.patch(f"/api/v1/{path}/{slug}/", {"slug": "something-else"}, format="json")
    assert response.status_code == 400
    assert "slug" in error_messages(response)
    # PUT too, with an otherwise valid full record.
    response = editor.put(
        f"/api/v1/{path}/{slug}/", {**payload, "slug": "something-else"}, format="json"
    )
    assert response.status_code == 400
    assert "slug" in error_messages(response)
    assert model.objects.filter(slug=slug).exists()
    assert not model.objects.filter(slug="something-else").exists()


# Fields a client may send but must not be able to set: timestamps and database ids ("pk"
# is no field at all). Each is refused (400, unexpected_field) and nothing is written.
FORGED = {
    "created": "2000-01-01T00:00:00Z",
    "updated": "2000-01-01T00:00:00Z",
    "id": 999_999,
    "pk": 999_999,
}


def refused_fields(response) -> set[str]:
    assert response.status_code == 400, response.content
    return {
        item["field"] for item in response.json()["errors"] if item["code"] == "unexpected_field"
    }


@pytest.mark.parametrize("path", RESOURCES)
def test_forged_timestamps_and_ids_are_refused_on_patch(editor, world, path):
    model, slug, *_ = resource(path, world)
    before = model.objects.get(slug=slug)
    response = editor.patch(f"/api/v1/{path}/{slug}/", FORGED, format="json")
    assert refused_fields(response) == set(FORGED)
    after = model.objects.get(slug=slug)
    assert (after.pk, after.created, after.updated) == (before.pk, before.created, before.updated)
    assert not model.objects.filter(pk=999_999).exists()


@pytest.mark.parametrize("path", RESOURCES)
def test_forged_timestamps_and_ids_are_refused_on_create_and_put(editor, world, path):
    model, slug, payload, _ = resource(path, world)
    other = model.objects.get(slug=slug)  # an existing record a forged id could hit
    other_state = (other.slug, other.updated)
    count = model.objects.count()
    created = editor.post(f"/api/v1/{path}/", {**payload, **FORGED, "id": other.pk}, format="json")
    assert refused_fields(created) == set(FORGED)
    assert model.objects.count() == count  # nothing written

    # Its own id is accepted (as a GET shows it), another one is not.
    put = editor.put(f"/api/v1/{path}/{slug}/", {**payload, **FORGED, "slug": slug}, format="json")
    assert refused_fields(put) == set(FORGED)
    other.refresh_from_db()
    assert (other.slug, other.updated) == other_state


def read_only_fields(path) -> set[str]:
    viewset = next(viewset for prefix, viewset, _ in router.registry if prefix == path)
    fields = viewset.serializer_class().fields
    return {name for name, field in fields.items() if field.read_only}


@pytest.mark.parametrize("path", RESOURCES)
def test_read_only_fields_sent_back_unchanged_are_accepted(editor, api, world, path):
    """A client may PUT back the read-only fields it GOT, unchanged (ids, timestamps,
    computed fields, participants...): they are compared, not refused."""
    _model, slug, *_ = resource(path, world)
    body = api.get(f"/api/v1/{path}/{slug}/").json()
    shown = {name: body[name] for name in read_only_fields(path) if name in body}
    assert {"id", "created", "updated"} <= shown.keys()
    response = editor.patch(f"/api/v1/{path}/{slug}/", shown, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == body["id"]


@pytest.mark.parametrize("path", RESOURCES)
def test_a_changed_read_only_field_is_refused_naming_it(editor, api, world, path):
    _model, slug, *_ = resource(path, world)
    body = api.get(f"/api/v1/{path}/{slug}/").json()
    response = editor.patch(
        f"/api/v1/{path}/{slug}/",
        {"id": body["id"], "created": "2000-01-01T00:00:00Z"},
        format="json",
    )
    assert refused_fields(response) == {"created"}
    assert "created" in response.json()["detail"]
    assert "Read-only" in response.json()["errors"][0]["detail"]


def test_deleting_a_party_still_referenced_is_a_409(editor, world):
    assert world["organizations"]  # an organization of the party refers to it
    response = editor.delete(f"/api/v1/parties/{world['kr']}/")
    assert response.status_code == 409
    assert "refer to it" in response.json()["detail"]
    assert models.Party.objects.filter(slug=world["kr"]).exists()


def test_validation_errors_name_each_field(editor):
    response = editor.post(
        "/api/v1/rounds/",
        {
            "negotiation": "no-such-negotiation",
            "sequence": "first",
            "level": "galactic",
            "start_date": "2025-05-02",
        },
        format="json",
    )
    assert response.status_code == 400
    assert {"negotiation", "sequence", "level", "title"} <= set(error_messages(response))


def test_model_rules_apply_through_the_api(editor, world):
    assert world["rounds"]  # the talks' round 1
    response = editor.post(
        "/api/v1/rounds/",
        {
            "negotiation": world["talks"],
            "sequence": 1,
            "title": "Clashing sequence, bad dates",
            "start_date": "2025-05-02",
            "end_date": "2025-05-01",
        },
        format="json",
    )
    assert response.status_code == 400
    body = error_messages(response)
    assert "end_date" in body
    assert "non_field_errors" in body or "sequence" in body


def test_agenda_item_area_resolved_from_an_alias(editor, world):
    response = editor.post(
        "/api/v1/agenda-items/",
        {"round": world["later_round"], "label": world["forex"].title()},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert [area["slug"] for area in response.json()["areas"]] == ["exchange-policy"]


def test_agenda_item_with_an_area_already_in_the_round_is_refused(editor, world):
    response = editor.post(
        "/api/v1/agenda-items/",
        {
            "round": world["rounds"],
            "label": "security",
            "areas": [world["security"]],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "areas" in error_messages(response)
    assert not models.AgendaItem.objects.filter(label="security").exists()


def test_agenda_item_on_a_round_whose_agenda_is_unknown_is_refused(editor, world):
    response = editor.post(
        "/api/v1/agenda-items/",
        {"round": world["unreported_round"], "label": world["forex"]},
        format="json",
    )
    assert response.status_code == 400
    assert "round" in error_messages(response)


def test_unlabelled_unknown_area_is_refused(editor, world):
    response = editor.post(
        "/api/v1/agenda-items/",
        {"round": world["later_round"], "label": "space cooperation"},
        format="json",
    )
    assert response.status_code == 400
    assert "areas" in error_messages(response)


def test_citations_are_written_as_slugs_and_read_as_quotes(editor, world):
    citation = models.Citation.objects.select_related("source").get(slug=world["citations"])
    response = editor.patch(
        f"/api/v1/deadlines/{world['deadlines']}/",
        {"citations": [citation.slug]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["citations"] == [
        {
            "slug": citation.slug,
            "source": citation.source.slug,
            "publisher": citation.source.publisher,
            "quote": citation.quote,
            "published_on": citation.source.known_from and citation.source.known_from.isoformat(),
            "facets": [],  # a slug: the quote supports the whole record
            "values": {},
            "reports_change": False,
        }
    ]


def test_citations_say_which_facets_their_quote_states(editor, world):
    citation = models.Citation.objects.get(slug=world["citations"])
    url = f"/api/v1/deadlines/{world['deadlines']}/"
    link = {"citation": citation.slug, "facets": ["date"], "values": {}}
    response = editor.patch(url, {"citations": [link]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["citations"][0]["facets"] == ["date"]
    refused = editor.patch(url, {"citations": [{**link, "facets": ["venue"]}]}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "citations.0.facets"
    stray = editor.patch(url, {"citations": [{**link, "foo": 1}]}, format="json")
    assert stray.status_code == 400 and "foo" in stray.json()["errors"][0]["detail"]


def test_reserved_round_slug(editor, world):
    response = editor.post(
        "/api/v1/rounds/",
        {"negotiation": world["talks"], "sequence": 50, "title": "x", "slug": "compare"},
        format="json",
    )
    assert response.status_code == 400
    assert "slug" in error_messages(response)


def test_session_authentication_works_for_staff(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/api/v1/sparse/rounds/?fields=slug")
    assert response.status_code == 200


def test_every_name_a_resource_s_urls_use_is_reserved_for_its_slugs():
    """A list-level route (rounds/compare/) and a record's URL share one pattern: a record
    with that slug could never be read, and the route must answer as itself. Every such
    name, of any resource added later, is reserved (negotiations.domain.slugs.RESERVED)."""
    from negotiations.api.urls import router
    from negotiations.domain.slugs import RESERVED

    for _prefix, viewset, _ in router.registry:
        names = {extra.url_path for extra in viewset.get_extra_actions() if not extra.detail}
        model = viewset.queryset.model._meta.model_name
        assert names <= RESERVED.get(model, set()), (model, names)
