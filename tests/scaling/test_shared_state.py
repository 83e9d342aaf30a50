"""Two server processes against one Redis: one rate limit for both, one cache of answers,
and a write through either (the API, the admin) seen by the very next read from the other.

Each server is its own gunicorn process with one worker, on one SQLite file; requests name
their client by X-Forwarded-For (NUM_PROXIES=1), so that each test counts as its own client.
"""

import time

import pytest

from tests.scaling import live

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture(scope="module")
def pair(redis_url, tmp_path_factory):
    """Two processes, one database and one Redis; the editor's token."""
    import redis

    work = tmp_path_factory.mktemp("shared-state")
    redis.Redis.from_url(redis_url).flushdb()
    env = live.sqlite_env(
        work,
        REDIS_URL=redis_url,
        NUM_PROXIES="1",
        THROTTLE_ANON="8/minute",
        THROTTLE_USER="off",
        THROTTLE_COST_MS="0",  # each request one unit, however long it takes here
    )
    token = live.prepare(env)
    servers = [live.Server(env, work, "a"), live.Server(env, work, "b")]
    yield servers, token, redis.Redis.from_url(redis_url)
    for server in servers:
        server.stop()


def client(number: int) -> dict[str, str]:
    # One host name for both, as behind one proxy: answers hold absolute URLs.
    return {"X-Forwarded-For": f"203.0.113.{number}", "Host": "localhost"}


def test_one_rate_limit_across_two_processes(pair):
    (a, b), _, _ = pair
    number = 10
    first = a.get("/api/v1/parties/", client(number))
    if int(first.headers["ratelimit-reset"]) < 15:  # too close to the next window: wait
        time.sleep(int(first.headers["ratelimit-reset"]) + 1)
        number += 1
        first = a.get("/api/v1/parties/", client(number))
    answers = [first] + [
        (b if n % 2 else a).get("/api/v1/parties/", client(number)) for n in range(1, 10)
    ]
    assert [answer.status for answer in answers] == [200] * 8 + [429, 429]
    assert [answer.headers["ratelimit-remaining"] for answer in answers[:8]] == [
        str(left) for left in range(7, -1, -1)
    ]
    # Another client still has its whole quota, on either process.
    assert b.get("/api/v1/parties/", client(number + 50)).headers["ratelimit-remaining"] == "7"


def answer_keys(redis_client) -> set[bytes]:
    return set(redis_client.scan_iter("*answer*"))


def test_a_write_is_seen_by_the_next_read_from_any_process(pair):
    (a, b), token, redis_client = pair
    created = a.request(
        "POST",
        "/api/v1/sources/",
        {"title": "A wire report", "publisher": "Wire"},
        {"Authorization": f"Token {token}", **client(19)},
    )
    assert created.status == 201, created.body
    path = f"/api/v1/sources/{created.json()['slug']}/"
    reader = client(20)
    before = a.get(path, reader)
    assert before.status == 200
    cached = answer_keys(redis_client)
    assert cached, "the answer was not cached in Redis"

    # The other process answers from the entry the first one stored.
    again = b.get(path, reader)
    assert again.body == before.body and again.headers["etag"] == before.headers["etag"]
    assert answer_keys(redis_client) == cached
    assert b.get(path, {**reader, "If-None-Match": before.headers["etag"]}).status == 304

    # A write through the API of one process: the other's very next read shows it.
    editor = {"Authorization": f"Token {token}", "If-Match": before.headers["etag"]}
    edited = a.request("PATCH", path, {"title": "Edited through the API"}, editor)
    assert edited.status == 200, edited.body
    after = b.get(path, reader)
    assert after.json()["title"] == "Edited through the API"
    assert after.headers["etag"] != before.headers["etag"]
    assert b.get(path, {**reader, "If-None-Match": before.headers["etag"]}).status == 200

    # A write through the admin of that other process: the first one's next read shows it.
    browser = live.Browser(b)
    browser.log_in("scaling-admin", live.ADMIN_PASSWORD)
    change = f"/admin/negotiations/source/{after.json()['id']}/change/"
    fields = [
        (name, "Edited in the admin" if name == "title" else value)
        for name, value in browser.form(change)
    ]
    status, page = browser.open(change, fields)
    assert status == 302, page[:2000]
    seen = a.get(path, reader)
    assert seen.json()["title"] == "Edited in the admin"
    assert seen.headers["etag"] != after.headers["etag"]
