"""A second negotiation with the title of another, or a second source with its URL, is
refused naming the one that has it (issue 20: the round's picker showed two identical
entries), in the API and the admin alike (the models' own rules)."""

import pytest

from negotiations import models
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_negotiation_title_another_has_is_refused_naming_it(editor, staff_client):
    first = factories.negotiation(title="Freedonia–Sylvania widget talks")
    parties = [factories.party().slug, factories.party().slug]
    body = {"title": "freedonia–sylvania  widget talks", "parties": parties}
    refused = editor.post("/api/v1/negotiations/", body, format="json")
    assert refused.status_code == 400
    (error,) = refused.json()["errors"]
    assert error["field"] == "title" and first.slug in error["detail"]
    renamed = editor.patch(
        f"/api/v1/negotiations/{first.slug}/", {"title": first.title}, format="json"
    )
    assert renamed.status_code == 200  # its own title is no clash

    page = staff_client.post(
        "/admin/negotiations/negotiation/add/",
        {"title": first.title, "slug": "", "status": "ongoing"},
    )
    assert page.status_code == 200
    assert first.slug in str(page.context["adminform"].form.errors["title"])
    assert models.Negotiation.objects.filter(title=first.title).count() == 1


def test_a_source_url_another_has_is_refused_in_the_admin(staff_client):
    first = factories.source(url="https://news.example/one")
    page = staff_client.post(
        "/admin/negotiations/source/add/",
        {
            "title": "Again",
            "url": "https://news.example/one",
            "published_on_precision": "day",
            "language": "en",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )
    assert page.status_code == 200
    assert first.slug in str(page.context["adminform"].form.errors["url"])
