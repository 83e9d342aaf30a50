import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from rest_framework.test import APIClient

from negotiations.api.tokens import issue_token
from tests import factories
from tests.contract import check_response
from tests.seed import SEED_FIXTURE


class ContractClient(APIClient):
    """An API client that checks every answer against the OpenAPI schema (tests/contract.py)."""

    def request(self, **kwargs):
        response = super().request(**kwargs)
        check_response(response)
        return response


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with the seed data; each test's changes are rolled back."""
    with django_db_blocker.unblock():
        call_command("loaddata", SEED_FIXTURE, verbosity=0)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counts and cached answers live in the cache: every test starts with none
    (a rolled-back test's writes would otherwise leave answers at a data version that the
    next test reaches again with other data)."""
    from django.core.cache import cache

    from tracker import cache as redis_backend

    redis_backend.down_until.clear()  # a Redis that failed in an earlier test is asked again
    cache.clear()


@pytest.fixture(autouse=True)
def requests_cost_one_unit(monkeypatch):
    """Every request costs one unit of its rate limit, however long it took on the machine
    running the tests (negotiations.api.throttling): the tests of the limits count requests.
    The tests of costs (tests/platform/test_costly_reads.py) set THROTTLE_COST_MS."""
    monkeypatch.setenv("THROTTLE_COST_MS", "0")


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


@pytest.fixture
def api():
    """An anonymous client."""
    return ContractClient()


@pytest.fixture
def reader(django_user_model):
    """Authenticated, with no model permission."""
    user = django_user_model.objects.create_user(username="reader", password="x" * 16)
    client = ContractClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)[1]}")
    return client


@pytest.fixture
def editor(django_user_model):
    """Authenticated by token, with every permission of the negotiations app."""
    user = django_user_model.objects.create_user(username="api-editor", password="x" * 16)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="negotiations"))
    client = ContractClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)[1]}")
    return client


@pytest.fixture
def a_round():
    """A round of built talks (not the seed's), its agenda reported and empty."""
    return factories.round(factories.negotiation(), 1, agenda={})


@pytest.fixture
def round_url(a_round):
    """The API URL of ``a_round``."""
    return f"/api/v1/rounds/{a_round.slug}/"
