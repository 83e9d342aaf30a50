"""Helpers for API tests (the clients are fixtures in tests/conftest.py)."""


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def slugs(response):
    return [item["slug"] for item in results(response)]
