"""How a process decides that a replica may serve reads (tracker/replicas.py), with the
databases' answers stood in: the real replica is in test_replicas.py."""

import datetime

import pytest
from django.core import signing
from django.db import OperationalError
from django.test import RequestFactory, override_settings
from django.utils import timezone

from tracker import replicas

MAX_LAG = 5


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def world(monkeypatch):
    """A primary and a replica whose versions and reachability a test sets."""
    state = {
        "replica": 1,
        "primary": 1,
        "changed_at": timezone.now(),
        "primary_down": False,
    }
    clock = Clock()

    def data_version_on(alias):
        if alias == "default":
            if state["primary_down"]:
                raise OperationalError("connection refused")
            return state["primary"], state["changed_at"]
        return state["replica"], None

    monkeypatch.setattr(replicas, "data_version_on", data_version_on)
    monkeypatch.setattr(replicas.time, "monotonic", clock)
    with override_settings(REPLICA_MAX_LAG=MAX_LAG):
        yield state, clock, replicas.Replicas()


def test_a_replica_that_has_every_write_serves(world):
    _, _, checks = world
    assert checks.problem("replica") is None


def test_missing_writes_lag_from_when_first_seen_even_as_new_ones_come(world):
    state, clock, checks = world
    for second in range(MAX_LAG + 2):
        state["primary"] += 1  # a new write every second, each just made
        state["changed_at"] = timezone.now()
        problem = checks.problem("replica")
        if second <= MAX_LAG:
            assert problem is None, second
        clock.now += 1
    assert "missing writes" in problem


def writes_every_second(state, clock, checks, seconds: int, behind: int) -> list[bool]:
    """Ten writes a second; the replica ``behind`` seconds behind; usable at each check."""
    usable = []
    for _ in range(seconds):
        state["primary"] += 10
        state["replica"] = max(state["primary"] - 10 * behind, 1)
        state["changed_at"] = timezone.now()
        usable.append(checks.problem("replica") is None)
        clock.now += 1
    return usable


def test_a_replica_a_moment_behind_under_steady_writes_serves(world):
    state, clock, checks = world
    assert all(writes_every_second(state, clock, checks, 30, behind=1))


def test_a_replica_steadily_behind_past_the_limit_stays_skipped(world):
    state, clock, checks = world
    usable = writes_every_second(state, clock, checks, 30, behind=MAX_LAG + 2)
    assert not any(usable[MAX_LAG + 2 :]), usable  # never back in use while it stays behind


def test_a_replica_that_catches_up_serves_again(world):
    state, clock, checks = world
    writes_every_second(state, clock, checks, 15, behind=MAX_LAG + 2)
    assert writes_every_second(state, clock, checks, 3, behind=0)[-1]


def test_a_write_missed_long_ago_is_lagging_at_once(world):
    state, _, checks = world
    state["primary"] = 2
    state["changed_at"] = timezone.now() - datetime.timedelta(seconds=MAX_LAG + 1)
    assert "missing writes" in checks.problem("replica")


def test_with_the_primary_down_a_usable_replica_serves_reads(world):
    state, _, checks = world
    state["primary_down"] = True
    assert checks.problem("replica") is None


def test_with_the_primary_down_a_lagging_replica_stays_skipped(world):
    state, _, checks = world
    state["primary"] = 2
    state["changed_at"] = timezone.now() - datetime.timedelta(seconds=MAX_LAG + 1)
    assert checks.problem("replica") is not None
    state["primary_down"] = True
    assert checks.problem("replica") is not None


def test_an_unreachable_primary_is_not_asked_again_at_once(world, monkeypatch):
    state, clock, checks = world
    asked = []
    real = replicas.data_version_on
    monkeypatch.setattr(
        replicas, "data_version_on", lambda alias: asked.append(alias) or real(alias)
    )
    state["primary_down"] = True
    for _ in range(3):
        checks.problem("replica")
    assert asked.count("default") == 1
    clock.now += replicas.RETRY_FAILED_SECONDS + 1
    checks.problem("replica")
    assert asked.count("default") == 2


@override_settings(READ_YOUR_WRITES_SECONDS=10)
def test_only_a_cookie_this_server_signed_recently_reads_from_the_primary(monkeypatch):
    def request_with(cookie: str):
        request = RequestFactory().get("/api/v1/rounds/")
        request.COOKIES[replicas.COOKIE] = cookie
        return request

    signer = signing.TimestampSigner(salt=replicas.SIGNER_SALT)
    assert replicas.sent_to_primary(request_with(signer.sign("primary")))
    assert not replicas.may_read_from_replica(request_with(signer.sign("primary")))
    forged = f"{replicas.time.time() + 10:.3f}"  # the old unsigned form
    assert not replicas.sent_to_primary(request_with(forged))
    assert replicas.may_read_from_replica(request_with(forged))
    assert not replicas.sent_to_primary(request_with(signer.sign("primary") + "x"))
    old = signer.sign("primary")
    later = replicas.time.time() + 11
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert not replicas.sent_to_primary(request_with(old))
