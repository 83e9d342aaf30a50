"""Cached reads: a GET's whole answer is kept under its ETag, so the same request again costs
one query (the data version) and one cache get; any write, through the API or the admin,
is seen by the very next read. (Across processes: tests/scaling/test_shared_state.py.)"""

import datetime

import pytest
from django.test import override_settings

from negotiations.domain.versioning import bump_data_version
from tests import factories

pytestmark = pytest.mark.django_db

READS = [
    "/api/v1/rounds/{round}/",
    "/api/v1/rounds/?negotiation={talks}",
    "/api/v1/rounds/{round}/agenda-changes/",
    "/api/v1/deadlines/?as_of=2025-06-01",
    "/api/v1/people/?search=yeo",
]


@pytest.fixture
def built():
    """Built talks: two rounds with agendas, a deadline, a person."""
    talks = factories.negotiation()
    steel = factories.area()
    factories.round(talks, 1, agenda={"steel": steel, "fx": factories.area()})
    round_ = factories.round(talks, 2, agenda={"steel": steel})
    round_.citations.add(factories.citation())
    factories.deadline(negotiation=talks, date=datetime.date(2025, 7, 8))
    factories.person(name="Yeo Han-koo")
    return {"talks": talks.slug, "round": round_.slug}


@pytest.fixture
def round_path(built):
    """The API URL of the built round."""
    return f"/api/v1/rounds/{built['round']}/"


@pytest.mark.parametrize("url", READS)
def test_a_repeated_read_costs_one_query(api, built, url, django_assert_num_queries):
    url = url.format(**built)
    computed = api.get(url)
    assert computed.status_code == 200
    with django_assert_num_queries(1):  # the data version; the answer comes from the cache
        cached = api.get(url)
    assert cached.content == computed.content
    assert cached["ETag"] == computed["ETag"]
    assert cached["Content-Type"] == computed["Content-Type"]
    assert cached["Cache-Control"] == "no-cache"


def test_a_cached_answer_is_conditional_like_a_computed_one(api, round_path):
    tag = api.get(round_path)["ETag"]
    assert api.get(round_path, HTTP_IF_NONE_MATCH=tag).status_code == 304
    assert api.get(round_path, HTTP_IF_NONE_MATCH="*").status_code == 304
    assert api.get(round_path, HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_a_cached_answer_carries_the_current_rate_limit(api, monkeypatch, round_path):
    monkeypatch.setenv("THROTTLE_ANON", "5/minute")
    first, second = api.get(round_path), api.get(round_path)
    assert (first["RateLimit-Remaining"], second["RateLimit-Remaining"]) == ("4", "3")
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_an_api_write_is_seen_by_the_next_read(api, editor, round_path):
    before = api.get(round_path)
    edited = editor.patch(round_path, {"summary": "Edited."}, HTTP_IF_MATCH=before["ETag"])
    assert edited.status_code == 200
    after = api.get(round_path)
    assert after.json()["summary"] == "Edited."
    assert after["ETag"] != before["ETag"]


def test_an_admin_write_is_seen_by_the_next_read(api, staff_client, built, round_path):
    from negotiations import models
    from tests.helpers import admin_url, change_form_data

    round_ = models.Round.objects.get(slug=built["round"])
    before = api.get(round_path)
    url = admin_url(models.Round, "change", round_.pk)
    data = change_form_data(staff_client.get(url))
    data["summary"] = "Edited in the admin."
    assert staff_client.post(url, data).status_code == 302
    after = api.get(round_path)
    assert after.json()["summary"] == "Edited in the admin."
    assert after["ETag"] != before["ETag"]


def test_a_version_moved_by_hand_is_seen_too(api, django_assert_num_queries, round_path):
    before = api.get(round_path)
    bump_data_version()  # what a bulk load that bypasses the write services must do
    after = api.get(round_path)  # computed again: the version is part of the key
    assert after["ETag"] != before["ETag"]
    with django_assert_num_queries(1):
        assert api.get(round_path)["ETag"] == after["ETag"]


def test_each_representation_is_cached_apart(api, reader, round_path):
    json_answer = api.get(round_path)
    csv_path = f"{round_path.removesuffix('/')}.csv"
    csv_answer = api.get(csv_path)
    assert csv_answer["Content-Type"].startswith("text/csv")
    assert api.get(csv_path).content == csv_answer.content
    assert api.get(round_path).content == json_answer.content
    # Editors' names are for authenticated clients only: their answers are kept apart.
    history = f"{round_path}audit-history/"
    anonymous, authenticated = api.get(history), reader.get(history)
    assert anonymous["ETag"] != authenticated["ETag"]
    assert api.get(history).content == anonymous.content
    assert reader.get(history).content == authenticated.content


def test_the_browsable_api_is_never_cached(client, django_assert_max_num_queries, round_path):
    client.get(round_path, HTTP_ACCEPT="text/html")
    with django_assert_max_num_queries(100) as captured:
        page = client.get(round_path, HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and len(captured) > 1


@override_settings(ANSWER_CACHE_SECONDS=0)
def test_answers_are_not_cached_when_turned_off(api, django_assert_max_num_queries, round_path):
    api.get(round_path)
    with django_assert_max_num_queries(100) as captured:
        api.get(round_path)
    assert len(captured) > 1
