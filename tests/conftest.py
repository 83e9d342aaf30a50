import pytest
from django.core.management import call_command

SEED_FIXTURE = "korea_us_2025"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with the seed data; each test's changes are rolled back."""
    with django_db_blocker.unblock():
        call_command("loaddata", SEED_FIXTURE, verbosity=0)


@pytest.fixture
def staff_user(django_user_model):
    """A staff editor with every permission of the negotiations app."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(
        username="editor", password="correct horse battery staple", is_staff=True
    )
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="negotiations"))
    return user


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
