"""One rule for every write path: labels resolve to the same areas, records get the same slugs,
whether written through the admin, the API or a fixture."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from negotiations import models
from negotiations.domain import slugs
from negotiations.domain.labels import label_key, resolve_agenda_areas
from tests import factories
from tests.contract import error_fields, error_messages
from tests.helpers import admin_url, change_form_data, new_round_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vocabulary():
    """Built areas and aliases that the labels below name: one area by an alias, two by a
    shared alias (a label covering both), one by a second alias."""
    fx = factories.area(name="Exchange policy", slug="exchange-policy")
    fx.aliases.create(name="forex policy")
    levies = factories.area(name="Levies", slug="levies")
    quotas = factories.area(name="Quotas", slug="quotas")
    for covered in (levies, quotas):
        covered.aliases.create(name="levies and non-tariff quotas")
    quotas.aliases.create(name="quantitative restrictions")
    factories.area(name="Shipyards", slug="shipyards")
    return factories.area(name="Digital commerce", slug="digital-commerce")


@pytest.fixture
def round_(vocabulary):
    """A round of built talks whose reported agenda has one item, "digital commerce", mapped
    to the built area of that name."""
    return factories.round(factories.negotiation(), 1, agenda={"digital commerce": vocabulary})


# (label as an editor types it, the areas it names, the slug of the item it makes)
LABELS = [
    ("forex policy", ["exchange-policy"], "forex-policy"),
    ("  Forex-Policy. ", ["exchange-policy"], "forex-policy"),
    ("EXCHANGE\u00a0policy", ["exchange-policy"], "exchange-policy"),
    ("exchange-policy", ["exchange-policy"], "exchange-policy"),
    ("Levies and non\u2013tariff quotas", ["levies", "quotas"], None),
    ("Quantitative  Restrictions", ["quotas"], "quantitative-restrictions"),
]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Ahn\u2013Greer ministerial meeting in Paris", "ahn-greer-ministerial-meeting-in-paris"),
        ("Korea\u2019s \u201cJuly package\u201d", "koreas-july-package"),
        ("Jeju \uc81c\uc8fc talks", "jeju-jeju-talks"),
        ("Tariffs & quotas \u2014 2+2", "tariffs-and-quotas-2plus2"),
        ("S\u00e3o Paulo", "sao-paulo"),
    ],
)
def test_slugs_transliterate_instead_of_dropping_characters(text, slug):
    assert slugs.slug_text(text) == slug


def test_long_slugs_are_cut_at_a_word_and_stay_within_the_column(round_):
    made = slugs.unique_slug(models.AgendaItem, {"round": round_, "label": "word " * 80})
    assert len(made) <= 120
    assert made.startswith(f"{round_.slug}--word-word")
    assert not made.endswith("-")


def test_taken_slugs_get_the_next_free_suffix_and_reserved_words_are_avoided():
    talks = factories.negotiation()
    factories.round(talks, 1, slug="round-of-talks", title="Round of talks")
    assert slugs.unique_slug(models.Round, {"title": "Round of talks"}) == "round-of-talks-2"
    assert slugs.unique_slug(models.Round, {"title": "Compare"}) == "compare-2"


@pytest.mark.parametrize(("label", "areas", "slug_words"), LABELS)
def test_labels_resolve_ignoring_case_spacing_and_punctuation(label, areas, slug_words):
    assert sorted(area.slug for area in resolve_agenda_areas(label)) == areas


def test_an_alias_spelled_like_another_areas_name_is_refused():
    factories.area(name="Exchange rates")
    alias = models.AgendaAreaAlias(area=factories.area(), name="Exchange-Rates.")
    with pytest.raises(ValidationError, match="Exchange rates"):
        alias.full_clean()


# --- The three write paths give the same data ------------------------------------------------


def written_by_admin(staff_client, label, round_):
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(staff_client.get(url))
    count = int(data["agenda_items-TOTAL_FORMS"])
    # The new label may name an area already on the round's agenda: drop those items first.
    for index in range(count):
        data[f"agenda_items-{index}-DELETE"] = "on"
    data.update(
        {
            "agenda_items-TOTAL_FORMS": str(count + 1),
            f"agenda_items-{count}-label": label,
            f"agenda_items-{count}-order": "9",
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    return round_.agenda_items.get()


def written_by_api(editor, label, round_):
    models.AgendaItem.objects.filter(round=round_).delete()
    response = editor.post(
        "/api/v1/agenda-items/", {"round": round_.slug, "label": label}, format="json"
    )
    assert response.status_code == 201, response.json()
    return models.AgendaItem.objects.get(slug=response.json()["slug"])


def written_by_fixture(tmp_path, label, round_):
    models.AgendaItem.objects.filter(round=round_).delete()
    path = tmp_path / "item.json"
    path.write_text(json.dumps([fixture_item(round_, label=label)]))
    call_command("loaddata", str(path), verbosity=0)
    return models.AgendaItem.objects.get(round=round_, label=label)


STAMPS = {"created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z"}


def fixture_item(round_, **fields) -> dict:
    return {
        "model": "negotiations.agendaitem",
        "fields": {"round": [round_.slug], **STAMPS, **fields},
    }


@pytest.mark.parametrize(("label", "areas", "slug_words"), LABELS)
@pytest.mark.parametrize("path", ["admin", "api", "fixture"])
def test_admin_api_and_fixture_resolve_a_label_alike(
    path, label, areas, slug_words, staff_client, editor, tmp_path, round_
):
    if path == "admin":
        item = written_by_admin(staff_client, label, round_)
    elif path == "api":
        item = written_by_api(editor, label, round_)
    else:
        item = written_by_fixture(tmp_path, label, round_)
    assert sorted(item.areas.values_list("slug", flat=True)) == areas
    expected = slug_words or slugs.slug_text(label)
    assert item.slug == f"{round_.slug}--{expected}"
    assert not item.unmapped


def test_a_fixture_item_without_slug_loads_again_as_the_same_item(tmp_path, round_):
    first = written_by_fixture(tmp_path, "forex policy", round_)
    call_command("loaddata", str(tmp_path / "item.json"), verbosity=0)
    assert models.AgendaItem.objects.filter(round=first.round, label="forex policy").count() == 1


def test_a_fixture_item_whose_label_names_no_area_fails_the_load(tmp_path, round_):
    path = tmp_path / "broken.json"
    entries = [
        fixture_item(round_, label="shipyards", slug="ok-item"),
        fixture_item(round_, label="automobiles"),
    ]
    path.write_text(json.dumps(entries))
    with pytest.raises(CommandError, match=r"No agenda area is named .automobiles."):
        call_command("loaddata", str(path), verbosity=0)
    assert not models.AgendaItem.objects.filter(slug="ok-item").exists()


def test_a_fixture_item_marked_unmapped_loads_without_areas(tmp_path, round_):
    path = tmp_path / "unmapped.json"
    path.write_text(json.dumps([fixture_item(round_, label="automobiles", unmapped=True)]))
    call_command("loaddata", str(path), verbosity=0)
    item = models.AgendaItem.objects.get(slug=f"{round_.slug}--automobiles")
    assert item.unmapped and not item.areas.exists()


# --- Unmapped items: refused unless saved as such, on purpose ---------------------------------


def test_admin_refuses_a_label_naming_no_area_and_suggests_the_closest(staff_client, round_):
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(staff_client.get(url))
    count = int(data["agenda_items-TOTAL_FORMS"])
    data.update(
        {
            "agenda_items-TOTAL_FORMS": str(count + 1),
            f"agenda_items-{count}-label": "exchange policies",
            f"agenda_items-{count}-order": "9",
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "No agenda area is named “exchange policies”" in html
    assert "Closest: Exchange policy" in html
    assert not round_.agenda_items.filter(label="exchange policies").exists()

    data[f"agenda_items-{count}-unmapped"] = "on"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    item = round_.agenda_items.get(label="exchange policies")
    assert item.unmapped and not item.areas.exists()
    assert item.slug == f"{round_.slug}--exchange-policies"


def test_admin_refuses_unmapped_with_areas(staff_client, round_):
    item = round_.agenda_items.get(label="digital commerce")
    url = admin_url(models.AgendaItem, "change", item.pk)
    data = change_form_data(staff_client.get(url))
    data["unmapped"] = "on"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "An item mapped to areas is not unmapped" in response.content.decode()


def test_admin_add_page_fills_the_slug_by_the_rule(staff_client, round_):
    models.AgendaItem.objects.filter(round=round_, label="digital commerce").delete()
    response = staff_client.post(
        admin_url(models.AgendaItem, "add"),
        {
            "round": round_.pk,
            "label": "Digital  Commerce",
            "order": "4",
            "slug": "",
            # The inline of the item's quotes, sent empty as the page sends it.
            "citation_links-TOTAL_FORMS": "0",
            "citation_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    item = models.AgendaItem.objects.get(round=round_, label="Digital  Commerce")
    assert item.slug == f"{round_.slug}--digital-commerce"
    assert list(item.areas.values_list("slug", flat=True)) == ["digital-commerce"]


def test_admin_round_slug_keeps_the_en_dash_as_a_hyphen(staff_client):
    url, data = new_round_form(
        staff_client,
        factories.negotiation(),
        sequence="42",
        title="Ahn\u2013Greer ministerial meeting in Paris",
        slug="",
        level="ministerial",
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert models.Round.objects.filter(slug="ahn-greer-ministerial-meeting-in-paris").exists()


def test_api_refuses_a_label_naming_no_area_unless_unmapped(editor, round_):
    refused = editor.post(
        "/api/v1/agenda-items/", {"round": round_.slug, "label": "automobiles"}, format="json"
    )
    assert refused.status_code == 400
    assert "No agenda area is named" in error_messages(refused)["areas"][0]
    # The closest areas, as the admin and fixture loading give them: name (slug, score).
    automotive = factories.area(name="Automobile tariffs")
    refused = editor.post(
        "/api/v1/agenda-items/", {"round": round_.slug, "label": "automobile"}, format="json"
    )
    assert (
        f"Closest: Automobile tariffs ({automotive.slug}, " in error_messages(refused)["areas"][0]
    )

    empty = editor.post(
        "/api/v1/agenda-items/",
        {"round": round_.slug, "label": "autos", "areas": []},
        format="json",
    )
    assert empty.status_code == 400
    assert "unmapped" in error_messages(empty)["areas"][0]

    both = editor.post(
        "/api/v1/agenda-items/",
        {
            "round": round_.slug,
            "label": "autos",
            "areas": ["shipyards"],
            "unmapped": True,
        },
        format="json",
    )
    assert both.status_code == 400 and "unmapped" in error_fields(both)

    created = editor.post(
        "/api/v1/agenda-items/",
        {"round": round_.slug, "label": "automobiles", "unmapped": True},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["unmapped"] is True and body["areas"] == []
    assert body["slug"] == f"{round_.slug}--automobiles"

    # Giving it areas maps it.
    mapped = editor.patch(
        f"/api/v1/agenda-items/{body['slug']}/",
        {"areas": ["shipyards"]},
        format="json",
    )
    assert mapped.status_code == 200, mapped.json()
    assert mapped.json()["unmapped"] is False


def test_api_slug_of_a_new_round_is_transliterated(editor):
    response = editor.post(
        "/api/v1/rounds/",
        {
            "negotiation": factories.negotiation().slug,
            "sequence": 43,
            "title": "Ahn\u2013Greer ministerial meeting in Paris",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["slug"] == "ahn-greer-ministerial-meeting-in-paris"


def test_label_key_ignores_case_spacing_punctuation_and_accents():
    assert label_key("Non–Tariff  measures!") == label_key("nontariff measures")
    assert label_key("Défense") == label_key("defense")
