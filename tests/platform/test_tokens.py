"""API tokens are secrets their owner sees once: stored as digests, shown as a prefix,
issued only to oneself, revocable by their owner (negotiations/api/tokens.py, admin_tokens.py).
"""

import datetime
import re
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from negotiations.api.tokens import issue_token

pytestmark = pytest.mark.django_db

TOKEN_LIST = "/admin/knox/authtoken/"
HEX_RUN = re.compile(r"[0-9a-f]{15,}")


def api_as(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def new_party(client):
    code = f"Z{timezone.now().microsecond % 100}"
    return client.post(
        "/api/v1/parties/",
        {"name": f"Party {code}", "code": code, "slug": f"p-{code.lower()}"},
        format="json",
    )


def every_stored_text() -> str:
    """Every row of every table, as text: what a database reader (or a backup) can read."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows)


@pytest.fixture
def viewer(django_user_model):
    """View-only staff: every view permission, as tests/admin/test_view_only.py defines it."""
    user = django_user_model.objects.create_user("viewer", password="x" * 16, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client = Client()
    client.force_login(user)
    return client


def test_view_only_staff_cannot_read_back_the_superusers_key(viewer, admin_user):
    """The escalation the probe found: the token admin listed every key in full."""
    token, key = issue_token(admin_user)
    pages = [viewer.get(TOKEN_LIST), viewer.get(f"{TOKEN_LIST}{token.pk}/change/")]
    assert [page.status_code for page in pages] == [200, 200]
    shown = " ".join(page.content.decode() for page in pages)
    assert key not in shown
    assert key[:8] in shown  # the prefix tells tokens apart
    for candidate in set(HEX_RUN.findall(shown)):  # the digest, the prefix...: none works
        assert new_party(api_as(candidate)).status_code == 401
    assert new_party(api_as(key)).status_code == 201


def test_no_table_holds_a_usable_key(admin_user):
    _, key = issue_token(admin_user)
    out = StringIO()
    call_command("create_api_token", admin_user.username, stdout=out, stderr=StringIO())
    command_key = out.getvalue().strip()
    stored = every_stored_text()
    assert key not in stored and command_key not in stored
    assert api_as(command_key).get("/api/v1/auth/token/").status_code == 200


def test_the_admin_issues_a_token_to_oneself_and_shows_it_once(client, django_user_model):
    editor = django_user_model.objects.create_user("ed", password="x" * 16, is_staff=True)
    client.force_login(editor)
    assert client.get(f"{TOKEN_LIST}add/").status_code == 200

    # A user field sent with the form is not a way to act as someone else.
    superuser = django_user_model.objects.create_superuser("boss", password="y" * 16)
    issued = client.post(f"{TOKEN_LIST}add/", {"lifetime": "30", "user": superuser.pk})

    assert issued.status_code == 200
    assert "no-store" in issued["Cache-Control"]  # the admin's never_cache
    key = issued.context["key"]
    assert key in issued.content.decode()
    token = AuthToken.objects.get()
    assert token.user == editor
    assert abs(token.expiry - timezone.now() - datetime.timedelta(days=30)) < datetime.timedelta(
        minutes=1
    )
    assert api_as(key).get("/api/v1/auth/token/").json()["user"] == "ed"
    assert key not in client.get(TOKEN_LIST).content.decode()


def test_an_owner_revokes_their_token_and_nobody_else_s(client, django_user_model, admin_user):
    editor = django_user_model.objects.create_user("ed", password="x" * 16, is_staff=True)
    own, own_key = issue_token(editor)
    others, others_key = issue_token(admin_user)
    client.force_login(editor)

    assert client.get(TOKEN_LIST).context["cl"].result_count == 1  # only one's own
    for token in (own, others):
        client.post(TOKEN_LIST, {"action": "revoke", "_selected_action": [token.pk]})
    assert client.get(f"{TOKEN_LIST}{others.pk}/delete/").status_code in (302, 403)

    assert api_as(own_key).get("/api/v1/auth/token/").status_code == 401
    assert api_as(others_key).get("/api/v1/auth/token/").status_code == 200


def test_revoking_through_the_api(admin_user):
    _, first_key = issue_token(admin_user)
    _, second_key = issue_token(admin_user)
    client = api_as(first_key)

    shown = client.get("/api/v1/auth/token/").json()
    assert shown["prefix"] == f"{first_key[:8]}\u2026" and shown["user"] == admin_user.username
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert client.get("/api/v1/auth/token/").status_code == 401
    assert api_as(second_key).get("/api/v1/auth/token/").status_code == 200  # kept


def test_a_session_has_no_token_to_show_or_revoke(admin_client):
    assert admin_client.get("/api/v1/auth/token/").status_code == 401


def test_an_expired_token_is_refused_and_removed(admin_user):
    token, key = issue_token(admin_user, lifetime=datetime.timedelta(days=1))
    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - datetime.timedelta(1))
    assert new_party(api_as(key)).status_code == 401
    assert not AuthToken.objects.filter(pk=token.pk).exists()


def test_tokens_issued_before_keep_working_as_digests(admin_user):
    """Migration 0009 turns DRF authtoken's clear keys into knox digests and deletes them."""
    migration = __import__(
        "negotiations.migrations.0009_api_tokens_as_digests", fromlist=["clear_keys_to_digests"]
    )
    old_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"  # DRF's own example key
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, "
            "user_id integer)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            [old_key, timezone.now(), admin_user.pk],
        )
    # The function needs only the schema editor's connection (SQLite opens no schema
    # editor inside a test's transaction).
    migration.clear_keys_to_digests(apps, SimpleNamespace(connection=connection))

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone() == (0,)
    token = AuthToken.objects.get(user=admin_user)
    assert token.expiry is None and old_key not in every_stored_text()
    assert new_party(api_as(old_key)).status_code == 201
