"""Anonymous reads cost their client what they cost the server.

One anonymous client at a quarter of its request limit, asking for an area's history 100
negotiations to a page and known as of a different day each time, slowed another client's
cached read from 5 ms to a second; the dashboard had no limit and was never cached, nor
were the calendar feed and the review queue. Now every public page is under the same
limit, one budget per client for the API and the dashboard; an answer from the cache costs
one unit and a computed one a unit per THROTTLE_COST_MS of server time; the dashboard, the
calendar and the review queue are answered from the answer cache."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from negotiations.api import throttling
from negotiations.domain import agenda
from negotiations.domain.versioning import bump_data_version
from tests import factories
from tests.contract import json_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def talks():
    talks = factories.negotiation()
    area = factories.area()
    for sequence in (1, 2):
        factories.round(talks, sequence, agenda={"tariffs": area})
    factories.deadline(negotiation=talks)
    return talks


def public_pages(talks) -> list[str]:
    round_ = talks.rounds.first()
    area = round_.agenda_items.first().areas.first()
    return [
        f"/dashboard/{talks.slug}/",
        f"/dashboard/{talks.slug}/cell/?round={round_.slug}&area={area.slug}",
        "/api/v1/deadlines.ics",
        "/api/v1/review/",
        "/api/v1/schema/",
        "/api/v1/docs/",
        "/api/v1/redoc/",
        "/api/v1/redoc/redoc.standalone.js",
        f"/api/v1/agenda-areas/{area.slug}/history/",
        "/api/v1/rounds/",
    ]


def remaining(response) -> int:
    return int(response["RateLimit-Remaining"])


class TestEveryPublicPageHasALimit:
    def test_every_page_says_where_the_client_stands_and_refuses_past_it(self, talks, monkeypatch):
        monkeypatch.setenv("THROTTLE_ANON", "2/minute")
        for path in public_pages(talks):
            cache.clear()  # a fresh budget for each page
            client = Client()
            first, second, third = (client.get(path) for _ in range(3))
            assert (first.status_code, second.status_code) == (200, 200), path
            assert (remaining(first), remaining(second)) == (1, 0), path
            assert third.status_code == 429, path
            assert int(third["Retry-After"]) > 0, path
            assert third["RateLimit-Remaining"] == "0", path

    def test_a_dashboard_refusal_is_a_page(self, talks, monkeypatch):
        monkeypatch.setenv("THROTTLE_ANON", "1/minute")
        client = Client()
        client.get(f"/dashboard/{talks.slug}/")
        refused = client.get(f"/dashboard/{talks.slug}/")
        assert refused.status_code == 429
        assert refused["Content-Type"].startswith("text/html")
        assert b"try again in" in refused.content
        assert refused["Content-Security-Policy"] and refused["X-Frame-Options"] == "DENY"

    def test_one_budget_for_the_api_and_the_dashboard(self, talks, api, monkeypatch):
        monkeypatch.setenv("THROTTLE_ANON", "2/minute")
        assert remaining(api.get("/api/v1/rounds/")) == 1
        assert remaining(Client().get(f"/dashboard/{talks.slug}/")) == 0
        json_error(api.get("/api/v1/parties/"), 429)
        assert Client().get("/dashboard/").status_code == 429

    def test_editors_have_their_own_budget(self, talks, staff_client, monkeypatch):
        monkeypatch.setenv("THROTTLE_ANON", "1/minute")
        monkeypatch.setenv("THROTTLE_USER", "5/minute")
        answers = [staff_client.get(f"/dashboard/{talks.slug}/") for _ in range(3)]
        assert [remaining(answer) for answer in answers] == [4, 3, 2]


def slowed(monkeypatch, module, name: str, seconds: float) -> None:
    """``module.name`` takes ``seconds`` more: an answer that costs that much to compute."""
    original = getattr(module, name)

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)


class TestAnAnswerCostsWhatItTook:
    @pytest.fixture(autouse=True)
    def priced(self, monkeypatch):
        monkeypatch.setenv("THROTTLE_COST_MS", "10")
        monkeypatch.setenv("THROTTLE_ANON", "1000/minute")

    def test_a_computed_answer_costs_a_unit_per_10_ms_and_from_the_cache_one(
        self, talks, monkeypatch
    ):
        area = talks.rounds.first().agenda_items.first().areas.first()
        slowed(monkeypatch, agenda, "area_history", 0.3)
        client = Client()
        path = f"/api/v1/agenda-areas/{area.slug}/history/"
        computed = client.get(path)
        assert remaining(computed) <= 1000 - 30  # 300 ms, and what the machine adds
        again = client.get(path)  # the same answer, from the cache
        assert remaining(again) == remaining(computed) - 1

    def test_the_probe_a_new_day_each_time_runs_out_of_budget(self, talks, monkeypatch):
        """Each answer known as of another day is computed (no cache holds it): at 200 ms
        or more each, a budget of 100 units pays for five at most, not for 100 requests."""
        monkeypatch.setenv("THROTTLE_ANON", "100/minute")
        area = talks.rounds.first().agenda_items.first().areas.first()
        slowed(monkeypatch, agenda, "area_history", 0.2)
        client = Client()
        statuses = [
            client.get(
                f"/api/v1/agenda-areas/{area.slug}/history/",
                {"page_size": 100, "known_as_of": f"2025-05-{day:02}"},
            ).status_code
            for day in range(1, 11)
        ]
        assert statuses[0] == 200
        assert statuses.count(200) <= 5
        assert statuses[-1] == 429
        # Another client, reading what the cache holds, is not charged for it.
        other = Client(REMOTE_ADDR="192.0.2.7")
        assert other.get("/api/v1/rounds/").status_code == 200

    def test_a_dashboard_page_too(self, talks, monkeypatch):
        from negotiations.dashboard import selectors

        slowed(monkeypatch, selectors, "dashboard_data", 0.2)
        client = Client()
        computed = client.get(f"/dashboard/{talks.slug}/")
        assert remaining(computed) <= 1000 - 20
        assert remaining(client.get(f"/dashboard/{talks.slug}/")) == remaining(computed) - 1

    def test_a_refusal_costs_one_unit(self, talks, monkeypatch):
        monkeypatch.setenv("THROTTLE_ANON", "1/minute")
        slowed(monkeypatch, throttling, "admit", 0.05)  # a slow refusal is still one unit
        client = Client()
        client.get(f"/dashboard/{talks.slug}/")
        refused = client.get(f"/dashboard/{talks.slug}/")
        assert refused.status_code == 429 and remaining(refused) == 0

    def test_without_a_unit_every_request_costs_one(self, talks, monkeypatch):
        monkeypatch.setenv("THROTTLE_COST_MS", "0")
        slowed(monkeypatch, agenda, "area_history", 0.05)
        area = talks.rounds.first().agenda_items.first().areas.first()
        client = Client()
        answer = client.get(f"/api/v1/agenda-areas/{area.slug}/history/")
        assert remaining(answer) == 999


class TestDebtIsCarried:
    def charge(self, count: int) -> throttling.Charge:
        return throttling.Charge(cache, "throttle_anon_192.0.2.1", 600, 60, 100, count)

    def test_what_goes_past_the_limit_is_owed_in_the_next_window(self):
        cache.set("throttle_anon_192.0.2.1:600", 90)
        state = self.charge(90).add(30, now=630.0)  # 120 of 100: 20 carried
        assert state.remaining == 0
        assert state.reset == 30  # the next window still has room
        assert cache.get("throttle_anon_192.0.2.1:660") == 20
        assert throttling.count_request(cache, "throttle_anon_192.0.2.1:660", 60) == 21

    def test_a_whole_window_of_debt_says_so(self):
        cache.set("throttle_anon_192.0.2.1:600", 90)
        state = self.charge(90).add(500, now=650.0)
        assert cache.get("throttle_anon_192.0.2.1:660") == 490
        assert state.reset == 10 + 60

    def test_within_the_limit_nothing_is_carried(self):
        cache.set("throttle_anon_192.0.2.1:600", 10)
        assert self.charge(10).add(30, now=610.0).remaining == 60
        assert cache.get("throttle_anon_192.0.2.1:660") is None


class TestCostlyPagesAreCached:
    def test_the_dashboard_is_answered_from_the_cache_until_a_write(
        self, talks, django_assert_num_queries
    ):
        client = Client()
        path = f"/dashboard/{talks.slug}/"
        first = client.get(path)
        with django_assert_num_queries(1):  # the data version
            again = client.get(path)
        assert again.content == first.content
        talks.title = "Renamed talks"
        talks.save()
        bump_data_version()  # as every write does
        assert b"Renamed talks" in client.get(path).content

    @pytest.mark.parametrize(
        "path", ["/api/v1/deadlines.ics", "/api/v1/review/", "/api/v1/review/?kind=uncited_fact"]
    )
    def test_the_calendar_and_the_review_queue_too(
        self, talks, api, path, django_assert_num_queries
    ):
        first = api.get(path)
        assert first.status_code == 200 and first["ETag"]
        with django_assert_num_queries(1):
            again = api.get(path)
        assert (again.content, again["ETag"]) == (first.content, first["ETag"])
        assert api.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    def test_the_calendar_keeps_its_name(self, talks, api):
        api.get("/api/v1/deadlines.ics")
        cached = api.get("/api/v1/deadlines.ics")
        assert cached["Content-Disposition"] == 'inline; filename="deadlines.ics"'
        assert cached["Content-Type"].startswith("text/calendar")

    def test_a_page_depends_on_the_negotiation_it_opens_on(self, talks, settings):
        other = factories.negotiation(title="Other talks")
        settings.DASHBOARD_NEGOTIATION = talks.slug
        assert Client().get("/dashboard/").context["current"] == talks
        settings.DASHBOARD_NEGOTIATION = other.slug
        assert Client().get("/dashboard/").context["current"] == other


@pytest.mark.parametrize(("value", "starts"), [("25", True), ("off", True), ("ten", False)])
def test_the_cost_unit_comes_from_the_environment(value, starts):
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "1",
        "THROTTLE_COST_MS": value,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode == 0) is starts, result.stderr[-500:]
    if not starts:
        assert "THROTTLE_COST_MS must be a number of milliseconds" in result.stderr
