import pytest
from django.contrib.auth.models import Permission
from django.test import Client


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
