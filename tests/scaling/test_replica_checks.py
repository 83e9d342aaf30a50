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


def test_a_replica_that_catches_up_is_timed_anew(world):
    state, clock, checks = world
    state["primary"] = 2
    assert checks.problem("replica") is None
    clock.now += MAX_LAG - 1
    state["replica"], state["primary"] = 2, 3  # reached what it missed; misses a new write
    assert checks.problem("replica") is None
    clock.now += MAX_LAG - 1
    assert checks.problem("replica") is None
    clock.now += 2
    assert checks.problem("replica") is not None


def test_a_write_missed_long_ago_is_lagging_at_once(world):
    state, _, checks = world
    state["primary"] = 2
    state["changed_at"] = timezone.now() - datetime.timedelta(seconds=MAX_LAG + 1)
    assert "missing writes" in checks.problem("replica")


def test_with_the_primary_down_the_replica_serves_reads(world):
    state, _, checks = world
    state["primary_down"] = True
    assert checks.problem("replica") is None


@override_settings(READ_YOUR_WRITES_SECONDS=10)
def test_only_a_cookie_this_server_signed_recently_reads_from_the_primary(monkeypatch):
    def request_with(cookie: str):
        request = RequestFactory().get("/api/v1/rounds/")
        request.COOKIES[replicas.COOKIE] = cookie
        return request

    signer = signing.TimestampSigner(salt=replicas.SIGNER_SALT)
    assert replicas.primary_until(request_with(signer.sign("primary"))) > 0
    assert not replicas.may_read_from_replica(request_with(signer.sign("primary")))
    forged = f"{replicas.time.time() + 10:.3f}"  # the old unsigned form
    assert replicas.primary_until(request_with(forged)) == 0
    assert replicas.primary_until(request_with(signer.sign("primary") + "x")) == 0
    old = signer.sign("primary")
    later = replicas.time.time() + 11
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert replicas.primary_until(request_with(old)) == 0
