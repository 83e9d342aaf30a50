"""An API URL without its trailing slash: a write is refused with a 404 naming the right URL
(Django's 301 made `fetch` repeat a POST as a GET and report the list it read as success;
under DEBUG it was a 500 HTML page), a read is redirected to the URL with the slash."""

import re

import pytest
from django.apps import apps

from negotiations.api.urls import router
from negotiations.domain.versioning import current_data_version
from tests.contract import json_error, published_schema

pytestmark = pytest.mark.django_db

WRITES = ("post", "put", "patch", "delete")


def some_slug(prefix: str) -> str:
    """The slug of a record of the resource at this URL prefix (any will do; None for a URL
    that is no resource's, such as auth/token/)."""
    model = next(
        (viewset.queryset.model for name, viewset, _ in router.registry if name == prefix), None
    )
    if model is None:
        return None
    return model.objects.values_list("slug", flat=True).order_by("pk").first()


def write_operations():
    """Every write of the schema, as (method, path): whatever resources are added later."""
    for path, item in published_schema()["paths"].items():
        for method in WRITES:
            responses = item.get(method, {}).get("responses", {})
            if any(status.startswith("2") for status in responses):
                yield method, path


def without_slash(path: str) -> str:
    assert path.endswith("/"), path
    prefix = path.removeprefix("/api/v1/").split("/")[0]
    # Any path parameter ({slug}, {source}...) is a slug of the resource, or any slug.
    return re.sub(r"\{[^}]+\}", some_slug(prefix) or "none", path).removesuffix("/")


@pytest.mark.parametrize(("method", "path"), list(write_operations()))
def test_a_write_without_its_trailing_slash_writes_nothing_and_says_so(editor, method, path):
    url = without_slash(path)
    version = current_data_version()
    response = getattr(editor, method)(url, {"name": "Lost?"}, format="json")
    body = json_error(response, 404)
    assert body["code"] == "no_trailing_slash"
    assert f"http://testserver{url}/" in body["detail"], body["detail"]
    assert "Location" not in response
    assert current_data_version() == version  # nothing was written
    assert apps.get_model("negotiations", "Party").objects.filter(name="Lost?").count() == 0


def test_the_same_write_with_the_slash_is_made(editor):
    body = {"name": "Slashed", "code": "SL", "kind": "country"}
    json_error(editor.post("/api/v1/parties", body, format="json"), 404)
    assert editor.post("/api/v1/parties/", body, format="json").status_code == 201


def test_a_write_without_the_slash_is_no_500_under_debug(editor, settings):
    """DEBUG made Django's redirect a RuntimeError ("You called this URL via POST...")."""
    settings.DEBUG = True
    json_error(editor.post("/api/v1/parties", {}, format="json"), 404)
    json_error(editor.delete("/api/v1"), 404)


@pytest.mark.parametrize("method", ["get", "head", "options"])
def test_a_read_without_the_slash_is_redirected_with_its_query(api, method):
    response = getattr(api, method)("/api/v1/rounds?page_size=2")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/rounds/?page_size=2"


def test_a_url_that_is_not_the_api_s_even_with_a_slash_is_a_json_404(api, editor):
    assert json_error(api.get("/api/v1/no-such-thing"), 404)["code"] == "not_found"
    assert json_error(editor.post("/api/v2/rounds", {}, format="json"), 404)["code"] == (
        "not_found"
    )
