"""Audit history in the admin: reverting to an earlier version, without silent overwrites."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from negotiations import models
from negotiations.domain.versioning import object_token
from tests import factories
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


def revert_url(record):
    """simple-history's revert page for one historical version of a record."""
    opts = record.instance_type._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[record.id, record.history_id],
    )


@pytest.fixture
def edited_round(a_round):
    """A round of built talks, with the version before an edit of its summary."""
    round_ = a_round
    round_.summary = "An earlier summary."
    round_.save()
    earlier = round_.history.latest()
    round_.summary = "A later summary."
    round_.save()
    assert round_.history.latest().summary == "A later summary."
    return round_, earlier


def test_revert_page_token_is_the_current_rows(staff_client, edited_round):
    round_, earlier = edited_round
    response = staff_client.get(revert_url(earlier))
    assert response.status_code == 200
    round_.refresh_from_db()
    assert response.context["adminform"].form["edit_token"].value() == object_token(round_.updated)


def test_revert_restores_the_earlier_version_and_records_it(staff_client, staff_user, edited_round):
    round_, earlier = edited_round
    versions = round_.history.count()
    url = revert_url(earlier)
    data = form_data(staff_client.get(url).context["adminform"].form)

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    round_.refresh_from_db()
    assert round_.summary == earlier.summary != "A later summary."
    assert round_.history.count() == versions + 1
    latest = round_.history.latest()
    assert latest.summary == earlier.summary
    assert latest.history_user == staff_user


def test_revert_over_a_change_made_meanwhile_is_refused(staff_client, edited_round):
    round_, earlier = edited_round
    url = revert_url(earlier)
    data = form_data(staff_client.get(url).context["adminform"].form)  # revert page opened
    other = models.Round.objects.get(pk=round_.pk)
    other.summary = "Editor B saved first."
    other.save()  # editor B saves meanwhile

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "Someone else changed this record since you opened it" in response.content.decode()
    round_.refresh_from_db()
    assert round_.summary == "Editor B saved first."


def test_revert_without_edit_token_is_refused(staff_client, edited_round):
    round_, earlier = edited_round
    url = revert_url(earlier)
    data = form_data(staff_client.get(url).context["adminform"].form)
    del data["edit_token"]

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "sent without its edit token" in response.content.decode()
    round_.refresh_from_db()
    assert round_.summary == "A later summary."


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
    staff_client, client, django_user_model, edited_round, codenames, allowed
):
    round_, earlier = edited_round
    url = revert_url(earlier)
    data = form_data(staff_client.get(url).context["adminform"].form)
    limited = staff_with(django_user_model, client, *codenames)

    page = limited.get(url)
    response = limited.post(url, data)

    assert page.context["revert_disabled"] is not allowed
    assert response.status_code == (302 if allowed else 403)
    round_.refresh_from_db()
    assert (round_.summary == earlier.summary) is allowed


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
