"""The admin's "Add an article": the form stores the article and opens its review page, which
lists each proposal with its sentence, a checkbox and the fields an editor may correct
(an area from a picker of the closest ones); "Accept selected" writes through the same
domain function as the API, each fact needing its model's permission."""

import re

import pytest
from django.contrib.auth.models import Permission

from negotiations import models
from tests import factories

pytestmark = pytest.mark.django_db

ARTICLE = "\n".join(
    [
        "Freedonia and Sylvania agree on three areas",
        "Published: 12 Mar. 2031, 10:00",
        "Commerce Minister Rufus Firefly and Sylvanian Envoy Trentino Vasquez met on Tuesday in "
        "Marston.",
        "The two sides agreed to focus on three areas: widget quotas, gadget rules and "
        "lighthouse dues.",
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
    return {
        name: factories.area(name=name)
        for name in ("Widget quotas", "Gadget rules", "Lighthouse and harbour dues")
    }


def staff(client, django_user_model, *codenames):
    user = django_user_model.objects.create_user(
        username="-".join(codenames)[:100] or "nobody", password="x" * 16, is_staff=True
    )
    wanted = Permission.objects.filter(content_type__app_label="negotiations")
    if codenames != ("all",):
        wanted = wanted.filter(codename__in=codenames)
    user.user_permissions.set(wanted)
    client.force_login(user)
    return client


def enter(client, **fields):
    data = {"title": "Freedonia and Sylvania agree", "url": "", "publisher": "Example"}
    return client.post("/admin/intake/add/", data | {"text": ARTICLE} | fields)


def test_the_index_and_the_sources_list_link_to_the_page(vocabulary, staff_client):
    assert 'href="/admin/intake/add/"' in staff_client.get("/admin/").content.decode()
    sources = staff_client.get("/admin/negotiations/source/").content.decode()
    assert 'href="/admin/intake/add/"' in sources


def test_an_editor_enters_reviews_corrects_and_accepts(vocabulary, staff_client):
    dues = vocabulary["Lighthouse and harbour dues"].slug
    response = enter(staff_client)
    assert response.status_code == 302
    source = models.Source.objects.get(title="Freedonia and Sylvania agree")
    assert source.text == ARTICLE
    assert response["Location"] == f"/admin/intake/{source.pk}/"
    page = staff_client.get(response["Location"])
    html = page.content.decode()
    assert "Marston" in html and "lighthouse dues" in html
    rows = page.context["rows"]
    item = next(r for r in rows if "lighthouse dues" in str(r["summary"]))
    (picker,) = item["fields"]
    values = [option["value"] for option in picker["options"]]
    assert values[:2] == ["", dues]  # unmapped, then the closest
    assert vocabulary["Widget quotas"].slug in values  # every other area after them
    # The page's form as a browser sends it: every checkbox ticked, the picker set.
    data = {"accept": [row["key"] for row in rows if row["accepted"]]}
    for row in rows:
        for field in row["fields"]:
            data[field["name"]] = field["value"]
    data[picker["name"]] = dues
    done = staff_client.post(response["Location"], data)
    assert done.status_code == 302
    round_ = models.Round.objects.get(city="Marston")
    assert round_.agenda_items.count() == 3
    mapped = round_.agenda_items.get(label="lighthouse dues")
    assert [a.slug for a in mapped.areas.all()] == [dues]
    assert models.AgendaAreaAlias.objects.filter(name__iexact="lighthouse dues").exists()
    assert models.Deadline.objects.filter(citations__source=source).exists()
    after = staff_client.get(response["Location"])
    assert all(r["kind"] == "Position" for r in after.context["rows"])
    assert "Written, cited by their sentences" in after.content.decode()


def test_a_correction_refused_writes_nothing_and_names_the_field(vocabulary, staff_client):
    enter(staff_client)
    source = models.Source.objects.get(title="Freedonia and Sylvania agree")
    url = f"/admin/intake/{source.pk}/"
    rows = staff_client.get(url).context["rows"]
    (held,) = [r for r in rows if r["kind"] == "Round"]
    date_field = next(f for f in held["fields"] if f["label"] == "Date")
    rounds = models.Round.objects.count()
    page = staff_client.post(
        url, {"accept": [r["key"] for r in rows], date_field["name"]: "2031-13-45"}, follow=True
    )
    assert models.Round.objects.count() == rounds
    text = page.content.decode()
    assert "Nothing was written" in text and "start_date" in text


def test_the_same_url_twice_is_refused_naming_the_first(vocabulary, staff_client):
    enter(staff_client, url="https://news.example/a")
    first = models.Source.objects.get(url="https://news.example/a")
    again = enter(staff_client, url="https://news.example/a", title="Again")
    assert again.status_code == 200
    assert first.slug in str(again.context["form"].errors["url"])


def test_permissions(vocabulary, client, django_user_model):
    viewer = staff(client, django_user_model, "view_source")
    assert viewer.get("/admin/intake/add/").status_code == 403
    assert enter(viewer).status_code == 403
    assert not models.Source.objects.filter(title="Freedonia and Sylvania agree").exists()
    adder = staff(client, django_user_model, "add_source", "view_source")
    assert "intake/add" in adder.get("/admin/").content.decode()
    response = enter(adder)
    rows = adder.get(response["Location"]).context["rows"]
    page = adder.post(response["Location"], {"accept": [r["key"] for r in rows]}, follow=True)
    text = page.content.decode()
    assert "Nothing was written" in text
    assert re.search(r"needs the permission .negotiations\.\w+", text)
    assert not models.Round.objects.filter(city="Marston").exists()
