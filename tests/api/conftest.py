import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def api():
    """An anonymous client."""
    return APIClient()


@pytest.fixture
def reader(django_user_model):
    """Authenticated, with no model permission."""
    user = django_user_model.objects.create_user(username="reader", password="x" * 16)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def editor(django_user_model):
    """Authenticated by token, with every permission of the negotiations app."""
    user = django_user_model.objects.create_user(username="api-editor", password="x" * 16)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="negotiations"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def slugs(response):
    return [item["slug"] for item in results(response)]
