"""Only a write earns the read-your-writes cookie (tracker_primary_until), whatever the
method; a method no view serves is a 405 before any view sees it.

The cookie sends its client's reads to the primary database for a while (tracker/replicas.py):
a TRACE to /healthz, a POST to it with a CSRF token, or a failed admin login each answered
with a validly signed one, so that anyone could pin themselves to the primary."""

import pytest
from django.test import Client

from negotiations import models
from tests import factories
from tests.contract import json_error
from tests.helpers import admin_url, change_form_data
from tracker import replicas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def replica_middleware(settings):
    """The replica router's middleware, as DATABASE_REPLICA_URLS installs it (with no
    replica configured every read goes to the primary; the cookie is what is tested)."""
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("negotiations.middleware.DatabaseUnavailableMiddleware"),
        "tracker.replicas.ReplicaMiddleware",
    )
    settings.MIDDLEWARE = middleware


def pinned(response) -> bool:
    return replicas.COOKIE in response.cookies


class TestNothingButAWriteEarnsTheCookie:
    def test_trace_is_a_405_without_a_cookie(self):
        response = Client().generic("TRACE", "/healthz")
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
        assert not pinned(response)

    def test_a_post_to_the_health_check(self):
        client = Client(enforce_csrf_checks=True)
        client.get("/admin/login/")  # a CSRF cookie, as a browser would have
        token = client.cookies["csrftoken"].value
        response = client.post("/healthz", {"csrfmiddlewaretoken": token})
        assert response.status_code == 405
        assert not pinned(response)

    def test_a_failed_admin_login(self, staff_user):
        response = Client().post(
            "/admin/login/?next=/admin/", {"username": "editor", "password": "wrong"}
        )
        assert response.status_code == 200  # the form again, with its error
        assert not pinned(response)

    def test_a_successful_admin_login_writes_no_data(self, staff_user):
        response = Client().post(
            "/admin/login/?next=/admin/",
            {"username": "editor", "password": "correct horse battery staple"},
        )
        assert response.status_code == 302
        assert not pinned(response)

    def test_a_refused_api_write(self, editor, round_url):
        response = editor.patch(round_url, {"start_date": "never"}, format="json")
        assert response.status_code == 400
        assert not pinned(response)
        assert not pinned(editor.post(round_url, {}, format="json"))  # 405

    def test_an_anonymous_write(self, api, round_url):
        assert api.patch(round_url, {"summary": "x"}, format="json").status_code == 401
        assert not pinned(api.patch(round_url, {"summary": "x"}, format="json"))


class TestAWriteEarnsIt:
    def test_an_api_write(self, editor, round_url):
        response = editor.patch(round_url, {"summary": "Edited."}, format="json")
        assert response.status_code == 200
        assert pinned(response)
        assert replicas.sent_to_primary(_with_cookie(response))

    def test_an_api_write_refused_as_stale(self, editor, round_url):
        response = editor.patch(
            round_url, {"summary": "Edited."}, format="json", HTTP_IF_MATCH='"0"'
        )
        assert response.status_code == 412
        assert pinned(response)

    def test_an_admin_edit(self, staff_client):
        source = factories.source()
        url = admin_url(models.Source, "change", source.pk)
        data = change_form_data(staff_client.get(url))
        response = staff_client.post(url, {**data, "title": "Renamed in the admin"})
        assert response.status_code == 302, response.content[:500]
        assert pinned(response)


def _with_cookie(response):
    from django.test import RequestFactory

    request = RequestFactory().get("/api/v1/rounds/")
    request.COOKIES[replicas.COOKIE] = response.cookies[replicas.COOKIE].value
    return request


class TestUnservedMethods:
    @pytest.mark.parametrize(
        ("path", "allowed"),
        [
            ("/healthz", "GET, HEAD"),
            ("/", "GET, HEAD"),
            ("/dashboard/", "GET, HEAD"),
            ("/admin/", "GET, HEAD, POST"),
            ("/api/v1/rounds/", "GET, HEAD, OPTIONS, POST"),
            ("/api/v1/deadlines.ics", "GET, HEAD, OPTIONS"),
        ],
    )
    @pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "BREW"])
    def test_a_method_no_view_serves_is_a_405(self, path, allowed, method):
        response = Client().generic(method, path)
        assert response.status_code == 405
        assert response["Allow"] == allowed
        if path.startswith("/api/"):
            assert json_error(response, 405)["code"] == "method_not_allowed"

    def test_the_health_check_takes_get_and_head_only(self):
        client = Client()
        assert client.get("/healthz").status_code == 200
        assert client.head("/healthz").status_code == 200
        for method in ("post", "put", "delete"):
            response = getattr(client, method)("/healthz")
            assert response.status_code == 405, method
            assert response["Allow"] == "GET, HEAD"

    def test_an_unknown_url_is_still_a_404(self):
        assert Client().generic("TRACE", "/no-such-page/").status_code == 404
