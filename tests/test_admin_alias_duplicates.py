"""Two spellings entered twice in one admin form are refused with a message, not a 500."""

import pytest

from negotiations import models
from tests.admin.test_editing import admin_url, change_form_data

pytestmark = pytest.mark.django_db


def test_the_same_new_alias_twice_in_one_form_is_refused(staff_client):
    person = models.Person.objects.get(slug="scott-bessent")
    url = admin_url(models.Person, "change", person.pk)
    data = change_form_data(staff_client.get(url))
    prefix = "aliases"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for offset, name in enumerate(["Scott Bessant", "scott bessant"]):
        data[f"{prefix}-{total + offset}-name"] = name
        data[f"{prefix}-{total + offset}-kind"] = "misspelling"
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 2)
    before = person.aliases.count()
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "entered twice" in response.content.decode()
    assert person.aliases.count() == before
