"""Audit history in the admin: reverting to an earlier version, without silent overwrites."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from negotiations import models
from negotiations.domain.versioning import object_token
from tests import factories
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

JEJU = "jeju-ministerial-2025-05-16"


def revert_url(record):
    """simple-history's revert page for one historical version of a record."""
    opts = record.instance_type._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[record.id, record.history_id],
    )


@pytest.fixture
def edited_jeju():
    """The Jeju round, with the version before an edit of its summary."""
    jeju = models.Round.objects.get(slug=JEJU)
    earlier = jeju.history.latest()
    jeju.summary = "A later summary."
    jeju.save()
    assert jeju.history.latest().summary == "A later summary."
    return jeju, earlier


def test_revert_page_token_is_the_current_rows(staff_client, edited_jeju):
    jeju, earlier = edited_jeju
    response = staff_client.get(revert_url(earlier))
    assert response.status_code == 200
    jeju.refresh_from_db()
    assert response.context["adminform"].form["edit_token"].value() == object_token(jeju.updated)


def test_revert_restores_the_earlier_version_and_records_it(staff_client, staff_user, edited_jeju):
    jeju, earlier = edited_jeju
    versions = jeju.history.count()
    url = revert_url(earlier)
    data = form_data(staff_client.get(url).context["adminform"].form)

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    jeju.refresh_from_db()
    assert jeju.summary == earlier.summary != "A later summary."
    assert jeju.history.count() == versions + 1
    latest = jeju.history.latest()
    assert latest.summary == earlier.summary
    assert latest.history_user == staff_user


def test_revert_over_a_change_made_meanwhile_is_refused(staff_client, edited_jeju):
    jeju, earlier = edited_jeju
    url = revert_url(earlier)
    data = form_data(staff_client.get(url).context["adminform"].form)  # revert page opened
    other = models.Round.objects.get(pk=jeju.pk)
    other.summary = "Editor B saved first."
    other.save()  # editor B saves meanwhile

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "Someone else changed this record since you opened it" in response.content.decode()
    jeju.refresh_from_db()
    assert jeju.summary == "Editor B saved first."


def test_revert_without_edit_token_is_refused(staff_client, edited_jeju):
    jeju, earlier = edited_jeju
    url = revert_url(earlier)
    data = form_data(staff_client.get(url).context["adminform"].form)
    del data["edit_token"]

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "sent without its edit token" in response.content.decode()
    jeju.refresh_from_db()
    assert jeju.summary == "A later summary."


def test_revert_restores_a_deleted_record(staff_client):
    party = factories.party()
    alias = party.aliases.create(name="The Republic")
    pk = alias.pk
    alias.delete()
    created = models.PartyAlias.history.filter(id=pk, history_type="+").get()
    url = revert_url(created)
    data = form_data(staff_client.get(url).context["adminform"].form)

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert models.PartyAlias.objects.get(pk=pk).name == "The Republic"


def staff_with(django_user_model, client, *codenames):
    """A staff client whose user has only these permissions of the negotiations app."""
    user = django_user_model.objects.create_user("limited", password="x" * 16, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="negotiations", codename__in=codenames)
    )
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("codenames", "allowed"),
    [(["view_round"], False), (["view_round", "add_round"], False), (["change_round"], True)],
)
def test_reverting_needs_the_change_permission(
    staff_client, client, django_user_model, edited_jeju, codenames, allowed
):
    jeju, earlier = edited_jeju
    url = revert_url(earlier)
    data = form_data(staff_client.get(url).context["adminform"].form)
    limited = staff_with(django_user_model, client, *codenames)

    page = limited.get(url)
    response = limited.post(url, data)

    assert page.context["revert_disabled"] is not allowed
    assert response.status_code == (302 if allowed else 403)
    jeju.refresh_from_db()
    assert (jeju.summary == earlier.summary) is allowed


@pytest.mark.parametrize(
    ("codenames", "allowed"),
    [
        (["view_partyalias"], False),
        (["view_partyalias", "change_partyalias"], False),
        (["view_partyalias", "add_partyalias"], True),
    ],
)
def test_restoring_a_deleted_record_needs_the_add_permission(
    staff_client, client, django_user_model, codenames, allowed
):
    alias = factories.party().aliases.create(name="The Republic")
    pk = alias.pk
    alias.delete()
    url = revert_url(models.PartyAlias.history.filter(id=pk, history_type="+").get())
    data = form_data(staff_client.get(url).context["adminform"].form)
    limited = staff_with(django_user_model, client, *codenames)

    page = limited.get(url)
    response = limited.post(url, data)

    assert page.context["revert_disabled"] is not allowed
    assert response.status_code == (302 if allowed else 403)
    assert models.PartyAlias.objects.filter(pk=pk).exists() is allowed
