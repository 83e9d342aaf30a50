import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import Client

from tests.admin import walk


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """A small world with a record of every model of the admin and a user of each kind
    (tests/admin/walk.py), built once for the module that asks for it; each test's changes
    are rolled back, and the world with the module's last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = walk.build_world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def staff_with(django_user_model):
    """A logged-in client of a staff user who may view every model and holds, besides, the
    permissions named (codenames of the negotiations app: "change_round")."""

    def client(*codenames: str) -> Client:
        name = "staff-" + "-".join(codenames or ["viewer"])
        user = django_user_model.objects.create_user(name, password="x" * 16, is_staff=True)
        user.user_permissions.set(
            Permission.objects.filter(codename__startswith="view_")
            | Permission.objects.filter(
                content_type__app_label="negotiations", codename__in=codenames
            )
        )
        logged_in = Client()
        logged_in.force_login(user)
        return logged_in

    return client
