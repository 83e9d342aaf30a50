"""Requests too big to answer are a 4xx in every mode, DEBUG on and off: JSON under /api/,
a page elsewhere; never a 500, never a slow error page.

Too many query parameters or form fields (Django's DATA_UPLOAD_MAX_NUMBER_FIELDS), JSON
nested too deep or holding too many values, admin searches with too many words.
"""

import json

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.test import Client

from negotiations import models
from negotiations.limits import MAX_JSON_DEPTH, MAX_SEARCH_LENGTH, MAX_SEARCH_TERMS
from tests import factories
from tests.contract import json_4xx, json_error

pytestmark = pytest.mark.django_db

TOO_MANY_PARAMS = "&".join(
    f"p{i}=1" for i in range(django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)
)


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.fixture
def browser(debug):
    """A client that gets the server's answer, a 500 included, as a browser would."""
    return Client(raise_request_exception=False)


@pytest.fixture
def admin_browser(browser, admin_user):
    browser.force_login(admin_user)
    return browser


@pytest.fixture
def editor_browser(debug, editor):
    editor.raise_request_exception = False
    return editor


class TestTooManyQueryParameters:
    @pytest.mark.parametrize(
        "path",
        [
            "/api/v1/rounds/",
            "/api/v1/rounds/{round}/",
            "/api/v1/changes/",
            "/api/v1/deadlines.ics",
            "/api/v1/schema/",
        ],
    )
    def test_api_answers_400_in_json(self, browser, a_round, path):
        path = path.format(round=a_round.slug)
        body = json_error(browser.get(f"{path}?{TOO_MANY_PARAMS}"))
        assert "query parameters" in body["detail"]

    @pytest.mark.parametrize("path", ["/dashboard/", "/admin/negotiations/round/", "/admin/"])
    def test_pages_answer_400(self, admin_browser, path):
        response = admin_browser.get(f"{path}?{TOO_MANY_PARAMS}")
        assert response.status_code == 400
        assert b"query parameters" in response.content

    def test_as_many_as_allowed_is_just_unknown_parameters(self, browser):
        params = "&".join(f"p{i}=1" for i in range(django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS))
        body = json_4xx(browser.get(f"/api/v1/rounds/?{params}"))
        assert "p0" in body


def test_too_many_form_fields_in_the_admin_is_a_400(admin_browser, a_round):
    fields = {f"f{i}": "x" for i in range(django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    before = a_round.updated

    response = admin_browser.post(f"/admin/negotiations/round/{a_round.pk}/change/", fields)

    assert response.status_code == 400
    assert b"form fields" in response.content
    a_round.refresh_from_db()
    assert a_round.updated == before


def nested(depth: int) -> str:
    return '{"title": ' + "[" * depth + "]" * depth + "}"


class TestJSONBodies:
    @pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 100, 1_000, 100_000])
    @pytest.mark.parametrize(
        ("method", "path"),
        [("post", "/api/v1/sources/"), ("put", "{round}"), ("patch", "{round}")],
    )
    def test_deeply_nested_json_is_a_400(
        self, editor_browser, a_round, round_url, method, path, depth
    ):
        before = a_round.updated
        response = getattr(editor_browser, method)(
            path.format(round=round_url), nested(depth), content_type="application/json"
        )
        assert f"at most {MAX_JSON_DEPTH} levels" in json_error(response)["detail"]
        assert models.Round.objects.get(pk=a_round.pk).updated == before

    def test_a_bare_deep_array_is_a_400(self, editor_browser):
        response = editor_browser.post(
            "/api/v1/sources/", "[" * 1_000 + "]" * 1_000, content_type="application/json"
        )
        assert "levels" in json_error(response)["detail"]

    @pytest.mark.parametrize(
        "body",
        [
            {f"key{i}": i for i in range(django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)},
            {"title": "Many", "citations": ["x"] * (django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)},
        ],
        ids=["keys", "list items"],
    )
    def test_too_many_values_is_a_400(self, editor_browser, body):
        count = models.Source.objects.count()
        response = editor_browser.post(
            "/api/v1/sources/", json.dumps(body), content_type="application/json"
        )
        detail = json_error(response)["detail"]
        assert f"at most {django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} values" in detail
        assert models.Source.objects.count() == count

    def test_nesting_up_to_the_limit_is_judged_by_the_fields(self, editor_browser):
        response = editor_browser.post(
            "/api/v1/sources/", nested(MAX_JSON_DEPTH - 1), content_type="application/json"
        )
        assert "title" in json_4xx(response)


ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
SEARCHABLE = [(model, model_admin) for model, model_admin in ADMINS if model_admin.search_fields]


class TestAdminSearch:
    @pytest.mark.parametrize(
        ("model", "model_admin"), SEARCHABLE, ids=[m._meta.label for m, _ in SEARCHABLE]
    )
    def test_a_thousand_words_is_a_400_on_every_admin(self, admin_browser, model, model_admin):
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        words = " ".join(f"word{i}" for i in range(1_000))

        response = admin_browser.get(url, {"q": words})

        assert response.status_code == 400
        assert f"at most {MAX_SEARCH_TERMS} words" in response.content.decode()

    def test_too_long_a_search_is_a_400(self, admin_browser):
        response = admin_browser.get(
            "/admin/negotiations/round/", {"q": "x" * (MAX_SEARCH_LENGTH + 1)}
        )
        assert response.status_code == 400
        assert f"at most {MAX_SEARCH_LENGTH} characters" in response.content.decode()

    def test_searches_within_the_limits_work(self, admin_browser):
        talks = factories.negotiation()
        round_ = factories.round(talks, 1, city="Zenda")
        factories.round(talks, 2, city="Zenda")  # in the city, without the participant
        person = factories.person(name="Rudolf Rassendyll")
        person.aliases.create(name="Rudolf Rassendil")
        models.Participant.objects.create(
            round=round_, person=person, party=talks.parties.first(), name_as_reported="Rudolf"
        )
        words = " ".join(["Rassendil"] + ["Zenda"] * (MAX_SEARCH_TERMS - 1))
        response = admin_browser.get("/admin/negotiations/round/", {"q": words})
        assert response.status_code == 200
        # A round found by a participant's misspelt name and its city.
        assert [r.slug for r in response.context["cl"].result_list] == [round_.slug]

    def test_autocomplete_is_limited_too(self, admin_browser):
        words = " ".join(f"word{i}" for i in range(1_000))
        response = admin_browser.get(
            "/admin/autocomplete/",
            {
                "app_label": "negotiations",
                "model_name": "agendaitem",
                "field_name": "round",
                "term": words,
            },
        )
        assert response.status_code == 400
        assert f"at most {MAX_SEARCH_TERMS} words" in response.json()["error"]


def test_anonymous_long_searches_go_to_the_login_page_first(browser):
    response = browser.get("/admin/negotiations/round/", {"q": "w " * 1_000})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


class TestLongURLs:
    """Servers in front refuse request lines over 8 kB (nginx) or 4 kB (gunicorn); behind
    them, a long URL is still an ordinary answer."""

    def test_a_long_path_under_the_api_is_a_json_404(self, browser):
        json_4xx(browser.get(f"/api/v1/rounds/{'a' * 10_000}/"), 404)

    def test_a_long_dashboard_parameter_is_a_400_page(self, browser):
        response = browser.get("/dashboard/", {"as_of": "9" * 10_000, "round": "x" * 10_000})
        assert response.status_code == 400
        assert b"Enter a date" in response.content
