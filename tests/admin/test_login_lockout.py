"""Admin login attempts are limited: after LOGIN_FAILURE_LIMIT wrong passwords for one
account from one address, even the right password is refused until the cool-off ends."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.auth.views import LoginView
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.utils import timezone
from knox.views import LoginView as KnoxLoginView

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password-42"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def editor_account(django_user_model):
    return django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)


def attempt(client, password, username="editor", **headers):
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


def fail_until_locked(client, **headers):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "wrong", **headers)
        assert response.status_code == 200  # the form again, with its error
        assert b"Please enter the correct username and password" in response.content
    # The last failure allowed locks the account: the answer says so.
    locked = attempt(client, "wrong", **headers)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_the_right_password_is_refused_after_too_many_wrong_ones(client, editor_account):
    fail_until_locked(client)

    response = attempt(client, PASSWORD)

    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_a_hundred_wrong_passwords_then_the_right_one_is_refused(client, editor_account):
    for _ in range(100):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 429


def test_fewer_failures_do_not_lock_and_a_success_resets_the_count(client, editor_account):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "wrong")
    assert logged_in(attempt(client, PASSWORD))
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "wrong")
    assert logged_in(attempt(client, PASSWORD))


def test_the_lock_ends_after_the_cool_off(client, editor_account):
    fail_until_locked(client)
    past = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)

    assert logged_in(attempt(client, PASSWORD))


def test_others_can_still_log_in(editor_account, django_user_model):
    """The lock holds one account from one address: a stranger cannot lock an editor out,
    and colleagues behind the same address keep their own accounts."""
    fail_until_locked(Client(REMOTE_ADDR="203.0.113.7"))

    assert logged_in(attempt(Client(REMOTE_ADDR="198.51.100.2"), PASSWORD))
    django_user_model.objects.create_user("colleague", password=PASSWORD, is_staff=True)
    colleague = attempt(Client(REMOTE_ADDR="203.0.113.7"), PASSWORD, username="colleague")
    assert logged_in(colleague)


def test_a_forged_x_forwarded_for_does_not_escape_the_lock(client, editor_account):
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")

    assert attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429


def test_behind_a_proxy_the_address_it_appends_counts(settings, editor_account):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = Client(REMOTE_ADDR="10.0.0.2")  # every request arrives from the proxy
    fail_until_locked(proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert attempt(proxy, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert logged_in(attempt(proxy, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2"))


def walk(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns)
        else:
            yield pattern


def test_the_admin_login_is_the_only_password_login():
    """The API authenticates with tokens (issued in the admin or by a command) or the
    admin's session: no DRF login page (rest_framework.urls) and no token-for-password
    endpoint (knox's LoginView) to guess passwords at, beside the admin login the lockout
    guards."""
    password_views = [
        str(pattern.pattern)
        for pattern in walk(get_resolver().url_patterns)
        if issubclass(getattr(pattern.callback, "view_class", object), LoginView | KnoxLoginView)
    ]
    assert password_views == []
    assert resolve("/admin/login/").url_name == "login"


# --- The password change: a wrong old password counts as a failed login ----------------------

PASSWORD_CHANGE = "/admin/password_change/"
NEW_PASSWORD = "a-brand-new-password-43"


def change_password(client, old_password):
    return client.post(
        PASSWORD_CHANGE,
        {
            "old_password": old_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )


@pytest.fixture
def editor_session(editor_account):
    """The editor, logged in (someone holding their session cookie, say)."""
    session = Client()
    session.force_login(editor_account)
    return session


def test_the_right_old_password_is_refused_after_too_many_wrong_ones(
    editor_session, editor_account
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = change_password(editor_session, "wrong")
        assert response.status_code == 200
        assert b"Your old password was entered incorrectly" in response.content
    locked = change_password(editor_session, "wrong")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    for _ in range(12 - settings.AXES_FAILURE_LIMIT):
        change_password(editor_session, "wrong")

    response = change_password(editor_session, PASSWORD)

    assert response.status_code == 429
    editor_account.refresh_from_db()
    assert editor_account.check_password(PASSWORD)
    # One count with the login page: the account is locked there too, from this address.
    assert attempt(Client(), PASSWORD).status_code == 429


def test_failed_logins_count_against_the_password_change(editor_session, editor_account):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(), "wrong")

    assert change_password(editor_session, PASSWORD).status_code == 429
    editor_account.refresh_from_db()
    assert editor_account.check_password(PASSWORD)


def test_the_right_old_password_changes_it_and_resets_the_count(editor_session, editor_account):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        change_password(editor_session, "wrong")

    response = change_password(editor_session, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/password_change/done/"
    editor_account.refresh_from_db()
    assert editor_account.check_password(NEW_PASSWORD)
    assert not AccessAttempt.objects.filter(username="editor").exists()


def test_the_lock_ends_after_the_cool_off_for_the_password_change_too(editor_session):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        change_password(editor_session, "wrong")
    past = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)

    assert change_password(editor_session, PASSWORD).status_code == 302


# --- The lockout's records ----------------------------------------------------------------------


@pytest.mark.parametrize(("permission", "deleted"), [("view", False), ("delete", True)])
def test_cleaning_up_expired_attempts_needs_the_permission_to_delete_them(
    django_user_model, permission, deleted
):
    """django-axes' "clean up expired attempts" action deletes attempts: a view-only editor
    could run it."""
    user = django_user_model.objects.create_user("lockout-admin", password="x" * 16)
    user.is_staff = True
    user.save()
    codenames = ["view_accessattempt", f"{permission}_accessattempt"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    admin = Client()
    admin.force_login(user)  # (a login deletes expired attempts itself: made after it)
    expired = AccessAttempt.objects.create(
        username="someone",
        ip_address="192.0.2.1",
        user_agent="",
        http_accept="",
        path_info=LOGIN,
        failures_since_start=1,
    )
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)

    admin.post(
        "/admin/axes/accessattempt/",
        {"action": "cleanup_expired_attempts", "_selected_action": [str(expired.pk)]},
    )

    assert AccessAttempt.objects.filter(pk=expired.pk).exists() is not deleted
