"""Cached reads: a GET's whole answer is kept under its ETag, so the same request again costs
one query (the data version) and one cache get; any write, through the API or the admin,
is seen by the very next read. (Across processes: tests/scaling/test_shared_state.py.)"""

import pytest
from django.test import override_settings

from negotiations.domain.versioning import bump_data_version

pytestmark = pytest.mark.django_db

JEJU = "/api/v1/rounds/jeju-ministerial-2025-05-16/"
READS = [
    JEJU,
    "/api/v1/rounds/?negotiation=kr-us-tariff-talks-2025",
    f"{JEJU}agenda-changes/",
    "/api/v1/deadlines/?as_of=2025-06-01",
    "/api/v1/people/?search=yeo",
]


@pytest.mark.parametrize("url", READS)
def test_a_repeated_read_costs_one_query(api, url, django_assert_num_queries):
    computed = api.get(url)
    assert computed.status_code == 200
    with django_assert_num_queries(1):  # the data version; the answer comes from the cache
        cached = api.get(url)
    assert cached.content == computed.content
    assert cached["ETag"] == computed["ETag"]
    assert cached["Content-Type"] == computed["Content-Type"]
    assert cached["Cache-Control"] == "no-cache"


def test_a_cached_answer_is_conditional_like_a_computed_one(api):
    tag = api.get(JEJU)["ETag"]
    assert api.get(JEJU, HTTP_IF_NONE_MATCH=tag).status_code == 304
    assert api.get(JEJU, HTTP_IF_NONE_MATCH="*").status_code == 304
    assert api.get(JEJU, HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_a_cached_answer_carries_the_current_rate_limit(api, monkeypatch):
    monkeypatch.setenv("THROTTLE_ANON", "5/minute")
    first, second = api.get(JEJU), api.get(JEJU)
    assert (first["RateLimit-Remaining"], second["RateLimit-Remaining"]) == ("4", "3")
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_an_api_write_is_seen_by_the_next_read(api, editor):
    before = api.get(JEJU)
    edited = editor.patch(JEJU, {"summary": "Edited."}, HTTP_IF_MATCH=before["ETag"])
    assert edited.status_code == 200
    after = api.get(JEJU)
    assert after.json()["summary"] == "Edited."
    assert after["ETag"] != before["ETag"]


def test_an_admin_write_is_seen_by_the_next_read(api, staff_client):
    from negotiations import models
    from tests.helpers import admin_url, change_form_data

    jeju = models.Round.objects.get(slug="jeju-ministerial-2025-05-16")
    before = api.get(JEJU)
    url = admin_url(models.Round, "change", jeju.pk)
    data = change_form_data(staff_client.get(url))
    data["summary"] = "Edited in the admin."
    assert staff_client.post(url, data).status_code == 302
    after = api.get(JEJU)
    assert after.json()["summary"] == "Edited in the admin."
    assert after["ETag"] != before["ETag"]


def test_a_version_moved_by_hand_is_seen_too(api, django_assert_num_queries):
    before = api.get(JEJU)
    bump_data_version()  # what a bulk load that bypasses the write services must do
    after = api.get(JEJU)  # computed again: the version is part of the key
    assert after["ETag"] != before["ETag"]
    with django_assert_num_queries(1):
        assert api.get(JEJU)["ETag"] == after["ETag"]


def test_each_representation_is_cached_apart(api, reader):
    json_answer = api.get(JEJU)
    csv_answer = api.get(JEJU, {"format": "csv"})
    assert csv_answer["Content-Type"].startswith("text/csv")
    assert api.get(JEJU, {"format": "csv"}).content == csv_answer.content
    assert api.get(JEJU).content == json_answer.content
    # Editors' names are for authenticated clients only: their answers are kept apart.
    history = f"{JEJU}audit-history/"
    anonymous, authenticated = api.get(history), reader.get(history)
    assert anonymous["ETag"] != authenticated["ETag"]
    assert api.get(history).content == anonymous.content
    assert reader.get(history).content == authenticated.content


def test_the_browsable_api_is_never_cached(client, django_assert_max_num_queries):
    client.get(JEJU, HTTP_ACCEPT="text/html")
    with django_assert_max_num_queries(100) as captured:
        page = client.get(JEJU, HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and len(captured) > 1


@override_settings(ANSWER_CACHE_SECONDS=0)
def test_answers_are_not_cached_when_turned_off(api, django_assert_max_num_queries):
    api.get(JEJU)
    with django_assert_max_num_queries(100) as captured:
        api.get(JEJU)
    assert len(captured) > 1
