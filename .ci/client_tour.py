"""A short tour of the API through a client generated from its live schema (.ci/client.sh):
what a dashboard or a script does, typed end to end. Reads anonymously, writes with a token.

    python .ci/client_tour.py BASE_URL TOKEN     # with the generated tracker_client importable

Exits non-zero (an assertion or the client's own error) if any step fails.
"""

import datetime
import sys
from urllib.parse import parse_qs, urlsplit

from tracker_client import AuthenticatedClient, Client
from tracker_client.api.agenda_items import agenda_items_create
from tracker_client.api.deadlines import deadlines_list
from tracker_client.api.negotiations import negotiations_agenda_matrix_retrieve
from tracker_client.api.rounds import (
    rounds_agenda_changes_retrieve,
    rounds_list,
    rounds_partial_update,
    rounds_retrieve,
)
from tracker_client.models import (
    AgendaChanges,
    AgendaItem,
    AgendaItemRequest,
    AgendaMatrix,
    Error,
    PaginatedDeadlineList,
    PaginatedRoundList,
    PatchedRoundRequest,
    Round,
)

TALKS = "kr-us-tariff-talks-2025"
JEJU = "jeju-ministerial-2025-05-16"
WASHINGTON = "washington-2plus2-2025-04-24"
NEXT_ROUND = "technical-2-week-of-2025-05-19"


def cursor_of(url: str | None) -> str | None:
    return parse_qs(urlsplit(url).query)["cursor"][0] if url else None


def main(base_url: str, token: str) -> None:
    # raise_on_unexpected_status: an undocumented status is an error, not a silent None.
    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)

    # Every round, two at a time, following the cursor in `next`.
    slugs, cursor = [], ""
    while cursor is not None:
        page = rounds_list.sync(client=anonymous, cursor=cursor, page_size=2)
        assert isinstance(page, PaginatedRoundList), page
        assert page.count is None  # a cursor list is not counted
        assert all(isinstance(item, Round) for item in page.results)  # no sparse fallback
        slugs += [item.slug for item in page.results]
        cursor = cursor_of(page.next_)
    assert JEJU in slugs and len(slugs) == len(set(slugs)), slugs
    print(f"rounds (cursor paging, 2 a page): {len(slugs)}")

    answer = rounds_retrieve.sync_detailed(JEJU, client=anonymous)
    jeju = answer.parsed
    assert isinstance(jeju, Round), jeju
    etag = answer.headers["ETag"]
    print(f"round: {jeju.title} ({jeju.start_date}, {jeju.level}, agenda {jeju.agenda_status})")

    changes = rounds_agenda_changes_retrieve.sync(JEJU, client=anonymous)
    assert isinstance(changes, AgendaChanges), changes
    dropped = sorted(entry.name for entry in changes.dropped)
    assert "Currency policy" in dropped, dropped
    # Jeju is compared with the 1 May announcement, whose list no source disputes.
    assert changes.compared_to is not None and not changes.contested
    print(f"agenda changes against {changes.compared_to.slug}: dropped {dropped}")
    # The 24 April lists disagree about currency policy (Reuters leaves it out).
    washington = rounds_agenda_changes_retrieve.sync(WASHINGTON, client=anonymous)
    assert isinstance(washington, AgendaChanges) and washington.contested, washington
    disputed = [entry.slug for entry in washington.first_reported if entry.disputes]
    assert disputed == ["currency-policy"], disputed

    matrix = negotiations_agenda_matrix_retrieve.sync(TALKS, client=anonymous)
    assert isinstance(matrix, AgendaMatrix), matrix
    print(f"agenda matrix: {len(matrix.areas)} areas x {len(matrix.rounds)} rounds")

    deadlines = deadlines_list.sync(client=anonymous, as_of=datetime.date(2025, 5, 16))
    assert isinstance(deadlines, PaginatedDeadlineList), deadlines
    statuses = {
        item.slug: (item.days_remaining, item.deadline_status.value) for item in deadlines.results
    }
    assert statuses["tariff-pause-expiry-2025-07-08"] == (53, "upcoming"), statuses
    print(f"deadlines as of 2025-05-16: {statuses}")

    editor = AuthenticatedClient(
        base_url=base_url, token=token, prefix="Token", raise_on_unexpected_status=True
    )
    # An agenda item by label: the area is resolved through its aliases.
    created = agenda_items_create.sync_detailed(
        client=editor, body=AgendaItemRequest(round_=NEXT_ROUND, label="monetary policy")
    )
    item = created.parsed
    assert created.status_code == 201 and isinstance(item, AgendaItem), created.content
    assert [area.slug for area in item.areas] == ["currency-policy"], item.areas
    assert created.headers["Location"].endswith(f"/api/v1/agenda-items/{item.slug}/")
    print(f"created agenda item {item.slug}: area {item.areas[0].slug}")

    # An edit with If-Match: applied against the ETag just read, refused (412) once stale.
    patch = PatchedRoundRequest(outcomes="Six areas agreed.")
    updated = rounds_partial_update.sync_detailed(JEJU, client=editor, body=patch, if_match=etag)
    assert updated.status_code == 200 and isinstance(updated.parsed, Round), updated.content
    stale = rounds_partial_update.sync_detailed(JEJU, client=editor, body=patch, if_match=etag)
    assert stale.status_code == 412 and isinstance(stale.parsed, Error), stale.content
    assert stale.parsed.code == "precondition_failed"
    print(f"PATCH with If-Match: 200, then {stale.status_code} {stale.parsed.code}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
