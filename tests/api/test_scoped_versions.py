"""Scoped versions: a write moves the versions of the negotiations it changed (and of the
shared vocabulary when it changed a party, person, area, source...), so answers about other
negotiations keep their cached copies and their ETags; the answers that show the changed
record change at once. Lists and answers across negotiations still follow every write."""

import pytest

from negotiations import models
from negotiations.domain.versioning import bump_data_version
from negotiations.domain.writes import (
    create_record,
    delete_record,
    set_citation_links,
    update_record,
)
from tests import factories

pytestmark = pytest.mark.django_db

# The answers about one negotiation: its round, the round's agenda changes, the
# negotiation's agenda changes and matrix, its dashboard page and a cell of its matrix.
ABOUT_ONE = [
    "/api/v1/rounds/{round}/",
    "/api/v1/rounds/{round}/agenda-changes/",
    "/api/v1/negotiations/{talks}/agenda-changes/",
    "/api/v1/negotiations/{talks}/agenda-matrix/",
    "/dashboard/{talks}/",
    "/dashboard/{talks}/cell/?round={round}&area={area}",
]
# Fewer of them, for the tests of what each kind of write changes.
SOME = [ABOUT_ONE[0], ABOUT_ONE[3], ABOUT_ONE[4]]
# Answers across negotiations: every write moves them.
ACROSS = ["/api/v1/rounds/", "/api/v1/agenda-areas/{area}/history/"]


def build(steel):
    talks = factories.negotiation()
    factories.round(talks, 1, agenda={"steel": steel, "fx": factories.area()})
    second = factories.round(talks, 2, agenda={"steel": steel})
    return {"talks": talks.slug, "round": second.slug, "area": steel.slug}


@pytest.fixture
def two():
    """Two negotiations sharing an agenda area: ``edited`` is written to, ``other`` not."""
    steel = factories.area()
    return build(steel), build(steel)


def urls(names, built):
    return [url.format(**built) for url in names]


def tags(client, names, built) -> dict[str, str]:
    found = {}
    for url in urls(names, built):
        answer = client.get(url)
        assert answer.status_code == 200, url
        found[url] = answer["ETag"]
    return found


def assert_cached(client, tagged, django_assert_num_queries):
    """Each answer is still a 304 for its ETag, and from the cache for one query."""
    for url, tag in tagged.items():
        assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304, url
        with django_assert_num_queries(1):  # the versions; the answer from the cache
            again = client.get(url)
        assert again.status_code == 200 and again["ETag"] == tag, url


def assert_changed(client, tagged):
    for url, tag in tagged.items():
        assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 200, url
        assert client.get(url)["ETag"] != tag, url


def test_a_write_to_one_negotiation_leaves_anothers_answers_cached(
    api, editor, two, django_assert_num_queries
):
    edited, other = two
    other_tags = tags(api, ABOUT_ONE, other)
    edited_tags = tags(api, ABOUT_ONE, edited)
    across = tags(api, ACROSS, other)
    path = f"/api/v1/rounds/{edited['round']}/"
    answer = editor.patch(path, {"summary": "Edited."}, HTTP_IF_MATCH=api.get(path)["ETag"])
    assert answer.status_code == 200
    assert_cached(api, other_tags, django_assert_num_queries)
    # Exactly the answers that show the round changed: all about its negotiation...
    assert_changed(api, edited_tags)
    assert api.get(path).json()["summary"] == "Edited."
    # ... and the lists and answers across negotiations.
    assert_changed(api, across)


def test_what_an_agenda_item_and_a_deletion_change(api, two, django_assert_num_queries):
    edited, other = two
    other_tags = tags(api, SOME, other)
    edited_tags = tags(api, SOME, edited)
    item = models.AgendaItem.objects.filter(round__slug=edited["round"]).get()
    update_record(record=item, fields={"label": "Steel and aluminium"})
    assert_cached(api, other_tags, django_assert_num_queries)
    assert_changed(api, edited_tags)
    edited_tags = tags(api, SOME, edited)
    delete_record(record=models.Round.objects.get(slug=edited["round"]).negotiation.rounds.first())
    assert_cached(api, other_tags, django_assert_num_queries)
    assert_changed(api, edited_tags)


def test_a_round_moved_to_another_negotiation_changes_both(api, two):
    edited, other = two
    both = tags(api, SOME, edited) | tags(api, SOME, other)
    round_ = models.Round.objects.get(slug=edited["round"])
    target = models.Negotiation.objects.get(slug=other["talks"])
    update_record(record=round_, fields={"negotiation": target, "sequence": 9})
    assert_changed(api, both)


def test_the_shared_vocabulary_changes_every_negotiations_answers(api, two):
    edited, other = two
    every = tags(api, SOME, edited) | tags(api, SOME, other)
    area = models.AgendaArea.objects.get(slug=edited["area"])
    update_record(record=area, fields={"name": "Steel, renamed"})
    assert_changed(api, every)


def test_a_new_citation_changes_nothing_until_a_record_cites_it(
    api, two, django_assert_num_queries
):
    edited, other = two
    other_tags = tags(api, SOME, other)
    edited_tags = tags(api, SOME, edited)
    source = factories.source()
    bump_data_version()  # the source, made by the factory outside the write services
    other_tags, edited_tags = tags(api, SOME, other), tags(api, SOME, edited)
    citation = create_record(
        model=models.Citation, fields={"slug": "new-quote", "source": source, "quote": "Said."}
    )
    assert_cached(api, other_tags | edited_tags, django_assert_num_queries)
    set_citation_links(record=models.Round.objects.get(slug=edited["round"]), links=[citation])
    assert_cached(api, other_tags, django_assert_num_queries)
    assert_changed(api, edited_tags)


def test_a_version_moved_by_hand_changes_every_answer(api, two):
    edited, other = two
    every = tags(api, SOME, edited) | tags(api, SOME, other)
    bump_data_version()  # a data migration, a bulk load: it does not say what it changed
    assert_changed(api, every)


def test_the_dashboard_pages_carry_etags(client, two):
    edited, _ = two
    page = client.get(f"/dashboard/{edited['talks']}/")
    assert page["ETag"] and page["Cache-Control"] == "no-cache"
    tag = page["ETag"]
    assert client.get(f"/dashboard/{edited['talks']}/", HTTP_IF_NONE_MATCH=tag).status_code == 304
    # Another query is another page, with its own tag; a 400 has none.
    assert client.get(f"/dashboard/{edited['talks']}/?as_of=2025-05-16")["ETag"] != tag
    refused = client.get(f"/dashboard/{edited['talks']}/?as_of=someday")
    assert refused.status_code == 400 and not refused.has_header("ETag")
